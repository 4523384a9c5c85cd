package redact

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"unicode/utf8"
)

// maxErrorBody is how much of an error answer is kept: enough for any API's message.
const maxErrorBody = 64 << 10

// Transport redacts the secrets from the body of every error answer (status 400 and up)
// before the API client reads it, so that a server echoing a token cannot get it into an
// error message, whichever code later describes that error.
type Transport struct {
	Base    http.RoundTripper // http.DefaultTransport when nil
	Secrets []string
}

func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(req)
	if err != nil || resp.StatusCode < 400 {
		return resp, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody+1))
	_ = resp.Body.Close()
	switch {
	case err != nil:
		body = nil // what was read may be cut inside a token; drop it
	case len(body) > maxErrorBody:
		body = dropCutSecret(body[:maxErrorBody], t.Secrets)
	}
	body = JSON(body, t.Secrets...)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	return resp, nil
}

// dropCutSecret ends a body cut short before the visible characters that could be the
// start of a secret the cut went through: a secret of n characters leaves at most n-1 of
// them, which no search for the whole of it would find.
func dropCutSecret(body []byte, secrets []string) []byte {
	longest := 0
	for _, sec := range secrets {
		longest = max(longest, utf8.RuneCountInString(sec))
	}
	for drop := longest - 1; drop > 0 && len(body) > 0; {
		r, n := utf8.DecodeLastRune(body)
		body = body[:len(body)-n]
		if !invisible(r) {
			drop--
		}
	}
	return body
}

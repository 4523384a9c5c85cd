package redact

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
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
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	_ = resp.Body.Close()
	if err != nil {
		body = nil // what was read may be cut inside a token; drop it
	}
	body = JSON(body, t.Secrets...)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	return resp, nil
}

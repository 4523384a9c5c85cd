package httpx

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// RedirectError says why a redirect was not followed.
type RedirectError struct {
	From, To *url.URL
	Method   string // of the original request
	Setting  string // the config key of the base URL, e.g. "gitlab.url"
}

func (e *RedirectError) Error() string {
	from, to := hostOf(e.From), hostOf(e.To)
	switch {
	case e.Method != http.MethodGet && e.Method != http.MethodHead:
		return fmt.Sprintf("%s redirected a %s to %s; oncall never sends a write twice; set %s to the final address", from, e.Method, to, e.Setting)
	case e.From.Scheme == "https" && e.To.Scheme != "https":
		return fmt.Sprintf("%s redirected to %s over plain http; oncall does not send the token unencrypted; set %s to the final address", from, to, e.Setting)
	}
	return fmt.Sprintf("%s redirected to %s; oncall does not send the token there; set %s to the final address", from, to, e.Setting)
}

// hostOf is the host with its port when not the scheme's default, and its scheme when it
// is not https (so that an http/https downgrade on the same host reads right).
func hostOf(u *url.URL) string {
	h := u.Host
	if u.Scheme != "https" {
		h = u.Scheme + "://" + h
	}
	return h
}

// maxRedirects stops a redirect loop on the same host.
const maxRedirects = 5

// CheckRedirect is an http.Client.CheckRedirect that follows a redirect only for a read
// (GET, HEAD) and only to the scheme, host and port of the first request. Go's client drops
// Authorization and Cookie on a cross-host redirect but keeps custom headers such as GitLab's
// PRIVATE-TOKEN, and re-sends a POST's body on a 307/308. setting names the config key of the
// base URL, for the error.
func CheckRedirect(setting string) func(req *http.Request, via []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		first := via[0]
		if first.Method != http.MethodGet && first.Method != http.MethodHead ||
			req.URL.Scheme != first.URL.Scheme || !sameHostPort(req.URL, first.URL) {
			return &RedirectError{From: via[len(via)-1].URL, To: req.URL, Method: first.Method, Setting: setting}
		}
		if len(via) >= maxRedirects {
			return fmt.Errorf("%s: stopped after %d redirects", hostOf(first.URL), len(via))
		}
		return nil
	}
}

func sameHostPort(a, b *url.URL) bool {
	return strings.EqualFold(a.Hostname(), b.Hostname()) && port(a) == port(b)
}

func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if u.Scheme == "https" {
		return "443"
	}
	return "80"
}

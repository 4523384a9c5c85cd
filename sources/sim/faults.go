package sim

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Fault makes one source of the simulator misbehave, so every failure the dashboard must
// survive can be shown in the demo and tested.
type Fault struct {
	Kind    string        // latency, errors, 429, 503, html, hang, truncated, malformed, escapes, huge
	Latency time.Duration // latency: added to every answer
	Rate    float64       // errors: the share of requests that fail with a 500
	After   time.Duration // 429, 503: the Retry-After sent
}

// FaultSources are the names faults are set on: one per dashboard source.
var FaultSources = []string{"queue", "oncall", "handoffs", "rotation", "pages"}

// ParseFault reads SOURCE=KIND[:ARG], e.g. "queue=429:40s", "rotation=hang",
// "pages=latency:3s", "all=errors:0.3".
func ParseFault(s string) (sources []string, f Fault, err error) {
	src, spec, ok := strings.Cut(s, "=")
	if !ok {
		return nil, f, fmt.Errorf("fault %q: want SOURCE=KIND[:ARG], e.g. queue=429:40s", s)
	}
	switch {
	case src == "all":
		sources = FaultSources
	case contains(FaultSources, src):
		sources = []string{src}
	default:
		return nil, f, fmt.Errorf("fault %q: unknown source %q; use one of %s or all", s, src, strings.Join(FaultSources, ", "))
	}
	kind, arg, _ := strings.Cut(spec, ":")
	f.Kind = kind
	switch kind {
	case "latency":
		if f.Latency, err = time.ParseDuration(arg); err != nil || f.Latency <= 0 {
			return nil, f, fmt.Errorf("fault %q: latency needs a duration, e.g. latency:3s", s)
		}
	case "errors":
		if f.Rate, err = strconv.ParseFloat(arg, 64); err != nil || f.Rate <= 0 || f.Rate > 1 {
			return nil, f, fmt.Errorf("fault %q: errors needs a rate in (0, 1], e.g. errors:0.3", s)
		}
	case "429", "503":
		f.After = 30 * time.Second
		if arg != "" {
			if f.After, err = time.ParseDuration(arg); err != nil {
				return nil, f, fmt.Errorf("fault %q: %s takes a Retry-After duration, e.g. %s:40s", s, kind, kind)
			}
		}
	case "html", "hang", "truncated", "malformed", "escapes", "huge":
		if arg != "" {
			return nil, f, fmt.Errorf("fault %q: %s takes no argument", s, kind)
		}
	default:
		return nil, f, fmt.Errorf("fault %q: unknown kind %q; use latency, errors, 429, 503, html, hang, truncated, malformed, escapes or huge", s, kind)
	}
	return sources, f, nil
}

// SetFault makes source misbehave; a zero Fault (Kind "") clears it.
func (s *Sim) SetFault(source string, f Fault) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	if s.faults == nil {
		s.faults = map[string]Fault{}
	}
	if f.Kind == "" {
		delete(s.faults, source)
		return
	}
	s.faults[source] = f
}

func (s *Sim) fault(source string) (Fault, bool) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	f, ok := s.faults[source]
	return f, ok
}

// sourceOf tells which dashboard source a request serves.
func (s *Sim) sourceOf(r *http.Request) string {
	p := r.URL.EscapedPath()
	switch {
	case p == "/oncalls" || strings.HasPrefix(p, "/schedules/"):
		return "rotation"
	case p == "/incidents" || strings.HasPrefix(p, "/incidents/") || p == "/users/me" || p == "/users":
		return "pages"
	case p == "/api/v4/user" || p == "/api/v4/users":
		return "handoffs"
	}
	for src, project := range map[string]string{"queue": s.opts.ProductionProject, "oncall": s.opts.OncallProject, "handoffs": s.opts.HandoffProject} {
		if strings.HasPrefix(p, "/api/v4/projects/"+url.PathEscape(project)+"/") {
			return src
		}
	}
	return ""
}

// withFaults applies the fault of the request's source, if any.
func (s *Sim) withFaults(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := s.fault(s.sourceOf(r))
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		pd := !strings.HasPrefix(r.URL.Path, "/api/v4/")
		switch f.Kind {
		case "latency":
			select {
			case <-time.After(f.Latency):
			case <-r.Context().Done():
				return
			}
			next.ServeHTTP(w, r)
		case "errors":
			if rand.Float64() >= f.Rate {
				next.ServeHTTP(w, r)
				return
			}
			if pd {
				writePDError(w, http.StatusInternalServerError, 2999, "Internal Server Error")
			} else {
				writeGLError(w, http.StatusInternalServerError, "500 Internal Server Error")
			}
		case "429":
			if pd {
				// PagerDuty promises the ratelimit-* headers, not Retry-After (its REST API
				// Rate Limits page): ratelimit-reset is the seconds to wait.
				w.Header().Set("ratelimit-limit", "960")
				w.Header().Set("ratelimit-remaining", "0")
				w.Header().Set("ratelimit-reset", strconv.Itoa(int(f.After.Seconds())))
				writePDError(w, http.StatusTooManyRequests, 2020, "Rate Limit Exceeded")
				return
			}
			// GitLab answers a 429 in plain text, with Retry-After and RateLimit-* headers.
			w.Header().Set("Retry-After", strconv.Itoa(int(f.After.Seconds())))
			w.Header().Set("RateLimit-Limit", "2000")
			w.Header().Set("RateLimit-Remaining", "0")
			w.Header().Set("RateLimit-Reset", strconv.FormatInt(time.Now().Add(f.After).Unix(), 10))
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte("Retry later\n"))
		case "503":
			w.Header().Set("Retry-After", strconv.Itoa(int(f.After.Seconds())))
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("<html><body><h1>503 Service Unavailable</h1>Back soon.</body></html>"))
		case "html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte("<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"))
		case "hang":
			<-r.Context().Done() // until the client gives up
		case "truncated", "malformed", "escapes", "huge":
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			body := rec.Body.Bytes()
			switch f.Kind {
			case "truncated":
				body = body[:len(body)/2]
			case "malformed":
				body = malform(body)
			case "escapes":
				body = bytes.ReplaceAll(body, []byte(`"title":"`), []byte(`"title":"\u001b[2J\u001b]52;c;cm0gLXJmIH4=\u0007\u001b]8;;https://evil.example\u001b\\\u202eevil\u009b31m `))
				body = bytes.ReplaceAll(body, []byte(`"summary":"`), []byte(`"summary":"\u001b[31m\u0007`))
			case "huge":
				body = huge(body)
			}
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.Header().Del("Content-Length")
			w.WriteHeader(rec.Code)
			_, _ = w.Write(body)
		}
	})
}

// malform breaks the types while keeping the JSON valid: numbers become strings, times
// numbers, lists objects.
var malformations = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`"iid":(\d+)`), `"iid":"$1"`},
	{regexp.MustCompile(`"created_at":"[^"]*"`), `"created_at":1700000000`},
	{regexp.MustCompile(`"more":(true|false)`), `"more":"$1"`},
	{regexp.MustCompile(`"start":"[^"]*"`), `"start":{"at":"now"}`},
	{regexp.MustCompile(`"status":"(triggered|acknowledged)"`), `"status":["$1"]`},
}

func malform(body []byte) []byte {
	for _, m := range malformations {
		body = m.re.ReplaceAll(body, []byte(m.with))
	}
	return body
}

// huge adds 10 MB of padding inside the first object, so the JSON stays valid.
func huge(body []byte) []byte {
	i := bytes.IndexByte(body, '{')
	if i < 0 {
		return body
	}
	pad := `"padding":"` + strings.Repeat("x", 10<<20) + `",`
	return append(append(append([]byte{}, body[:i+1]...), pad...), body[i+1:]...)
}

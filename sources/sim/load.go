package sim

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// withLoad applies opts.Load to every request: the latency first (the round trip), then
// gitlab.com's rate limit on the GitLab API.
func (s *Sim) withLoad(next http.Handler) http.Handler {
	limit := s.opts.GitLabRateLimit
	now := s.opts.Load.now
	if now == nil {
		now = time.Now
	}
	rl := &glRateLimit{limit: limit, now: now, byToken: map[string]*glWindow{}}
	latency := s.opts.Latency
	if latency <= 0 && limit <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if latency > 0 {
			t := time.NewTimer(latency)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return // the client gave up: nobody reads an answer
			}
		}
		if limit > 0 && strings.HasPrefix(r.URL.Path, "/api/v4/") && !rl.admit(w, r) {
			return
		}
		next.ServeHTTP(w, r)
	})
}

// glRateLimit is gitlab.com's authenticated API throttle (Rack::Attack's
// throttle_authenticated_api): limit requests per user in fixed windows of a minute
// aligned to the clock. Rack::Attack keys its counter by Unix time / period
// (rack-attack lib/rack/attack/cache.rb, key_and_expiry), so a window starts on the
// minute, not at a client's first request, and RateLimit-Reset is the next minute.
type glRateLimit struct {
	limit int
	now   func() time.Time

	mu      sync.Mutex
	byToken map[string]*glWindow
}

type glWindow struct {
	minute int64 // Unix time / 60 of the window
	used   int
}

// take counts one request of tok and returns how many the window has seen, with this one,
// and when it ends.
func (rl *glRateLimit) take(tok string) (observed int, reset time.Time) {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	t := rl.now()
	minute := t.Unix() / 60
	win := rl.byToken[tok]
	if win == nil || win.minute != minute {
		if len(rl.byToken) > 1000 {
			rl.byToken = map[string]*glWindow{} // a fixture: forget rather than grow
		}
		win = &glWindow{minute: minute}
		rl.byToken[tok] = win
	}
	win.used++
	return win.used, time.Unix((minute+1)*60, 0)
}

// admit counts the request and writes the headers gitlab.com sends with every API answer
// ("User and IP rate limits", Response headers, in GitLab's administration docs):
// RateLimit-Name, -Limit, -Observed, -Remaining and -Reset (Unix time). Past the limit it
// answers 429 itself, adding RateLimit-ResetTime (an HTTP date) and Retry-After (seconds),
// with GitLab's plain-text body "Retry later", and returns false.
func (rl *glRateLimit) admit(w http.ResponseWriter, r *http.Request) bool {
	tok := r.Header.Get("Private-Token")
	if tok == "" {
		tok = r.Header.Get("Authorization")
	}
	observed, reset := rl.take(tok)
	h := w.Header()
	h.Set("RateLimit-Name", "throttle_authenticated_api")
	h.Set("RateLimit-Limit", strconv.Itoa(rl.limit))
	h.Set("RateLimit-Observed", strconv.Itoa(observed))
	h.Set("RateLimit-Remaining", strconv.Itoa(max(rl.limit-observed, 0)))
	h.Set("RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	if observed <= rl.limit {
		return true
	}
	wait := reset.Sub(rl.now())
	h.Set("RateLimit-ResetTime", reset.UTC().Format(http.TimeFormat))
	h.Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
	h.Set("Content-Type", "text/plain")
	w.WriteHeader(http.StatusTooManyRequests)
	_, _ = w.Write([]byte("Retry later\n"))
	return false
}

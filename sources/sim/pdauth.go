package sim

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// pagerDutyRoutes serves the PagerDuty REST v2 subset oncall uses, at the root.
func (s *Sim) pagerDutyRoutes(mux *http.ServeMux) {
	read := func(h pdHandler) http.HandlerFunc { return s.pdAPI(false, h) }
	write := func(h pdHandler) http.HandlerFunc { return s.pdAPI(true, h) }
	mux.HandleFunc("GET /oncalls", read(s.serveOnCalls))
	mux.HandleFunc("GET /schedules/{id}", read(s.serveSchedule))
	mux.HandleFunc("GET /schedules/{id}/users", read(s.serveScheduleUsers))
	mux.HandleFunc("GET /incidents", read(s.serveIncidents))
	mux.HandleFunc("GET /incidents/{id}", read(s.serveIncident))
	mux.HandleFunc("GET /incidents/{id}/alerts", read(s.serveAlerts))
	mux.HandleFunc("GET /incidents/{id}/notes", read(s.serveNotes))
	mux.HandleFunc("GET /users/me", read(s.serveMe))
	mux.HandleFunc("GET /users", read(s.servePDUsers))
	mux.HandleFunc("PUT /incidents/{id}", write(s.serveUpdateIncident))
	mux.HandleFunc("PUT /incidents", write(s.serveUpdateIncidents))
}

// caller is who a request speaks for: a user key's user, or nobody (an account-level key).
type caller struct {
	token string
	user  *person
}

type pdHandler func(http.ResponseWriter, *http.Request, caller)

// pdAPI authenticates like PagerDuty (401 without a known key), counts the request against
// the key's rate limit and says so in the ratelimit-* headers of every answer (429 past
// the limit), and answers 403 to a write with a read-only key.
func (s *Sim) pdAPI(write bool, h pdHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Token token=")
		if !ok || tok == "" {
			writePDError(w, http.StatusUnauthorized, 2006, "Authentication failed")
			return
		}
		c := caller{token: tok}
		if username, isUser := strings.CutPrefix(tok, userTokenPrefix); isUser {
			if c.user = s.personByUsername(username); c.user == nil {
				writePDError(w, http.StatusUnauthorized, 2006, "Authentication failed")
				return
			}
		}
		limit := s.opts.PagerDuty.RateLimit
		if limit <= 0 {
			limit = 960
		}
		remaining, reset := s.pd.rate.take(tok, limit, time.Now())
		w.Header().Set("ratelimit-limit", strconv.Itoa(limit))
		w.Header().Set("ratelimit-remaining", strconv.Itoa(max(remaining, 0)))
		w.Header().Set("ratelimit-reset", strconv.Itoa(int((reset+time.Second-1)/time.Second)))
		if remaining < 0 {
			writePDError(w, http.StatusTooManyRequests, 2020, "Rate Limit Exceeded")
			return
		}
		if write && s.opts.PagerDuty.ReadOnly {
			writePDError(w, http.StatusForbidden, 2010, "Access Denied")
			return
		}
		h(w, r, c)
	}
}

// rateWindows counts requests per key in fixed one-minute windows.
type rateWindows struct {
	mu      sync.Mutex
	byToken map[string]*rateWindow
}

type rateWindow struct {
	start time.Time
	used  int
}

// take counts one request of tok and returns what is left in its window (negative: over
// the limit) and when the window resets.
func (rw *rateWindows) take(tok string, limit int, now time.Time) (remaining int, reset time.Duration) {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if rw.byToken == nil || len(rw.byToken) > 1000 {
		rw.byToken = map[string]*rateWindow{} // a fixture: forget rather than grow
	}
	win := rw.byToken[tok]
	if win == nil || now.Sub(win.start) >= time.Minute {
		win = &rateWindow{start: now}
		rw.byToken[tok] = win
	}
	win.used++
	return limit - win.used, win.start.Add(time.Minute).Sub(now)
}

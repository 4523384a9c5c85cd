package hub_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/hub"
	"github.com/oncall-sre/oncall/sources/sim"
)

// spentBudget says, on every GitLab answer, that no request is left until an hour after
// the server's own clock: gitlab.com's RateLimit-* headers when the budget is spent.
func spentBudget(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&spentWriter{ResponseWriter: w}, r)
	})
}

type spentWriter struct{ http.ResponseWriter }

func (w *spentWriter) WriteHeader(code int) {
	h := w.Header()
	if at, err := http.ParseTime(h.Get("Date")); err == nil {
		h.Set("RateLimit-Limit", "2000")
		h.Set("RateLimit-Remaining", "0")
		h.Set("RateLimit-Reset", strconv.FormatInt(at.Add(time.Hour).Unix(), 10))
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *spentWriter) Write(b []byte) (int, error) { return w.ResponseWriter.Write(b) }

// The wait the pacer learns from RateLimit-Reset is capped at max_server_wait, as a
// Retry-After is: the source is told to come back in a minute, not in an hour.
func TestTheRateLimitsWaitIsCappedAtMaxServerWait(t *testing.T) {
	h, _ := simHub(t, sim.DefaultOptions(now), spentBudget, func(c *hub.Config) { c.MaxServerWait = time.Minute })
	var ra *model.RetryAfterError
	for range 3 { // the first answers tell the pacer the budget is spent
		_, err := h.Fetch(context.Background(), model.SourceQueue, now)
		if errors.As(err, &ra) {
			break
		}
	}
	if ra == nil {
		t.Fatal("a spent budget did not make the queue wait")
	}
	if ra.After > time.Minute {
		t.Fatalf("told to come back in %s; max_server_wait is 1m", ra.After)
	}
}

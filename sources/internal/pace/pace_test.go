package pace

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/sources/internal/httpx"
)

var start = time.Date(2026, 11, 23, 14, 30, 10, 0, time.UTC)

// clock is a fake clock: a sleep moves it forward to the sleeper's wake-up time (at least),
// so waits cost no real time and the server below counts by the same clock.
type clock struct {
	mu    sync.Mutex
	t     time.Time
	slept time.Duration
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) SleepUntil(ctx context.Context, until time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if until.After(c.t) {
		c.slept += until.Sub(c.t)
		c.t = until
	}
	return ctx.Err()
}

func (c *clock) limiter() *Limiter { return &Limiter{Now: c.Now, SleepUntil: c.SleepUntil} }

// window is gitlab.com's throttle: limit requests per minute, in windows aligned to the
// minute, with its headers on every answer and a 429 past the limit.
type window struct {
	limit int
	clock *clock

	mu      sync.Mutex
	counts  map[int64]int // requests by minute, 429s included
	refused int
	atStart int // requests before the clock moved: sent without waiting
}

func (w *window) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	now := w.clock.Now()
	minute := now.Unix() / 60
	w.mu.Lock()
	w.counts[minute]++
	n := w.counts[minute]
	if now.Equal(start) {
		w.atStart++
	}
	if n > w.limit {
		w.refused++
	}
	w.mu.Unlock()
	h := rw.Header()
	reset := (minute + 1) * 60
	h.Set("Date", now.Format(http.TimeFormat))
	h.Set("RateLimit-Limit", strconv.Itoa(w.limit))
	h.Set("RateLimit-Remaining", strconv.Itoa(max(w.limit-n, 0)))
	h.Set("RateLimit-Reset", strconv.FormatInt(reset, 10))
	if n > w.limit {
		h.Set("Retry-After", strconv.FormatInt(reset-now.Unix(), 10))
		rw.WriteHeader(http.StatusTooManyRequests)
		return
	}
	_, _ = rw.Write([]byte("[]"))
}

func get(ctx context.Context, c *http.Client, url string) error {
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return errors.New(resp.Status)
	}
	return nil
}

// Many goroutines, four times the limit: no window sees more than the limit, nobody is
// refused, and the first window's budget is spent at once (a burst), not trickled.
func TestPacingNeverExceedsTheLimit(t *testing.T) {
	c := &clock{t: start}
	w := &window{limit: 100, clock: c, counts: map[int64]int{}}
	srv := httptest.NewServer(w)
	defer srv.Close()
	l := c.limiter()
	client := &http.Client{Transport: &Transport{Limiter: l}}
	const workers, each = 20, 20 // 400 requests
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				if err := get(context.Background(), client, srv.URL); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("request failed: %v", err)
	}
	if w.refused > 0 {
		t.Errorf("%d requests refused with 429", w.refused)
	}
	total := 0
	for minute, n := range w.counts {
		total += n
		if n > w.limit {
			t.Errorf("minute %d saw %d requests; the limit is %d", minute, n, w.limit)
		}
	}
	if total != workers*each {
		t.Errorf("%d requests reached the server; want %d", total, workers*each)
	}
	// A burst: while the budget is not low, requests go without waiting (client-go's
	// limiter lets 10 go, then 0.66 x the limit a minute). The estimate is cautious with 20
	// in flight (some may not be counted yet), and those in flight when a wait moves the
	// clock are served after it: more than half go at once.
	if w.atStart <= w.limit/2 {
		t.Errorf("%d requests went before any wait; want a burst of most of the window's %d", w.atStart, w.limit)
	}
}

// One request after the other, the budget of every window is used: four windows carry 400
// requests at 100 a minute.
func TestPacingUsesTheWholeBudget(t *testing.T) {
	c := &clock{t: start}
	w := &window{limit: 100, clock: c, counts: map[int64]int{}}
	srv := httptest.NewServer(w)
	defer srv.Close()
	client := &http.Client{Transport: &Transport{Limiter: c.limiter()}}
	for range 400 {
		if err := get(context.Background(), client, srv.URL); err != nil {
			t.Fatal(err)
		}
	}
	for minute, n := range w.counts {
		if n > w.limit {
			t.Errorf("minute %d saw %d requests; the limit is %d", minute, n, w.limit)
		}
	}
	// The first window ends 50s after the start; then three whole minutes.
	if took := c.Now().Sub(start); took > 50*time.Second+3*time.Minute {
		t.Errorf("400 requests took %s of the clock (windows %v); four windows are enough", took, w.counts)
	}
}

// With little budget left, the requests are spread over the time to the reset.
func TestALowBudgetIsSpreadToTheReset(t *testing.T) {
	c := &clock{t: start}
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Date", c.Now().Format(http.TimeFormat))
		rw.Header().Set("RateLimit-Limit", "2000")
		rw.Header().Set("RateLimit-Remaining", "40")
		rw.Header().Set("RateLimit-Reset", strconv.FormatInt(start.Add(20*time.Second).Unix(), 10))
	}))
	defer srv.Close()
	l := c.limiter()
	client := &http.Client{Transport: &Transport{Limiter: l}}
	var at []time.Time
	for range 5 {
		if err := get(context.Background(), client, srv.URL); err != nil {
			t.Fatal(err)
		}
		at = append(at, c.Now())
	}
	// 40 left of 2,000 is low: 20s / 39 apart, about half a second, not all at once.
	for i := 2; i < len(at); i++ {
		if gap := at[i].Sub(at[i-1]); gap < 400*time.Millisecond || gap > time.Second {
			t.Errorf("request %d went %s after the one before; want about 20s/39", i, gap)
		}
	}
}

// A refused request (429) is left to its source, which waits for the Retry-After (the hub
// schedules it): it holds nobody else, even when it says the budget is spent, as a per-source
// fault of the simulator does.
func TestA429HoldsNobodyElse(t *testing.T) {
	for name, remaining := range map[string]string{"bare": "", "budget spent": "0"} {
		t.Run(name, func(t *testing.T) {
			c := &clock{t: start}
			var refused bool
			srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
				if !refused {
					refused = true
					if remaining != "" {
						rw.Header().Set("RateLimit-Remaining", remaining)
						rw.Header().Set("RateLimit-Reset", strconv.FormatInt(start.Add(30*time.Second).Unix(), 10))
					}
					rw.Header().Set("Retry-After", "30")
					rw.WriteHeader(http.StatusTooManyRequests)
				}
			}))
			defer srv.Close()
			client := &http.Client{Transport: &Transport{Limiter: c.limiter()}}
			if err := get(context.Background(), client, srv.URL); err == nil {
				t.Fatal("the 429 went unnoticed")
			}
			if err := get(context.Background(), client, srv.URL); err != nil || c.slept != 0 {
				t.Fatalf("after a 429: %v, slept %s", err, c.slept)
			}
		})
	}
}

// A wait that would pass the request's deadline fails at once and says when to come back.
func TestAWaitPastTheDeadlineFailsAtOnce(t *testing.T) {
	c := &clock{t: time.Now()} // the context's deadline runs on the wall clock
	l := c.limiter()
	l.known, l.tokens, l.reset = true, 0, c.t.Add(40*time.Second)
	ctx, cancel := context.WithDeadline(context.Background(), c.t.Add(10*time.Second))
	defer cancel()
	ctx, hint := httpx.WithHint(ctx)
	var we *WaitError
	if err := l.Wait(ctx); !errors.As(err, &we) || we.Wait != 40*time.Second {
		t.Fatalf("got %v", err)
	}
	if c.slept != 0 || hint.RetryAfter() != 40*time.Second {
		t.Fatalf("slept %s, hint %s; want no sleep and a 40s hint", c.slept, hint.RetryAfter())
	}
}

// The pacer's clock may not be the wall clock (a test's, a server's): the wait is weighed
// against the time left before the deadline, not against the deadline on the pacer's clock.
func TestTheDeadlineIsWeighedOnTheWallClock(t *testing.T) {
	c := &clock{t: start.Add(-24 * time.Hour)} // a day behind the wall clock
	l := c.limiter()
	l.known, l.tokens, l.reset = true, 0, c.t.Add(40*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var we *WaitError
	if err := l.Wait(ctx); !errors.As(err, &we) || c.slept != 0 {
		t.Fatalf("a 40s wait with 10s left: %v, slept %s; want a WaitError and no sleep", err, c.slept)
	}
}

// Hostile headers: negative, huge, garbage. No wait is longer than the cap.
func TestHostileHeadersAreBounded(t *testing.T) {
	for name, set := range map[string]func(http.Header){
		"reset in 2100":      func(h http.Header) { h.Set("RateLimit-Remaining", "0"); h.Set("RateLimit-Reset", "4102444800") },
		"negative remaining": func(h http.Header) { h.Set("RateLimit-Remaining", "-5"); h.Set("RateLimit-Limit", "-1") },
		"huge numbers": func(h http.Header) {
			h.Set("RateLimit-Remaining", "99999999999999999999")
			h.Set("RateLimit-Limit", "99999999999")
		},
		"garbage":            func(h http.Header) { h.Set("RateLimit-Remaining", "lots"); h.Set("RateLimit-Reset", "soon") },
		"retry in a century": func(h http.Header) { h.Set("Retry-After", "3153600000"); h.Set("RateLimit-Remaining", "0") },
		"reset in a century": func(h http.Header) {
			h.Set("RateLimit-Remaining", "0")
			h.Set("RateLimit-Reset", strconv.FormatInt(start.Add(100*365*24*time.Hour).Unix(), 10))
		},
	} {
		t.Run(name, func(t *testing.T) {
			c := &clock{t: start}
			var calls int
			srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
				calls++
				set(rw.Header())
				if rw.Header().Get("Retry-After") != "" && calls == 1 {
					rw.WriteHeader(http.StatusTooManyRequests)
				}
			}))
			defer srv.Close()
			l := c.limiter()
			l.MaxWait = 2 * time.Minute
			client := &http.Client{Transport: &Transport{Limiter: l}}
			for range 3 {
				_ = get(context.Background(), client, srv.URL)
			}
			if c.slept > 3*l.MaxWait {
				t.Fatalf("slept %s in three requests; a wait is capped at %s", c.slept, l.MaxWait)
			}
		})
	}
}

// Without rate-limit headers nothing is paced.
func TestNoHeadersNoPacing(t *testing.T) {
	c := &clock{t: start}
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	client := &http.Client{Transport: &Transport{Limiter: c.limiter()}}
	for range 50 {
		if err := get(context.Background(), client, srv.URL); err != nil {
			t.Fatal(err)
		}
	}
	if c.slept != 0 {
		t.Fatalf("slept %s without any rate-limit header", c.slept)
	}
}

func TestSharedIsOnePerServerAndToken(t *testing.T) {
	a, b := Shared("https://gitlab.com/", "t1"), Shared("https://gitlab.com", "t1")
	if a != b || a == Shared("https://gitlab.com", "t2") || a == Shared("https://gitlab.example.com", "t1") {
		t.Fatal("one limiter per server and token")
	}
}

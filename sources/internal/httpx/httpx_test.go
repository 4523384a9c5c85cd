package httpx

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)
	cases := []struct {
		h    http.Header
		want time.Duration
	}{
		{http.Header{"Retry-After": {"40"}}, 40 * time.Second},
		{http.Header{"Retry-After": {now.Add(time.Minute).Format(http.TimeFormat)}}, time.Minute},
		{http.Header{"Ratelimit-Reset": {"12"}}, 12 * time.Second},                                                // PagerDuty: delta seconds
		{http.Header{"Ratelimit-Reset": {"1795446060"}}, time.Unix(1795446060, 0).Sub(now)},                       // 15:01 UTC
		{http.Header{"Ratelimit-Reset": {strconv.FormatInt(now.Add(3*time.Minute).Unix(), 10)}}, 3 * time.Minute}, // GitLab: a Unix time
		// A Unix time before 2001 was read as 31 years of seconds: it is an instant, in the past.
		{http.Header{"Ratelimit-Reset": {"999999999"}}, 0},
		{http.Header{"Ratelimit-Reset": {"1500000000"}}, 0}, // an instant in the past: now
		{http.Header{"Ratelimit-Resettime": {now.Add(2 * time.Minute).Format(http.TimeFormat)}}, 2 * time.Minute},
		// Capped: a server may not park a source for years.
		{http.Header{"Retry-After": {"999999999"}}, DefaultMaxWait},
		{http.Header{"Retry-After": {"99999999999999999999999"}}, 0}, // not a number we read
		{http.Header{"Retry-After": {"Thu, 01 Jan 2099 00:00:00 GMT"}}, DefaultMaxWait},
		{http.Header{"Ratelimit-Reset": {"4102444800"}}, DefaultMaxWait}, // 2100 as a Unix time
		{http.Header{"Retry-After": {"-5"}}, 0},
		{http.Header{"Retry-After": {"soon"}}, 0},
		{http.Header{}, 0},
	}
	for _, c := range cases {
		if got := min(ServerWait(c.h, now), DefaultMaxWait); got != c.want {
			t.Errorf("ServerWait(%v), capped = %s; want %s", c.h, got, c.want)
		}
	}
}

func TestTransportCapsTheWaitItRecords(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "999999999")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	c := &http.Client{Transport: &Transport{MaxWait: 2 * time.Minute}}
	ctx, hint := WithHint(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if hint.RetryAfter() != 2*time.Minute {
		t.Fatalf("Retry-After: 999999999 recorded as %s; want the 2m cap", hint.RetryAfter())
	}
}

func TestTransportRecordsTheWaitAndCapsBodies(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/big" {
			_, _ = io.Copy(w, io.LimitReader(zeros{}, MaxBody+10))
			return
		}
		w.Header().Set("Retry-After", "40")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	c := &http.Client{Transport: &Transport{}}
	ctx, hint := WithHint(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if hint.RetryAfter() != 40*time.Second {
		t.Fatalf("hint %s", hint.RetryAfter())
	}
	resp, err = c.Get(srv.URL + "/big")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("a body past the cap read with %v", err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '0'
	}
	return len(p), nil
}

// An instant a server names is read against its own clock (Date), not the local one: a
// server an hour behind that says "after 15:00:30" at 15:00:00 means 30 seconds.
func TestServerInstantsAreReadAgainstTheServersClock(t *testing.T) {
	local := time.Date(2026, 11, 23, 16, 0, 0, 0, time.UTC) // an hour ahead of the server
	h := http.Header{}
	h.Set("Date", "Mon, 23 Nov 2026 15:00:00 GMT")
	h.Set("Retry-After", "Mon, 23 Nov 2026 15:00:30 GMT")
	if got := ServerWait(h, local); got != 30*time.Second {
		t.Fatalf("waited %s; want 30s", got)
	}
	h.Del("Date")
	if got := ServerWait(h, local); got != 0 {
		t.Fatalf("without a Date, waited %s; want 0 (the instant is past on the local clock)", got)
	}
}

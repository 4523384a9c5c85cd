package httpx

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// DefaultMaxWait caps any wait a server imposes: a hostile or broken server must not park
// a source for years ("Retry-After: 999999999").
const DefaultMaxWait = 15 * time.Minute

// deltaLimit separates the two forms of RateLimit-Reset: PagerDuty sends delta seconds
// (ratelimit-reset: 30), GitLab a Unix time (RateLimit-Reset: 1795447230, with the same
// instant as an HTTP date in RateLimit-ResetTime). No server asks for a year of waiting, so
// a larger number is an instant, and an instant in the past means "now".
const deltaLimit = 365 * 24 * 60 * 60

// ServerTime is the instant of an answer on the server's clock (its Date header), else
// fallback: the instants a server names are read against the clock that named them.
func ServerTime(h http.Header, fallback time.Time) time.Time {
	if t, err := http.ParseTime(h.Get("Date")); err == nil {
		return t
	}
	return fallback
}

// ServerWait reads how long the server asked to wait, uncapped: Retry-After (delta seconds
// or an HTTP date, RFC 9110 10.2.3), else RateLimit-Reset (delta seconds or a Unix time, see
// deltaLimit), else RateLimit-ResetTime (an HTTP date, GitLab). 0 when none says. Instants
// are read against the server's Date, else now.
func ServerWait(h http.Header, now time.Time) time.Duration {
	now = ServerTime(h, now)
	if d, ok := retryAfter(h.Get("Retry-After"), now); ok {
		return d
	}
	if d, ok := rateLimitReset(h.Get("RateLimit-Reset"), now); ok {
		return d
	}
	if t, err := http.ParseTime(strings.TrimSpace(h.Get("RateLimit-ResetTime"))); err == nil {
		return max(0, t.Sub(now))
	}
	return 0
}

// RateLimitReset is how long until the instant of h's RateLimit-Reset (delta seconds or a
// Unix time, see deltaLimit), uncapped; ok is false when h has none.
func RateLimitReset(h http.Header, now time.Time) (d time.Duration, ok bool) {
	return rateLimitReset(h.Get("RateLimit-Reset"), now)
}

func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseUint(v, 10, 64); err == nil {
		return seconds(s), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(0, t.Sub(now)), true
	}
	return 0, false
}

func rateLimitReset(v string, now time.Time) (time.Duration, bool) {
	s, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return 0, false
	}
	if s <= deltaLimit {
		return seconds(s), true
	}
	if s > uint64(now.Unix())+deltaLimit { // far future: an instant, but not one worth computing
		return seconds(deltaLimit), true
	}
	return max(0, time.Unix(int64(s), 0).Sub(now)), true
}

// seconds converts without overflowing: anything past a year is a year (capped later anyway).
func seconds(s uint64) time.Duration {
	return time.Duration(min(s, deltaLimit)) * time.Second
}

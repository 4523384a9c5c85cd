package config

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ErrOutOfRange is a duration too long for a time.Duration (about 292 years): refused,
// never wrapped around or clamped.
var ErrOutOfRange = errors.New("out of range")

// MaxDays is the longest duration in days that a time.Duration holds.
const MaxDays = math.MaxInt64 / int64(24*time.Hour)

var goDuration = regexp.MustCompile(`^[0-9.]+(ns|us|µs|ms|s|m|h)([0-9.]+(ns|us|µs|ms|s|m|h))*$`)

// ParseDuration reads Go durations, whole days and whole weeks: "90s", "2h30m", "7d",
// "28d", "2w". A value too long to hold is an error wrapping ErrOutOfRange.
func ParseDuration(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	for _, u := range []struct {
		suffix, name string
		days         int64
	}{{"d", "days", 1}, {"w", "weeks", 7}} {
		count, ok := strings.CutSuffix(v, u.suffix)
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(count, 10, 64)
		var ne *strconv.NumError
		switch {
		case errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange), err == nil && n > MaxDays/u.days:
			return 0, fmt.Errorf("%q: at most %dd: %w", v, MaxDays, ErrOutOfRange)
		case err != nil || n < 0:
			return 0, fmt.Errorf("%q is not a number of %s", v, u.name)
		}
		return time.Duration(n*u.days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil && goDuration.MatchString(v) {
		return 0, fmt.Errorf("%q: at most %dd: %w", v, MaxDays, ErrOutOfRange)
	}
	return d, err
}

func duration(key, v string) (time.Duration, error) {
	d, err := ParseDuration(v)
	switch {
	case errors.Is(err, ErrOutOfRange):
		return 0, &Error{Key: key, Msg: fmt.Sprintf("%q is out of range; a duration holds at most %d days", v, MaxDays)}
	case err != nil || d <= 0:
		return 0, &Error{Key: key, Msg: fmt.Sprintf("%q is not a duration; write e.g. 60s, 2m, 1m30s, 28d or 4w", v)}
	}
	return d, nil
}

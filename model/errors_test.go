package model

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestBackoffDoublesToTheLimitWithJitter(t *testing.T) {
	first, limit := 5*time.Second, time.Minute
	for n, want := range map[int]time.Duration{1: 5 * time.Second, 2: 10 * time.Second, 3: 20 * time.Second, 4: 40 * time.Second, 5: time.Minute, 50: time.Minute} {
		if got := Backoff(n, first, limit, 0.5); got != want {
			t.Errorf("Backoff(%d) = %s; want %s", n, got, want)
		}
	}
	if lo, hi := Backoff(1, first, limit, 0), Backoff(1, first, limit, 0.999999); lo != 4*time.Second || hi < 5999*time.Millisecond || hi > 6*time.Second {
		t.Errorf("jitter spreads 5s to %s..%s; want 4s..6s", lo, hi)
	}
}

func TestPermanentErrorsAreFoundThroughWrapping(t *testing.T) {
	err := fmt.Errorf("publish: %w", &PermanentError{Err: errors.New("403 insufficient_scope"), Hint: "needs the api scope"})
	if !IsPermanent(err) || HintOf(err) != "needs the api scope" {
		t.Fatalf("IsPermanent %v, hint %q", IsPermanent(err), HintOf(err))
	}
	if IsPermanent(errors.New("500")) || HintOf(errors.New("x")) != "" {
		t.Fatal("a plain error is not permanent")
	}
}

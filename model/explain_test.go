package model

import (
	"strings"
	"testing"
	"time"
)

// A held post whose error already carries the hint says it once, and the advice once.
func TestExplainSaysTheHintOnce(t *testing.T) {
	now := time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)
	hint := "the GitLab token can read but not write: publishing needs the api scope"
	for _, lastError := range []string{
		"create the handoff issue: 403 insufficient_scope",
		"create the handoff issue: 403 insufficient_scope: " + hint,
		"create the handoff issue: 403 insufficient_scope: " + hint + "; " + HeldAdvice,
	} {
		got := WaitingPost{LastError: lastError, Held: true, Hint: hint}.Explain(now)
		if n := strings.Count(got, hint); n != 1 {
			t.Errorf("the hint is said %d times in %q", n, got)
		}
		if n := strings.Count(got, HeldAdvice); n != 1 {
			t.Errorf("the advice is said %d times in %q", n, got)
		}
		if !strings.HasPrefix(got, "held: create the handoff issue: 403") {
			t.Errorf("%q does not start with the reason", got)
		}
	}
}

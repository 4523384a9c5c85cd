package hub

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/model"
)

func TestNewHandoffPostMentionsBothEngineers(t *testing.T) {
	h := &Hub{cfg: Config{}}
	f := model.HandoffFacts{Outgoing: &model.Person{Username: "pnowak"}, Incoming: &model.Person{Username: "eclarke"}}
	p := h.NewHandoffPost(f, "# Handoff\n\nAll quiet.\n", now)
	if !strings.HasSuffix(p.Body, "\n\n@pnowak hands over to @eclarke\n") || len(p.Assignees) != 2 {
		t.Fatalf("body %q, assignees %v", p.Body, p.Assignees)
	}
	again := h.NewHandoffPost(f, p.Body, now)
	if strings.Count(again.Body, "hands over to") != 1 {
		t.Fatalf("the line was added twice: %q", again.Body)
	}
	// Without both usernames there is nobody to mention.
	if p := h.NewHandoffPost(model.HandoffFacts{Incoming: f.Incoming}, "x", now); strings.Contains(p.Body, "hands over") {
		t.Fatalf("body %q", p.Body)
	}
}

func TestExistingHandoffFindsTheShiftsIssueOnly(t *testing.T) {
	h := testHub(t, nil)
	ctx := context.Background()
	facts, err := h.HandoffFacts(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	post := h.NewHandoffPost(facts, "All quiet.\n", now)
	if _, ok, err := h.ExistingHandoff(ctx, post); ok || err != nil {
		t.Fatalf("before publishing: %v %v", ok, err)
	}
	published, err := h.PublishHandoff(ctx, post)
	if err != nil {
		t.Fatal(err)
	}
	again := h.NewHandoffPost(facts, "Something else.\n", now.Add(10*time.Minute))
	found, ok, err := h.ExistingHandoff(ctx, again)
	if err != nil || !ok || found.IID != published.IID || found.WebURL != published.WebURL {
		t.Fatalf("the shift's handoff #%d was not found: %+v %v %v", published.IID, found, ok, err)
	}
	// The simulator holds handoffs of earlier shifts: each is found by its own exact title,
	// and a title that only shares words with them is not.
	earlier := again
	earlier.Title = "On-call handoff 2026-11-23 04:00 UTC: AMER -> EMEA"
	if f, ok, err := h.ExistingHandoff(ctx, earlier); !ok || err != nil || f.IID == published.IID {
		t.Fatalf("the earlier shift's handoff: %+v %v %v", f, ok, err)
	}
	earlier.Title = "On-call  handoff 2026-11-23 04:00 UTC:  AMER -> EMEA " // cleaned as the titles are
	if f, ok, err := h.ExistingHandoff(ctx, earlier); !ok || err != nil || f.IID == published.IID {
		t.Fatalf("the earlier shift's handoff, its title spaced otherwise: %+v %v %v", f, ok, err)
	}
	earlier.Title = "On-call handoff 2026-11-23 04:00 UTC: AMER -> APAC"
	if f, ok, err := h.ExistingHandoff(ctx, earlier); ok || err != nil {
		t.Fatalf("a title that is not there matched: %+v %v", f, err)
	}
}

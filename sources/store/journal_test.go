package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/model"
)

func TestJournalTakesTheCallersClockAndNamesTheIssue(t *testing.T) {
	s, _ := Open(t.TempDir())
	at := time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC) // not the machine's clock
	key := "2026-11-23T1600Z-EMEA-AMER"
	p := model.HandoffPost{ID: "oncallhandoffj1", Key: key, Body: "All quiet.\n"}
	if err := s.Enqueue(p); err != nil {
		t.Fatal(err)
	}
	issue := model.HandoffNote{Issue: model.Issue{IssueRef: model.IssueRef{Project: "ops/handovers", IID: 42}, WebURL: "https://gitlab.example.com/ops/handovers/-/issues/42#note_7"}}
	if err := s.Published(p, issue, at); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(s.Dir(), "journal", key+"-oncallhandoffj1.md"))
	if err != nil || !strings.HasPrefix(string(b), "<!-- published 2031-01-02T03:04:05Z to https://gitlab.example.com/ops/handovers/-/issues/42#note_7 as ops/handovers#42 -->\nAll quiet.") {
		t.Fatalf("journal entry %q %v", b, err)
	}
	if left, _ := s.Outbox(); len(left) != 0 {
		t.Errorf("the outbox still holds %+v", left)
	}
	h, ok, err := s.Journaled(key)
	if err != nil || !ok || h.IID != 42 || h.Project != "ops/handovers" || h.WebURL != "https://gitlab.example.com/ops/handovers/-/issues/42" {
		t.Fatalf("journaled: %+v %v %v", h, ok, err)
	}
	if _, ok, _ := s.Journaled("2026-11-24T0400Z-AMER-EMEA"); ok {
		t.Error("another shift's handoff was found")
	}
}

func TestOutboxEntriesThatAreNotPostsAreDamaged(t *testing.T) {
	s, _ := Open(t.TempDir())
	dir := filepath.Join(s.Dir(), "outbox")
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("empty.json", "")
	write("null.json", "null")
	write("braces.json", "{}")
	write("other.json", `{"post":{"id":"elsewhere"}}`) // would be written back under another name
	big, _ := os.Create(filepath.Join(dir, "big.json"))
	_ = big.Truncate(MaxEntry + 1)
	big.Close()
	if err := os.Mkdir(filepath.Join(dir, "dir.json"), 0o700); err != nil {
		t.Fatal(err)
	}
	_ = s.Enqueue(model.HandoffPost{ID: "good", Key: "k"})
	good, damaged, err := s.Scan(nil)
	if err != nil || len(good) != 1 || good[0].Post.ID != "good" {
		t.Fatalf("%v %+v", err, good)
	}
	names := map[string]string{}
	for _, d := range damaged {
		names[d.Name] = d.Reason
	}
	for _, n := range []string{"empty.json", "null.json", "braces.json", "other.json", "big.json", "dir.json"} {
		if names[n] == "" {
			t.Errorf("%s is not reported damaged: %v", n, names)
		}
	}
	if !strings.Contains(names["big.json"], "larger than 4 MB") {
		t.Errorf("big.json: %s", names["big.json"])
	}
}

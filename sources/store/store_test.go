package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/model"
)

func TestDraftRoundTrip(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	key := "2026-11-23T1600Z-EMEA-AMER"
	if _, _, ok, err := s.LoadDraft(key); ok || err != nil {
		t.Fatalf("a draft before any save: ok=%v err=%v", ok, err)
	}
	for _, text := range []string{"first", "second, longer: 日本語 🔥\n", ""} {
		if err := s.SaveDraft(key, text); err != nil {
			t.Fatal(err)
		}
		got, saved, ok, err := s.LoadDraft(key)
		if err != nil || !ok || got != text || time.Since(saved) > time.Minute {
			t.Fatalf("load after saving %q: %q %v %v %v", text, got, saved, ok, err)
		}
	}
	entries, _ := os.ReadDir(filepath.Join(s.Dir(), "drafts"))
	if len(entries) != 1 {
		t.Errorf("temp files left behind: %v", entries)
	}
	if err := s.DeleteDraft(key); err != nil {
		t.Fatal(err)
	}
	if _, _, ok, _ := s.LoadDraft(key); ok {
		t.Error("deleted draft still loads")
	}
	if err := s.DeleteDraft(key); err != nil {
		t.Errorf("deleting twice: %v", err)
	}
}

func TestKeysCannotEscapeTheDirectory(t *testing.T) {
	s, _ := Open(t.TempDir())
	if err := s.SaveDraft("../../etc/passwd", "x"); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s.DraftPath("../../etc/passwd"), filepath.Join(s.Dir(), "drafts")+string(filepath.Separator)) {
		t.Fatalf("draft path %s", s.DraftPath("../../etc/passwd"))
	}
}

func TestOutboxOrderAndDamage(t *testing.T) {
	s, _ := Open(t.TempDir())
	base := time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)
	for i, id := range []string{"b", "a", "c"} {
		if err := s.Enqueue(model.HandoffPost{ID: id, Queued: base.Add(time.Duration(i) * time.Minute)}); err != nil {
			t.Fatal(err)
		}
	}
	p, err := s.Outbox()
	if err != nil || len(p) != 3 || p[0].Post.ID != "b" || p[2].Post.ID != "c" {
		t.Fatalf("%v %+v", err, p)
	}
	if err := os.WriteFile(filepath.Join(s.Dir(), "outbox", "x.json"), []byte("{truncated"), 0o600); err != nil {
		t.Fatal(err)
	}
	// One damaged file must not block the others: it is listed apart.
	p, damaged, err := s.Scan(nil)
	if err != nil || len(p) != 3 || len(damaged) != 1 || damaged[0].Name != "x.json" || !strings.Contains(damaged[0].Reason, "not an outbox entry") {
		t.Fatalf("a damaged outbox file: %v %+v %+v", err, p, damaged)
	}
	to, err := s.SetAside("x.json")
	if err != nil || to != filepath.Join(s.Dir(), "outbox", "damaged", "x.json") {
		t.Fatalf("set aside: %s %v", to, err)
	}
	if _, damaged, _ := s.Scan(nil); len(damaged) != 0 {
		t.Errorf("still damaged: %+v", damaged)
	}
}

func TestStateIsPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	s, _ := Open(dir)
	_ = s.SaveDraft("k", "secret context")
	for _, p := range []string{dir, filepath.Join(dir, "drafts")} {
		st, err := os.Stat(p)
		if err != nil || st.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s is readable by others: %v", p, st.Mode())
		}
	}
	st, _ := os.Stat(s.DraftPath("k"))
	if st.Mode().Perm()&0o077 != 0 {
		t.Errorf("draft mode %v", st.Mode())
	}
}

func TestADraftIsDatedByTheProgramsClock(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 23, 15, 20, 0, 0, time.UTC) // --now: not the wall clock
	s.Clock = func() time.Time { return at }
	if err := s.SaveDraft("k", "words"); err != nil {
		t.Fatal(err)
	}
	if _, saved, ok, err := s.LoadDraft("k"); err != nil || !ok || !saved.Equal(at) {
		t.Fatalf("saved at %s (%v %v); want %s", saved, ok, err, at)
	}
}

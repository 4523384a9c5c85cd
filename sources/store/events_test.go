package store

import (
	"os"
	"path/filepath"
	"reflect"
	"syscall"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/model"
)

var t0 = time.Date(2026, 11, 23, 14, 30, 0, 0, time.UTC)

func events(n int) []model.LabelEvent {
	out := make([]model.LabelEvent, n)
	for i := range out {
		out[i] = model.LabelEvent{Label: "Incident::Active", Action: "add", At: t0.Add(time.Duration(i) * time.Minute)}
	}
	return out
}

func TestLabelEventsRoundTripByUpdatedAt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "label-events.json")
	c, err := OpenLabelEvents(path)
	if err != nil {
		t.Fatal(err)
	}
	ref := model.IssueRef{Project: "g/p", IID: 7}
	c.Put(ref, t0, events(3))
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	again, err := OpenLabelEvents(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := again.Get(ref, t0); !ok || !reflect.DeepEqual(got, events(3)) {
		t.Fatalf("after a restart: %v %v", ok, got)
	}
	if _, ok := again.Get(ref, t0.Add(time.Second)); ok {
		t.Fatal("events of an issue updated since were taken from the cache")
	}
	if _, ok := again.Get(model.IssueRef{Project: "g/p", IID: 8}, t0); ok {
		t.Fatal("another issue's events")
	}
}

func TestADamagedLabelEventsFileIsNoCache(t *testing.T) {
	for name, content := range map[string]string{
		"truncated":     `{"version":1,"issues":[{"project":"g/p","iid":7,`,
		"not json":      "\x00\x01garbage",
		"other version": `{"version":99,"issues":[]}`,
		"wrong types":   `{"version":1,"issues":[{"project":5}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "label-events.json")
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			c, err := OpenLabelEvents(path)
			if err == nil || c == nil {
				t.Fatalf("a damaged file: %v", err)
			}
			ref := model.IssueRef{Project: "g/p", IID: 7}
			c.Put(ref, t0, events(1))
			if err := c.Save(); err != nil {
				t.Fatal(err)
			}
			if again, err := OpenLabelEvents(path); err != nil {
				t.Fatalf("the damaged file was not rewritten: %v", err)
			} else if _, ok := again.Get(ref, t0); !ok {
				t.Fatal("the rewritten file lost its entry")
			}
		})
	}
}

func TestLabelEventsKeepTheIssuesUpdatedLast(t *testing.T) {
	path := filepath.Join(t.TempDir(), "label-events.json")
	c, _ := OpenLabelEvents(path)
	c.MaxIssues = 3
	for i := range 5 {
		c.Put(model.IssueRef{Project: "g/p", IID: int64(i + 1)}, t0.Add(time.Duration(i)*time.Hour), events(1))
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	again, _ := OpenLabelEvents(path)
	for i := range 5 {
		_, ok := again.Get(model.IssueRef{Project: "g/p", IID: int64(i + 1)}, t0.Add(time.Duration(i)*time.Hour))
		if ok != (i >= 2) {
			t.Errorf("issue %d kept: %v; want the 3 updated last", i+1, ok)
		}
	}
}

func TestLabelEventsAreNotReadFromAFIFO(t *testing.T) {
	path := filepath.Join(t.TempDir(), "label-events.json")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	done := make(chan error, 1)
	go func() { _, err := OpenLabelEvents(path); done <- err }()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("a FIFO was read as a cache")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("opening the cache hung on a FIFO")
	}
}

// The cache a hub is given is read at its first use, not when the hub is made: a command
// that makes no report never reads it.
func TestLabelEventsAtIsReadAtItsFirstUse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "label-events.json")
	lazy := LabelEventsAt(path) // nothing there yet
	ref := model.IssueRef{Project: "g/p", IID: 7}
	c, err := OpenLabelEvents(path)
	if err != nil {
		t.Fatal(err)
	}
	c.Put(ref, t0, events(2))
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	if got, ok := lazy.Get(ref, t0); !ok || len(got) != 2 {
		t.Fatalf("the file written after LabelEventsAt was not read at the first Get: %v %v", ok, got)
	}
}

// The file holds at most maxEventsTotal events, whatever the issues hold: the issues
// updated first are left out.
func TestLabelEventsFileIsBoundedInEvents(t *testing.T) {
	path := filepath.Join(t.TempDir(), "label-events.json")
	c, _ := OpenLabelEvents(path)
	per := maxEventsPerIssue
	issues := maxEventsTotal/per + 1
	for i := range issues {
		c.Put(model.IssueRef{Project: "g/p", IID: int64(i + 1)}, t0.Add(time.Duration(i)*time.Hour), events(per))
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	again, _ := OpenLabelEvents(path)
	total, kept := 0, 0
	for i := range issues {
		if got, ok := again.Get(model.IssueRef{Project: "g/p", IID: int64(i + 1)}, t0.Add(time.Duration(i)*time.Hour)); ok {
			total, kept = total+len(got), kept+1
		}
	}
	if total > maxEventsTotal || kept != issues-1 {
		t.Fatalf("%d events of %d issues kept; want at most %d, all but the issue updated first", total, kept, maxEventsTotal)
	}
}

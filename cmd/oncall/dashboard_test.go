package main

import (
	"testing"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/outbox"
	"github.com/oncall-sre/oncall/sources/store"
)

// The snapshot read at start goes to its first reader (the dashboard's first frame), and is
// not held for the rest of the shift: a later read is the disk's.
func TestTheSnapshotReadAtStartIsHandedOnceAndForgotten(t *testing.T) {
	st, err := store.Open(t.TempDir()) // an empty cache
	if err != nil {
		t.Fatal(err)
	}
	reads := 0
	c := sharedCache{Local: &outbox.Local{Store: st}, first: &firstSnapshot{load: func() (model.Snapshot, bool) {
		reads++
		return model.Snapshot{Incidents: []model.Incident{{}}}, true
	}}}
	if snap, ok, err := c.LoadSnapshot(); !ok || err != nil || len(snap.Incidents) != 1 {
		t.Fatalf("the first read gave %d incidents, %v, %v; want the one read at start", len(snap.Incidents), ok, err)
	}
	if c.first.load != nil {
		t.Fatal("the snapshot read at start is still held")
	}
	if _, ok, _ := c.LoadSnapshot(); ok || reads != 1 {
		t.Fatalf("a second read gave a snapshot (%v) after %d reads at start; want the empty disk's answer", ok, reads)
	}
}

package store

import (
	"encoding/json"
	"io"

	"github.com/oncall-sre/oncall/model"
)

// The snapshot cache is written with its Sync and its pages first ("head first"), so that
// a run starting from it can read what it asks the servers with (which changes to ask for,
// which escalation policies) before the rest of the file is decoded (hub.SnapshotFromCache).
// The file is still one model.Snapshot in JSON: field order does not matter to a reader.

// snapshotFile is a snapshot as the cache writes it: its Sync and Pages shadow the
// snapshot's own, so that encoding/json writes them first and only once.
type snapshotFile struct {
	Sync  map[model.SourceID]model.Sync `json:"sync,omitempty"`
	Pages model.Pages                   `json:"pages"`
	*model.Snapshot
}

// SnapshotHead is the head of the cached snapshot.
type SnapshotHead struct {
	Sync  map[model.SourceID]model.Sync
	Pages model.Pages
}

// maxHead bounds what is read for the head: the marks and a page list are a few KB.
const maxHead = 1 << 20

// LoadSnapshotHead reads the Sync and the pages of the cached snapshot from the head of
// the file, without reading the rest. ok is false when there is no cache, or it was written
// by a version that did not put them first: then read it whole.
func (s *Store) LoadSnapshotHead() (head SnapshotHead, ok bool) {
	if s.snapshot == "" {
		return head, false
	}
	f, err := OpenRegular(s.snapshot, MaxSnapshot)
	if err != nil {
		return head, false
	}
	defer f.Close()
	dec := json.NewDecoder(io.LimitReader(f, maxHead))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return head, false
	}
	for seen := 0; seen < 2; seen++ {
		key, err := dec.Token()
		if err != nil {
			return head, false
		}
		switch key {
		case "sync":
			err = dec.Decode(&head.Sync)
		case "pages":
			err = dec.Decode(&head.Pages)
		default:
			return head, false // not written head first
		}
		if err != nil {
			return SnapshotHead{}, false
		}
	}
	return head, head.Sync != nil
}

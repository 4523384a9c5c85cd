package store

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/oncall-sre/oncall/model"
)

// LabelEvents keeps the label events of incidents between runs, each list as of its issue's
// updated_at: a label change updates the issue, so an issue whose updated_at did not change
// has the same events, and a second report (or the next run's) reads only the incidents
// that changed. It is only a cache: a damaged or unreadable file is no cache (and is
// rewritten at the next Save), and it holds at most MaxIssues issues, dropping those
// updated longest ago. Safe for concurrent use.
type LabelEvents struct {
	path string
	// MaxIssues bounds the file; DefaultMaxEventIssues when 0.
	MaxIssues int

	mu      sync.Mutex
	byIssue map[model.IssueRef]eventsEntry
	dirty   bool
}

// DefaultMaxEventIssues is years of incidents at a busy production queue's pace.
const DefaultMaxEventIssues = 5000

// maxEventsFile is the largest file read: past it, it is no cache.
const maxEventsFile = 32 << 20

// maxEventsTotal bounds the events of the whole file (about 16 MB of JSON).
const maxEventsTotal = 200_000

// maxEventsPerIssue bounds what one issue keeps (oncall reads at most 100 pages of 100).
const maxEventsPerIssue = 10_000

type eventsEntry struct {
	Project string             `json:"project"`
	IID     int64              `json:"iid"`
	Updated time.Time          `json:"updated_at"`
	Events  []model.LabelEvent `json:"events"`
}

type eventsFile struct {
	Version int           `json:"version"`
	Issues  []eventsEntry `json:"issues"`
}

const eventsVersion = 1

// OpenLabelEvents reads the cache at path (a missing, damaged or oversized file is an empty
// cache; err says why it could not be read, for a warning, and the cache works anyway).
func OpenLabelEvents(path string) (c *LabelEvents, err error) {
	c = &LabelEvents{path: path, byIssue: map[model.IssueRef]eventsEntry{}}
	b, err := ReadRegular(path, maxEventsFile)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, err
	}
	var f eventsFile
	if err := json.Unmarshal(b, &f); err != nil || f.Version != eventsVersion {
		return c, &damagedError{path: path, err: err}
	}
	for _, e := range f.Issues {
		if e.Project == "" || e.IID <= 0 || e.Updated.IsZero() || len(e.Events) > maxEventsPerIssue {
			continue // not one this cache wrote
		}
		c.byIssue[model.IssueRef{Project: e.Project, IID: e.IID}] = e
	}
	return c, nil
}

type damagedError struct {
	path string
	err  error
}

func (e *damagedError) Error() string {
	return "the label events cache " + e.path + " is damaged; it is rewritten at the next report"
}
func (e *damagedError) Unwrap() error { return e.err }

// Get returns the events of ref as of its updated_at.
func (c *LabelEvents) Get(ref model.IssueRef, updated time.Time) ([]model.LabelEvent, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byIssue[ref]
	if !ok || updated.IsZero() || !e.Updated.Equal(updated) {
		return nil, false
	}
	return e.Events, true
}

// Put keeps the events of ref as of its updated_at.
func (c *LabelEvents) Put(ref model.IssueRef, updated time.Time, events []model.LabelEvent) {
	if updated.IsZero() || len(events) > maxEventsPerIssue {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.byIssue[ref] = eventsEntry{Project: ref.Project, IID: ref.IID, Updated: updated.UTC(), Events: events}
	c.dirty = true
}

// Save writes the cache when it changed (atomically: the old file stays whole if the write
// fails), keeping the MaxIssues issues updated last.
func (c *LabelEvents) Save() error {
	c.mu.Lock()
	if !c.dirty {
		c.mu.Unlock()
		return nil
	}
	entries := make([]eventsEntry, 0, len(c.byIssue))
	for _, e := range c.byIssue {
		entries = append(entries, e)
	}
	c.dirty = false
	c.mu.Unlock()
	sort.Slice(entries, func(a, b int) bool {
		if !entries[a].Updated.Equal(entries[b].Updated) {
			return entries[a].Updated.After(entries[b].Updated)
		}
		if entries[a].Project != entries[b].Project {
			return entries[a].Project < entries[b].Project
		}
		return entries[a].IID < entries[b].IID
	})
	limit := c.MaxIssues
	if limit <= 0 {
		limit = DefaultMaxEventIssues
	}
	total := 0
	for i, e := range entries { // and a bounded file, whatever the issues hold
		if total += len(e.Events); total > maxEventsTotal {
			limit = min(limit, i)
			break
		}
	}
	if len(entries) > limit {
		c.mu.Lock()
		for _, e := range entries[limit:] {
			delete(c.byIssue, model.IssueRef{Project: e.Project, IID: e.IID})
		}
		c.mu.Unlock()
		entries = entries[:limit]
	}
	b, err := json.Marshal(eventsFile{Version: eventsVersion, Issues: entries})
	if err != nil {
		return err
	}
	err = os.MkdirAll(filepath.Dir(c.path), 0o700)
	if err == nil {
		err = writeAtomic(c.path, b)
	}
	if err != nil {
		c.mu.Lock()
		c.dirty = true // try again next time
		c.mu.Unlock()
		return err
	}
	return nil
}

// LazyLabelEvents is the cache at a path, read at its first use: a command that makes no
// report (status, a handoff) never reads it. A damaged or unreadable file is an empty
// cache, rewritten at the next report.
type LazyLabelEvents struct {
	path string
	once sync.Once
	c    *LabelEvents
}

// LabelEventsAt is the cache at path, read when it is first asked.
func LabelEventsAt(path string) *LazyLabelEvents { return &LazyLabelEvents{path: path} }

func (l *LazyLabelEvents) cache() *LabelEvents {
	l.once.Do(func() { l.c, _ = OpenLabelEvents(l.path) })
	return l.c
}

// Get, Put and Save are LabelEvents', on the file read at the first of them.
func (l *LazyLabelEvents) Get(ref model.IssueRef, updated time.Time) ([]model.LabelEvent, bool) {
	return l.cache().Get(ref, updated)
}

func (l *LazyLabelEvents) Put(ref model.IssueRef, updated time.Time, events []model.LabelEvent) {
	l.cache().Put(ref, updated, events)
}

func (l *LazyLabelEvents) Save() error { return l.cache().Save() }

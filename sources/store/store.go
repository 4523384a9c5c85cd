// Package store keeps oncall's local, durable state under $XDG_STATE_HOME/oncall: handoff
// drafts (autosaved), the outbox of handoffs waiting to be published, and a journal of
// published handoffs. Every write is atomic (temp file, fsync, rename), so a crash or a
// kill -9 leaves either the old file or the new one, never half of one.
package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/adrg/xdg"

	"github.com/oncall-sre/oncall/model"
)

// Store is a directory of state files. Its methods are safe for concurrent use by one
// process: each write is a rename of a complete file.
type Store struct {
	dir      string
	snapshot string // the cached snapshot's file
}

// DefaultDir is $XDG_STATE_HOME/oncall.
func DefaultDir() string {
	xdg.Reload() // the environment wins, even if it changed after start
	return filepath.Join(xdg.StateHome, "oncall")
}

// Open creates dir (private to the user) if needed.
func Open(dir string) (*Store, error) {
	for _, sub := range []string{"drafts", "outbox", "journal"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return nil, fmt.Errorf("state directory: %w", err)
		}
	}
	return &Store{dir: dir, snapshot: filepath.Join(dir, "snapshot.json")}, nil
}

// DefaultCacheDir is $XDG_CACHE_HOME/oncall.
func DefaultCacheDir() string {
	xdg.Reload()
	return filepath.Join(xdg.CacheHome, "oncall")
}

// UseCacheDir keeps the snapshot cache in dir instead of the state directory.
func (s *Store) UseCacheDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("cache directory: %w", err)
	}
	s.snapshot = filepath.Join(dir, "snapshot.json")
	return nil
}

// SaveSnapshot caches what the dashboard shows, for the next start. It holds API data only:
// tokens never enter a snapshot.
func (s *Store) SaveSnapshot(snap model.Snapshot) error {
	b, err := json.Marshal(snap)
	if err != nil {
		return err
	}
	return writeAtomic(s.snapshot, b)
}

// LoadSnapshot reads the cached snapshot; ok is false when there is none. A damaged cache
// is an error the caller may ignore: it is only a cache.
func (s *Store) LoadSnapshot() (snap model.Snapshot, ok bool, err error) {
	b, err := os.ReadFile(s.snapshot)
	if errors.Is(err, fs.ErrNotExist) {
		return snap, false, nil
	}
	if err != nil {
		return snap, false, fmt.Errorf("read the cache: %w", err)
	}
	if err := json.Unmarshal(b, &snap); err != nil {
		return model.Snapshot{}, false, fmt.Errorf("the cache %s is damaged (%v); it is rewritten at the next refresh", s.snapshot, err)
	}
	return snap, true, nil
}

// Dir is where the state lives.
func (s *Store) Dir() string { return s.dir }

var safeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func fileName(key string) string { return safeName.ReplaceAllString(key, "_") }

func (s *Store) draftPath(key string) string {
	return filepath.Join(s.dir, "drafts", fileName(key)+".md")
}

// SaveDraft writes the draft of the handoff key atomically.
func (s *Store) SaveDraft(key, text string) error {
	return writeAtomic(s.draftPath(key), []byte(text))
}

// LoadDraft reads the draft of key and when it was saved; ok is false when there is none.
func (s *Store) LoadDraft(key string) (text string, saved time.Time, ok bool, err error) {
	path := s.draftPath(key)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", time.Time{}, false, nil
	}
	if err != nil {
		return "", time.Time{}, false, fmt.Errorf("read draft: %w", err)
	}
	st, err := os.Stat(path)
	if err != nil {
		return "", time.Time{}, false, fmt.Errorf("read draft: %w", err)
	}
	return string(b), st.ModTime(), true, nil
}

// DraftPath is the file of key's draft, for $EDITOR.
func (s *Store) DraftPath(key string) string { return s.draftPath(key) }

// DeleteDraft removes key's draft (after it was published).
func (s *Store) DeleteDraft(key string) error {
	err := os.Remove(s.draftPath(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// Pending is a handoff in the outbox.
type Pending struct {
	Post        model.HandoffPost `json:"post"`
	Attempts    int               `json:"attempts"`
	LastError   string            `json:"last_error,omitempty"`
	NextAttempt time.Time         `json:"next_attempt"`
}

func (s *Store) outboxPath(id string) string {
	return filepath.Join(s.dir, "outbox", fileName(id)+".json")
}

// Enqueue puts a handoff in the outbox. It is on disk before anything is sent.
func (s *Store) Enqueue(post model.HandoffPost) error {
	return s.putPending(Pending{Post: post})
}

// UpdatePending records an attempt's outcome.
func (s *Store) UpdatePending(p Pending) error { return s.putPending(p) }

func (s *Store) putPending(p Pending) error {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(s.outboxPath(p.Post.ID), b)
}

// Outbox lists the handoffs waiting to be published, oldest first.
func (s *Store) Outbox() ([]Pending, error) {
	entries, err := os.ReadDir(filepath.Join(s.dir, "outbox"))
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	var out []Pending
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(s.dir, "outbox", e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read outbox: %w", err)
		}
		var p Pending
		if err := json.Unmarshal(b, &p); err != nil {
			return nil, fmt.Errorf("outbox file %s is damaged: %w (move it away to continue)", e.Name(), err)
		}
		out = append(out, p)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Post.Queued.Before(out[b].Post.Queued) })
	return out, nil
}

// Published moves a handoff from the outbox to the journal, as Markdown the user can grep.
func (s *Store) Published(p model.HandoffPost, issue model.HandoffNote) error {
	header := fmt.Sprintf("<!-- published %s to %s -->\n", time.Now().UTC().Format(time.RFC3339), issue.WebURL)
	if err := writeAtomic(filepath.Join(s.dir, "journal", fileName(p.Key)+"-"+fileName(p.ID)+".md"), []byte(header+p.Body)); err != nil {
		return err
	}
	err := os.Remove(s.outboxPath(p.ID))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// writeAtomic writes data to path so that path holds either its old content or all of data.
func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("save %s: %w", filepath.Base(path), err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // a no-op after the rename
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("save %s: %w", filepath.Base(path), err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("save %s: %w", filepath.Base(path), err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("save %s: %w", filepath.Base(path), err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("save %s: %w", filepath.Base(path), err)
	}
	// Make the rename itself durable.
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

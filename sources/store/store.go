// Package store keeps oncall's local, durable state under $XDG_STATE_HOME/oncall: handoff
// drafts (autosaved), the outbox of handoffs waiting to be published, and a journal of
// published handoffs; and the snapshot cache under $XDG_CACHE_HOME/oncall. Every write is
// atomic (temp file, fsync, rename), so a crash or a kill -9 leaves either the old file or
// the new one, never half of one, and a failed write (a full disk) leaves the old one.
//
// Nothing here reads the clock: times come from the caller's.
package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/adrg/xdg"

	"github.com/oncall-sre/oncall/model"
)

// Store is a directory of state files. Its methods are safe for concurrent use by one
// process: each write is a rename of a complete file. Across processes, the outbox
// package serialises the work on the outbox with a lock.
type Store struct {
	dir      string
	snapshot string // the cached snapshot's file; "" when the cache is off
	// Clock is the program's clock (--now shifts it): a draft's time is set from it, so
	// "saved 5m ago" is counted on one clock. Nil: the file system's own time.
	Clock func() time.Time
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
			return nil, fmt.Errorf("state directory %s: %s: %w", dir, Reason(err), err)
		}
	}
	return &Store{dir: dir, snapshot: filepath.Join(dir, "snapshot.json")}, nil
}

// OpenCache is a store of the snapshot cache in dir alone (no drafts, no outbox), for a
// command that only reads and writes the cache; an error says why the cache is off.
func OpenCache(dir string) (*Store, error) {
	s := &Store{}
	return s, s.UseCacheDir(dir)
}

// DefaultCacheDir is $XDG_CACHE_HOME/oncall.
func DefaultCacheDir() string {
	xdg.Reload()
	return filepath.Join(xdg.CacheHome, "oncall")
}

// UseCacheDir keeps the snapshot cache in dir instead of the state directory. When dir
// cannot be created or written (a read-only file system, no permission), the cache is off
// and the error says why; the rest of the store works on. It is only a cache.
func (s *Store) UseCacheDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		s.snapshot = ""
		return &CacheOffError{Dir: dir, Err: err}
	}
	// The directory may exist on a file system that has become read-only: try a write.
	probe, err := os.CreateTemp(dir, ".probe*")
	if err != nil {
		s.snapshot = ""
		return &CacheOffError{Dir: dir, Err: err}
	}
	probe.Close()
	_ = os.Remove(probe.Name())
	s.snapshot = filepath.Join(dir, "snapshot.json")
	return nil
}

// CacheOffError says why the snapshot cache is off: "cache off: read-only file system".
type CacheOffError struct {
	Dir string
	Err error
}

func (e *CacheOffError) Error() string { return "cache off: " + Reason(e.Err) + " (" + e.Dir + ")" }
func (e *CacheOffError) Unwrap() error { return e.Err }

// SaveSnapshot caches what the dashboard shows, for the next start. It holds API data only:
// tokens never enter a snapshot. With the cache off it does nothing.
func (s *Store) SaveSnapshot(snap model.Snapshot) error {
	if s.snapshot == "" {
		return nil
	}
	b, err := json.Marshal(snapshotFile{Sync: snap.Sync, Pages: snap.Pages, Snapshot: &snap}) // head first (head.go)
	if err != nil {
		return err
	}
	return writeAtomic(s.snapshot, b)
}

// Caps of what the store reads back: a snapshot of 10,000 issues is about 5 MB; a draft is
// what one person typed (a handoff is published only up to 1 MB).
const (
	MaxSnapshot = 256 << 20
	MaxDraft    = 16 << 20
)

// LoadSnapshot reads the cached snapshot; ok is false when there is none (or the cache is
// off). A damaged cache is an error the caller may ignore: it is only a cache.
func (s *Store) LoadSnapshot() (snap model.Snapshot, ok bool, err error) {
	if s.snapshot == "" {
		return snap, false, nil
	}
	b, err := ReadRegular(s.snapshot, MaxSnapshot)
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

// SaveDraft writes the draft of the handoff key atomically. When it fails (a full disk),
// the previous draft is intact and the error is short: "not saved: no space left on device".
func (s *Store) SaveDraft(key, text string) error {
	path := s.draftPath(key)
	if err := writeAtomic(path, []byte(text)); err != nil {
		return err
	}
	if s.Clock != nil {
		at := s.Clock()
		_ = os.Chtimes(path, at, at) // only the "saved … ago" shown depends on it
	}
	return nil
}

// LoadDraft reads the draft of key and when it was saved; ok is false when there is none.
func (s *Store) LoadDraft(key string) (text string, saved time.Time, ok bool, err error) {
	path := s.draftPath(key)
	b, err := ReadRegular(path, MaxDraft)
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

// DiscardDraft moves key's draft out of the way, into drafts/discarded, named by when it
// was discarded: the next draft of the shift starts afresh from the facts, and the old one
// can still be read. ok is false when there was no draft.
func (s *Store) DiscardDraft(key string, at time.Time) (moved string, ok bool, err error) {
	dir := filepath.Join(s.dir, "drafts", "discarded")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", false, fmt.Errorf("discard the draft: %w", err)
	}
	moved = filepath.Join(dir, fileName(key)+"."+at.UTC().Format("20060102T150405Z")+".md")
	err = os.Rename(s.draftPath(key), moved)
	if errors.Is(err, fs.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("discard the draft: %w", err)
	}
	return moved, true, nil
}

// DeleteDraft removes key's draft (after it was published).
func (s *Store) DeleteDraft(key string) error {
	err := os.Remove(s.draftPath(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

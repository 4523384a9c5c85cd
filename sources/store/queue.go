package store

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/oncall-sre/oncall/model"
)

// MaxEntry is the largest outbox file read: a post's body is capped well below it (about
// 1 MB), so anything larger was not written by oncall.
const MaxEntry = 4 << 20

func (s *Store) outboxDir() string { return filepath.Join(s.dir, "outbox") }

func (s *Store) outboxPath(id string) string {
	return filepath.Join(s.outboxDir(), fileName(id)+".json")
}

// Enqueue puts a post in the outbox. It is on disk before anything is sent.
func (s *Store) Enqueue(post model.HandoffPost) error {
	return s.Put(model.WaitingPost{Post: post})
}

// Put writes an outbox entry: a new post, or the outcome of an attempt.
func (s *Store) Put(w model.WaitingPost) error {
	if w.Post.ID == "" {
		return errors.New("outbox: a post without an id")
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // a body of '<' stays one byte a character
	enc.SetIndent("", "  ")
	if err := enc.Encode(w); err != nil {
		return err
	}
	return writeAtomic(s.outboxPath(w.Post.ID), buf.Bytes())
}

// Damaged is an outbox file that is not a post oncall can send.
type Damaged struct {
	Name   string // the file, in the outbox directory
	Reason string
}

// Scan reads the outbox, oldest first. Files that cannot be read or decoded, or that
// valid refuses, are listed apart as damaged instead of failing the whole scan: one bad
// file must never block the others.
func (s *Store) Scan(valid func(model.WaitingPost) error) ([]model.WaitingPost, []Damaged, error) {
	entries, err := os.ReadDir(s.outboxDir())
	if err != nil {
		return nil, nil, fmt.Errorf("read the outbox: %w", err)
	}
	var out []model.WaitingPost
	var damaged []Damaged
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".json") || strings.HasPrefix(name, ".") {
			continue // temp files of a write in progress, the damaged/ directory
		}
		w, err := s.readEntry(e)
		if err == nil && valid != nil {
			err = valid(w)
		}
		if err != nil {
			damaged = append(damaged, Damaged{Name: name, Reason: err.Error()})
			continue
		}
		out = append(out, w)
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Post.Queued.Before(out[b].Post.Queued) })
	return out, damaged, nil
}

func (s *Store) readEntry(e fs.DirEntry) (model.WaitingPost, error) {
	var w model.WaitingPost
	if !e.Type().IsRegular() {
		return w, fmt.Errorf("not a regular file")
	}
	b, err := ReadRegular(filepath.Join(s.outboxDir(), e.Name()), MaxEntry)
	var fe *FileError
	if errors.As(err, &fe) {
		return w, errors.New(fe.Why)
	}
	if err != nil {
		return w, fmt.Errorf("unreadable: %s", Reason(err))
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return w, fmt.Errorf("not an outbox entry: %v", err)
	}
	if w.Post.ID == "" || fileName(w.Post.ID)+".json" != e.Name() {
		return w, fmt.Errorf("its post id %q does not match the file name", w.Post.ID)
	}
	return w, nil
}

// Outbox lists the posts waiting to be published, oldest first, leaving damaged files
// where they are.
func (s *Store) Outbox() ([]model.WaitingPost, error) {
	out, _, err := s.Scan(nil)
	return out, err
}

// SetAside moves a damaged outbox file to outbox/damaged/, where the engineer can look at
// it, and returns its new path.
func (s *Store) SetAside(name string) (string, error) {
	dir := filepath.Join(s.outboxDir(), "damaged")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	from := filepath.Join(s.outboxDir(), filepath.Base(name))
	to := filepath.Join(dir, filepath.Base(name))
	for i := 1; i < 100; i++ {
		if _, err := os.Lstat(to); errors.Is(err, fs.ErrNotExist) {
			break
		}
		to = filepath.Join(dir, filepath.Base(name)+"."+strconv.Itoa(i))
	}
	if err := os.Rename(from, to); err != nil {
		return "", err
	}
	return to, nil
}

// Published moves a post from the outbox to the journal, as Markdown the user can grep,
// recording when (the caller's clock) and where it went. If the journal cannot be written,
// the outbox entry stays and the error says why.
func (s *Store) Published(p model.HandoffPost, issue model.HandoffNote, at time.Time) error {
	header := fmt.Sprintf("<!-- published %s to %s as %s#%d -->\n", at.UTC().Format(time.RFC3339),
		headerSafe(issue.WebURL), headerSafe(issue.Project), issue.IID)
	if err := writeAtomic(s.journalPath(p), []byte(header+p.Body)); err != nil {
		return err
	}
	err := os.Remove(s.outboxPath(p.ID))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

func (s *Store) journalPath(p model.HandoffPost) string {
	return filepath.Join(s.dir, "journal", fileName(p.Key)+"-"+fileName(p.ID)+".md")
}

// headerSafe keeps a value on the journal's header line and inside its comment.
func headerSafe(v string) string {
	v = strings.Join(strings.Fields(v), "%20")
	return strings.ReplaceAll(v, "-->", "--%3E")
}

var journalHeader = regexp.MustCompile(`^<!-- published (\S+) to (\S*) as (\S+)#(\d+) -->`)

// Journaled returns the latest handoff the journal records for the shift key: the issue
// it was published to (a note's URL keeps only the issue's part). Journal entries written
// before the header named the issue are ignored.
func (s *Store) Journaled(key string) (model.HandoffNote, bool, error) {
	entries, err := os.ReadDir(filepath.Join(s.dir, "journal"))
	if err != nil {
		return model.HandoffNote{}, false, fmt.Errorf("read the journal: %w", err)
	}
	var best model.HandoffNote
	var bestAt time.Time
	found := false
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), fileName(key)+"-") || !e.Type().IsRegular() {
			continue
		}
		h, at, ok := s.readHeader(filepath.Join(s.dir, "journal", e.Name()))
		if ok && (!found || at.After(bestAt) || at.Equal(bestAt) && h.IID > best.IID) {
			best, bestAt, found = h, at, true
		}
	}
	return best, found, nil
}

func (s *Store) readHeader(path string) (model.HandoffNote, time.Time, bool) {
	f, err := OpenRegular(path, MaxEntry) // a FIFO swapped in after ReadDir must not hang us
	if err != nil {
		return model.HandoffNote{}, time.Time{}, false
	}
	defer f.Close()
	line, _ := bufio.NewReaderSize(f, 4096).ReadSlice('\n')
	m := journalHeader.FindSubmatch(line)
	if m == nil {
		return model.HandoffNote{}, time.Time{}, false
	}
	at, err := time.Parse(time.RFC3339, string(m[1]))
	iid, err2 := strconv.ParseInt(string(m[4]), 10, 64)
	if err != nil || err2 != nil {
		return model.HandoffNote{}, time.Time{}, false
	}
	url, _, _ := strings.Cut(string(m[2]), "#")
	return model.HandoffNote{Issue: model.Issue{IssueRef: model.IssueRef{Project: string(m[3]), IID: iid}, WebURL: url}}, at, true
}

package store

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// within fails the test if fn does not return in d: a FIFO or a device must never hang.
func within(t *testing.T, d time.Duration, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); fn() }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("still running after %s", d)
	}
}

func TestReadRegularRefusesWhatIsNotAFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, make([]byte, 5000), 0o600); err != nil {
		t.Fatal(err)
	}
	ok := filepath.Join(dir, "ok")
	_ = os.WriteFile(ok, []byte("token"), 0o600)
	link := filepath.Join(dir, "link")
	_ = os.Symlink(fifo, link)
	cases := []struct {
		path string
		is   error
		says string
	}{
		{fifo, ErrNotRegular, "fifo: a named pipe (FIFO), not a regular file"},
		{link, ErrNotRegular, "link: a named pipe (FIFO)"},
		{"/dev/zero", ErrNotRegular, "/dev/zero: a character device"},
		{dir, ErrNotRegular, ": a directory"},
		{big, ErrTooLarge, "big: 5,000 bytes, larger than 4 KB"},
		{filepath.Join(dir, "none"), fs.ErrNotExist, "no such file"},
	}
	for _, c := range cases {
		within(t, 10*time.Second, func() {
			_, err := ReadRegular(c.path, 4<<10)
			if !errors.Is(err, c.is) || !strings.Contains(err.Error(), c.says) {
				t.Errorf("%s: %v; want %v saying %q", c.path, err, c.is, c.says)
			}
		})
	}
	b, err := ReadRegular(ok, 4<<10)
	if err != nil || string(b) != "token" {
		t.Fatalf("a regular file: %q %v", b, err)
	}
}

// fullDisk makes every write fail as a full disk does, after the first bytes.
type fullDisk struct{ *os.File }

func (f fullDisk) Write(b []byte) (int, error) {
	n, _ := f.File.Write(b[:min(len(b), 3)])
	return n, &fs.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
}

// A mock of a full disk, for machines where no small file system can be mounted (see
// disk_linux_test.go for the real one).
func TestFullDiskKeepsThePreviousDraftAndSaysSoShortly(t *testing.T) {
	s, _ := Open(t.TempDir())
	if err := s.SaveDraft("k", "what I wrote before"); err != nil {
		t.Fatal(err)
	}
	real := newTemp
	newTemp = func(dir, pattern string) (tempFile, error) {
		f, err := os.CreateTemp(dir, pattern)
		return fullDisk{f}, err
	}
	defer func() { newTemp = real }()
	err := s.SaveDraft("k", "what I wrote before, and much more")
	if err == nil || err.Error() != "not saved: no space left on device" || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("error %q; want \"not saved: no space left on device\" (ENOSPC in its chain)", err)
	}
	text, _, ok, _ := s.LoadDraft("k")
	if !ok || text != "what I wrote before" {
		t.Fatalf("the previous draft is %q", text)
	}
	if entries, _ := os.ReadDir(filepath.Join(s.Dir(), "drafts")); len(entries) != 1 {
		t.Errorf("a temp file was left behind: %v", entries)
	}
}

func TestSize(t *testing.T) {
	for n, want := range map[int64]string{1 << 20: "1 MB", 4 << 10: "4 KB", 1<<20 - 1<<10: "1023 KB", 5000: "5,000 bytes", 1234567: "1.2 MB", 12: "12 bytes"} {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %q; want %q", n, got, want)
		}
	}
}

// The cache and the drafts are read as the config is: a FIFO or a device in their place is
// refused, never waited on or read without end.
func TestCacheAndDraftsAreReadOnlyFromRegularFiles(t *testing.T) {
	state, cache := t.TempDir(), t.TempDir()
	s, err := Open(state)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.UseCacheDir(cache); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(cache, "snapshot.json"), 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	if err := os.MkdirAll(filepath.Dir(s.DraftPath("k")), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(s.DraftPath("k"), 0o600); err != nil {
		t.Fatal(err)
	}
	within(t, 10*time.Second, func() {
		if _, ok := s.LoadSnapshotHead(); ok {
			t.Error("a FIFO gave a cache head")
		}
		if _, ok, err := s.LoadSnapshot(); ok || !errors.Is(err, ErrNotRegular) {
			t.Errorf("a FIFO as the cache: ok %v, %v", ok, err)
		}
		if _, _, ok, err := s.LoadDraft("k"); ok || !errors.Is(err, ErrNotRegular) {
			t.Errorf("a FIFO as a draft: ok %v, %v", ok, err)
		}
	})
}

package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oncall-sre/oncall/model"
)

func testSnapshot() model.Snapshot {
	return model.Snapshot{Incidents: []model.Incident{{Issue: model.Issue{Title: "x"}}}}
}

// A cache directory the user may not write (chmod) turns the cache off. Root writes
// anywhere, so this is skipped as root; disk_linux_test.go mounts a real read-only file
// system where it can.
func TestUnwritableCacheTurnsTheCacheOff(t *testing.T) {
	parent := t.TempDir()
	cache := filepath.Join(parent, "oncall")
	if err := os.Mkdir(cache, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(cache, 0o700) })
	if f, err := os.CreateTemp(cache, "probe"); err == nil {
		f.Close()
		t.Skip("this user writes into a mode 0500 directory (root): chmod cannot make it read-only")
	}
	s, _ := Open(t.TempDir())
	err := s.UseCacheDir(cache)
	if err == nil || !strings.HasPrefix(err.Error(), "cache off: permission denied") {
		t.Fatalf("%v; want \"cache off: permission denied\"", err)
	}
	if s.snapshot != "" || s.SaveSnapshot(testSnapshot()) != nil {
		t.Error("with the cache off, saving must do nothing")
	}
}

func TestCacheRoundTrip(t *testing.T) {
	s, _ := Open(t.TempDir())
	if err := s.UseCacheDir(t.TempDir()); err != nil || s.snapshot == "" {
		t.Fatal(err)
	}
	if err := s.SaveSnapshot(testSnapshot()); err != nil {
		t.Fatal(err)
	}
	snap, ok, err := s.LoadSnapshot()
	if err != nil || !ok || len(snap.Incidents) != 1 {
		t.Fatalf("%+v %v %v", snap, ok, err)
	}
}

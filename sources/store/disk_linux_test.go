package store

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// mountTmpfs mounts a small tmpfs on a temporary directory: a real file system that can be
// filled or made read-only. It needs root with CAP_SYS_ADMIN; elsewhere the test is skipped
// (files_test.go and the chmod test cover the same paths with a mock and with permissions).
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size+",mode=0700"); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v); needs root with CAP_SYS_ADMIN", err)
	}
	t.Cleanup(func() { _ = syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir
}

func TestRealFullDiskKeepsThePreviousDraft(t *testing.T) {
	dir := mountTmpfs(t, "64k")
	s, err := Open(filepath.Join(dir, "state"))
	if err != nil {
		t.Fatal(err)
	}
	before := strings.Repeat("before ", 1000)
	if err := s.SaveDraft("k", before); err != nil {
		t.Fatal(err)
	}
	// Fill what is left.
	filler, _ := os.Create(filepath.Join(dir, "filler"))
	for {
		if _, err := filler.Write(make([]byte, 4096)); err != nil {
			break
		}
	}
	filler.Close()
	err = s.SaveDraft("k", before+strings.Repeat("after ", 4000))
	if err == nil || err.Error() != "not saved: no space left on device" {
		t.Fatalf("error %v; want \"not saved: no space left on device\"", err)
	}
	if text, _, _, _ := s.LoadDraft("k"); text != before {
		t.Fatalf("the previous draft was damaged: %d bytes", len(text))
	}
	if entries, _ := os.ReadDir(filepath.Join(s.Dir(), "drafts")); len(entries) != 1 {
		t.Errorf("a temp file was left behind: %v", entries)
	}
}

func TestReadOnlyCacheTurnsTheCacheOff(t *testing.T) {
	dir := mountTmpfs(t, "64k")
	if err := os.Mkdir(filepath.Join(dir, "existing"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("", dir, "", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		t.Skipf("cannot remount read-only: %v", err)
	}
	for _, cache := range []string{filepath.Join(dir, "existing"), filepath.Join(dir, "missing")} {
		s, err := Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		err = s.UseCacheDir(cache)
		var off *CacheOffError
		if !errors.As(err, &off) || !strings.HasPrefix(err.Error(), "cache off: read-only file system") {
			t.Fatalf("%s: %v; want \"cache off: read-only file system\"", cache, err)
		}
		if s.snapshot != "" || s.SaveSnapshot(testSnapshot()) != nil {
			t.Error("with the cache off, saving a snapshot must do nothing, quietly")
		}
		if _, ok, err := s.LoadSnapshot(); ok || err != nil {
			t.Errorf("load with the cache off: %v %v", ok, err)
		}
		if err := s.SaveDraft("k", "drafts still work"); err != nil {
			t.Errorf("the state directory is not read-only: %v", err)
		}
	}
}

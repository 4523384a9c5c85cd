package main

import (
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
	"github.com/oncall-sre/oncall/sources/store"
)

// A full disk while the journal is written (issue 9.4): --publish still prints the URL, and
// the next run does not publish the handoff again. The state directory is a real tmpfs of
// 64 KB, filled but for three pages: enough to queue the post, not to journal it. Needs
// root with CAP_SYS_ADMIN; elsewhere sources/outbox covers the same path with a mock.
func TestAFullDiskStillPrintsThePublishedURLAndNeverPublishesTwice(t *testing.T) {
	var creates atomic.Int32
	srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(simNow), countCreates(&creates))
	cfg := writeConfig(t, srv.URL)
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=64k,mode=0700"); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v)", err)
	}
	t.Cleanup(func() { _ = syscall.Unmount(dir, syscall.MNT_DETACH) })
	t.Setenv("XDG_STATE_HOME", dir)
	if _, err := store.Open(filepath.Join(dir, "oncall")); err != nil {
		t.Fatal(err)
	}
	file := handoffFile(t, "# Handoff\n\n"+strings.Repeat("All quiet on the western front. ", 190))
	filler, _ := os.Create(filepath.Join(dir, "filler"))
	for {
		if _, err := filler.Write(make([]byte, 4096)); err != nil {
			break
		}
	}
	st, _ := filler.Stat()
	_ = filler.Truncate(st.Size() - 3*4096)
	filler.Close()

	code, url, errs := oncall(publishArgs(cfg, file)...)
	url = strings.TrimSpace(url)
	if code != 0 || !strings.Contains(url, "/-/issues/") {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, url, errs)
	}
	if !strings.Contains(errs, "but the journal was not written (no space left on device)") {
		t.Fatalf("no warning about the journal: %s", errs)
	}
	_ = os.Remove(filepath.Join(dir, "filler"))
	code, again, errs := oncall("handoff", "--retry", "--config", cfg, "--now", lastHour)
	if code != 0 || strings.TrimSpace(again) != url {
		t.Fatalf("--retry after freeing the disk: exit %d %q %s", code, again, errs)
	}
	if creates.Load() != 1 {
		t.Fatalf("%d issues created; want one", creates.Load())
	}
	journal, _ := os.ReadDir(filepath.Join(dir, "oncall", "journal"))
	outbox, _ := store.Open(filepath.Join(dir, "oncall"))
	if left, _ := outbox.Outbox(); len(journal) != 1 || len(left) != 0 {
		t.Fatalf("journal %v, outbox %v", journal, left)
	}
}

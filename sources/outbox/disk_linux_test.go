package outbox_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/sources/gitlab"
	"github.com/oncall-sre/oncall/sources/outbox"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
	"github.com/oncall-sre/oncall/sources/store"
)

// A real full disk (a small tmpfs; root with CAP_SYS_ADMIN, else skipped) while the
// journal is written: the post counts as published and its URL is reported; neither the
// journal nor the outbox entry can be written, so the entry stays as it was; the next flush
// asks GitLab, finds the issue by its marker, and does not create a second one.
func TestFullDiskAfterPublishingNeverPostsTwice(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=64k,mode=0700"); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v); held_test.go covers this with a mock", err)
	}
	t.Cleanup(func() { _ = syscall.Unmount(dir, syscall.MNT_DETACH) })
	var creates atomic.Int32
	opts := sim.DefaultOptions(now)
	srv, _ := simtest.NewTestServer(t, opts, flakyCreates(0, false, &creates))
	src, _ := gitlab.New(gitlab.Config{BaseURL: srv.URL, Token: "x", Labels: opts.Labels, ProductionProject: opts.ProductionProject,
		OncallProject: opts.OncallProject, HandoffProject: opts.HandoffProject})
	st, err := store.Open(filepath.Join(dir, "state"))
	if err != nil {
		t.Fatal(err)
	}
	ob := &outbox.Outbox{Store: st, Publish: src.PublishHandoff}
	p := post("oncallhandofffulldisk")
	p.Body = strings.Repeat("All quiet. ", 200)
	if err := ob.Submit(p); err != nil {
		t.Fatal(err)
	}
	filler, _ := os.Create(filepath.Join(dir, "filler"))
	for {
		if _, err := filler.Write(make([]byte, 1024)); err != nil {
			break
		}
	}
	rep, err := ob.Flush(context.Background(), now)
	if err != nil || len(rep.Published) != 1 || !strings.Contains(rep.Published[0].Issue.WebURL, "/-/issues/") {
		t.Fatalf("the URL of what was published is lost: %v %+v", err, rep)
	}
	if len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "no space left on device") || !strings.Contains(rep.Warnings[0], "does not post it again") {
		t.Fatalf("warnings %q", rep.Warnings)
	}
	filler.Close()
	_ = os.Remove(filepath.Join(dir, "filler"))
	rep, err = ob.Flush(context.Background(), now.Add(time.Minute))
	if err != nil || len(rep.Published) != 1 || len(rep.Warnings) != 0 {
		t.Fatalf("after freeing the disk: %v %+v", err, rep)
	}
	if creates.Load() != 1 || len(issuesTitled(t, srv.URL, p.Title)) != 1 {
		t.Fatalf("%d creates; want exactly one issue", creates.Load())
	}
	if entries, _ := os.ReadDir(filepath.Join(st.Dir(), "journal")); len(entries) != 1 {
		t.Fatalf("journal %v", entries)
	}
}

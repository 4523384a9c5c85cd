package outbox_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/outbox"
	"github.com/oncall-sre/oncall/sources/store"
)

// fakePublish answers with err while it is set, and counts the calls.
type fakePublish struct {
	err   error
	calls atomic.Int32
}

func (f *fakePublish) publish(_ context.Context, p model.HandoffPost) (model.HandoffNote, error) {
	f.calls.Add(1)
	if f.err != nil {
		return model.HandoffNote{}, f.err
	}
	return model.HandoffNote{Issue: model.Issue{IssueRef: model.IssueRef{Project: p.Project, IID: 7}, WebURL: "https://gitlab.example.com/h/-/issues/7"}}, nil
}

func localOutbox(t *testing.T, f *fakePublish) (*outbox.Outbox, *store.Store) {
	t.Helper()
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return &outbox.Outbox{Store: st, Publish: f.publish, First: time.Second, Max: 4 * time.Second}, st
}

func TestPermanentFailureHoldsThePostUntilRetry(t *testing.T) {
	f := &fakePublish{err: &model.PermanentError{Err: errors.New("create the handoff issue: 403 insufficient_scope"),
		Hint: "the GitLab token can read but not write: publishing needs the api scope"}}
	ob, st := localOutbox(t, f)
	if err := ob.Submit(post("oncallhandoffheld")); err != nil {
		t.Fatal(err)
	}
	rep, err := ob.Flush(context.Background(), now)
	if err != nil || len(rep.Waiting) != 1 {
		t.Fatal(err, rep)
	}
	w := rep.Waiting[0]
	if !w.Held || !w.NextAttempt.IsZero() || w.Hint == "" || !strings.Contains(w.LastError, "403") {
		t.Fatalf("not held: %+v", w)
	}
	explained := w.Explain(now)
	for _, want := range []string{"held: ", "403 insufficient_scope", "needs the api scope", "your handoff is kept", "oncall handoff --retry"} {
		if !strings.Contains(explained, want) {
			t.Errorf("the explanation %q lacks %q", explained, want)
		}
	}
	// Held: kept on disk, never tried again by a flush, however late.
	for _, at := range []time.Time{now.Add(time.Hour), now.Add(30 * 24 * time.Hour)} {
		if rep, err := ob.Flush(context.Background(), at); err != nil || len(rep.Waiting) != 1 || !rep.Waiting[0].Held {
			t.Fatal(err, rep)
		}
	}
	if f.calls.Load() != 1 {
		t.Fatalf("a held post was tried %d times", f.calls.Load())
	}
	if onDisk, _ := st.Outbox(); len(onDisk) != 1 || !onDisk[0].Held {
		t.Fatalf("on disk: %+v", onDisk)
	}
	// The token is fixed; the engineer re-arms it.
	f.err = nil
	rep, err = ob.Retry(context.Background(), now.Add(2*time.Hour))
	if err != nil || len(rep.Published) != 1 || len(rep.Waiting) != 0 || f.calls.Load() != 2 {
		t.Fatalf("retry: %v %+v (%d calls)", err, rep, f.calls.Load())
	}
}

func TestTemporaryFailureWaitsForTheServerButNotForEver(t *testing.T) {
	f := &fakePublish{err: &model.RetryAfterError{Err: errors.New("create the handoff issue: rate limited"), After: 999999999 * time.Second}}
	ob, _ := localOutbox(t, f)
	_ = ob.Submit(post("oncallhandoffcapped"))
	rep, err := ob.Flush(context.Background(), now)
	if err != nil || len(rep.Waiting) != 1 {
		t.Fatal(err, rep)
	}
	if got := rep.Waiting[0].NextAttempt.Sub(now); got != outbox.MaxServerWait {
		t.Fatalf("next attempt in %s; want the %s cap", got, outbox.MaxServerWait)
	}
	if rep.Waiting[0].Held {
		t.Fatal("a temporary failure was held")
	}
}

func TestSubmitRefusesWhatCannotBeSent(t *testing.T) {
	ob, st := localOutbox(t, &fakePublish{})
	base := post("oncallhandoffvalid")
	cases := map[string]func(*model.HandoffPost){
		"empty":             func(p *model.HandoffPost) { p.Body = " \n\t\n" },
		"only escapes":      func(p *model.HandoffPost) { p.Body = "\x1b[2J\x1b]52;c;aGVsbG8=\x07\x1b[31m\x1b[0m\r\n\u202e" },
		"no title":          func(p *model.HandoffPost) { p.Title = "\x1b[1m \x1b[0m" },
		"long title":        func(p *model.HandoffPost) { p.Title = strings.Repeat("t", 256) },
		"no project":        func(p *model.HandoffPost) { p.Project = " " },
		"no id":             func(p *model.HandoffPost) { p.ID = "" },
		"id with a slash":   func(p *model.HandoffPost) { p.ID = "../x" },
		"no shift":          func(p *model.HandoffPost) { p.Key = "" },
		"too large":         func(p *model.HandoffPost) { p.Body = strings.Repeat("x", outbox.MaxBody+1) },
		"tabs grow it":      func(p *model.HandoffPost) { p.Body = strings.Repeat("\t", outbox.MaxBody/2) },
		"a target with iid": func(p *model.HandoffPost) { p.Target = &model.IssueRef{Project: "p"} },
	}
	for name, mutate := range cases {
		p := base
		mutate(&p)
		if err := ob.Submit(p); err == nil {
			t.Errorf("%s: queued", name)
		}
	}
	if onDisk, _ := st.Outbox(); len(onDisk) != 0 {
		t.Fatalf("queued: %+v", onDisk)
	}
	// What is queued is what is sent: cleaned.
	p := base
	p.Title = "On-call handoff\x1b[31m 16:00\n"
	p.Body = "ok\x1b]8;;http://evil\x07link\x1b]8;;\x07\n"
	if err := ob.Submit(p); err != nil {
		t.Fatal(err)
	}
	onDisk, _ := st.Outbox()
	if len(onDisk) != 1 || onDisk[0].Post.Title != "On-call handoff 16:00" || onDisk[0].Post.Body != "oklink\n" {
		t.Fatalf("queued %+v", onDisk)
	}
}

func TestDamagedEntriesAreSetAsideAndTheRestIsSent(t *testing.T) {
	f := &fakePublish{}
	ob, st := localOutbox(t, f)
	dir := filepath.Join(st.Dir(), "outbox")
	junk := map[string]string{"empty.json": "", "null.json": "null", "braces.json": "{}", "garbage.json": "\x00\xff{",
		"escapes.json": `{"post":{"id":"escapes","key":"k","project":"p","title":"t","body":"\u001b[2J\u001b[0m"}}`}
	for name, body := range junk {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	huge, _ := os.Create(filepath.Join(dir, "huge.json"))
	_ = huge.Truncate(50 << 20)
	huge.Close()
	_ = ob.Submit(post("oncallhandoffgood"))
	rep, err := ob.Flush(context.Background(), now)
	if err != nil || len(rep.Published) != 1 || rep.Published[0].Post.ID != "oncallhandoffgood" || len(rep.Waiting) != 0 {
		t.Fatalf("one bad file blocked the others: %v %+v", err, rep)
	}
	if len(rep.Warnings) != len(junk)+1 {
		t.Fatalf("warnings %q", rep.Warnings)
	}
	for _, w := range rep.Warnings {
		if !strings.Contains(w, "is damaged") || !strings.Contains(w, "moved to "+filepath.Join(dir, "damaged")) {
			t.Errorf("warning %q", w)
		}
	}
	if f.calls.Load() != 1 {
		t.Errorf("%d publishes; the phantom posts were sent", f.calls.Load())
	}
	left, _ := os.ReadDir(dir)
	for _, e := range left {
		if e.Name() != "damaged" {
			t.Errorf("left in the outbox: %s", e.Name())
		}
	}
	if moved, _ := os.ReadDir(filepath.Join(dir, "damaged")); len(moved) != len(junk)+1 {
		t.Errorf("moved aside: %d", len(moved))
	}
}

func TestJournalFailureStillReportsThePublishedPostAndNeverPostsTwice(t *testing.T) {
	f := &fakePublish{}
	ob, st := localOutbox(t, f)
	p := post("oncallhandoffnojournal")
	_ = ob.Submit(p)
	journal := filepath.Join(st.Dir(), "journal")
	// The journal cannot be written: its directory is a file (a mock of a full disk that
	// works even as root; disk_linux_test.go fills a real one).
	_ = os.Remove(journal)
	_ = os.WriteFile(journal, nil, 0o600)
	rep, err := ob.Flush(context.Background(), now)
	if err != nil || len(rep.Published) != 1 || rep.Published[0].Issue.WebURL == "" {
		t.Fatalf("the published post is not reported: %v %+v", err, rep)
	}
	if len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "published https://gitlab.example.com/h/-/issues/7, but the journal was not written (not a directory)") {
		t.Fatalf("warnings %q", rep.Warnings)
	}
	_ = os.Remove(journal)
	_ = os.Mkdir(journal, 0o700)
	rep, err = ob.Flush(context.Background(), now.Add(time.Minute))
	if err != nil || len(rep.Published) != 1 || len(rep.Warnings) != 0 {
		t.Fatalf("second flush: %v %+v", err, rep)
	}
	if f.calls.Load() != 1 {
		t.Fatalf("GitLab was asked %d times; the second flush should only write the journal", f.calls.Load())
	}
	if entries, _ := os.ReadDir(journal); len(entries) != 1 {
		t.Fatalf("journal: %v", entries)
	}
	if left, _ := st.Outbox(); len(left) != 0 {
		t.Fatalf("outbox: %+v", left)
	}
}

func TestASecondFlushLeavesTheWorkToTheHolder(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{})
	slow := func(ctx context.Context, p model.HandoffPost) (model.HandoffNote, error) {
		close(started)
		<-release
		return model.HandoffNote{Issue: model.Issue{WebURL: "https://gitlab.example.com/h/-/issues/8"}}, nil
	}
	st, _ := store.Open(t.TempDir())
	holder := &outbox.Outbox{Store: st, Publish: slow}
	_ = holder.Submit(post("oncallhandofflocked"))
	done := make(chan model.OutboxReport)
	go func() { rep, _ := holder.Flush(context.Background(), now); done <- rep }()
	<-started
	var second atomic.Int32
	other := &outbox.Outbox{Store: st, LockWait: 50 * time.Millisecond, Publish: func(context.Context, model.HandoffPost) (model.HandoffNote, error) {
		second.Add(1)
		return model.HandoffNote{}, nil
	}}
	rep, err := other.Flush(context.Background(), now)
	if err != nil || !rep.Busy || len(rep.Waiting) != 1 || second.Load() != 0 || !strings.Contains(strings.Join(rep.Warnings, ""), "another oncall is publishing") {
		t.Fatalf("while another flush holds the outbox: %v %+v (published %d)", err, rep, second.Load())
	}
	// A flush given up on while it waits (quit, a deadline) says so, not that another
	// process holds the outbox.
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if rep, err := other.Flush(cancelled, now); !errors.Is(err, context.Canceled) || rep.Busy {
		t.Fatalf("a cancelled flush: %v %+v; want context.Canceled", err, rep)
	}
	close(release)
	if rep := <-done; len(rep.Published) != 1 {
		t.Fatalf("holder: %+v", rep)
	}
	// Free again: the second one works.
	if rep, err := other.Flush(context.Background(), now); err != nil || rep.Busy {
		t.Fatalf("after the holder: %v %+v", err, rep)
	}
}

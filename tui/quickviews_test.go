package tui

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/oncall-sre/oncall/model"
)

func TestSortCyclesAndSaysSo(t *testing.T) {
	m, _, _ := fixtureModel(t, 160, 40)
	first := func() string { return m.dash.focused().rows(m)[0].title }
	if !strings.Contains(first(), "Replication lag") {
		t.Fatalf("by severity the S1 comes first, not %q", first())
	}
	press(t, m, "s")
	if !strings.Contains(first(), "Elevated 5xx") || !strings.Contains(screen(m), "by age") {
		t.Fatalf("by age the newest (47m) comes first, not %q\n%s", first(), screen(m))
	}
	press(t, m, "s")
	if !strings.Contains(screen(m), "by updated") {
		t.Fatal("the second s does not sort by updated")
	}
	press(t, m, "s")
	if out := screen(m); !strings.Contains(first(), "Replication lag") || strings.Contains(out, "by age") || strings.Contains(out, "by updated") {
		t.Fatal("the third s does not go back to severity")
	}
}

func TestMineAndHideMitigated(t *testing.T) {
	m, f, _ := fixtureModel(t, 160, 40)
	press(t, m, "m")
	out := screen(m)
	// Ana leads no incident, owns one change, is assigned one on-call issue.
	if !strings.Contains(out, "nothing to show: 0 of 4 shown (mine)") || !strings.Contains(out, "1 of 3 shown (mine)") || strings.Contains(out, "Fail over the sessions cache") {
		t.Fatalf("m does not keep only what is mine:\n%s", out)
	}
	press(t, m, "m", "M")
	out = screen(m)
	if strings.Contains(out, "Replication lag") || !strings.Contains(out, "3 of 4 shown (mitigated and resolved hidden)") {
		t.Fatalf("M does not hide the mitigated incident:\n%s", out)
	}
	press(t, m, "M")
	if !strings.Contains(screen(m), "Replication lag") {
		t.Fatal("a second M does not show it again")
	}

	// An issue labelled Resolved but not yet closed is hidden as well.
	f.set(func(w *model.Snapshot) { w.Incidents[3].Status = model.StatusResolved })
	run(t, m, m.refreshAll())
	press(t, m, "M")
	if out := screen(m); strings.Contains(out, "Renovate bot") || !strings.Contains(out, "2 of 4 shown (mitigated and resolved hidden)") {
		t.Fatalf("M does not hide the resolved incident:\n%s", out)
	}
}

func TestOpenTheSelectedItemInTheBrowser(t *testing.T) {
	dir := t.TempDir()
	got := filepath.Join(dir, "opened")
	script := filepath.Join(dir, "browser")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho \"$1\" > "+got+"\necho noise; echo more noise >&2\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	m, _, _ := fixtureModel(t, 120, 40)
	looked := false
	m.opts.Opener = func() string { looked = true; return script }
	_, cmd := m.Update(keyPress("o"))
	if looked {
		t.Fatal("the opener was looked for ($PATH) on the UI goroutine")
	}
	run(t, m, cmd)
	b, err := os.ReadFile(got)
	if err != nil || strings.TrimSpace(string(b)) != "https://gitlab.example/prod/-/issues/4101" {
		t.Fatalf("o opened %q (%v)", b, err)
	}
	if out := screen(m); strings.Contains(out, "noise") || !strings.Contains(out, "opening https://gitlab.example/prod/-/issues/4101") {
		t.Fatalf("the opener disturbed the screen, or nothing was said:\n%s", out)
	}
	// No opener (over SSH): the address is shown instead.
	m.opts.Opener = func() string { return "" }
	press(t, m, "o")
	if !strings.Contains(screen(m), "open it at https://gitlab.example/prod/-/issues/4101 (y copies it)") {
		t.Fatalf("with no opener the address is not shown:\n%s", screen(m))
	}
}

func TestCopyTheAddressWithOSC52(t *testing.T) {
	m, _, _ := fixtureModel(t, 120, 40)
	var out output
	l := startLiveTo(t, m, 120, 40, &out)
	l.send(keyPress("y"))
	want := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte("https://gitlab.example/prod/-/issues/4101"))
	l.waitOutput(&out, "the OSC 52 sequence", want)
}

// An opener that is the browser itself (it returns when the browser quits) is not waited
// for past openerWait: the command ends, and the browser is left to run.
func TestABrowserThatStaysIsNotWaitedFor(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "browser")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nexec sleep 30\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	saved := openerWait
	defer func() { openerWait = saved }()
	openerWait = 50 * time.Millisecond
	m, _, _ := fixtureModel(t, 120, 40)
	m.opts.Opener = func() string { return script }
	cmd := m.openURL("https://gitlab.example/prod/-/issues/4101")
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	select {
	case msg := <-done:
		if om, ok := msg.(openedMsg); !ok || om.err != nil {
			t.Fatalf("a browser still running gave %#v", msg)
		}
	case <-time.After(time.Minute):
		t.Fatal("the opener is waited for as long as the browser runs")
	}
}

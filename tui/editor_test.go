package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

func footerOf(m *Model) string { o := lines(screen(m)); return o[len(o)-1] }

func TestThePreviewScrollsAndSaysWhere(t *testing.T) {
	m, _, _ := handoffModel(t, nil)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24}) // the draft is far taller than this
	openEditor(t, m)
	_, cmd := m.Update(ctrl('o'))
	run(t, m, cmd)
	if m.editor.phase != phasePreview {
		t.Fatal("ctrl+o did not preview")
	}
	top := screen(m)
	if !strings.Contains(top, "On-call handoff 2026-11-23 16:00 UTC") || strings.Contains(top, "What to watch") {
		t.Fatalf("the preview should open at the top of a draft taller than the screen:\n%s", top)
	}
	if !strings.Contains(footerOf(m), "  0%") || !strings.Contains(footerOf(m), "j/k scroll") {
		t.Errorf("the footer does not say where the preview is, or how to scroll: %q", footerOf(m))
	}
	press(t, m, "j", "j")
	if strings.Contains(footerOf(m), "  0%") || screen(m) == top {
		t.Errorf("j does not scroll the preview: %q", footerOf(m))
	}
	press(t, m, "G")
	if out := screen(m); !strings.Contains(out, "What to watch") || !strings.Contains(footerOf(m), "100%") {
		t.Errorf("G does not reach the end of the preview (%q):\n%s", footerOf(m), out)
	}
	press(t, m, "k")
	if strings.Contains(footerOf(m), "100%") {
		t.Errorf("k does not scroll back: %q", footerOf(m))
	}
	press(t, m, "g")
	if !strings.Contains(footerOf(m), "  0%") {
		t.Errorf("g does not go back to the top: %q", footerOf(m))
	}
	press(t, m, "pgdown")
	if strings.Contains(footerOf(m), "  0%") {
		t.Errorf("pgdown does not scroll: %q", footerOf(m))
	}
	press(t, m, "?")
	if out := screen(m); !strings.Contains(out, "Handoff preview") || !strings.Contains(out, "Scroll") {
		t.Errorf("help in the preview does not list its keys:\n%s", out)
	}
	press(t, m, "esc", "esc")
	if m.top() != m.editor || m.editor.phase != phaseEditing {
		t.Fatal("esc does not leave the preview for the text")
	}
}

func TestRegeneratingSaysWhenTheFactsAreIn(t *testing.T) {
	m, _, _ := handoffModel(t, nil)
	openEditor(t, m)
	_, cmd := m.Update(ctrl('r'))
	if !strings.Contains(footerOf(m), "regenerating") {
		t.Errorf("ctrl+r does not say it started: %q", footerOf(m))
	}
	run(t, m, cmd)
	if !strings.Contains(footerOf(m), "facts refreshed") {
		t.Errorf("the footer does not say the facts are refreshed: %q", footerOf(m))
	}

	// And what failed, when it failed.
	world := newSimWorld(t, handoffNow, nil)
	m2, _ := testModel(t, newFixture(), world.local, handoffNow, 120, 40) // the fixture has no facts
	press(t, m2, "h")
	_, cmd = m2.Update(ctrl('r'))
	run(t, m2, cmd)
	if f := footerOf(m2); !strings.Contains(f, "facts not refreshed: the fixture has no facts") {
		t.Errorf("a failed refresh is not said: %q", f)
	}
}

func TestARestoredDraftSaysHowOldItsFactsAre(t *testing.T) {
	m, _, world := handoffModel(t, nil)
	e := openEditor(t, m)
	typeText(t, m, "Patroni failover done.")
	draft := e.ta.Value()
	if at, ok := factsStamp(draft); !ok || !at.Equal(handoffNow) {
		t.Fatalf("the draft does not date its facts (%v %v):\n%s", at, ok, draft)
	}
	if got := screen(m); strings.Contains(got, "facts from") {
		t.Fatalf("fresh facts are called old:\n%s", got)
	}
	// A new session restores the draft, with facts gathered three hours before now.
	earlier := handoffNow.Add(-3 * time.Hour)
	if err := world.local.SaveDraft(e.key, withFactsStamp(draft, earlier)); err != nil {
		t.Fatal(err)
	}
	m2, _ := testModel(t, world.hub, world.local, handoffNow, 120, 40)
	_, cmd := m2.Update(keyPress("h"))
	run(t, m2, cmd)
	out := screen(m2)
	// 12:20 UTC is 13:20 in the test's zone (CET).
	if !strings.Contains(out, "facts from 13:20, 3h ago — ctrl+r refreshes") {
		t.Fatalf("the restored draft does not say how old its facts are:\n%s", out)
	}
	if !strings.Contains(m2.editor.ta.Value(), "Patroni failover done.") {
		t.Fatal("the restored draft lost the human's text")
	}
	_, cmd = m2.Update(ctrl('r'))
	run(t, m2, cmd)
	if out := screen(m2); strings.Contains(out, "facts from") || !strings.Contains(m2.editor.ta.Value(), "Patroni failover done.") {
		t.Fatalf("after ctrl+r the facts are still called old, or the notes are lost:\n%s", out)
	}
	// A draft of an older version, undated: its facts are at least as old as its last save.
	if err := world.local.SaveDraft(e.key, withoutFactsStamp(draft)); err != nil {
		t.Fatal(err)
	}
	m3, _ := testModel(t, world.hub, world.local, handoffNow, 120, 40)
	_, cmd = m3.Update(keyPress("h"))
	run(t, m3, cmd)
	if out := screen(m3); !strings.Contains(out, " or earlier — ctrl+r refreshes") {
		t.Errorf("an undated restored draft does not warn:\n%s", out)
	}
	if at, _ := factsStamp(m2.editor.ta.Value()); !at.Equal(handoffNow) || strings.Count(m2.editor.ta.Value(), factsStampPrefix) != 1 {
		t.Errorf("the refreshed draft is dated %v, with %d dates", at, strings.Count(m2.editor.ta.Value(), factsStampPrefix))
	}
}

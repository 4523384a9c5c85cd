package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/model"
)

func TestANewS1OrATriggeredPageRingsTheBellAndNotifies(t *testing.T) {
	f := newFixture()
	m, _ := testModel(t, f, nil, testNow, 120, 40)
	m.opts.Notify = Notify{Bell: true, Desktop: "osc777"}
	var out output
	l := startLiveTo(t, m, 120, 40, &out)
	l.waitFor("the first answers", func(m *Model) bool { return m.known != nil && m.pageStatus != nil })
	if strings.Contains(out.String(), "\x1b]777") {
		t.Fatal("what was there at the first answer was announced")
	}
	f.set(func(w *model.Snapshot) {
		w.Incidents = append(w.Incidents, fixtureIncident(4300, 2, model.StatusActive, "Checkout failing for EU customers", time.Minute))
	})
	l.send(refreshTickMsg{})
	// The bell, then the notification (a BEL alone: the others end escape sequences).
	l.waitOutput(&out, "the bell and the notification", "\a\x1b]777;notify;oncall;new S2 incident #4300: Checkout failing for EU customers\x07")
	f.set(func(w *model.Snapshot) {
		w.Pages.Open = append(w.Pages.Open, model.Page{ID: "Q9", Number: 104300, Title: "[FIRING:1] CheckoutErrors", Status: "triggered"})
	})
	l.send(refreshTickMsg{})
	l.waitOutput(&out, "the page's notification", "page #104300 triggered: [FIRING:1] CheckoutErrors")
	// An incident raised to S2 is news.
	f.set(func(w *model.Snapshot) { w.Incidents[2].Severity = 2 })
	l.send(refreshTickMsg{})
	l.waitOutput(&out, "the raised incident's notification", "#4099 is now S2: Sidekiq queue backlog above 10k jobs")
	// An S3 is no news.
	f.set(func(w *model.Snapshot) {
		w.Incidents = append(w.Incidents, fixtureIncident(4301, 3, model.StatusActive, "Slow CI", time.Minute))
	})
	l.send(refreshTickMsg{})
	l.waitFor("the S3 to show", func(m *Model) bool { return strings.Contains(screen(m), "Slow CI") })
	// A notification after it, waited for: one the S3 raised would be written before it.
	f.set(func(w *model.Snapshot) {
		w.Pages.Open = append(w.Pages.Open, model.Page{ID: "Q10", Number: 104301, Title: "[FIRING:1] Later", Status: "triggered"})
	})
	l.send(refreshTickMsg{})
	l.waitOutput(&out, "the later page's notification", "page #104301 triggered: [FIRING:1] Later")
	if strings.Contains(out.String(), "incident #4301") {
		t.Fatal("an S3 incident raised a notification")
	}
}

func TestNoBellWhenTurnedOff(t *testing.T) {
	m, f, _ := fixtureModel(t, 120, 40)
	m.opts.Notify = Notify{}
	f.set(func(w *model.Snapshot) {
		w.Incidents = append(w.Incidents, fixtureIncident(4300, 1, model.StatusActive, "Everything is down", time.Minute))
	})
	run(t, m, m.refreshAll())
	if !strings.Contains(screen(m), "new S1 incident #4300") {
		t.Fatal("the news is not said in the footer")
	}
	if cmd := m.announce([]string{"x"}); cmd != nil {
		t.Fatal("with the bell and notifications off, something is still written")
	}
}

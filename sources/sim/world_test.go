package sim_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	pd "github.com/PagerDuty/go-pagerduty"
	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

// apiWorld is a simulated world as the real clients read it: every issue of the three
// projects with its notes and label events, and every PagerDuty incident with its notes.
type apiWorld struct {
	opts      sim.Options
	url       string
	issues    map[string][]*gl.Issue // by project path, oldest first
	notes     map[string][]*gl.Note  // by issueKey, oldest first
	events    map[string][]*gl.LabelEvent
	pages     []pd.Incident
	pageNotes map[string][]pd.IncidentNote // by incident id
}

func issueKey(project string, iid int64) string { return fmt.Sprintf("%s#%d", project, iid) }

func worldOpts(seed uint64, at time.Time) sim.Options {
	opts := sim.DefaultOptions(at)
	opts.Seed = seed
	return opts
}

// readWorld serves a simulator of opts and reads all of it through client-go and
// go-pagerduty.
func readWorld(t *testing.T, opts sim.Options) *apiWorld {
	t.Helper()
	srv, _ := simtest.NewTestServer(t, opts, nil)
	c := glClient(t, srv.URL)
	w := &apiWorld{opts: opts, url: srv.URL, issues: map[string][]*gl.Issue{}, notes: map[string][]*gl.Note{},
		events: map[string][]*gl.LabelEvent{}, pageNotes: map[string][]pd.IncidentNote{}}
	for _, project := range []string{opts.ProductionProject, opts.OncallProject, opts.HandoffProject} {
		opt := &gl.ListProjectIssuesOptions{OrderBy: gl.Ptr("created_at"), Sort: gl.Ptr("asc"), ListOptions: gl.ListOptions{PerPage: 100, Page: 1}}
		for {
			page, resp, err := c.Issues.ListProjectIssues(project, opt)
			if err != nil {
				t.Fatal(err)
			}
			w.issues[project] = append(w.issues[project], page...)
			if resp.NextPage == 0 {
				break
			}
			opt.Page = resp.NextPage
		}
		for _, is := range w.issues[project] {
			key := issueKey(project, is.IID)
			notes, _, err := c.Notes.ListIssueNotes(project, is.IID, &gl.ListIssueNotesOptions{ListOptions: gl.ListOptions{PerPage: 100}, Sort: gl.Ptr("asc")})
			if err != nil {
				t.Fatal(err)
			}
			w.notes[key] = notes
			events, _, err := c.ResourceLabelEvents.ListIssueLabelEvents(project, is.IID, &gl.ListLabelEventsOptions{ListOptions: gl.ListOptions{PerPage: 100}})
			if err != nil {
				t.Fatal(err)
			}
			w.events[key] = events
		}
	}
	p := pdClient(srv.URL, "x")
	resp, err := p.ListIncidentsWithContext(ctx, pd.ListIncidentsOptions{DateRange: "all", Limit: 100, Statuses: []string{"triggered", "acknowledged", "resolved"}})
	if err != nil || resp.More {
		t.Fatalf("%v (more: %v)", err, resp != nil && resp.More)
	}
	w.pages = resp.Incidents
	for _, in := range w.pages {
		notes, err := p.ListIncidentNotesWithContext(ctx, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		w.pageNotes[in.ID] = notes
	}
	return w
}

// incidents are the world's incidents, open or closed.
func (w *apiWorld) incidents() []*gl.Issue {
	var out []*gl.Issue
	for _, is := range w.issues[w.opts.ProductionProject] {
		if slices.Contains(is.Labels, w.opts.Labels.Incident) {
			out = append(out, is)
		}
	}
	return out
}

// fingerprint is what tells two worlds apart: titles, people and times.
func (w *apiWorld) fingerprint() (titles, people, times []string) {
	for _, project := range []string{w.opts.ProductionProject, w.opts.OncallProject, w.opts.HandoffProject} {
		for _, is := range w.issues[project] {
			titles = append(titles, is.Title)
			times = append(times, is.CreatedAt.UTC().Format(time.RFC3339))
			for _, a := range is.Assignees {
				people = append(people, a.Username)
			}
		}
	}
	return titles, people, times
}

// overlap is the share of a's distinct values also in b.
func overlap(a, b []string) float64 {
	in := map[string]bool{}
	for _, v := range b {
		in[v] = true
	}
	seen, both := map[string]bool{}, 0
	for _, v := range a {
		if !seen[v] {
			seen[v] = true
			if in[v] {
				both++
			}
		}
	}
	return float64(both) / float64(max(len(seen), 1))
}

func TestTwoSeedsGiveTwoWorlds(t *testing.T) {
	for _, pair := range [][2]uint64{{1, 2}, {2, 3}, {7, 8}} {
		a, b := readWorld(t, worldOpts(pair[0], now)), readWorld(t, worldOpts(pair[1], now))
		ta, pa, ca := a.fingerprint()
		tb, pb, cb := b.fingerprint()
		if o := overlap(ta, tb); o > 0.5 {
			t.Errorf("seeds %d and %d share %.0f%% of their titles", pair[0], pair[1], 100*o)
		}
		if o := overlap(pa, pb); o > 0.6 {
			t.Errorf("seeds %d and %d share %.0f%% of their people", pair[0], pair[1], 100*o)
		}
		if o := overlap(ca, cb); o > 0.3 {
			t.Errorf("seeds %d and %d share %.0f%% of their creation times", pair[0], pair[1], 100*o)
		}
		if len(a.pages) == len(b.pages) && a.pages[0].Title == b.pages[0].Title {
			t.Errorf("seeds %d and %d page alike: %q", pair[0], pair[1], a.pages[0].Title)
		}
	}
}

func TestTheSameSeedGivesTheSameWorld(t *testing.T) {
	for _, seed := range []uint64{1, 5} {
		a, b := readWorld(t, worldOpts(seed, now)), readWorld(t, worldOpts(seed, now))
		if got, want := a.dump(), b.dump(); got != want {
			t.Errorf("seed %d gave two worlds; the first difference is near %q", seed, firstDifference(got, want))
		}
	}
}

// dump is the world as text, without the server's address (each test server has its own).
func (w *apiWorld) dump() string {
	var b strings.Builder
	for _, project := range []string{w.opts.ProductionProject, w.opts.OncallProject, w.opts.HandoffProject} {
		for _, is := range w.issues[project] {
			fmt.Fprintf(&b, "%d %d %s %s %v %v %v %v %q\n", is.ID, is.IID, is.Title, is.State, is.Labels, is.CreatedAt, is.UpdatedAt, is.ClosedAt, is.Description)
			for _, n := range w.notes[issueKey(project, is.IID)] {
				fmt.Fprintf(&b, "  note %d %s %v %v %q\n", n.ID, n.Author.Username, n.CreatedAt, n.System, n.Body)
			}
			for _, e := range w.events[issueKey(project, is.IID)] {
				fmt.Fprintf(&b, "  event %d %s %v %s\n", e.ID, e.Action, e.CreatedAt, e.Label.Name)
			}
		}
	}
	for _, in := range w.pages {
		fmt.Fprintf(&b, "page %s %d %s %s %s %s %v\n", in.ID, in.IncidentNumber, in.Title, in.Status, in.CreatedAt, in.LastStatusChangeAt, in.Acknowledgements)
		for _, n := range w.pageNotes[in.ID] {
			fmt.Fprintf(&b, "  note %s %s %q\n", n.CreatedAt, n.User.Summary, n.Content)
		}
	}
	return strings.ReplaceAll(b.String(), w.url, "")
}

func firstDifference(a, b string) string {
	for i := 0; i < min(len(a), len(b)); i++ {
		if a[i] != b[i] {
			return a[max(0, i-60):min(len(a), i+60)]
		}
	}
	return "(one is a prefix of the other)"
}

// TestNothingHappensAfterNow reads every time the APIs give, in several worlds and at
// several instants: none is after the simulator's now.
func TestNothingHappensAfterNow(t *testing.T) {
	for _, at := range []time.Time{now, time.Date(2027, 3, 6, 3, 59, 17, 0, time.UTC), time.Date(2026, 7, 1, 16, 2, 0, 0, time.UTC)} {
		for _, seed := range []uint64{1, 2, 3, 4} {
			w := readWorld(t, worldOpts(seed, at))
			after := func(what string, ts ...*time.Time) {
				for _, x := range ts {
					if x != nil && x.After(at) {
						t.Errorf("seed %d at %s: %s at %s", seed, at, what, x)
					}
				}
			}
			for project, issues := range w.issues {
				for _, is := range issues {
					after(fmt.Sprintf("%s#%d", project, is.IID), is.CreatedAt, is.UpdatedAt, is.ClosedAt)
					for _, n := range w.notes[issueKey(project, is.IID)] {
						after(fmt.Sprintf("a note of %s#%d", project, is.IID), n.CreatedAt)
					}
					for _, e := range w.events[issueKey(project, is.IID)] {
						after(fmt.Sprintf("a label event of %s#%d", project, is.IID), e.CreatedAt)
					}
				}
			}
			for _, in := range w.pages {
				times := []string{in.CreatedAt, in.LastStatusChangeAt}
				for _, a := range in.Acknowledgements {
					times = append(times, a.At)
				}
				for _, n := range w.pageNotes[in.ID] {
					times = append(times, n.CreatedAt)
				}
				for _, s := range times {
					x, err := time.Parse(time.RFC3339, s)
					if err != nil {
						t.Fatalf("page #%d: %q: %v", in.IncidentNumber, s, err)
					}
					after(fmt.Sprintf("page #%d", in.IncidentNumber), &x)
				}
			}
		}
	}
}

// TestIncidentsLiveAsTheirSeverityAllows: an incident is mitigated after it was opened, and
// the milder its severity the longer that takes (S1s are rare, so S2 to S4 are compared).
func TestIncidentsLiveAsTheirSeverityAllows(t *testing.T) {
	L := model.DefaultLabels()
	toMitigate := map[model.Severity][]time.Duration{}
	for _, seed := range []uint64{2, 3, 4, 5, 6} {
		w := readWorld(t, worldOpts(seed, now))
		for _, is := range w.incidents() {
			h := model.IncidentHistory{Incident: model.Incident{Issue: model.Issue{Labels: is.Labels, State: is.State, CreatedAt: *is.CreatedAt}, IncidentLabels: L.ParseIncidentLabels(is.Labels)}}
			for _, e := range w.events[issueKey(w.opts.ProductionProject, is.IID)] {
				h.Events = append(h.Events, model.LabelEvent{Label: e.Label.Name, Action: e.Action, At: *e.CreatedAt})
			}
			if m := L.MitigatedAt(h); !m.IsZero() {
				if m.Before(*is.CreatedAt) {
					t.Errorf("seed %d: %q mitigated before it was opened", seed, is.Title)
				}
				toMitigate[h.Severity] = append(toMitigate[h.Severity], m.Sub(*is.CreatedAt))
			}
		}
	}
	median := func(s model.Severity) time.Duration {
		d := toMitigate[s]
		slices.Sort(d)
		if len(d) == 0 {
			return 0
		}
		return d[len(d)/2]
	}
	m2, m3, m4 := median(2), median(3), median(4)
	if len(toMitigate[3]) < 5 || len(toMitigate[4]) < 5 || 2*m3 < 3*m2 || 2*m4 < 3*m3 {
		t.Errorf("median time to mitigate S2 %s (%d), S3 %s (%d), S4 %s (%d); want each half as long again as the one before",
			m2, len(toMitigate[2]), m3, len(toMitigate[3]), m4, len(toMitigate[4]))
	}
}

// TestEveryConfiguredLabelExists: whatever the seed drew, each label the config names is
// a label of its project (the dashboard warns of a label that does not exist).
func TestEveryConfiguredLabelExists(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 4, 5, 6, 7, 8} {
		opts := worldOpts(seed, now)
		srv, _ := simtest.NewTestServer(t, opts, nil)
		c := glClient(t, srv.URL)
		L := opts.Labels
		for project, labels := range map[string][]string{
			opts.ProductionProject: {L.Incident, L.Change, L.BlocksDeployments, L.DataLoss},
			opts.OncallProject:     {L.Oncall, L.ReadyToHandoff},
			opts.HandoffProject:    {L.Handoff},
		} {
			have, _, err := c.Labels.ListLabels(project, &gl.ListLabelsOptions{ListOptions: gl.ListOptions{PerPage: 100}})
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range labels {
				if !slices.ContainsFunc(have, func(l *gl.Label) bool { return l.Name == want }) {
					t.Errorf("seed %d: %s has no label %q", seed, project, want)
				}
			}
		}
	}
}

package sim

import (
	"fmt"
	"hash/fnv"
	"sort"
	"strings"
	"time"

	"github.com/oncall-sre/oncall/model"
)

// person exists in both systems: a GitLab user and a PagerDuty user with the same email.
type person struct {
	glID     int64
	pdID     string
	name     string
	username string
	region   string
	tz       string
}

func (p *person) email() string { return p.username + "@example.com" }

type project struct {
	id     int64
	path   string
	issues []*issue // by creation; iid = index + firstIID
}

type issue struct {
	id, iid      int64
	projectID    int64
	title, desc  string
	state        string // opened, closed
	labels       []string
	author       *person
	assignees    []*person
	created      time.Time
	updated      time.Time
	closed       *time.Time
	due          string // YYYY-MM-DD or ""
	confidential bool
	incident     bool
	nullDesc     bool  // GitLab sends "description": null
	movedTo      int64 // the id of the issue it was moved to, or 0
	notes        []*note
	events       []*labelEvent
	// rendered is the issue's JSON as lists serve it, made once; version counts the changes
	// made while it is served, which drop it (gitlab_render.go).
	rendered []byte
	version  int
}

type labelEvent struct {
	id     int64
	label  string
	action string // add, remove
	at     time.Time
	user   *person
}

type note struct {
	id      int64
	body    string
	author  *person
	created time.Time
	system  bool
}

// rosters by region; an unknown region gets the generic one.
var rosters = map[string][]string{
	"EMEA": {"Ana Kowalska", "Tomás Ferreira", "Ingrid Solberg", "Yusuf Demir", "Chloé Martin", "Piotr Nowak", "Amara Okafor"},
	"AMER": {"Jordan Reyes", "Priya Raman", "Marcus Bell", "Sofía Herrera", "Ethan Clarke", "Dana Whitfield"},
	"APAC": {"Kenji Watanabe", "Mei Lin", "Arjun Mehta", "Hana Kim", "Liam O'Connor"},
	"":     {"Alex Morgan", "Sam Rivera", "Robin Park", "Kai Müller"},
}

var regionTZ = map[string]string{"EMEA": "Europe/Amsterdam", "AMER": "America/New_York", "APAC": "Asia/Singapore", "": "UTC"}

func rosterKey(region string) string {
	if _, ok := rosters[strings.ToUpper(region)]; ok {
		return strings.ToUpper(region)
	}
	return ""
}

func usernameOf(name string) string {
	r := strings.NewReplacer(" ", "", "'", "", "á", "a", "é", "e", "í", "i", "ó", "o", "ü", "u")
	parts := strings.Fields(name)
	if len(parts) < 2 {
		return strings.ToLower(r.Replace(name))
	}
	return strings.ToLower(r.Replace(parts[0][:1] + parts[len(parts)-1]))
}

func (s *Sim) hash(parts ...any) uint64 {
	h := fnv.New64a()
	fmt.Fprint(h, s.opts.Seed)
	for _, p := range parts {
		fmt.Fprint(h, "|", p)
	}
	return h.Sum64()
}

// onCallFor is who covers region r's shift that starts at start: a daily rotation through
// the region's roster, seeded so that different seeds give different weeks.
func (s *Sim) onCallFor(r model.Region, start time.Time) *person {
	roster := s.regionPeople(r.Name)
	day := start.Unix() / 86400
	return roster[(uint64(day)+s.hash(r.Name)%97)%uint64(len(roster))]
}

func (s *Sim) regionPeople(region string) []*person {
	key := rosterKey(region)
	var out []*person
	for _, p := range s.users {
		if p.region == key {
			out = append(out, p)
		}
	}
	return out
}

func (s *Sim) eocAt(t time.Time) *person {
	sh := s.opts.Rotation.ShiftAt(t)
	return s.onCallFor(sh.Region, sh.Start)
}

func (s *Sim) id() int64 { s.nextID++; return s.nextID }

func (s *Sim) addProject(id int64, path string) *project {
	p := &project{id: id, path: path}
	s.projects[path] = p
	return p
}

// add creates an issue created ago before now.
func (s *Sim) add(p *project, ago time.Duration, title, desc string, labels []string, author *person, assignees ...*person) *issue {
	created := s.opts.Now.Add(-ago)
	is := &issue{
		id: s.id(), iid: int64(len(p.issues)) + firstIID(p), projectID: p.id,
		title: title, desc: desc, state: "opened", labels: sortedLabels(labels),
		author: author, assignees: assignees, created: created, updated: created,
	}
	p.issues = append(p.issues, is)
	return is
}

func firstIID(p *project) int64 { return 1 + p.id%7*1000 + 18000 }

func (s *Sim) addNote(is *issue, ago time.Duration, author *person, body string, system bool) {
	t := s.opts.Now.Add(-ago)
	is.notes = append(is.notes, &note{id: s.id(), body: body, author: author, created: t, system: system})
	if t.After(is.updated) {
		is.updated = t
	}
}

func (is *issue) close(at time.Time) {
	is.state = "closed"
	is.closed = &at
	if at.After(is.updated) {
		is.updated = at
	}
}

// generate builds the world: people, the production queue, on-call issues, past handoffs
// and open pages, all placed in time relative to opts.Now.
func (s *Sim) generate() {
	for _, region := range []string{"EMEA", "AMER", "APAC", ""} {
		for _, name := range rosters[region] {
			s.users = append(s.users, &person{
				glID: int64(4_100_000 + len(s.users)*137), pdID: fmt.Sprintf("P%06X", s.hash(name)%0xFFFFFF),
				name: name, username: usernameOf(name), region: region, tz: regionTZ[region],
			})
		}
	}
	now := s.opts.Now
	eoc := s.eocAt(now)
	pick := func(k string) *person { return s.users[s.hash(k)%uint64(len(s.users))] }
	date := func(ago time.Duration) string { return now.Add(-ago).Format("2006-01-02") }
	L := s.opts.Labels

	prod := s.addProject(7444821, s.opts.ProductionProject)
	type inc struct {
		ago      time.Duration
		sev      int
		status   string
		service  string
		title    string
		extra    []string
		closedAt time.Duration // >0: closed this long ago
		ttm, ttr time.Duration // to mitigate and to resolve; 0: typical of the severity
	}
	incidents := []inc{
		{47 * time.Minute, 2, "Active", "Web", "Elevated 5xx error rate on the web fleet in us-east1-d", []string{L.BlocksDeployments}, 0, 0, 0},
		{3*time.Hour + 10*time.Minute, 3, "Active", "Sidekiq", "Sidekiq urgent-other queue backlog above 10k jobs", nil, 0, 0, 0},
		{9 * time.Hour, 1, "Mitigated", "Patroni", "Replication lag over 5 minutes on patroni-main-v16-03, writes failing over", []string{L.BlocksDeployments, L.DataLoss}, 0, 0, 0},
		{65 * time.Minute, 4, "Active", "Renovate", "Renovate bot failing to open merge requests on gitlab-org projects", nil, 0, 0, 0},
		{20 * time.Hour, 3, "Mitigated", "Container Registry", "Container registry: elevated 503s on image pulls in us-east1-c", nil, 0, 0, 0},
		{30 * time.Hour, 2, "Resolved", "CI Runners", "CI jobs stuck in pending on saas-linux-small-amd64 runners", []string{"RootCause::Saturation"}, 0, 0, 0},
		{2*24*time.Hour + 3*time.Hour, 4, "Resolved", "Customers Portal", "Intermittent 502s on customers.gitlab.com checkout", nil, 0, 0, 0},
		{6 * time.Hour, 3, "Active", "Gitaly", "Gitaly file-cny-01 CPU saturation during repository housekeeping", nil, 0, 0, 0},
		{26 * time.Hour, 2, "Resolved", "Redis", "Redis cache evictions causing elevated latency on API requests", []string{"RootCause::Config-Change"}, 4 * time.Hour, 0, 0},
		{50 * time.Hour, 3, "Resolved", "Pages", "GitLab Pages custom domains serving expired certificates", []string{"Near Miss"}, 30 * time.Hour, 0, 0},
		{4 * 24 * time.Hour, 1, "Resolved", "Web", "GitLab.com unavailable for 14 minutes after load balancer config rollout", []string{"RootCause::Config-Change"}, 3 * 24 * time.Hour, 14 * time.Minute, 0},
	}
	// Closed incidents of the past four weeks, for reports and the error budget.
	history := []struct {
		daysAgo  float64
		sev      int
		service  string
		title    string
		ttm, ttr time.Duration
	}{
		{5.2, 2, "Web", "Elevated latency on the API fleet after a Rails deploy", 40 * time.Minute, 3 * time.Hour},
		{6.5, 3, "Sidekiq", "Sidekiq memory-bound queue saturated by a runaway export job", 90 * time.Minute, 6 * time.Hour},
		{8.1, 4, "Pages", "Pages deploys delayed by up to 20 minutes", 4 * time.Hour, 10 * time.Hour},
		{10.3, 1, "Patroni", "Primary database failover left the API read-only", 25 * time.Minute, 2 * time.Hour},
		{13.7, 3, "CI Runners", "Shared runners: jobs failing with 'no space left on device'", 2 * time.Hour, 8 * time.Hour},
		{17.2, 2, "Container Registry", "Container registry 500s after a storage driver change", 55 * time.Minute, 4 * time.Hour},
		{21.9, 4, "Customers Portal", "Invoice PDFs not generated", 6 * time.Hour, 26 * time.Hour},
		{26.4, 3, "Gitaly", "Slow git clones from the gitaly-cny shard", 3 * time.Hour, 9 * time.Hour},
	}
	for _, h := range history {
		incidents = append(incidents, inc{ago: time.Duration(h.daysAgo * float64(24*time.Hour)), sev: h.sev, status: "Resolved", service: h.service,
			title: h.title, closedAt: time.Duration(h.daysAgo*float64(24*time.Hour)) - h.ttr - time.Hour, ttm: h.ttm, ttr: h.ttr})
	}
	for i, in := range incidents {
		labels := []string{L.Incident, L.Severity + fmt.Sprint(in.sev), L.IncidentStatus + in.status, L.Service + in.service}
		labels = append(labels, in.extra...)
		lead := pick(in.title)
		if i == 0 {
			lead = eoc
		}
		desc := incidentBody(in.title, in.status, in.service, now.Add(-in.ago))
		is := s.add(prod, in.ago, date(in.ago)+": "+in.title, desc, labels, pick("reporter"+in.title), lead)
		is.incident = true
		ttm, ttr := s.incidentTimes(in.sev, in.ago, in.ttm, in.ttr)
		s.addNote(is, in.ago-2*time.Minute, lead, "I am taking the EOC role for this incident. Paging IMOC for "+fmt.Sprintf("S%d", in.sev)+".", false)
		for _, l := range []string{L.Incident, L.Severity + fmt.Sprint(in.sev), L.Service + in.service, L.IncidentStatus + "Active"} {
			s.labelEvent(is, l, "add", is.created, lead)
		}
		if in.status != "Active" {
			s.addNote(is, in.ago-ttm, lead, "Mitigation in place; monitoring error rates. Keeping the incident open for the review.", false)
			s.labelEvent(is, L.IncidentStatus+"Active", "remove", is.created.Add(ttm), lead)
			s.labelEvent(is, L.IncidentStatus+"Mitigated", "add", is.created.Add(ttm), lead)
		} else {
			s.addNote(is, in.ago/3, pick("ic"+in.title), "Current status: still investigating. Dashboards: https://dashboards.gitlab.net/d/general-service", false)
		}
		if in.status == "Resolved" {
			s.labelEvent(is, L.IncidentStatus+"Mitigated", "remove", is.created.Add(ttr), lead)
			s.labelEvent(is, L.IncidentStatus+"Resolved", "add", is.created.Add(ttr), lead)
		}
		if in.closedAt > 0 {
			is.close(now.Add(-in.closedAt))
		}
	}

	type chg struct {
		ago   time.Duration
		state string
		crit  int
		title string
		when  time.Duration // scheduled at now+when; 0 = no time in the body
		due   bool          // scheduled only by due date
	}
	changes := []chg{
		{26 * time.Hour, "in-progress", 2, "Upgrade the Patroni ci cluster to PostgreSQL 17", -1 * time.Hour, false},
		{3 * 24 * time.Hour, "in-progress", 3, "Rotate TLS certificates on the HAProxy fe-* fleet", -20 * time.Minute, false},
		{2 * 24 * time.Hour, "scheduled", 1, "Redis sessions cluster: fail over to the new n2-highmem-16 nodes", 5 * time.Hour, false},
		{5 * 24 * time.Hour, "scheduled", 3, "Enable the ci_queueing_optimised feature flag at 50% on gitlab.com", 26 * time.Hour, false},
		{12 * time.Hour, "scheduled", 4, "Upgrade Consul agents from 1.18 to 1.19 in gstg", 2 * time.Hour, false},
		{4 * 24 * time.Hour, "scheduled", 2, "Resize the gprd Sidekiq catchall node pool", 0, true},
		{6 * 24 * time.Hour, "unscheduled", 2, "Migrate ops.gitlab.net runner managers to the new VPC", 0, false},
		{8 * time.Hour, "unscheduled", 4, "Raise HAProxy maxconn on the pages fleet to 60k", 0, false},
		{3 * 24 * time.Hour, "complete", 3, "Drain and replace gitaly file-32 node", 0, false},
		{2 * 24 * time.Hour, "aborted", 2, "Move the registry database to a dedicated Patroni cluster", 0, false},
	}
	for _, c := range changes {
		var sched time.Time
		if c.when != 0 {
			sched = now.Add(c.when).Truncate(15 * time.Minute)
		}
		owner := pick("owner" + c.title)
		is := s.add(prod, c.ago, c.title, changeBody(c.title, c.crit, sched), []string{L.Change, L.ChangeState + c.state, fmt.Sprintf("C%d", c.crit), "manager_approved"}, owner, owner)
		if c.due {
			is.due = now.Add(30 * time.Hour).Format("2006-01-02")
		}
		switch c.state {
		case "complete", "aborted":
			is.close(now.Add(-c.ago / 2))
		}
	}

	infra := s.addProject(7444822, s.opts.OncallProject)
	oncall := []struct {
		ago   time.Duration
		title string
		ready string // latest note, when Ready_to_Handoff
	}{
		{5 * time.Hour, "Alert GitLabComSidekiqApdexSLOViolation is too noisy: tune the thresholds", ""},
		{2 * 24 * time.Hour, "Runbook for rebuilding a Patroni replica is out of date", "Updated steps 1-4 against patroni-main-v16; steps 5-7 (pgbackrest restore) still need a dry run in gstg. Next: run it on patroni-ci-v17-02 and fix the flags."},
		{9 * time.Hour, "Disk usage on log-archive-01 above 85% and rising 2%/day", ""},
		{14 * time.Hour, "Silence for HAProxyBackendDown on fe-pages expires at 18:00 UTC", "The silence covers the pages backend drain for the maxconn change. If the change is not done by 18:00, extend the silence by 4h; do not delete it."},
		{3 * 24 * time.Hour, "Investigate flapping PgbouncerSyncReplicaPoolSaturation alert", ""},
		{36 * time.Hour, "Clean up stale Terraform state locks in the ops environment", ""},
	}
	for _, o := range oncall {
		labels := []string{L.Oncall, "team::Reliability"}
		if o.ready != "" {
			labels = append(labels, L.ReadyToHandoff)
		}
		is := s.add(infra, o.ago, o.title, "Raised by the on-call engineer during the shift.\n\n## Next steps\n\n- [ ] triage\n", labels, pick("oa"+o.title), pick("ob"+o.title))
		s.addNote(is, o.ago-time.Hour, pick("on"+o.title), "Looked at this during the shift; adding what I found so far.", false)
		if o.ready != "" {
			s.addNote(is, o.ago/4, is.assignees[0], o.ready, false)
		}
	}

	hand := s.addProject(7444823, s.opts.HandoffProject)
	shift := s.opts.Rotation.ShiftAt(now)
	for k := 8; k >= 1; k-- {
		// the k-th shift before the current one ended at 'end'.
		end := shift.Start
		for j := 1; j < k; j++ {
			end = s.opts.Rotation.ShiftAt(end.Add(-time.Minute)).Start
		}
		from := s.opts.Rotation.ShiftAt(end.Add(-time.Minute))
		to := s.opts.Rotation.ShiftAt(end)
		out, in := s.onCallFor(from.Region, from.Start), s.onCallFor(to.Region, to.Start)
		title := fmt.Sprintf("On-call handoff %s UTC: %s -> %s", end.Format("2006-01-02 15:04"), from.Region.Name, to.Region.Name)
		is := s.add(hand, now.Sub(end.Add(-40*time.Minute)), title, handoffBody(from, out, in), []string{L.Handoff}, out, out, in)
		s.addNote(is, now.Sub(end.Add(8*time.Minute)), in, fmt.Sprintf("Acknowledged by @%s at %s UTC", in.username, end.Add(8*time.Minute).Format("15:04")), false)
		if k > 2 {
			is.close(end.Add(12 * time.Hour))
		}
	}

	s.generatePagerDuty()
	s.addRealism()
}

// incidentTimes are an incident's times to mitigate and to resolve: typical of its severity
// unless given, and always before now for an incident opened ago.
func (s *Sim) incidentTimes(sev int, ago, ttm, ttr time.Duration) (time.Duration, time.Duration) {
	typical := map[int]time.Duration{1: 35 * time.Minute, 2: 50 * time.Minute, 3: 2 * time.Hour, 4: 5 * time.Hour}
	if ttm == 0 {
		ttm = typical[sev]
	}
	if ttr == 0 {
		ttr = 3 * ttm
	}
	return min(ttm, ago/3), min(ttr, ago*2/3)
}

// labelEvent records a resource label event.
func (s *Sim) labelEvent(is *issue, label, action string, at time.Time, who *person) {
	is.events = append(is.events, &labelEvent{id: s.id(), label: label, action: action, at: at, user: who})
}

func sortedLabels(in []string) []string {
	out := make([]string, 0, len(in))
	for _, l := range in {
		if l != "" {
			out = append(out, l)
		}
	}
	// GitLab returns labels sorted by title, byte-wise ("Incident::Active" before "incident").
	sort.Strings(out)
	return out
}

func incidentBody(title, status, service string, started time.Time) string {
	return fmt.Sprintf(`## Customer Impact

Users of %s see errors or slow responses. Scope is being confirmed.

## Current Status

%s. See the latest notes for the timeline.

## Summary

%s

## Timeline

- %s UTC: alert fired and the EOC was paged
- %s UTC: incident declared
`, service, status, title, started.Format("15:04"), started.Add(3*time.Minute).Format("15:04"))
}

func changeBody(title string, crit int, sched time.Time) string {
	when := "TBD"
	if !sched.IsZero() {
		when = sched.Format("2006-01-02 15:04")
	}
	return fmt.Sprintf(`## Change Summary

%s

## Change Details

1. **Services Impacted** - see the title
1. **Change Technician** - the assignee
1. **Change Criticality** - C%d
1. **Scheduled Date and Time (UTC in format YYYY-MM-DD HH:MM)** - %s
1. **Time tracking** - 90 minutes

## Rollback

Revert the MR and re-run the pipeline.
`, title, crit, when)
}

func handoffBody(from model.Shift, out, in *person) string {
	return fmt.Sprintf(`# On-call handoff: %s shift %s - %s UTC

**Outgoing:** @%s  **Incoming:** @%s

%s

## Context

Quiet shift apart from the incidents listed below.

## What to watch

- Sidekiq queue latency dashboard
`, from.Region.Name, from.Start.Format("Jan 02 15:04"), from.End.Format("15:04"), out.username, in.username,
		model.HandoverLine(out.username, in.username))
}

// People maps each simulated person's PagerDuty email to their GitLab username, as a
// config's people: section would.
func (s *Sim) People() map[string]string {
	out := map[string]string{}
	for _, p := range s.users {
		out[p.email()] = p.username
	}
	return out
}

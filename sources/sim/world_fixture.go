package sim

import (
	"strings"
	"time"
)

// Seed 1's world is a fixture: the tests of every package name its incidents, changes,
// issues and pages. It is planned by hand here and written by the same code as a drawn
// world, so its notes, times, past handoffs and acknowledgements read like any other.

// fixturePlan is seed 1's world.
func (s *Sim) fixturePlan() worldPlan {
	now := s.opts.Now
	L := s.opts.Labels
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
		ago := time.Duration(h.daysAgo * float64(24*time.Hour))
		incidents = append(incidents, inc{ago: ago, sev: h.sev, status: "Resolved", service: h.service,
			title: h.title, closedAt: ago - h.ttr - time.Hour, ttm: h.ttm, ttr: h.ttr})
	}
	var plan worldPlan
	for _, in := range incidents {
		ttm, ttr := fixtureTimes(in.sev, in.ago, in.ttm, in.ttr)
		kind := kindOfService(in.service) // a copy: the fixture's service label stays ("Customers Portal")
		p := incidentPlan{kind: &kind, place: placeIn(in.title, kind.places), title: in.title, sev: in.sev,
			opened: now.Add(-in.ago - s.jitter(in.title)), extra: in.extra}
		if in.status != "Active" {
			p.mitigated = p.opened.Add(ttm + s.jitter("mitigated", in.title)/2)
		}
		if in.status == "Resolved" {
			p.resolved = p.opened.Add(ttr + s.jitter("resolved", in.title))
		}
		if in.closedAt > 0 {
			p.closed = s.notAfterNow(now.Add(-in.closedAt + s.jitter("closed", in.title)))
		}
		plan.incidents = append(plan.incidents, p)
	}
	planReopen(&plan.incidents[1], now) // the Sidekiq backlog
	plan.changes = s.fixtureChanges()
	plan.oncall = s.fixtureOncall()
	return plan
}

// jitter is a few minutes and seconds, the same for the same key: the fixture's moments
// are set in round hours before now, people do not act on the hour.
func (s *Sim) jitter(key ...any) time.Duration {
	return time.Duration(s.hash(append([]any{"jitter"}, key...)...)%240) * time.Second
}

// placeIn is the place a fixture incident's title names, else its kind's first.
func placeIn(title string, places []string) string {
	for _, p := range places {
		if strings.Contains(title, p) {
			return p
		}
	}
	return places[0]
}

// fixtureTimes are a fixture incident's times to mitigate and to resolve: typical of its
// severity unless given, and always before now for an incident opened ago.
func fixtureTimes(sev int, ago, ttm, ttr time.Duration) (time.Duration, time.Duration) {
	typical := map[int]time.Duration{1: 35 * time.Minute, 2: 50 * time.Minute, 3: 2 * time.Hour, 4: 5 * time.Hour}
	if ttm == 0 {
		ttm = typical[sev]
	}
	if ttr == 0 {
		ttr = 3 * ttm
	}
	return min(ttm, ago/3), min(ttr, ago*2/3)
}

func (s *Sim) fixtureChanges() []changePlan {
	now := s.opts.Now
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
	var out []changePlan
	for _, c := range changes {
		p := changePlan{title: c.title, service: changeService(c.title), crit: c.crit, opened: now.Add(-c.ago - s.jitter(c.title)), state: c.state, dueOnly: c.due}
		if c.when != 0 {
			p.sched = now.Add(c.when).Truncate(15 * time.Minute)
		}
		switch c.state {
		case "in-progress":
			p.started = p.sched
		case "complete", "aborted":
			p.ended = now.Add(-c.ago/2 - s.jitter("ended", c.title))
			p.started = p.ended.Add(-changeDuration(c.title))
		}
		out = append(out, p)
	}
	return out
}

// changeService and changeDuration read the catalogue entry of a change's title.
func changeService(title string) string {
	for _, k := range changeKinds {
		if k.title == title {
			return k.service
		}
	}
	return ""
}

func changeDuration(title string) time.Duration {
	for _, k := range changeKinds {
		if k.title == title {
			return k.duration
		}
	}
	return time.Hour
}

func (s *Sim) fixtureOncall() []oncallPlan {
	now := s.opts.Now
	ages := []time.Duration{5 * time.Hour, 2 * 24 * time.Hour, 9 * time.Hour, 14 * time.Hour, 3 * 24 * time.Hour, 36 * time.Hour}
	var out []oncallPlan
	for i, ago := range ages {
		out = append(out, oncallPlan{chore: chores[i], opened: now.Add(-ago - s.jitter(chores[i].title)), ready: i == 1 || i == 3})
	}
	return out
}

package sim

import (
	"context"
	"fmt"
	"time"
)

// A live world, for the demo: while it is served, a short story plays over and over, one
// step every so often, as a real shift's would: an alert pages the engineer on call, an
// incident is declared for it, the page is acknowledged, the incident mitigated, the page
// resolved, the incident closed. The dashboard's notifications, its since-you-last-looked
// marks and its counts can then be seen moving without a real outage.

// liveStory is one outage: the page's alert and service, the incident's title.
type liveStory struct{ alert, service, target, incident string }

var liveStories = []liveStory{
	{"WebServiceErrorRatioHigh", "Web", "web-canary", "Elevated 5xx error rate on the web canary fleet"},
	{"PatroniReplicationLagHigh", "Patroni", "patroni-ci-v17-02", "Replication lag above 2 minutes on the ci database replicas"},
	{"RedisMemoryHigh", "Redis", "redis-cache-03", "Redis cache memory above 95%, evictions rising"},
}

// liveSteps is how many steps one story takes.
const liveSteps = 6

// live is the state of the story being played; s.mu guards it.
type live struct {
	step  int
	page  *pdIncident
	issue *issue
}

// Live plays the stories, one step each time tick sends, until ctx ends or tick closes.
// The demo sends a tick every minute or so; a test sends them itself.
func (s *Sim) Live(ctx context.Context, tick <-chan time.Time) {
	for {
		select {
		case <-ctx.Done():
			return
		case _, ok := <-tick:
			if !ok {
				return
			}
			s.LiveStep()
		}
	}
}

// LiveStep plays the next step of the live story and says what happened.
func (s *Sim) LiveStep() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock()
	st := &s.live
	story := liveStories[st.step/liveSteps%len(liveStories)]
	prod := s.projects[s.opts.ProductionProject]
	L := s.opts.Labels
	step := st.step % liveSteps
	st.step++
	switch step {
	case 0:
		st.page = s.trigger(story, now)
		return "page #" + fmt.Sprint(st.page.number) + " triggered"
	case 1:
		if prod == nil {
			return "no production project"
		}
		who, iid := s.pagedAt(now), nextIID(prod)
		is := s.add(prod, 0, now.Format("2006-01-02")+": "+story.incident,
			"Declared from PagerDuty page #"+fmt.Sprint(st.page.number)+".\n\n## Summary\n\nInvestigating.",
			[]string{L.Incident, L.Severity + "2", L.IncidentStatus + "Active", L.Service + story.service}, who, who)
		is.iid, is.created, is.updated, is.incident = iid, now, now, true
		for _, l := range is.labels {
			s.labelEvent(is, l, "add", now, who)
		}
		st.issue = is
		return fmt.Sprintf("incident #%d declared", is.iid)
	case 2:
		s.setStatus(st.page, "acknowledged", s.pagedAt(now), now)
		return "page acknowledged"
	case 3:
		s.relabel(st.issue, L.IncidentStatus+"Active", L.IncidentStatus+"Mitigated", now)
		return "incident mitigated"
	case 4:
		s.setStatus(st.page, "resolved", s.pagedAt(now), now)
		return "page resolved"
	default:
		s.relabel(st.issue, L.IncidentStatus+"Mitigated", L.IncidentStatus+"Resolved", now)
		if st.issue != nil {
			st.issue.close(now)
			changed(st.issue)
		}
		return "incident closed"
	}
}

// trigger opens a high-urgency page for story, assigned to whoever is paged now.
func (s *Sim) trigger(story liveStory, now time.Time) *pdIncident {
	var number uint
	for _, in := range s.pd.incidents {
		number = max(number, in.number)
	}
	n := len(s.pd.incidents)
	in := &pdIncident{
		id: fmt.Sprintf("Q%07X", s.hash("live", n)%0xFFFFFFF), number: number + 1, status: "triggered", urgency: "high",
		title:   fmt.Sprintf("[FIRING:1] %s %s", story.alert, story.target),
		service: story.service, key: fmt.Sprintf("%032x", s.hash("livekey", n)),
		created: now, updated: now, lastChangeAt: now,
		assignments: []pdAction{{now, s.pagedAt(now)}},
		alerts: []pdAlert{{id: fmt.Sprintf("A%07X", s.hash("livealert", n)%0xFFFFFFF), summary: story.alert + " firing on " + story.target,
			status: "triggered", severity: "critical", key: fmt.Sprintf("%x", s.hash("livealertkey", n)), created: now}},
	}
	if len(s.pd.policies) > 0 {
		in.policy = s.pd.policies[0].ID
	}
	s.pd.incidents = append(s.pd.incidents, in)
	return in
}

// relabel swaps one label of is for another, with its label events; s.mu is held.
func (s *Sim) relabel(is *issue, from, to string, now time.Time) {
	if is == nil {
		return
	}
	who := s.pagedAt(now)
	var next []string
	for _, l := range is.labels {
		if l != from {
			next = append(next, l)
		}
	}
	s.labelEvent(is, from, "remove", now, who)
	s.labelEvent(is, to, "add", now, who)
	is.labels = sortedLabels(append(next, to))
	is.updated = now
	changed(is)
}

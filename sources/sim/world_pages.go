package sim

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"time"
)

// The pages of the world. In a drawn world they follow the incidents: the alert fires a
// few minutes before the incident is declared, the EOC on call then acknowledges it within
// minutes, and it resolves when the incident is mitigated (or stays acknowledged under a
// silence). Around them: fresh pages nobody has acknowledged yet, and one low-urgency page
// acknowledged weeks ago and kept open on purpose (older than the 30 days GET /incidents
// lists by default).

// pagePlan is one PagerDuty incident; a zero acked or resolved has not happened.
type pagePlan struct {
	number                          uint
	created, acked, resolved        time.Time
	urgency, service, title, status string
	who                             *person // assignee; the one who acknowledges
	alerts                          []string
	note                            string
}

// fixturePages are seed 1's: three recent open pages, one acknowledged 45 days ago and
// still open, and two resolved ones.
func (s *Sim) fixturePages() []pagePlan {
	now := s.opts.Now
	eoc := s.pagedAt(now)
	imoc := s.personByUsername(usernameOf(imocName))
	specs := []struct {
		number                          uint
		ago                             time.Duration
		status, urgency, service, title string
		who                             *person
		alerts                          []string
		note                            string
	}{
		{104_200, 50 * time.Minute, "acknowledged", "high", "GitLab.com Web", "[FIRING:1] WebServiceErrorRatioHigh web gprd us-east1-d", eoc,
			[]string{"WebServiceErrorRatioHigh: 5xx ratio 4.2% on web in gprd us-east1-d", "WebServiceApdexSLOViolation: apdex 0.91 on web in gprd"},
			"Rolled back the canary; the error ratio is dropping. Tracked in the production incident."},
		{104_207, 3 * time.Hour, "acknowledged", "high", "GitLab.com Sidekiq", "[FIRING:2] SidekiqQueueingApdexSLOViolation urgent-other", eoc,
			[]string{"SidekiqQueueingApdexSLOViolation: urgent-other queueing apdex 0.62", "SidekiqQueueSizeHigh: urgent-other above 10k jobs"},
			"Scaled urgent-other to 40 pods; backlog draining at about 2k jobs a minute."},
		{104_214, 4 * time.Minute, "triggered", "high", "GitLab.com Gitaly", "[FIRING:1] GitalyCPUSaturation file-cny-01", eoc,
			[]string{"GitalyCPUSaturation: file-cny-01 CPU above 95% for 10m"}, ""},
		{98_113, 45 * 24 * time.Hour, "acknowledged", "low", "GitLab.com Patroni", "[FIRING:1] WALGBaseBackupFailed patroni-main-v16", imoc,
			[]string{"WALGBaseBackupFailed: no base backup of patroni-main-v16 for 26h"},
			"Kept open on purpose until the new backup bucket policy ships; see the infrastructure issue."},
		{104_190, 2 * time.Hour, "resolved", "high", "GitLab.com Pages", "[FIRING:1] HAProxyBackendDown fe-pages", eoc,
			[]string{"HAProxyBackendDown: pages backend down on fe-pages-01"}, ""},
		{102_871, 10 * 24 * time.Hour, "resolved", "high", "GitLab.com Registry", "[FIRING:1] RegistryErrorRatioHigh registry gprd", s.users[s.hash("reg")%uint64(len(s.users))],
			[]string{"RegistryErrorRatioHigh: 503s on image pulls"}, ""},
	}
	var out []pagePlan
	for i, sp := range specs {
		p := pagePlan{number: sp.number, created: now.Add(-sp.ago - s.jitter("page", i)%time.Minute), urgency: sp.urgency, service: sp.service, title: sp.title,
			status: sp.status, who: sp.who, alerts: sp.alerts, note: sp.note}
		if sp.status != "triggered" {
			p.acked = p.created.Add(time.Duration(2+s.hash("ack", i)%8) * time.Minute)
		}
		if sp.status == "resolved" {
			p.resolved = p.created.Add(sp.ago / 3)
		}
		out = append(out, p)
	}
	return out
}

// pagedAt is who the account's first policy pages at t: the first level with someone on
// it, as PagerDuty escalates past a level nobody covers (in the default policy, the last
// region's schedule is on no level, so its hours go to the incident manager).
func (s *Sim) pagedAt(t time.Time) *person {
	if len(s.pd.policies) > 0 {
		for level := 1; level <= len(s.pd.policies[0].Levels); level++ {
			if p := s.onCallAt(s.pd.policies[0], level, t); p != nil {
				return p
			}
		}
	}
	return s.eocAt(t)
}

// drawPages are the pages of a drawn world: one for each incident of the last 30 days
// whose alert pages (every S1 and S2, most S3s, some S4s at low urgency), zero to two fresh
// ones, and the old acknowledged one. Numbers grow with time, as PagerDuty's do.
func (s *Sim) drawPages(plans []incidentPlan) []pagePlan {
	r := s.rng("pages")
	now := s.opts.Now
	var out []pagePlan
	for _, p := range plans {
		if p.kind.pdService == "" || now.Sub(p.opened) > 30*24*time.Hour || !paged(r, p.sev) {
			continue
		}
		out = append(out, s.incidentPage(r, p))
	}
	for n := []int{0, 0, 1, 1, 1, 2}[r.IntN(6)]; n > 0; n-- {
		kind := &incidentKinds[r.IntN(len(incidentKinds))]
		if kind.pdService == "" {
			continue
		}
		place := oneOf(r, kind.places)
		created := now.Add(-between(r, 40*time.Second, 13*time.Minute))
		out = append(out, pagePlan{created: created, urgency: "high", service: kind.pdService, status: "triggered", who: s.pagedAt(created),
			title: fmt.Sprintf("[FIRING:1] %s %s", kind.alert, fill(kind.target, place)), alerts: []string{kind.alert + ": " + fill(kind.summary, place)}})
	}
	out = append(out, s.slowPage(r))
	sort.SliceStable(out, func(a, b int) bool { return out[a].created.Before(out[b].created) })
	number := uint(90_000 + r.IntN(20_000))
	for i := range out {
		number += uint(3 + r.IntN(40)) // other teams' pages in between
		out[i].number = number
	}
	return out
}

// paged reports whether an incident of severity sev was paged for.
func paged(r *rand.Rand, sev int) bool { return r.IntN(100) < []int{0, 100, 100, 70, 25}[sev] }

// incidentPage is the page that preceded incident p: acknowledged by the EOC within
// minutes, resolved when the incident was mitigated unless a silence keeps it open.
func (s *Sim) incidentPage(r *rand.Rand, p incidentPlan) pagePlan {
	now := s.opts.Now
	created := p.opened.Add(-between(r, time.Minute, 8*time.Minute))
	n := 1 + r.IntN(3)
	urgency := "high"
	if p.sev == 4 {
		urgency = "low"
	}
	pg := pagePlan{created: created, urgency: urgency, service: p.kind.pdService, who: s.pagedAt(created), status: "acknowledged",
		title: fmt.Sprintf("[FIRING:%d] %s %s", n, p.kind.alert, fill(p.kind.target, p.place))}
	for k := 0; k < n; k++ {
		pg.alerts = append(pg.alerts, p.kind.alert+": "+fill(p.kind.summary, p.place))
	}
	pg.acked = s.notAfterNow(created.Add(between(r, 40*time.Second, 12*time.Minute)))
	if !p.mitigated.IsZero() && (p.closed.IsZero() || r.IntN(10) < 7) {
		pg.resolved, pg.status = p.mitigated.Add(between(r, 0, 20*time.Minute)), "resolved"
		if pg.resolved.After(now) {
			pg.resolved, pg.status = time.Time{}, "acknowledged"
		}
	}
	if !p.closed.IsZero() && pg.resolved.IsZero() {
		pg.resolved, pg.status = p.closed, "resolved"
	}
	if pg.status == "acknowledged" {
		pg.note = "Declared an incident in the production tracker; working it there. " + fill(p.kind.updates[0], p.place)
	}
	return pg
}

// slowPage is the low-urgency page acknowledged by the incident manager weeks ago.
func (s *Sim) slowPage(r *rand.Rand) pagePlan {
	a := oneOf(r, slowAlerts)
	created := s.opts.Now.Add(-between(r, 32*24*time.Hour, 58*24*time.Hour))
	imoc := s.personByUsername(usernameOf(imocFor(s.opts.Seed)))
	return pagePlan{created: created, acked: created.Add(between(r, 5*time.Minute, 50*time.Minute)), urgency: "low", service: a.service,
		title: a.title, status: "acknowledged", who: imoc, alerts: []string{a.summary}, note: a.note}
}

// writePages turns the plans into PagerDuty incidents of the account.
func (s *Sim) writePages(plans []pagePlan) {
	var policy Policy
	if len(s.pd.policies) > 0 {
		policy = s.pd.policies[0]
	}
	for i, sp := range plans {
		in := &pdIncident{
			id: fmt.Sprintf("Q%07X", s.hash("page", i)%0xFFFFFFF), number: sp.number, title: sp.title, status: sp.status,
			service: sp.service, key: fmt.Sprintf("%032x", s.hash("key", i)), urgency: sp.urgency, policy: policy.ID,
			created: sp.created, updated: sp.created, lastChangeAt: sp.created,
		}
		severity := "critical"
		if sp.urgency == "low" {
			severity = "warning"
		}
		for j, summary := range sp.alerts {
			status := "resolved"
			if j == 0 && sp.status != "resolved" {
				status = "triggered"
			}
			in.alerts = append(in.alerts, pdAlert{id: fmt.Sprintf("A%07X", s.hash("alert", i, j)%0xFFFFFFF), summary: summary, status: status,
				severity: severity, key: fmt.Sprintf("%x", s.hash("alertkey", i, j)), created: s.notAfterNow(sp.created.Add(time.Duration(j) * time.Minute))})
		}
		in.firstAck = sp.acked
		switch sp.status {
		case "acknowledged":
			in.assignments = []pdAction{{sp.created, sp.who}}
			in.acks = []pdAction{{sp.acked, sp.who}}
			in.lastChangeAt, in.lastChangeBy, in.updated = sp.acked, sp.who, sp.acked
		case "triggered":
			in.assignments = []pdAction{{sp.created, sp.who}}
		case "resolved":
			in.resolved = sp.resolved
			in.lastChangeAt, in.lastChangeBy, in.updated = in.resolved, sp.who, in.resolved
		}
		if sp.note != "" {
			at := s.notAfterNow(sp.created.Add(10 * time.Minute))
			in.notes = append(in.notes, pdNote{id: fmt.Sprintf("N%07X", s.hash("note", i)%0xFFFFFFF), content: sp.note, who: sp.who, created: at})
			if at.After(in.updated) {
				in.updated = at
			}
		}
		s.pd.incidents = append(s.pd.incidents, in)
	}
}

package pagerduty

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	pd "github.com/PagerDuty/go-pagerduty"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/internal/guard"
)

// maxPolicies bounds the escalation-level lookups of one refresh.
const maxPolicies = 10

// Pages lists the open PagerDuty incidents (triggered, acknowledged), whatever their age:
// without since, until or date_range GET /incidents lists only incidents created in the
// last month ("default is 1 month", PagerDuty's API reference for List incidents), so an
// acknowledged page opened 45 days ago would be left out; date_range=all lifts that.
func (s *Source) Pages(ctx context.Context) (out model.Pages, err error) {
	defer guard.Recover("pagerduty", &err)
	// The escalation levels need the pages' policies; those of the last pages are asked for
	// beside the pages themselves, so that a refresh takes one round trip, not two. The reads
	// not waited for (the list failed, or a policy has no page any more) stop on return.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	early := s.readPolicies(ctx, s.knownPolicies())
	incidents, truncated, err := listAll(ctx, func(in pd.Incident) string { return in.ID },
		func(ctx context.Context, offset uint) ([]pd.Incident, bool, error) {
			resp, err := s.c.ListIncidentsWithContext(ctx, pd.ListIncidentsOptions{
				Statuses: []string{model.PageTriggered, model.PageAcknowledged}, DateRange: "all",
				Limit: pageLimit, Offset: offset,
			})
			if err != nil {
				return nil, false, describe(err, call{})
			}
			return resp.Incidents, resp.More, nil
		})
	if err != nil {
		return model.Pages{}, fmt.Errorf("open incidents: %w", err)
	}
	out.Truncated = truncated
	policies := map[string][]int{} // escalation policy id -> indexes in out.Open
	for _, in := range incidents {
		switch in.Status {
		case model.PageTriggered:
			out.Triggered++
		case model.PageAcknowledged:
			out.Acknowledged++
		default:
			continue // not asked for
		}
		if id := in.EscalationPolicy.ID; validID.MatchString(id) {
			policies[id] = append(policies[id], len(out.Open))
		}
		out.Open = append(out.Open, page(in))
	}
	s.escalationLevels(ctx, out.Open, policies, early)
	model.SortPages(out.Open)
	return out, nil
}

// SeedPolicies names the escalation policies of pages seen earlier (a cached snapshot's),
// whose on-calls the next Pages asks for beside the pages.
func (s *Source) SeedPolicies(pages []model.Page) {
	var ids []string
	for _, p := range pages {
		if validID.MatchString(p.EscalationPolicyID) && !slices.Contains(ids, p.EscalationPolicyID) {
			ids = append(ids, p.EscalationPolicyID)
		}
	}
	s.setPolicies(ids)
}

func (s *Source) knownPolicies() []string {
	s.policiesMu.Lock()
	defer s.policiesMu.Unlock()
	return s.policies
}

func (s *Source) setPolicies(ids []string) {
	sort.Strings(ids)
	s.policiesMu.Lock()
	defer s.policiesMu.Unlock()
	s.policies = ids[:min(len(ids), maxPolicies)]
}

// policyRead is the on-calls of one escalation policy, by user: their lowest level; done
// is closed once read (levels nil when the read failed).
type policyRead struct {
	done   chan struct{}
	levels map[string]int
}

// readPolicies starts reading ids at once, and returns the reads by id.
func (s *Source) readPolicies(ctx context.Context, ids []string) map[string]*policyRead {
	reads := make(map[string]*policyRead, len(ids))
	for _, id := range ids {
		r := &policyRead{done: make(chan struct{})}
		reads[id] = r
		go func() {
			defer close(r.done)
			defer func() { _ = recover() }() // a detail: a panic in the client leaves it unknown
			r.levels, _ = s.policyLevels(ctx, id)
		}()
	}
	return reads
}

// page is an incident as the model shows it.
func page(in pd.Incident) model.Page {
	created, _ := time.Parse(time.RFC3339, in.CreatedAt)
	p := model.Page{
		ID: model.CleanLine(in.ID), Number: in.IncidentNumber, Title: model.CleanLine(in.Title), Status: model.CleanLine(in.Status),
		Urgency: model.CleanLine(in.Urgency), Service: model.CleanLine(in.Service.Summary), URL: model.CleanLine(in.HTMLURL),
		CreatedAt: created.UTC(), EscalationPolicy: model.CleanLine(in.EscalationPolicy.Summary),
	}
	if validID.MatchString(in.EscalationPolicy.ID) {
		p.EscalationPolicyID = in.EscalationPolicy.ID
	}
	for _, a := range in.Assignments {
		p.Assignees = append(p.Assignees, user(a.Assignee))
	}
	for _, a := range in.Acknowledgements {
		p.AcknowledgedBy = append(p.AcknowledgedBy, user(a.Acknowledger))
	}
	return p
}

// escalationLevels sets each page's escalation level. An incident does not carry its
// level (PagerDuty's Incident has none to read), so it is the lowest level at which one
// of its assignees is on call now for the page's policy (GET /oncalls per policy). The
// level is a detail: when this lookup fails the pages are shown all the same, level 0
// (unknown), rather than hidden behind the failure.
func (s *Source) escalationLevels(ctx context.Context, pages []model.Page, policies map[string][]int, early map[string]*policyRead) {
	ids := make([]string, 0, len(policies))
	for id := range policies {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	ids = ids[:min(len(ids), maxPolicies)]
	s.setPolicies(append([]string(nil), ids...))
	// The policies not asked for beside the pages are read now, all at once.
	var missing []string
	for _, id := range ids {
		if early[id] == nil {
			missing = append(missing, id)
		}
	}
	late := s.readPolicies(ctx, missing)
	for _, id := range ids {
		r := early[id]
		if r == nil {
			r = late[id]
		}
		<-r.done
		for _, i := range policies[id] {
			for _, a := range pages[i].Assignees {
				if l := r.levels[a.PagerDutyID]; l > 0 && (pages[i].EscalationLevel == 0 || l < pages[i].EscalationLevel) {
					pages[i].EscalationLevel = l
				}
			}
		}
	}
}

// policyLevels maps each user on call now for policy id to their lowest level.
func (s *Source) policyLevels(ctx context.Context, id string) (map[string]int, error) {
	ocs, _, err := listAll(ctx, func(oc pd.OnCall) string {
		return fmt.Sprint(oc.EscalationLevel, "|", oc.User.ID, "|", oc.Schedule.ID, "|", oc.Start)
	}, func(ctx context.Context, offset uint) ([]pd.OnCall, bool, error) {
		resp, err := s.c.ListOnCallsWithContext(ctx, pd.ListOnCallOptions{EscalationPolicyIDs: []string{id}, Limit: pageLimit, Offset: offset})
		if err != nil {
			return nil, false, describe(err, call{what: "escalation policy " + id})
		}
		return resp.OnCalls, resp.More, nil
	})
	if err != nil {
		return nil, err
	}
	levels := map[string]int{}
	for _, oc := range ocs {
		l := int(oc.EscalationLevel)
		if cur, ok := levels[oc.User.ID]; l > 0 && (!ok || l < cur) {
			levels[oc.User.ID] = l
		}
	}
	return levels, nil
}

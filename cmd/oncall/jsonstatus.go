package main

import (
	"time"

	"github.com/oncall-sre/oncall/model"
)

// statusDoc is the document of `oncall status --json` (schema in jsonout.go).
type statusDoc struct {
	SchemaVersion int               `json:"schema_version"`
	Now           jsonTime          `json:"now"`
	Shift         jsonShift         `json:"shift"`
	NextHandoff   jsonHandover      `json:"next_handoff"`
	OnCall        []jsonOnCall      `json:"oncall"`
	Pages         jsonPages         `json:"pages"`
	Incidents     []jsonIncident    `json:"incidents"`
	Changes       []jsonChange      `json:"changes"`
	OncallIssues  []jsonOncallIssue `json:"oncall_issues"`
	Handoffs      []jsonHandoff     `json:"handoffs"`
	Me            *jsonPerson       `json:"me"`
	Sources       []jsonSource      `json:"sources"`
	// Warnings are what no source's health says: labels missing from their projects (the
	// label check), lists cut at gitlab.max_pages, gaps in the rotation. Always a list.
	Warnings []string `json:"warnings"`
}

type jsonShift struct {
	Region string   `json:"region"`
	Start  jsonTime `json:"start"`
	End    jsonTime `json:"end"`
}

type jsonHandover struct {
	At   jsonTime `json:"at"`
	From string   `json:"from"`
	To   string   `json:"to"`
}

type jsonOnCall struct {
	Region    string      `json:"region"`
	Now       *jsonPerson `json:"now"`
	Next      *jsonPerson `json:"next"`
	NextStart jsonTime    `json:"next_start"`
	// why now or next may be null: "on-call", "gap" (nobody scheduled), "unknown"
	// (PagerDuty did not answer), "off-shift" (now only)
	NowCoverage  string `json:"now_coverage"`
	NextCoverage string `json:"next_coverage"`
}

type jsonPages struct {
	Triggered    int        `json:"triggered"`
	Acknowledged int        `json:"acknowledged"`
	Open         []jsonPage `json:"open"`
	// Truncated: PagerDuty lists more open pages than oncall reads; open holds the first.
	Truncated bool `json:"truncated"`
}

type jsonPage struct {
	ID        optString    `json:"id"`      // PagerDuty's incident id
	Number    *uint        `json:"number"`  // the number PagerDuty shows (#1234); null when unknown
	Urgency   optString    `json:"urgency"` // high, low; null when unknown
	Status    string       `json:"status"`  // triggered, acknowledged
	Title     string       `json:"title"`
	Service   string       `json:"service"`
	Assignees []jsonPerson `json:"assignees"`
	CreatedAt jsonTime     `json:"created_at"`
	URL       string       `json:"url"`
}

type jsonChange struct {
	jsonIssue
	Workflow    optString `json:"workflow"`
	Criticality optString `json:"criticality"`
	Scheduled   jsonTime  `json:"scheduled"`
}

type jsonOncallIssue struct {
	jsonIssue
	ReadyToHandoff bool `json:"ready_to_handoff"`
}

type jsonHandoff struct {
	jsonIssue
	Ack        *jsonAck `json:"ack"`
	AckChecked bool     `json:"ack_checked"`
}

type jsonAck struct {
	Username string   `json:"username"`
	At       jsonTime `json:"at"`
}

type jsonSource struct {
	ID          model.SourceID `json:"id"`
	Name        string         `json:"name"`
	OK          bool           `json:"ok"`
	LastSuccess jsonTime       `json:"last_success"`
	LastAttempt jsonTime       `json:"last_attempt"`
	LastError   optString      `json:"last_error"`
}

// newStatusDoc builds the status document of snap at now.
func newStatusDoc(rot model.Rotation, snap model.Snapshot, now time.Time) statusDoc {
	sh, ho := rot.ShiftAt(now), rot.NextHandoff(now)
	doc := statusDoc{
		SchemaVersion: schemaVersion,
		Now:           jsonTime(now),
		Shift:         jsonShift{sh.Region.Name, jsonTime(sh.Start), jsonTime(sh.End)},
		NextHandoff:   jsonHandover{jsonTime(ho.At), ho.From.Name, ho.To.Name},
		OnCall: mapList(rot, func(r model.Region) jsonOnCall {
			oc := model.OnCallFor(snap.OnCall, r, now) // every region, whatever PagerDuty said
			return jsonOnCall{oc.Region, person(oc.Now), person(oc.Next), jsonTime(oc.NextStart), string(oc.NowCoverage), string(oc.NextCoverage)}
		}),
		Pages:     jsonPages{snap.Pages.Triggered, snap.Pages.Acknowledged, mapList(snap.Pages.Open, page), snap.Pages.Truncated},
		Incidents: mapList(snap.Incidents, incident),
		Changes: mapList(snap.Changes, func(c model.Change) jsonChange {
			return jsonChange{issue(c.Issue), workflowName(c.Workflow), criticalityName(c.Criticality), jsonTime(c.Scheduled)}
		}),
		OncallIssues: mapList(snap.OncallIssues, func(o model.OncallIssue) jsonOncallIssue {
			return jsonOncallIssue{issue(o.Issue), o.ReadyToHandoff}
		}),
		Handoffs: mapList(snap.Handoffs, func(h model.HandoffNote) jsonHandoff {
			out := jsonHandoff{jsonIssue: issue(h.Issue), AckChecked: h.AckChecked}
			if h.Ack != nil {
				out.Ack = &jsonAck{h.Ack.Username, jsonTime(h.Ack.At)}
			}
			return out
		}),
		Me:       person(snap.Me),
		Warnings: statusWarnings(rot, snap, now),
	}
	for _, id := range model.AllSources {
		h := snap.Health[id]
		doc.Sources = append(doc.Sources, jsonSource{ID: id, Name: id.Title(), OK: !h.Failing(),
			LastSuccess: jsonTime(h.LastSuccess), LastAttempt: jsonTime(h.LastAttempt), LastError: optString(h.LastError)})
	}
	return doc
}

func page(p model.Page) jsonPage {
	out := jsonPage{ID: optString(p.ID), Urgency: optString(p.Urgency), Status: p.Status, Title: p.Title, Service: p.Service,
		Assignees: mapList(p.Assignees, func(a model.Person) jsonPerson { return *person(&a) }), CreatedAt: jsonTime(p.CreatedAt), URL: p.URL}
	if p.Number > 0 {
		n := p.Number
		out.Number = &n
	}
	return out
}

package main

import (
	"encoding/json"
	"io"
	"strconv"
	"time"

	"github.com/oncall-sre/oncall/model"
)

// The JSON documents of `oncall status --json` and `oncall report --json` follow one schema
// (README, "JSON output"): snake_case keys, enums as their names ("S1", "active",
// "in-progress", "C2"; null when unknown), times in RFC 3339 UTC to the second (null when
// unknown), durations as seconds (a number, key ending in _seconds), and schema_version,
// raised whenever a key changes meaning or goes away. They are built here from the model,
// whose own JSON is the cache's format and is free to change.
const schemaVersion = 1

// jsonTime is an instant in RFC 3339 UTC, or null.
type jsonTime time.Time

func (t jsonTime) MarshalJSON() ([]byte, error) {
	if time.Time(t).IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(time.Time(t).UTC().Format(time.RFC3339))
}

// seconds is a duration as a number of seconds.
type seconds time.Duration

func (d seconds) MarshalJSON() ([]byte, error) {
	return []byte(strconv.FormatFloat(time.Duration(d).Seconds(), 'f', -1, 64)), nil
}

// optString is a string, or null when it is empty: an enum's name when known, an error.
type optString string

func (n optString) MarshalJSON() ([]byte, error) {
	if n == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(n))
}

func severityName(s model.Severity) optString {
	if s < 1 || s > 4 {
		return ""
	}
	return optString(s.String())
}

func statusName(s model.IncidentStatus) optString {
	switch s {
	case model.StatusActive:
		return "active"
	case model.StatusMitigated:
		return "mitigated"
	case model.StatusResolved:
		return "resolved"
	}
	return ""
}

func workflowName(s model.ChangeState) optString {
	if s == model.ChangeUnknown {
		return ""
	}
	return optString(s.String())
}

func criticalityName(c int) optString {
	if c < 1 || c > 4 {
		return ""
	}
	return optString("C" + strconv.Itoa(c))
}

type jsonPerson struct {
	Name     string `json:"name"`
	Username string `json:"username"`
	Email    string `json:"email"`
}

func person(p *model.Person) *jsonPerson {
	if p == nil {
		return nil
	}
	return &jsonPerson{p.Name, p.Username, p.Email}
}

type jsonIssue struct {
	Project   string       `json:"project"`
	IID       int64        `json:"iid"`
	Title     string       `json:"title"`
	WebURL    string       `json:"web_url"`
	State     string       `json:"state"`
	Labels    []string     `json:"labels"`
	Author    jsonPerson   `json:"author"`
	Assignees []jsonPerson `json:"assignees"`
	CreatedAt jsonTime     `json:"created_at"`
	UpdatedAt jsonTime     `json:"updated_at"`
	ClosedAt  jsonTime     `json:"closed_at"`
}

func issue(i model.Issue) jsonIssue {
	out := jsonIssue{Project: i.Project, IID: i.IID, Title: i.Title, WebURL: i.WebURL, State: i.State,
		Labels: nonNil(i.Labels), Author: *person(&i.Author), Assignees: []jsonPerson{},
		CreatedAt: jsonTime(i.CreatedAt), UpdatedAt: jsonTime(i.UpdatedAt), ClosedAt: jsonTime(i.ClosedAt)}
	for _, a := range i.Assignees {
		out.Assignees = append(out.Assignees, *person(&a))
	}
	return out
}

type jsonIncident struct {
	jsonIssue
	Severity          optString `json:"severity"`
	Status            optString `json:"status"`
	BlocksDeployments bool      `json:"blocks_deployments"`
	DataLoss          bool      `json:"data_loss"`
	Services          []string  `json:"services"`
}

func incident(in model.Incident) jsonIncident {
	return jsonIncident{jsonIssue: issue(in.Issue), Severity: severityName(in.Severity), Status: statusName(in.Status),
		BlocksDeployments: in.BlocksDeployments, DataLoss: in.DataLoss, Services: nonNil(in.Services)}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func mapList[T, U any](in []T, f func(T) U) []U {
	out := make([]U, 0, len(in))
	for _, v := range in {
		out = append(out, f(v))
	}
	return out
}

func encodeJSON(w io.Writer, doc any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

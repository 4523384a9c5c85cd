package sim

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// labelDescriptions are the descriptions the production trackers give some labels; a
// search matches them too.
var labelDescriptions = map[string]string{
	"incident":              "Production incident",
	"change":                "Production change request",
	"oncall":                "Prioritized to be worked on by the current oncall team members",
	"Ready_to_Handoff":      "Work that can pass to someone in another time zone",
	"blocks deployments":    "Blocks deployments to GitLab.com",
	"(perceived) data loss": "Data loss, real or perceived: hand off explicitly",
}

// projectLabels are the labels that exist in p: every label on its issues, and the whole
// family of each scoped label in use. Sorted by title, byte-wise.
func (s *Sim) projectLabels(p *project) []string {
	set := map[string]bool{}
	for _, is := range p.issues {
		for _, l := range is.labels {
			set[l] = true
		}
	}
	L := s.opts.Labels
	families := map[string][]string{
		L.Severity:       {"1", "2", "3", "4"},
		L.IncidentStatus: {"Active", "Mitigated", "Resolved"},
		L.ChangeState:    {"unscheduled", "scheduled", "in-progress", "complete", "aborted"},
	}
	for l := range set {
		for prefix, values := range families {
			if prefix != "" && strings.HasPrefix(l, prefix) {
				for _, v := range values {
					set[prefix+v] = true
				}
			}
		}
	}
	out := make([]string, 0, len(set))
	for l := range set {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// serveLabels answers GET /projects/:id/labels with the shape of doc/api/labels.md. search
// is Label.search: a case-insensitive substring match of every word on the title, or of
// every word on the description (Gitlab::SQL::Pattern.fuzzy_search, ILIKE).
func (s *Sim) serveLabels(w http.ResponseWriter, r *http.Request, escaped string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.findProject(escaped)
	if p == nil {
		writeGLError(w, http.StatusNotFound, "404 Project Not Found")
		return
	}
	words := strings.Fields(strings.ToLower(r.URL.Query().Get("search")))
	var out []map[string]any
	for _, name := range s.projectLabels(p) {
		desc := labelDescriptions[name]
		if !allIn(words, name) && (desc == "" || !allIn(words, desc)) {
			continue
		}
		out = append(out, s.glLabel(p, name, desc))
	}
	page, ok := paginate(w, r, len(out))
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, append([]map[string]any{}, out[page.lo:page.hi]...))
}

func allIn(words []string, text string) bool {
	text = strings.ToLower(text)
	for _, w := range words {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}

func (s *Sim) glLabel(p *project, name, desc string) map[string]any {
	var description, html any
	if desc != "" {
		description, html = desc, desc
	}
	open, closed := 0, 0
	for _, is := range p.issues {
		for _, l := range is.labels {
			if l == name && is.state == "opened" {
				open++
			} else if l == name {
				closed++
			}
		}
	}
	return map[string]any{
		"id": 1000 + s.hash(p.path, name)%90000, "name": name,
		"color": fmt.Sprintf("#%06X", s.hash("color", name)%0xFFFFFF), "text_color": "#FFFFFF",
		"description": description, "description_html": html,
		"open_issues_count": open, "closed_issues_count": closed, "open_merge_requests_count": 0,
		"subscribed": false, "priority": nil, "is_project_label": true,
	}
}

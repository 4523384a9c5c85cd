package sim

import (
	"net/http"
	"sort"
	"strings"
)

// listNotes answers GET .../issues/:iid/notes. Like GitLab, the list holds system notes
// ("assigned to @x", "mentioned in ...") among the comments, unless activity_filter says
// otherwise: lib/api/notes.rb takes all_notes (the default), only_comments, only_activity
// (UserPreference::NOTES_FILTERS) and answers 400 for anything else.
func (s *Sim) listNotes(w http.ResponseWriter, r *http.Request, p *project, is *issue) {
	q := r.URL.Query()
	keep := func(*note) bool { return true }
	switch q.Get("activity_filter") {
	case "", "all_notes":
	case "only_comments":
		keep = func(n *note) bool { return !n.system }
	case "only_activity":
		keep = func(n *note) bool { return n.system }
	default:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "activity_filter does not have a valid value"})
		return
	}
	var notes []*note
	for _, n := range is.notes {
		if keep(n) {
			notes = append(notes, n)
		}
	}
	asc := q.Get("sort") == "asc"
	sort.SliceStable(notes, func(a, b int) bool {
		if notes[a].created.Equal(notes[b].created) {
			return (notes[a].id < notes[b].id) == asc
		}
		return notes[a].created.Before(notes[b].created) == asc
	})
	page, ok := paginate(w, r, len(notes))
	if !ok {
		return
	}
	out := make([]map[string]any, 0, page.hi-page.lo)
	for _, n := range notes[page.lo:page.hi] {
		out = append(out, s.glNote(p, is, n))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Sim) createNote(w http.ResponseWriter, r *http.Request, p *project, is *issue) {
	var in struct {
		Body string `json:"body"`
	}
	if err := decodeBody(r, &in); err != nil || strings.TrimSpace(in.Body) == "" {
		writeGLError(w, http.StatusBadRequest, "400 Bad request - body is missing")
		return
	}
	n := &note{id: s.id(), body: in.Body, author: s.eocAt(s.opts.Now), created: s.clock()}
	is.notes = append(is.notes, n)
	is.updated = n.created
	changed(is)
	writeJSON(w, http.StatusCreated, s.glNote(p, is, n))
}

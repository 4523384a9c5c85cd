package sim

import (
	"cmp"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// serveGitLab routes /api/v4/... on the escaped path, as GitLab does: project paths
// arrive URL-encoded ("gitlab-com%2Fgl-infra%2Fproduction").
func (s *Sim) serveGitLab(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Private-Token") == "" && !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
		writeGLError(w, http.StatusUnauthorized, "401 Unauthorized")
		return
	}
	if s.readOnly(r) && r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeInsufficientScope(w)
		return
	}
	s.setDate(w)
	parts := strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), "/api/v4/"), "/")
	switch {
	case len(parts) == 1 && parts[0] == "user" && r.Method == http.MethodGet:
		s.mu.Lock()
		u := s.eocAt(s.opts.Now)
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, s.glUser(u))
		return
	case len(parts) == 1 && parts[0] == "users" && r.Method == http.MethodGet:
		s.serveUsers(w, r)
		return
	case len(parts) == 3 && parts[0] == "projects" && parts[2] == "labels" && r.Method == http.MethodGet:
		s.serveLabels(w, r, parts[1])
		return
	case len(parts) < 3 || parts[0] != "projects" || parts[2] != "issues":
		writeGLError(w, http.StatusNotFound, "404 Not Found")
		return
	case len(parts) == 3 && r.Method == http.MethodGet:
		s.listIssues(w, r, parts[1]) // renders outside the lock
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.findProject(parts[1])
	if p == nil {
		writeGLError(w, http.StatusNotFound, "404 Project Not Found")
		return
	}
	switch {
	case len(parts) == 3 && r.Method == http.MethodPost:
		s.createIssue(w, r, p)
	case len(parts) >= 4:
		iid, err := strconv.ParseInt(parts[3], 10, 64)
		is := p.byIID(iid)
		if err != nil || is == nil {
			writeGLError(w, http.StatusNotFound, "404 Issue Not Found")
			return
		}
		switch {
		case len(parts) == 4 && r.Method == http.MethodGet:
			writeJSON(w, http.StatusOK, s.glIssue(p, is))
		case len(parts) == 5 && parts[4] == "notes" && r.Method == http.MethodGet:
			s.listNotes(w, r, p, is)
		case len(parts) == 5 && parts[4] == "notes" && r.Method == http.MethodPost:
			s.createNote(w, r, p, is)
		case len(parts) == 5 && parts[4] == "resource_label_events" && r.Method == http.MethodGet:
			s.listLabelEvents(w, r, is)
		default:
			writeGLError(w, http.StatusNotFound, "404 Not Found")
		}
	default:
		writeGLError(w, http.StatusMethodNotAllowed, "405 Method Not Allowed")
	}
}

func (s *Sim) findProject(escaped string) *project {
	id, err := url.PathUnescape(escaped)
	if err != nil {
		return nil
	}
	if p, ok := s.projects[id]; ok {
		return p
	}
	for _, p := range s.projects {
		if strconv.FormatInt(p.id, 10) == id {
			return p
		}
	}
	return nil
}

func (p *project) byIID(iid int64) *issue {
	for _, is := range p.issues {
		if is.iid == iid {
			return is
		}
	}
	return nil
}

// listIssues answers GET /projects/:id/issues. The page is chosen and copied under s.mu,
// and rendered after it is released (gitlab_render.go).
func (s *Sim) listIssues(w http.ResponseWriter, r *http.Request, escaped string) {
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" {
		state = "all"
	}
	var want []string
	if l := q.Get("labels"); l != "" {
		want = strings.Split(l, ",")
	}
	var updatedAfter time.Time
	if v := q.Get("updated_after"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			writeGLError(w, http.StatusBadRequest, "400 Bad request - updated_after is invalid")
			return
		}
		updatedAfter = t
	}
	search := strings.ToLower(q.Get("search"))
	in := q.Get("in")
	if in == "" {
		in = "title,description"
	}
	matches := func(is *issue) bool {
		if search == "" {
			return true
		}
		return (strings.Contains(in, "title") && strings.Contains(strings.ToLower(is.title), search)) ||
			(strings.Contains(in, "description") && strings.Contains(strings.ToLower(is.desc), search))
	}
	s.mu.Lock()
	p := s.findProject(escaped)
	if p == nil {
		s.mu.Unlock()
		writeGLError(w, http.StatusNotFound, "404 Project Not Found")
		return
	}
	var out []*issue
	for _, is := range p.issues {
		if (state == "opened" || state == "closed") && is.state != state || !matches(is) {
			continue
		}
		// updated_after is "on or after" (Issues::IssuableFinder: updated_at >= ?).
		if !hasAllLabels(is.labels, want) || (!updatedAfter.IsZero() && is.updated.Before(updatedAfter)) {
			continue
		}
		out = append(out, is)
	}
	key := func(is *issue) time.Time { return is.created }
	if q.Get("order_by") == "updated_at" {
		key = func(is *issue) time.Time { return is.updated }
	}
	// Oldest first by key then id; the issues are mostly stored that way already (bulk
	// worlds are), and checking is cheaper than sorting thousands on every page.
	ascending := func(a, b *issue) int {
		if c := key(a).Compare(key(b)); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	}
	if !slices.IsSortedFunc(out, ascending) {
		slices.SortFunc(out, ascending) // keys and ids together are unique: no need for a stable sort
	}
	if q.Get("sort") != "asc" {
		slices.Reverse(out)
	}
	page, ok := paginate(w, r, len(out))
	if !ok {
		s.mu.Unlock()
		return
	}
	rendered, views, missing := func() ([][]byte, []issueView, []*issue) {
		defer s.mu.Unlock() // whatever happens while the page is picked, the lock is let go
		return pageOf(p, out[page.lo:page.hi])
	}()
	s.writePage(w, rendered, views, missing)
}

// hasAllLabels: GitLab's labels=a,b means a AND b, each an exact, case-sensitive match on
// the label's title.
func hasAllLabels(have, want []string) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			if h == strings.TrimSpace(w) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func requestBase(r *http.Request) string { return "http://" + r.Host }

func (s *Sim) serveUsers(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("username")
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []glUserJSON{}
	for _, p := range s.users {
		if name == "" || strings.EqualFold(p.username, name) {
			out = append(out, s.glUser(p))
		}
	}
	page, ok := paginate(w, r, len(out))
	if ok {
		writeJSON(w, http.StatusOK, out[page.lo:page.hi])
	}
}

func glTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func (s *Sim) glNote(p *project, is *issue, n *note) map[string]any {
	return map[string]any{
		"id": n.id, "type": nil, "body": n.body, "attachment": nil, "author": s.glUser(n.author),
		"created_at": glTime(n.created), "updated_at": glTime(n.created), "system": n.system,
		"noteable_id": is.id, "noteable_type": "Issue", "project_id": p.id, "noteable_iid": is.iid,
		"resolvable": false, "confidential": false, "internal": false,
	}
}

// listLabelEvents answers GET .../issues/:iid/resource_label_events, oldest first.
func (s *Sim) listLabelEvents(w http.ResponseWriter, r *http.Request, is *issue) {
	page, ok := paginate(w, r, len(is.events))
	if !ok {
		return
	}
	out := make([]map[string]any, 0, page.hi-page.lo)
	for _, e := range is.events[page.lo:page.hi] {
		out = append(out, map[string]any{
			"id": e.id, "user": s.glUser(e.user), "created_at": glTime(e.at), "resource_type": "Issue",
			"resource_id": is.id, "action": e.action,
			"label": map[string]any{"id": 1000 + s.hash(e.label)%9000, "name": e.label, "color": "#D9534F", "description": nil},
		})
	}
	writeJSON(w, http.StatusOK, out)
}

func decodeBody(r *http.Request, v any) error {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		return json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20)).Decode(v)
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	m := map[string]any{}
	for k, vs := range r.PostForm {
		k = strings.TrimSuffix(k, "[]")
		if k == "assignee_ids" {
			ids := []int64{}
			for _, s := range vs {
				if n, err := strconv.ParseInt(s, 10, 64); err == nil {
					ids = append(ids, n)
				}
			}
			m[k] = ids
			continue
		}
		m[k] = vs[0]
		if k == "confidential" {
			m[k] = vs[0] == "true"
		}
	}
	b, _ := json.Marshal(m)
	return json.Unmarshal(b, v)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// writeGLError answers like GitLab: {"message": "..."}.
func writeGLError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"message": msg})
}

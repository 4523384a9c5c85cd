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
	run          *changeRun   // a change: when it was scheduled and ran
	handoff      *pastHandoff // a handoff the world wrote: what its body is written from
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

// usernameOf is a GitLab-style username: the first initial and the last name, lower case,
// in ASCII letters and digits only (accents folded, anything else dropped).
func usernameOf(name string) string {
	parts := strings.Fields(name)
	if len(parts) >= 2 {
		name = string([]rune(parts[0])[:1]) + parts[len(parts)-1]
	}
	name = foldAccents.Replace(strings.ToLower(name))
	return strings.Map(func(r rune) rune {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			return r
		}
		return -1
	}, name)
}

var foldAccents = strings.NewReplacer("á", "a", "à", "a", "ã", "a", "ä", "a", "å", "a", "ç", "c", "é", "e", "è", "e", "í", "i", "ı", "i",
	"ñ", "n", "ó", "o", "ö", "o", "ø", "o", "ś", "s", "ú", "u", "ü", "u")

func (s *Sim) hash(parts ...any) uint64 {
	h := fnv.New64a()
	fmt.Fprint(h, s.opts.Seed)
	for _, p := range parts {
		fmt.Fprint(h, "|", p)
	}
	return h.Sum64()
}

// teamOf is the roster a region of the rotation draws its people from: its own when it is
// named like one (EMEA, AMER, APAC), else the first no region of the rotation uses, so
// that two regions do not share people (one would hand over to themselves).
func (s *Sim) teamOf(region string) string {
	if _, ok := rosters[strings.ToUpper(region)]; ok {
		return strings.ToUpper(region)
	}
	used := map[string]bool{}
	for _, r := range s.opts.Rotation {
		if _, ok := rosters[strings.ToUpper(r.Name)]; ok {
			used[strings.ToUpper(r.Name)] = true
		}
	}
	free := []string{}
	for _, key := range regionKeys {
		if !used[key] {
			free = append(free, key)
		}
	}
	k := 0
	for _, r := range s.opts.Rotation {
		if _, ok := rosters[strings.ToUpper(r.Name)]; ok {
			continue
		}
		if r.Name == region {
			return free[min(k, len(free)-1)]
		}
		k++
	}
	return ""
}

// onCallFor is who covers region r's shift that starts at start: a daily rotation through
// the region's roster, seeded so that different seeds give different weeks.
func (s *Sim) onCallFor(r model.Region, start time.Time) *person {
	roster := s.regionPeople(r.Name)
	day := start.Unix() / 86400
	return roster[(uint64(day)+s.hash(r.Name)%97)%uint64(len(roster))]
}

func (s *Sim) regionPeople(region string) []*person {
	key := s.teamOf(region)
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

// incidentTimes are the times to mitigate and to resolve of an incident opened ago, as
// seed 1's fixture has them (fixtureTimes); the bulk world draws around them.
func (s *Sim) incidentTimes(sev int, ago, ttm, ttr time.Duration) (time.Duration, time.Duration) {
	return fixtureTimes(sev, ago, ttm, ttr)
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

// People maps each simulated person's PagerDuty email to their GitLab username, as a
// config's people: section would.
func (s *Sim) People() map[string]string {
	out := map[string]string{}
	for _, p := range s.users {
		out[p.email()] = p.username
	}
	return out
}

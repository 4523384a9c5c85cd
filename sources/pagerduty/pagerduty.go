// Package pagerduty reads who is on call for each region of the rotation (from the
// regions' schedules), the open pages with their alerts and notes, and acknowledges and
// resolves pages, through the PagerDuty REST v2 client (go-pagerduty).
package pagerduty

import (
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	pd "github.com/PagerDuty/go-pagerduty"

	"github.com/oncall-sre/oncall/model"
)

// Source reads PagerDuty. Its methods are safe for concurrent use.
type Source struct {
	c    *pd.Client
	base string // the API's address, no trailing slash

	mu   sync.Mutex
	from string        // the email writes are done as (config pagerduty.from); "" to ask /users/me
	me   *model.Person // who the token or From is, once known

	policiesMu sync.Mutex
	policies   []string // escalation policies of the last open pages (see Pages)
}

// New builds a source for the API at baseURL (e.g. https://api.pagerduty.com).
func New(baseURL, token string, hc *http.Client) *Source {
	base := strings.TrimRight(baseURL, "/")
	c := pd.NewClient(token, pd.WithAPIEndpoint(base))
	if hc != nil {
		c.HTTPClient = hc
	}
	return &Source{c: c, base: base}
}

// SetFrom sets the email of the PagerDuty user that acknowledgements and resolutions are
// done as (config pagerduty.from). Without it, only a user API key can act: as its own user.
func (s *Source) SetFrom(email string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if email = strings.TrimSpace(email); email != s.from {
		s.from, s.me = email, nil
	}
}

// validID matches PagerDuty object ids. Ids go into URL paths: anything else (a hostile
// answer's "../users") is refused before a request is made.
var validID = regexp.MustCompile(`^[A-Za-z0-9]{1,64}$`)

func user(u pd.APIObject) model.Person {
	return model.Person{Name: model.CleanLine(u.Summary), PagerDutyID: model.CleanLine(u.ID)}
}

func fullUser(u pd.User) model.Person {
	name := u.Name
	if name == "" {
		name = u.Summary
	}
	return model.Person{Name: model.CleanLine(name), Email: model.CleanLine(u.Email), PagerDutyID: model.CleanLine(u.ID)}
}

// parseTime reads an ISO 8601 time with its offset; "" (a permanent on-call) is zero.
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, &shortError{"malformed time " + quote(s), err}
	}
	return t.UTC(), nil
}

func quote(s string) string {
	return `"` + model.Shorten(model.CleanLine(s), 41) + `"`
}

package pagerduty

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	pd "github.com/PagerDuty/go-pagerduty"

	"github.com/oncall-sre/oncall/sources/internal/httpx"
)

// get reads GET path?query into out through the client's Do (its token, headers and HTTP
// client). go-pagerduty v1.8.0 decodes single objects ("schedule", "user", "incident",
// "notes", "users") as map[string]T, so one more top-level field of another type in an
// answer fails the whole read; out is a struct, which ignores what it does not name. A
// non-2xx answer is a pd.APIError, as the client's own calls return.
func (s *Source) get(ctx context.Context, path string, query url.Values, out any) error {
	u := s.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := s.c.Do(req, true)
	if err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, httpx.MaxBody+1))
	if err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	if len(body) > httpx.MaxBody { // said, not left to fail as cut JSON
		return fmt.Errorf("GET %s: %w", path, httpx.ErrTooLarge)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		ae := pd.APIError{}
		if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			_ = json.Unmarshal(body, &ae)
		}
		ae.StatusCode = resp.StatusCode
		return ae
	}
	return json.Unmarshal(body, out)
}

// incident reads GET /incidents/{id}.
func (s *Source) incident(ctx context.Context, id string) (pd.Incident, error) {
	var doc struct {
		Incident *pd.Incident `json:"incident"`
	}
	if err := s.get(ctx, "/incidents/"+id, nil, &doc); err != nil {
		return pd.Incident{}, err
	}
	if doc.Incident == nil {
		return pd.Incident{}, fmt.Errorf("the answer has no incident")
	}
	return *doc.Incident, nil
}

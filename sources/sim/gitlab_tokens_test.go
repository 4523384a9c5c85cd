package sim_test

import (
	"encoding/json"
	"testing"

	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

// GET /personal_access_tokens/self answers as GitLab documents it (doc/api/
// personal_access_tokens.md, "Self-inform").
func TestTokenSelfHasTheRealShape(t *testing.T) {
	opts := sim.DefaultOptions(now)
	opts.ReadOnlyTokens = []string{"glpat-readonly"}
	srv, _ := simtest.NewTestServer(t, opts, nil)
	self := srv.URL + "/api/v4/personal_access_tokens/self"
	resp, body := get(t, self, "Private-Token", "glpat-x")
	var tok map[string]any
	if resp.StatusCode != 200 || json.Unmarshal(body, &tok) != nil {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	for _, k := range []string{"id", "name", "revoked", "created_at", "description", "scopes", "user_id", "last_used_at", "active", "expires_at", "last_used_ips"} {
		if _, ok := tok[k]; !ok {
			t.Errorf("no %q in %s", k, body)
		}
	}
	if s, _ := tok["expires_at"].(string); len(s) != len("2027-09-19") {
		t.Errorf("expires_at is a date: %v", tok["expires_at"])
	}
	if sc, _ := tok["scopes"].([]any); len(sc) != 1 || sc[0] != "api" {
		t.Errorf("scopes %v", tok["scopes"])
	}
	_, body = get(t, self, "Private-Token", "glpat-readonly")
	if json.Unmarshal(body, &tok) != nil || tok["scopes"].([]any)[0] != "read_api" {
		t.Errorf("a read-only token: %s", body)
	}
	if resp, body := get(t, self, "Authorization", "Bearer oauth-token"); resp.StatusCode != 400 {
		t.Errorf("an OAuth token: %d %s", resp.StatusCode, body)
	}
	if resp, _ := get(t, self); resp.StatusCode != 401 {
		t.Errorf("no token: %d", resp.StatusCode)
	}
}

package gitlab

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

func TestErrorsArePermanentOrTemporary(t *testing.T) {
	cases := []struct {
		code      int
		body      string
		permanent bool
		says      string
	}{
		{401, `{"message":"401 Unauthorized"}`, true, "the GitLab token is invalid, expired or revoked"},
		{403, `{"message":"403 Forbidden"}`, true, "the token cannot see p"},
		{403, `{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token.","scope":"api read_api"}`, true, "needs the `read_api` scope"},
		{404, `{"message":"404 Project Not Found"}`, true, "check that p exists and the token can read it"},
		{400, `{"error":"state does not have a valid value"}`, true, "400 state does not have a valid value"},
		{422, `{"message":{"title":["is too long"]}}`, true, "GitLab refused what was sent"},
		{408, ``, false, "408 Request Timeout"},
		{429, "Retry later\n", false, "429 rate limited"},
		{500, `{"message":"500 Internal Server Error"}`, false, "500 Internal Server Error"},
		{502, `<html>bad gateway</html>`, false, "502 Bad Gateway"},
	}
	for _, c := range cases {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(c.code)
			_, _ = w.Write([]byte(c.body))
		}))
		src := newSource(t, srv.URL, 100)
		src.cfg.OncallProject = "p"
		_, err := src.OncallIssues(context.Background())
		srv.Close()
		if err == nil || model.IsPermanent(err) != c.permanent || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%d: permanent %v, %v; want permanent %v saying %q", c.code, model.IsPermanent(err), err, c.permanent, c.says)
		}
		var er *gl.ErrorResponse
		if c.code != 404 && !errors.As(err, &er) {
			t.Errorf("%d: the client's error is not in the chain: %v", c.code, err)
		}
		if c.code == 404 && !errors.Is(err, gl.ErrNotFound) {
			t.Errorf("404: gl.ErrNotFound not in the chain")
		}
	}
}

func TestAReadOnlyTokenCannotPublish(t *testing.T) {
	opts := sim.DefaultOptions(now)
	opts.ReadOnlyTokens = []string{"glpat-test"}
	srv, _ := simtest.NewTestServer(t, opts, nil)
	src := newSource(t, srv.URL, 100)
	post := model.HandoffPost{ID: "oncallhandoff0123", Project: opts.HandoffProject, Title: "On-call handoff", Body: "b", Labels: []string{"oncall-handoff"}}
	_, err := src.PublishHandoff(context.Background(), post)
	if !model.IsPermanent(err) || model.HintOf(err) != "the GitLab token can read but not write: publishing needs the `api` scope" {
		t.Fatalf("publish with a read_api token: permanent %v, hint %q, %v", model.IsPermanent(err), model.HintOf(err), err)
	}
	if !strings.Contains(err.Error(), "create the handoff issue: 403 insufficient_scope") {
		t.Errorf("error %q", err)
	}
	if _, err := src.OncallIssues(context.Background()); err != nil {
		t.Fatalf("the same token reads: %v", err)
	}
}

package hub_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/hub"
	"github.com/oncall-sre/oncall/sources/hub/hubtest"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

func TestGitLabTokenAndUser(t *testing.T) {
	opts := sim.DefaultOptions(now)
	srv, _ := simtest.NewTestServer(t, opts, nil)
	h, err := hub.New(hubtest.Config(srv.URL, opts))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	me, err := h.GitLabUser(ctx)
	if err != nil || me.Username == "" {
		t.Fatalf("user %+v %v", me, err)
	}
	tok, err := h.GitLabToken(ctx)
	if err != nil || !tok.Has("api") || tok.Has("read_api") || tok.ExpiresAt.IsZero() || !tok.Active {
		t.Fatalf("token %+v %v", tok, err)
	}

	opts.ReadOnlyTokens = []string{"glpat-test"}
	srv, _ = simtest.NewTestServer(t, opts, nil)
	h, _ = hub.New(hubtest.Config(srv.URL, opts))
	if tok, err = h.GitLabToken(ctx); err != nil || tok.Has("api") || !tok.Has("read_api") {
		t.Errorf("a read-only token: %+v %v", tok, err)
	}

	for code, check := range map[int]func(error) bool{
		http.StatusBadRequest:   func(err error) bool { return errors.Is(err, hub.ErrScopesUnknown) },
		http.StatusNotFound:     func(err error) bool { return errors.Is(err, hub.ErrScopesUnknown) },
		http.StatusUnauthorized: model.IsPermanent,
		http.StatusBadGateway:   func(err error) bool { return err != nil && !errors.Is(err, hub.ErrScopesUnknown) },
	} {
		srv, _ := simtest.NewTestServer(t, opts, func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/api/v4/personal_access_tokens/self" {
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(code)
					_, _ = w.Write([]byte(`{"message":"no"}`))
					return
				}
				next.ServeHTTP(w, r)
			})
		})
		h, _ := hub.New(hubtest.Config(srv.URL, opts))
		if _, err := h.GitLabToken(ctx); !check(err) {
			t.Errorf("%d: %v", code, err)
		}
	}
}

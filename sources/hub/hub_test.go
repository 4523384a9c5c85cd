package hub_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/hub"
	"github.com/oncall-sre/oncall/sources/hub/hubtest"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

var now = time.Date(2026, 11, 23, 14, 30, 0, 0, time.UTC)

func newHub(t *testing.T, cfg hub.Config) *hub.Hub {
	t.Helper()
	h, err := hub.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func simHub(t *testing.T, opts sim.Options, mw func(http.Handler) http.Handler, edit func(*hub.Config)) (*hub.Hub, *sim.Sim) {
	t.Helper()
	srv, s := simtest.NewTestServer(t, opts, mw)
	cfg := hubtest.Config(srv.URL, opts)
	if edit != nil {
		edit(&cfg)
	}
	return newHub(t, cfg), s
}

func TestFetchEverySourceFromTheSimulator(t *testing.T) {
	h, _ := simHub(t, sim.DefaultOptions(now), nil, nil)
	var snap model.Snapshot
	for _, id := range h.Sources() {
		patch, err := h.Fetch(context.Background(), id, now)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		patch(&snap)
	}
	if len(snap.Incidents) == 0 || len(snap.Changes) == 0 || len(snap.OncallIssues) == 0 || len(snap.Handoffs) == 0 ||
		len(snap.OnCall) == 0 || len(snap.Pages.Open) == 0 || snap.Me == nil {
		t.Fatalf("a source's part is empty: %d incidents, %d changes, %d oncall, %d handoffs, %d oncall, %d pages, me %v",
			len(snap.Incidents), len(snap.Changes), len(snap.OncallIssues), len(snap.Handoffs), len(snap.OnCall), len(snap.Pages.Open), snap.Me)
	}
	for _, hd := range snap.Handoffs {
		if !hd.AckChecked || hd.Incoming == "" {
			t.Errorf("handoff #%d: ack checked %v, incoming %q", hd.IID, hd.AckChecked, hd.Incoming)
		}
	}
}

func TestAListCutAtThePageLimitSaysSo(t *testing.T) {
	h, _ := simHub(t, sim.DefaultOptions(now), nil, func(c *hub.Config) { c.GitLab.PageSize, c.GitLab.MaxPages = 2, 1 })
	patch, err := h.Fetch(context.Background(), model.SourceQueue, now)
	if err != nil {
		t.Fatal(err)
	}
	var snap model.Snapshot
	patch(&snap)
	if n := snap.Notices[model.SourceQueue]; len(n) != 2 || !strings.Contains(n[0], "showing the newest 2") {
		t.Fatalf("notices %q", snap.Notices)
	}
}

func TestLabelWarningsAreCheckedOnce(t *testing.T) {
	var labelRequests atomic.Int64
	count := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/labels") {
				labelRequests.Add(1)
			}
			next.ServeHTTP(w, r)
		})
	}
	h, _ := simHub(t, sim.DefaultOptions(now), count, func(c *hub.Config) { c.GitLab.Labels.Incident = "Incident" })
	want := "label 'Incident' does not exist in gitlab-com/gl-infra/production; did you mean 'incident'?"
	w, err := h.LabelWarnings(context.Background())
	if err != nil || len(w) != 1 || w[0] != want {
		t.Fatalf("%v %q", err, w)
	}
	asked := labelRequests.Load()
	snap := h.Snapshot(context.Background(), now)
	if len(snap.Warnings) != 1 || snap.Warnings[0] != want {
		t.Fatalf("snapshot warnings %q", snap.Warnings)
	}
	if labelRequests.Load() != asked {
		t.Errorf("the labels were checked again: %d requests, then %d", asked, labelRequests.Load())
	}
}

func TestRetryAfterReachesTheCallerCapped(t *testing.T) {
	opts := sim.DefaultOptions(now)
	opts.Faults = map[string]sim.Fault{"queue": {Kind: "429", After: 40 * time.Second}}
	h, _ := simHub(t, opts, nil, nil)
	_, err := h.Fetch(context.Background(), model.SourceQueue, now)
	var ra *model.RetryAfterError
	if !errors.As(err, &ra) || ra.After != 40*time.Second || !strings.Contains(err.Error(), "429 rate limited") {
		t.Fatalf("429 with Retry-After 40: %v", err)
	}

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "999999999")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	cfg := hubtest.Config(srv.URL, sim.DefaultOptions(now))
	cfg.MaxServerWait = 2 * time.Minute
	_, err = newHub(t, cfg).Fetch(context.Background(), model.SourceOncall, now)
	if !errors.As(err, &ra) || ra.After != 2*time.Minute {
		t.Fatalf("Retry-After: 999999999 must be capped at 2m: %v", err)
	}
}

func TestTokensAreRedactedThroughTricks(t *testing.T) {
	const token = "glpat-Secret123"
	for name, echo := range map[string]string{
		"escape":     "\x1b" + token,
		"zero-width": "glpat-Se\u200bcret123",
		"escaped":    `\u001b` + token,
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadRequest)
				body := `{"message":"bad token ` + strings.ReplaceAll(echo, "\x1b", `\u001b`) + `"}`
				_, _ = io.WriteString(w, body)
			}))
			defer srv.Close()
			cfg := hubtest.Config(srv.URL, sim.DefaultOptions(now))
			cfg.GitLab.Token = token
			_, err := newHub(t, cfg).Fetch(context.Background(), model.SourceOncall, now)
			if err == nil || strings.Contains(err.Error(), "ecret123") || strings.Contains(err.Error(), "Se\u200bcret") {
				t.Fatalf("the token shows: %q", err)
			}
			if !model.IsPermanent(err) {
				t.Errorf("the redacted 400 lost its chain: %v", err)
			}
			for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
				if strings.Contains(e.Error(), "ecret123") {
					t.Fatalf("a wrapped error shows the token: %q", e)
				}
			}
		})
	}
}

func TestATokenInARedirectIsRedacted(t *testing.T) {
	const token = "glpat-secret123"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://"+token+".example.invalid/", http.StatusFound)
	}))
	defer srv.Close()
	cfg := hubtest.Config(srv.URL, sim.DefaultOptions(now))
	cfg.GitLab.Token = token
	_, err := newHub(t, cfg).Fetch(context.Background(), model.SourceOncall, now)
	if err == nil || strings.Contains(err.Error(), token) || !strings.Contains(err.Error(), "[token]") || !model.IsPermanent(err) {
		t.Fatalf("redirect to a host named after the token: %v", err)
	}
}

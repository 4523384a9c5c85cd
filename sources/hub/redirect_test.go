package hub_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/hub/hubtest"
	"github.com/oncall-sre/oncall/sources/sim"
)

// elsewhere is another host: it records whether anything reached it, and any token.
type elsewhere struct {
	srv      *httptest.Server
	requests atomic.Int64
	tokens   atomic.Int64
}

func newElsewhere(t *testing.T) *elsewhere {
	e := &elsewhere{}
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.requests.Add(1)
		if r.Header.Get("Private-Token") != "" || r.Header.Get("Authorization") != "" {
			e.tokens.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[]`))
	}))
	t.Cleanup(e.srv.Close)
	return e
}

// otherHost is the address of e under another name than 127.0.0.1, so it is another host.
func (e *elsewhere) otherHost() string {
	return strings.Replace(e.srv.URL, "127.0.0.1", "localhost", 1)
}

func TestRedirectsNeverCarryTheToken(t *testing.T) {
	for _, code := range []int{http.StatusFound, http.StatusTemporaryRedirect} {
		other := newElsewhere(t)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.otherHost()+r.URL.RequestURI(), code)
		}))
		cfg := hubtest.Config(srv.URL, sim.DefaultOptions(now))
		_, err := newHub(t, cfg).Fetch(context.Background(), model.SourceOncall, now)
		srv.Close()
		if other.requests.Load() != 0 || other.tokens.Load() != 0 {
			t.Errorf("%d: the other host got %d requests, %d with a token", code, other.requests.Load(), other.tokens.Load())
		}
		host := strings.TrimPrefix(srv.URL, "http://")
		if err == nil || !model.IsPermanent(err) || !strings.Contains(err.Error(), "redirected to http://localhost:") ||
			!strings.Contains(err.Error(), "oncall does not send the token there; set gitlab.url to the final address") || !strings.Contains(err.Error(), host) {
			t.Errorf("%d: %v", code, err)
		}
	}
}

func TestARedirectOnTheSameHostIsFollowed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/moved/") {
			http.Redirect(w, r, "/moved"+r.URL.RequestURI(), http.StatusMovedPermanently)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[]`))
	}))
	defer srv.Close()
	if _, err := newHub(t, hubtest.Config(srv.URL, sim.DefaultOptions(now))).Fetch(context.Background(), model.SourceOncall, now); err != nil {
		t.Fatalf("a redirect on the same host: %v", err)
	}
}

func TestNoDowngradeToPlainHTTP(t *testing.T) {
	plain := newElsewhere(t)
	tls := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plain.srv.URL+r.URL.RequestURI(), http.StatusFound)
	}))
	defer tls.Close()
	cfg := hubtest.Config(tls.URL, sim.DefaultOptions(now))
	cfg.HTTPClient = tls.Client() // trusts the test certificate
	_, err := newHub(t, cfg).Fetch(context.Background(), model.SourceOncall, now)
	if plain.requests.Load() != 0 {
		t.Errorf("the plain http server got %d requests", plain.requests.Load())
	}
	if err == nil || !strings.Contains(err.Error(), "over plain http; oncall does not send the token unencrypted") {
		t.Fatalf("https -> http: %v", err)
	}
}

func TestAWriteIsNeverSentTwice(t *testing.T) {
	other := newElsewhere(t)
	var posts atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			posts.Add(1)
			http.Redirect(w, r, other.otherHost()+r.URL.RequestURI(), http.StatusTemporaryRedirect)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[]`)) // no earlier attempt
	}))
	defer srv.Close()
	opts := sim.DefaultOptions(now)
	h := newHub(t, hubtest.Config(srv.URL, opts))
	post := model.HandoffPost{ID: "oncallhandoff42", Project: opts.HandoffProject, Title: "On-call handoff", Body: "b", Labels: []string{"oncall-handoff"}}
	_, err := h.PublishHandoff(context.Background(), post)
	if posts.Load() != 1 || other.requests.Load() != 0 {
		t.Fatalf("%d POSTs here, %d requests elsewhere; want one POST, nothing elsewhere", posts.Load(), other.requests.Load())
	}
	if err == nil || !model.IsPermanent(err) || !strings.Contains(err.Error(), "redirected a POST") {
		t.Fatalf("307 on the handoff POST: %v", err)
	}
}

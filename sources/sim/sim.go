// Package sim is an embedded simulator of the GitLab REST v4 and PagerDuty REST v2
// subsets that oncall uses. It serves generated, realistic data relative to a given
// instant, keeps what is posted to it, and is the fixture of the demo and the tests:
// the real clients talk to it over HTTP exactly as they would to the real services.
package sim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
	_ "time/tzdata" // region time zones, even on machines without zoneinfo

	"github.com/oncall-sre/oncall/model"
)

// Options shape the generated world.
type Options struct {
	Seed     uint64
	Now      time.Time      // the instant the data is generated around
	Rotation model.Rotation // regions and their PagerDuty schedule ids
	Labels   model.Labels
	Faults   map[string]Fault // by source (FaultSources); changeable later with SetFault
	// PagerDuty shapes the PagerDuty account: escalation policies, overrides, gaps,
	// read-only keys, the rate limit.
	PagerDuty PagerDutyOptions
	// Project paths, as in the config.
	ProductionProject string
	OncallProject     string
	HandoffProject    string
	// BaseURL is the address clients use (for web_url and self links); set by Start.
	BaseURL string

	// ReadOnlyTokens are GitLab tokens with the read_api scope only: any write made with one
	// gets GitLab's 403 insufficient_scope.
	ReadOnlyTokens []string
	// FreeTier makes issue creation keep only the first of assignee_ids, as GitLab Free does.
	FreeTier bool
	// NonMembers are usernames who cannot see the projects: GitLab drops them from an issue's
	// assignees without an error.
	NonMembers []string
	// ManyIssues adds that many old closed incidents to the production project (past 10,000
	// GitLab stops counting them in its paging headers).
	ManyIssues int
	// Live, when set, plays the live story (live.go) while Start's server runs: one step
	// every Live of wall time.
	Live time.Duration
	Load // benchmarks: Bulk (a sized world), Latency, GitLabRateLimit (bulk.go, load.go)
}

// Sim is the simulator. Its handler is safe for concurrent use.
type Sim struct {
	opts    Options
	started time.Time // wall time at New; the simulated clock runs from opts.Now

	mu       sync.Mutex
	projects map[string]*project // by path
	users    []*person
	pd       pdState // the PagerDuty account
	nextID   int64   // global issue and note ids
	live     live    // the story Live plays

	faultMu sync.Mutex
	faults  map[string]Fault // by source name
}

// New generates the world described by opts.
func New(opts Options) *Sim {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	opts.Now = opts.Now.UTC().Truncate(time.Second)
	if opts.BaseURL == "" {
		opts.BaseURL = "http://sim.invalid"
	}
	s := &Sim{opts: opts, started: time.Now(), projects: map[string]*project{}, nextID: 150_000_000}
	s.generate()
	s.generateBulk()
	for src, f := range opts.Faults {
		s.SetFault(src, f)
	}
	return s
}

// clock is the simulated now: opts.Now plus the wall time since the simulator started.
func (s *Sim) clock() time.Time {
	return s.opts.Now.Add(time.Since(s.started)).UTC().Truncate(time.Millisecond)
}

// Handler serves both APIs: GitLab under /api/v4/, PagerDuty at the root.
func (s *Sim) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v4/", s.serveGitLab)
	mux.HandleFunc("GET /api/v4/personal_access_tokens/self", s.serveTokenSelf)
	s.pagerDutyRoutes(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writePDError(w, http.StatusNotFound, 2100, "Not Found")
	})
	return s.withLoad(s.withFaults(mux))
}

// Server is a running simulator.
type Server struct {
	URL      string // http://127.0.0.1:PORT, no trailing slash
	http     *http.Server
	done     chan error
	stopLive context.CancelFunc
}

// Start listens on addr (e.g. "127.0.0.1:0") and serves a simulator built from opts.
func Start(addr string, opts Options) (*Server, *Sim, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("simulator: listen on %s: %w", addr, err)
	}
	url := "http://" + ln.Addr().String()
	opts.BaseURL = url
	s := New(opts)
	srv := &Server{URL: url, http: &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}, done: make(chan error, 1)}
	go func() {
		err := srv.http.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		srv.done <- err
	}()
	var live context.Context
	live, srv.stopLive = context.WithCancel(context.Background())
	if opts.Live > 0 {
		go func() {
			t := time.NewTicker(opts.Live)
			defer t.Stop()
			s.Live(live, t.C)
		}()
	}
	return srv, s, nil
}

// Wait blocks until the server stops and returns why.
func (srv *Server) Wait() error { return <-srv.done }

// Close stops the server, letting requests in flight finish for up to a second.
func (srv *Server) Close() error {
	srv.stopLive()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	return srv.http.Shutdown(ctx)
}

package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/sim"
)

// Tokens the benchmark's processes send; the simulator takes any.
const (
	glToken = "glpat-bench"
	pdToken = "pd-bench"
)

// rotation is three 8-hour regions, the newer follow-the-sun practice (DOMAIN.md).
var rotation = model.Rotation{
	{Name: "APAC", Start: 23 * 60, End: 7 * 60, Schedule: "PAPAC01"},
	{Name: "EMEA", Start: 7 * 60, End: 15 * 60, Schedule: "PEMEA01"},
	{Name: "AMER", Start: 15 * 60, End: 23 * 60, Schedule: "PAMER01"},
}

// issue11Bulk is the world of issue 11's benchmark.
var issue11Bulk = sim.Bulk{QueueIssues: 3000, OncallIssues: 500, Handoffs: 200, Incidents: 300}

// world is a simulator served over loopback, every request it answers recorded.
type world struct {
	url  string
	sim  *sim.Sim
	opts sim.Options
	rec  *recorder
	srv  *http.Server
	dir  string // config, cache and state of the processes run against it
}

// startWorld serves a simulator of bulk with latency, and gitlab.com's rate limit when
// rateLimit is set.
func startWorld(bulk sim.Bulk, latency time.Duration, rateLimit bool, seed uint64, dir string) (*world, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen on loopback: %w", err)
	}
	w := &world{url: "http://" + ln.Addr().String(), rec: &recorder{}, dir: dir}
	w.opts = sim.DefaultOptions(time.Now())
	w.opts.Seed, w.opts.Rotation, w.opts.BaseURL = seed, rotation, w.url
	w.opts.Bulk, w.opts.Latency = bulk, latency
	if rateLimit {
		w.opts.GitLabRateLimit = sim.GitLabComRateLimit
	}
	w.sim = sim.New(w.opts)
	w.srv = &http.Server{Handler: w.rec.wrap(w.sim.Handler()), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = w.srv.Serve(ln) }()
	if err := w.writeConfig(); err != nil {
		w.close()
		return nil, err
	}
	return w, nil
}

func (w *world) close() { _ = w.srv.Close() }

func (w *world) configPath() string { return filepath.Join(w.dir, "config.yaml") }

// writeConfig writes an oncall config that matches the simulated world.
func (w *world) writeConfig() error {
	var b strings.Builder
	fmt.Fprintf(&b, "gitlab:\n  url: %s\n  token_env: GITLAB_TOKEN\n  production_project: %s\n  oncall_project: %s\n  handoff_project: %s\n",
		w.url, w.opts.ProductionProject, w.opts.OncallProject, w.opts.HandoffProject)
	fmt.Fprintf(&b, "pagerduty:\n  url: %s\n  token_env: PAGERDUTY_TOKEN\nrotation:\n", w.url)
	for _, r := range rotation {
		fmt.Fprintf(&b, "  - {region: %s, start: %q, end: %q, schedule: %s}\n", r.Name, r.Start.String(), r.End.String(), r.Schedule)
	}
	b.WriteString("theme: dark\n")
	if err := os.MkdirAll(w.dir, 0o700); err != nil {
		return fmt.Errorf("benchmark directory: %w", err)
	}
	return os.WriteFile(w.configPath(), []byte(b.String()), 0o600)
}

// env is the environment of an oncall process run against the world, with its cache and
// state under the world's directory (cache names the cache directory, so two runs can share one).
func (w *world) env(cache string) []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "GITLAB_TOKEN", "PAGERDUTY_TOKEN", "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "ONCALL_CONFIG", "NO_COLOR", "TERM":
			continue
		}
		out = append(out, kv)
	}
	return append(out, "GITLAB_TOKEN="+glToken, "PAGERDUTY_TOKEN="+pdToken, "TERM=xterm-256color",
		"XDG_CACHE_HOME="+filepath.Join(w.dir, cache), "XDG_STATE_HOME="+filepath.Join(w.dir, "state-"+cache),
		"XDG_CONFIG_HOME="+filepath.Join(w.dir, "config"))
}

// exchange is one request the simulator answered.
type exchange struct {
	method, uri string
	start, end  time.Time
	status      int
}

// recorder keeps every exchange, and how many are in flight.
type recorder struct {
	mu       sync.Mutex
	log      []exchange
	inFlight int
	last     time.Time // when the last request arrived or ended
}

func (rc *recorder) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rc.mu.Lock()
		rc.inFlight++
		rc.last = start
		rc.mu.Unlock()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		end := time.Now()
		rc.mu.Lock()
		defer rc.mu.Unlock()
		rc.inFlight--
		rc.last = end
		rc.log = append(rc.log, exchange{method: r.Method, uri: r.URL.RequestURI(), start: start, end: end, status: sw.status})
	})
}

// take returns the exchanges so far, oldest first, and forgets them (quietFor then waits
// for a request to come).
func (rc *recorder) take() []exchange {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := rc.log
	rc.log, rc.last = nil, time.Time{}
	sort.SliceStable(out, func(a, b int) bool { return out[a].start.Before(out[b].start) })
	return out
}

// quietFor reports whether a request came since the last take, and since then none has
// been in flight, or has arrived, for d.
func (rc *recorder) quietFor(d time.Duration) bool {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.inFlight == 0 && !rc.last.IsZero() && time.Since(rc.last) >= d
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) { s.status = code; s.ResponseWriter.WriteHeader(code) }

// traffic sums up a run's exchanges.
type traffic struct {
	requests  int
	failed    int           // answers of 400 and above (429s included)
	limited   int           // 429s
	span      time.Duration // first request's arrival to the last answer
	overheadL time.Duration // mean time beyond the latency the simulator took to answer
}

func summarize(log []exchange, latency time.Duration) traffic {
	t := traffic{requests: len(log)}
	if len(log) == 0 {
		return t
	}
	first, last := log[0].start, log[0].end
	var extra time.Duration
	for _, e := range log {
		if e.status >= 400 {
			t.failed++
		}
		if e.status == http.StatusTooManyRequests {
			t.limited++
		}
		if e.end.After(last) {
			last = e.end
		}
		extra += e.end.Sub(e.start) - latency
	}
	t.span = last.Sub(first)
	t.overheadL = extra / time.Duration(len(log))
	return t
}

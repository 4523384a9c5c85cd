package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/store"
)

// bigBulk is the world of the dashboard's memory and idle measurements: 10,000 open queue
// issues, the rest as in issue 11's world.
var bigBulk = sim.Bulk{QueueIssues: 10_000, OncallIssues: 500, Handoffs: 200, Incidents: 300}

// idleWindow is how long the idle dashboard's CPU is measured.
const idleWindow = 10 * time.Second

// dashboardResults are the figures of the dashboard process.
type dashboardResults struct {
	issues     int           // issues in its snapshot
	coldLoad   time.Duration // cold start to the last answer of its first refresh
	firstFrame time.Duration // exec to the first frame showing cached data
	rss, peak  int64         // bytes, idle after a warm start, and the peak of that run
	idleCPU    time.Duration // user+system over idleWindow
	err        string        // what could not be measured, and why
}

// measureDashboard runs the real dashboard in a 200x60 pty against a world of 10,000 queue
// issues: once cold (to fill its cache), once with every source hanging (so that only the
// cache can fill the first frame), and once warm, left idle for the CPU and memory figures.
func measureDashboard(ctx context.Context, bin, dir string, latency time.Duration, seed uint64) dashboardResults {
	var res dashboardResults
	w, err := startWorld(bigBulk, latency, false, seed, dir)
	if err != nil {
		res.err = err.Error()
		return res
	}
	defer w.close()
	fail := func(what string, err error) dashboardResults {
		res.err = fmt.Sprintf("%s: %v", what, err)
		return res
	}

	// 1. Cold: wait for the refresh to end and the cache to be written.
	if res.coldLoad, err = coldStart(ctx, bin, w); err != nil {
		return fail("cold start", err)
	}
	snap, ok, err := openCache(w)
	if err != nil || !ok {
		return fail("read the cache the dashboard wrote", errors.Join(err, errors.New("no cache")))
	}
	res.issues = len(snap.Incidents) + len(snap.Changes) + len(snap.OncallIssues) + len(snap.Handoffs)
	var markers []string
	for _, in := range snap.Incidents[:min(5, len(snap.Incidents))] {
		markers = append(markers, squash(withoutDate(in.Title)))
	}

	// 2. Warm, with the network hanging: the first frame with data is from the cache.
	for _, src := range sim.FaultSources {
		w.sim.SetFault(src, sim.Fault{Kind: "hang"})
	}
	res.firstFrame, err = firstCachedFrame(ctx, bin, w, markers)
	for _, src := range sim.FaultSources {
		w.sim.SetFault(src, sim.Fault{})
	}
	if err != nil {
		return fail("first frame from the cache", err)
	}

	// 3. Warm and working: refresh, then idle.
	w.rec.take()
	d, err := startDashboard(ctx, bin, w, nil)
	if err != nil {
		return fail("warm start", err)
	}
	defer d.stop()
	if err := waitQuiet(ctx, w, d.started, 60*time.Second); err != nil {
		return fail("warm refresh", err)
	}
	before, err := cpuTime(d.pid())
	if err != nil {
		return fail("idle CPU", err)
	}
	select {
	case <-time.After(idleWindow):
	case <-ctx.Done():
		return fail("idle CPU", ctx.Err())
	}
	after, err := cpuTime(d.pid())
	if err != nil {
		return fail("idle CPU", err)
	}
	res.idleCPU = after - before
	if res.rss, res.peak, err = memory(d.pid()); err != nil {
		return fail("memory", err)
	}
	return res
}

// coldStart runs the dashboard with an empty cache until its first refresh has ended and
// the cache holds it, and returns how long the refresh took.
func coldStart(ctx context.Context, bin string, w *world) (time.Duration, error) {
	w.rec.take()
	d, err := startDashboard(ctx, bin, w, nil)
	if err != nil {
		return 0, err
	}
	defer d.stop()
	if err := waitQuiet(ctx, w, d.started, 90*time.Second); err != nil {
		return 0, err
	}
	// The first refresh is what was asked before the report was.
	var last time.Time
	for _, e := range w.rec.take() {
		if e.start.Sub(d.started) < reportDelay-500*time.Millisecond && e.end.After(last) {
			last = e.end
		}
	}
	// The dashboard writes its cache a moment after the answers (tui Options.CacheDelay).
	for deadline := time.Now().Add(20 * time.Second); !cacheComplete(w); {
		if time.Now().After(deadline) {
			return 0, errors.New("the cache did not hold the whole queue and every source within 20s of the last answer")
		}
		time.Sleep(200 * time.Millisecond)
	}
	return last.Sub(d.started), nil
}

// firstCachedFrame starts the dashboard and times it until the screen shows one of markers.
func firstCachedFrame(ctx context.Context, bin string, w *world, markers []string) (time.Duration, error) {
	seen := make(chan time.Time, 1)
	d, err := startDashboard(ctx, bin, w, &screenWatch{markers: markers, seen: seen})
	if err != nil {
		return 0, err
	}
	defer d.stop()
	select {
	case at := <-seen:
		return at.Sub(d.started), nil
	case <-time.After(30 * time.Second):
		return 0, fmt.Errorf("no cached incident on screen within 30s (looked for %q)", markers)
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// reportDelay is how long after its start the dashboard asks for the week's report (tui's
// firstReportAfter), and a margin: a process that is to be measured idle, or whose cache
// is to be warm, must have read it.
const reportDelay = 3*time.Second + 500*time.Millisecond

// waitQuiet waits until the dashboard started at least reportDelay ago and the simulator has
// had a request and then none for 1.5 s.
func waitQuiet(ctx context.Context, w *world, started time.Time, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Since(started) < reportDelay || !w.rec.quietFor(1500*time.Millisecond) {
		if time.Now().After(deadline) {
			return fmt.Errorf("requests still coming after %v", limit)
		}
		select {
		case <-time.After(100 * time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// cacheComplete reports whether the dashboard's cache holds the world's whole open queue
// and an answer of every source.
func cacheComplete(w *world) bool {
	snap, ok, err := openCache(w)
	if err != nil || !ok || len(snap.Incidents)+len(snap.Changes) != w.opts.Bulk.QueueIssues {
		return false
	}
	for _, id := range model.AllSources {
		if snap.Health[id].LastSuccess.IsZero() {
			return false
		}
	}
	return true
}

func openCache(w *world) (snap model.Snapshot, ok bool, err error) {
	st, err := store.Open(filepath.Join(w.dir, "state-read"))
	if err != nil {
		return snap, false, err
	}
	if err := st.UseCacheDir(filepath.Join(w.dir, "cache", "oncall")); err != nil {
		return snap, false, err
	}
	return st.LoadSnapshot()
}

// dashboard is a running dashboard process in a pty.
type dashboard struct {
	cmd     *exec.Cmd
	pty     *os.File
	started time.Time
	done    chan error
}

func (d *dashboard) pid() int { return d.cmd.Process.Pid }

// startDashboard runs `oncall` against w in a 200x60 pty, its output read (and watched when
// watch is set) as a terminal would.
func startDashboard(ctx context.Context, bin string, w *world, watch *screenWatch) (*dashboard, error) {
	controller, term, err := openPTY(200, 60)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, bin, "--config", w.configPath())
	cmd.Env = w.env("cache")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = term, term, term
	cmd.SysProcAttr = ttyAttr()
	d := &dashboard{cmd: cmd, pty: controller, done: make(chan error, 1)}
	d.started = time.Now()
	if err := cmd.Start(); err != nil {
		controller.Close()
		term.Close()
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	term.Close() // the child has it; the controller reads EOF once the child is gone
	go watch.read(controller)
	go func() { d.done <- cmd.Wait() }()
	return d, nil
}

// stop quits the dashboard as a user would (q), then by signal if it does not go.
func (d *dashboard) stop() {
	_, _ = d.pty.Write([]byte("q"))
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
		select {
		case <-d.done:
			d.pty.Close()
			return
		case <-time.After(5 * time.Second):
			_ = d.cmd.Process.Signal(sig)
		}
	}
	<-d.done
	d.pty.Close()
}

// screenWatch reads a pty's output and tells when the screen first shows one of markers.
// Text is compared without escape sequences or spaces, so cursor moves that stand in for
// blanks do not hide it.
type screenWatch struct {
	markers []string
	seen    chan<- time.Time
	once    sync.Once
}

// read drains r until it ends; a nil watch only drains.
func (s *screenWatch) read(r *os.File) {
	buf := make([]byte, 64<<10)
	var screen []byte
	for {
		n, err := r.Read(buf)
		if s != nil && n > 0 && len(screen) < 4<<20 {
			screen = append(screen, buf[:n]...)
			text := squash(ansi.Strip(string(screen)))
			for _, m := range s.markers {
				if m != "" && strings.Contains(text, m) {
					s.once.Do(func() { s.seen <- time.Now() })
				}
			}
		}
		if err != nil {
			return
		}
	}
}

// squash drops every space: the comparison survives blanks drawn as cursor moves.
func squash(s string) string { return strings.Join(strings.Fields(s), "") }

// datePrefix is the "YYYY-MM-DD: " titles often start with; the dashboard hides it.
var datePrefix = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}:?\s*`)

// withoutDate is the title as the dashboard shows it, cut to what fits any column.
func withoutDate(title string) string {
	t := datePrefix.ReplaceAllString(title, "")
	if r := []rune(t); len(r) > 30 {
		t = string(r[:30])
	}
	return t
}

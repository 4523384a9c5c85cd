package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/gitlab"
	"github.com/oncall-sre/oncall/sources/hub"
)

// refreshRun is one measured refresh: its wall time and the traffic it made.
type refreshRun struct {
	wall    time.Duration
	cpu     time.Duration // the process's user+system time (status only)
	traffic traffic
	log     []exchange
	err     string // "" when every source answered
}

// runStatus runs the real binary's `oncall status` against w, with its cache in
// XDG_CACHE_HOME=<dir>/cache, and times it from exec to exit.
func runStatus(ctx context.Context, bin string, w *world) refreshRun {
	w.rec.take()
	cmd := exec.CommandContext(ctx, bin, "--config", w.configPath(), "status")
	cmd.Env = w.env("cache")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	run := refreshRun{wall: time.Since(start), log: w.rec.take()}
	run.traffic = summarize(run.log, w.opts.Latency)
	if cmd.ProcessState != nil {
		run.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	if err != nil {
		run.err = statusFailure(err, out.String(), errOut.String())
	}
	return run
}

// statusFailure says in a line why status did not exit 0: the sources it printed as failed.
func statusFailure(err error, stdout, stderr string) string {
	var failed []string
	for _, line := range strings.Split(stdout, "\n") {
		if strings.Contains(line, "FAILED") {
			failed = append(failed, strings.TrimSpace(line))
		}
	}
	if len(failed) == 0 && strings.TrimSpace(stderr) != "" {
		failed = append(failed, strings.TrimSpace(stderr))
	}
	return fmt.Sprintf("%v: %s", err, strings.Join(failed, "; "))
}

// replay sends the requests of log again, one after another, with a plain client: what the
// same refresh costs without any concurrency.
func replay(ctx context.Context, w *world, log []exchange) refreshRun {
	w.rec.take()
	client := &http.Client{Timeout: 30 * time.Second}
	start := time.Now()
	var errs []error
	for _, e := range log {
		if err := replayOne(ctx, client, w.url, e); err != nil {
			errs = append(errs, err)
		}
	}
	run := refreshRun{wall: time.Since(start), log: w.rec.take()}
	run.traffic = summarize(run.log, w.opts.Latency)
	if len(errs) > 0 {
		run.err = fmt.Sprintf("%d of %d requests failed, the first: %v", len(errs), len(log), errs[0])
	}
	return run
}

func replayOne(ctx context.Context, client *http.Client, base string, e exchange) error {
	req, err := http.NewRequestWithContext(ctx, e.method, base+e.uri, nil)
	if err != nil {
		return fmt.Errorf("replay %s: %w", e.uri, err)
	}
	if strings.HasPrefix(e.uri, "/api/v4/") {
		req.Header.Set("Private-Token", glToken)
	} else {
		req.Header.Set("Authorization", "Token token="+pdToken)
		req.Header.Set("Accept", "application/vnd.pagerduty+json;version=2")
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("replay %s: %w", e.uri, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode >= 400 {
		return fmt.Errorf("replay %s: %s", e.uri, resp.Status)
	}
	return nil
}

// newHub wires the sources to w the way `oncall` does (cmd/oncall/wiring.go newHub, with
// the config's default timeout), for the measurements that call the hub in this process.
func newHub(w *world) (*hub.Hub, error) {
	const timeout = 10 * time.Second
	return hub.New(hub.Config{
		GitLab: gitlab.Config{
			BaseURL: w.url, Token: glToken, Labels: w.opts.Labels,
			ProductionProject: w.opts.ProductionProject, OncallProject: w.opts.OncallProject, HandoffProject: w.opts.HandoffProject,
		},
		PagerDutyURL: w.url, PagerDutyToken: pdToken, Rotation: rotation, Timeout: timeout,
		Budget: model.DefaultBudgetPolicy(), People: w.sim.People(),
		HTTPClient: &http.Client{Transport: &http.Transport{
			Proxy: http.ProxyFromEnvironment, MaxIdleConnsPerHost: 8, TLSHandshakeTimeout: 10 * time.Second,
			ResponseHeaderTimeout: timeout, IdleConnTimeout: 90 * time.Second,
		}},
	})
}

// runReport times hub.Report for the last 7 days on a new hub, as `oncall report` and the
// dashboard's R do.
func runReport(ctx context.Context, w *world) refreshRun {
	w.rec.take()
	h, err := newHub(w)
	if err != nil {
		return refreshRun{err: err.Error()}
	}
	now := time.Now()
	start := time.Now()
	_, err = h.Report(ctx, model.Window{From: now.Add(-7 * 24 * time.Hour), To: now}, now)
	run := refreshRun{wall: time.Since(start), log: w.rec.take()}
	run.traffic = summarize(run.log, w.opts.Latency)
	if err != nil {
		run.err = err.Error()
	}
	return run
}

// refreshResults are the network figures of one simulator mode.
type refreshResults struct {
	rateLimited       bool
	cold, warm, naive refreshRun
	report            refreshRun
	issues            int // issues the status lists (for CPU per issue)
}

// measureRefresh runs status twice with the same cache, replays the cold run's requests one
// by one, and times the report, against a fresh world of issue 11's size.
func measureRefresh(ctx context.Context, bin, dir string, latency time.Duration, rateLimited bool, seed uint64) (refreshResults, error) {
	w, err := startWorld(issue11Bulk, latency, rateLimited, seed, dir)
	if err != nil {
		return refreshResults{}, err
	}
	defer w.close()
	res := refreshResults{rateLimited: rateLimited, issues: issue11Bulk.QueueIssues + issue11Bulk.OncallIssues + 20}
	res.cold = runStatus(ctx, bin, w)
	res.warm = runStatus(ctx, bin, w)
	if len(res.cold.log) == 0 {
		return res, fmt.Errorf("the cold status run made no request (%s): is %s an oncall binary?", res.cold.err, bin)
	}
	res.naive = replay(ctx, w, res.cold.log)
	res.report = runReport(ctx, w)
	for name, run := range map[string]refreshRun{"status-cold": res.cold, "status-warm": res.warm, "report": res.report} {
		writeLog(filepath.Join(dir, name+".requests"), run.log)
	}
	return res, nil
}

// writeLog keeps a run's requests beside its config (see --keep): when each started and
// ended, relative to the first, its status, method and URL.
func writeLog(file string, log []exchange) {
	var b strings.Builder
	for _, e := range log {
		fmt.Fprintf(&b, "%8.1fms %8.1fms %d %s %s\n", ms64(e.start.Sub(log[0].start)), ms64(e.end.Sub(log[0].start)), e.status, e.method, e.uri)
	}
	_ = os.WriteFile(file, []byte(b.String()), 0o600)
}

func ms64(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

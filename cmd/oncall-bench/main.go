// Command oncall-bench is the benchmark of issue 11 (`make bench`): it serves the simulator
// with a fixed latency L per request and a sized world, runs the real `oncall` binary and
// the real sources against it, runs the screen's Go benchmarks, and prints one table of
// figures, each as a ratio to its target. Timings never fail anything: it prints, and exits
// non-zero only when it could not run at all.
//
//	go run ./cmd/oncall-bench [--latency 50ms] [--ratelimit both|off|on] [--profile DIR]
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

type options struct {
	latency   time.Duration
	rateLimit string // both, off, on
	oncall    string // the binary; built from the module when empty
	goCmd     string
	benchtime string
	profile   string // directory for CPU profiles; "" for none
	seed      uint64
	render    bool
	dashboard bool
	keep      bool
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	var o options
	fs := flag.NewFlagSet("oncall-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.DurationVar(&o.latency, "latency", 50*time.Millisecond, "the simulator's latency per request (L)")
	fs.StringVar(&o.rateLimit, "ratelimit", "both", "run the network figures without (off), with (on) gitlab.com's rate-limit headers, or both")
	fs.StringVar(&o.oncall, "oncall", "", "the oncall binary to measure (default: build ./cmd/oncall)")
	fs.StringVar(&o.goCmd, "go", "go", "the go command, to build and to run the screen's benchmarks")
	fs.StringVar(&o.benchtime, "benchtime", "500ms", "go test -benchtime of the screen's benchmarks")
	fs.StringVar(&o.profile, "profile", "", "write CPU profiles of a cold refresh and of a frame at 10k rows to this directory, and print their top 10")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the simulated world")
	fs.BoolVar(&o.render, "render", true, "run the screen's Go benchmarks")
	fs.BoolVar(&o.dashboard, "dashboard", true, "run the dashboard in a pty (first frame, memory, idle CPU)")
	fs.BoolVar(&o.keep, "keep", false, "keep the working directory (configs, caches)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if o.latency <= 0 || (o.rateLimit != "both" && o.rateLimit != "off" && o.rateLimit != "on") || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "oncall-bench: --latency must be above 0 and --ratelimit one of both, off, on")
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 6*time.Minute) // a stuck phase still ends
	defer cancel()
	res, err := measure(ctx, o, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "oncall-bench:", err)
		return 1
	}
	printTable(stdout, res)
	return 0
}

// results are everything one run measured.
type results struct {
	opts      options
	machine   machine
	started   time.Time
	took      time.Duration
	binary    string
	refresh   []refreshResults // as is, then with rate-limit headers
	refreshEr []string
	render    map[string]benchResult
	renderErr string
	dash      *dashboardResults
	profiles  []profileTop
}

func measure(ctx context.Context, o options, log io.Writer) (*results, error) {
	res := &results{opts: o, machine: describeMachine(), started: time.Now()}
	root, err := moduleRoot(ctx, o.goCmd)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "oncall-bench-")
	if err != nil {
		return nil, fmt.Errorf("working directory: %w", err)
	}
	if o.keep {
		fmt.Fprintln(log, "working directory:", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	res.binary = o.oncall
	if res.binary == "" {
		step(log, "building oncall")
		res.binary = filepath.Join(dir, "oncall")
		if err := goRun(ctx, o.goCmd, root, "build", "-o", res.binary, "./cmd/oncall"); err != nil {
			return nil, err
		}
	}
	for _, limited := range rateLimitModes(o.rateLimit) {
		step(log, fmt.Sprintf("refresh: oncall status twice, the same requests one by one, the report (L=%v, rate-limit headers: %v)", o.latency, limited))
		sub := filepath.Join(dir, fmt.Sprintf("refresh-%v", limited))
		r, err := measureRefresh(ctx, res.binary, sub, o.latency, limited, o.seed)
		if err != nil {
			res.refreshEr = append(res.refreshEr, err.Error())
			continue
		}
		res.refresh = append(res.refresh, r)
	}
	if o.dashboard {
		step(log, fmt.Sprintf("dashboard in a pty: cold start, first frame from the cache, %v idle", idleWindow))
		d := measureDashboard(ctx, res.binary, filepath.Join(dir, "dashboard"), o.latency, o.seed)
		res.dash = &d
	}
	if o.render {
		step(log, "screen: go test -bench ./tui")
		res.render, _, err = runRenderBenchmarks(ctx, o.goCmd, root, renderPattern, o.benchtime)
		if err != nil {
			res.renderErr = err.Error()
		}
	}
	if o.profile != "" {
		step(log, "profiles: a cold refresh in this process, a frame at 10k rows")
		res.profiles = profiles(ctx, o, root, filepath.Join(dir, "profile"))
	}
	res.took = time.Since(res.started)
	return res, nil
}

func rateLimitModes(s string) []bool {
	switch s {
	case "off":
		return []bool{false}
	case "on":
		return []bool{true}
	}
	return []bool{false, true}
}

func step(log io.Writer, what string) {
	fmt.Fprintf(log, "oncall-bench: %s %s\n", time.Now().Format("15:04:05"), what)
}

// moduleRoot is the directory of the oncall module: the benchmark builds and tests in it.
func moduleRoot(ctx context.Context, goCmd string) (string, error) {
	out, err := exec.CommandContext(ctx, goCmd, "env", "GOMOD").Output()
	gomod := strings.TrimSpace(string(out))
	if err != nil || gomod == "" || gomod == os.DevNull {
		return "", errors.Join(errors.New("run oncall-bench inside the oncall module (go env GOMOD is empty)"), err)
	}
	return filepath.Dir(gomod), nil
}

// goRun runs the go command in dir and returns its output in the error when it fails.
func goRun(ctx context.Context, goCmd, dir string, args ...string) error {
	cmd := exec.CommandContext(ctx, goCmd, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, out.String())
	}
	return nil
}

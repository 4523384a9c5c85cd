package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"
)

// profileTop is a CPU profile and the top 10 of it.
type profileTop struct {
	what, file, top string
	err             string
}

// profiles writes the CPU profiles the optimisers start from: three cold refreshes (the
// hub in this process, wired as status wires it; the simulator's own work is left out of
// the top) and frames at 10k rows right after new data (the tui benchmark).
func profiles(ctx context.Context, o options, root, dir string) []profileTop {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return []profileTop{{what: "profiles", err: err.Error()}}
	}
	if abs, err := filepath.Abs(o.profile); err == nil {
		o.profile = abs
	}
	if err := os.MkdirAll(o.profile, 0o755); err != nil {
		return []profileTop{{what: "profiles", err: err.Error()}}
	}
	refresh := profileTop{what: "cold refresh (hub.Snapshot x3, 3,000 queue issues, L=" + o.latency.String() + "; simulator excluded)", file: filepath.Join(o.profile, "cold-refresh.pprof")}
	if err := profileRefresh(ctx, refresh.file, dir, o); err != nil {
		refresh.err = err.Error()
	} else {
		// Every goroutine of the simulator's server starts in net/http.(*conn).serve.
		refresh.top, refresh.err = pprofTop(ctx, o.goCmd, refresh.file, `net/http\.\(\*conn\)\.serve`)
	}
	view := profileTop{what: "View() right after new data, 10k rows, 200x60", file: filepath.Join(o.profile, "view-10k.pprof")}
	if _, out, err := runRenderBenchmarks(ctx, o.goCmd, root, "^BenchmarkViewAfterNewData$/^rows=10000$", "2s", "-cpuprofile", view.file, "-o", filepath.Join(dir, "tui.test")); err != nil {
		view.err = fmt.Sprintf("%v\n%s", err, out)
	} else {
		view.top, view.err = pprofTop(ctx, o.goCmd, view.file, "")
	}
	return []profileTop{refresh, view}
}

// profileRefresh profiles three cold refreshes, each by a new hub, against a new world.
func profileRefresh(ctx context.Context, file, dir string, o options) error {
	w, err := startWorld(issue11Bulk, o.latency, false, o.seed, filepath.Join(dir, "world"))
	if err != nil {
		return err
	}
	defer w.close()
	f, err := os.Create(file)
	if err != nil {
		return fmt.Errorf("profile file: %w", err)
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return fmt.Errorf("start the CPU profile: %w", err)
	}
	defer pprof.StopCPUProfile()
	for range 3 {
		h, err := newHub(w)
		if err != nil {
			return err
		}
		h.Snapshot(ctx, time.Now())
	}
	return nil
}

// pprofTop is `go tool pprof -top` of file, ten lines by own time and ten by cumulative
// time, skipping the stacks through ignore.
func pprofTop(ctx context.Context, goCmd, file, ignore string) (string, string) {
	var tops []string
	for _, order := range [][]string{nil, {"-cum"}} {
		args := append([]string{"tool", "pprof", "-top", "-nodecount=10"}, order...)
		if ignore != "" {
			args = append(args, "-ignore="+ignore)
		}
		cmd := exec.CommandContext(ctx, goCmd, append(args, file)...)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil {
			return "", fmt.Sprintf("go tool pprof: %v: %s", err, strings.TrimSpace(errOut.String()))
		}
		tops = append(tops, trimPprofHeader(out.String()))
	}
	return strings.Join(tops, "\n\n"), ""
}

// trimPprofHeader drops the lines that name the binary and the build: the rest is the table.
func trimPprofHeader(out string) string {
	var keep []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if k, _, ok := strings.Cut(line, ":"); ok && (k == "File" || k == "Build ID" || k == "Type" || k == "Time") {
			continue
		}
		keep = append(keep, line)
	}
	return strings.Join(keep, "\n")
}

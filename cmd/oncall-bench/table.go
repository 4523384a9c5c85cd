package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Targets of issue 11.
const (
	targetColdL      = 3.0
	targetWarmL      = 1.5
	targetNaive      = 10.0
	targetFrame      = 2 * time.Millisecond
	targetKey        = 1 * time.Millisecond
	targetIdleCPU    = 0.5 // percent
	targetMemory     = 100 << 20
	targetCPUPerItem = 30 * time.Microsecond
	targetScale      = 2.0 // 100k rows within 2x of 1k
)

// printTable writes the figures as Markdown, ready for the README's Performance section.
func printTable(w io.Writer, r *results) {
	L := r.opts.latency
	p := func(format string, a ...any) { fmt.Fprintf(w, format+"\n", a...) }
	p("## oncall-bench: %s", r.started.UTC().Format("2006-01-02 15:04 UTC"))
	p("")
	p("Machine: %s, %d cores, %s; %s; %s. L = %v per request. Took %v.", r.machine.cpu, r.machine.cores, r.machine.memory, r.machine.os, r.machine.goVer, L, r.took.Round(time.Second))
	p("World: %d open queue issues, %d open ~oncall issues, %d handoffs, %d incidents with label events in the 28-day budget window, %d regions (seed %d).",
		issue11Bulk.QueueIssues, issue11Bulk.OncallIssues, issue11Bulk.Handoffs, issue11Bulk.Incidents, len(rotation), r.opts.seed)
	p("Each figure is followed by its ratio to the target of issue 11 (in parentheses; at most 1x meets a \"≤\" target, at least 1x a \"≥\" one).")
	p("")
	printNetwork(w, r)
	p("")
	printScreen(w, r)
	p("")
	printNotes(w, r)
	for _, pt := range r.profiles {
		p("")
		p("### Profile: %s", pt.what)
		if pt.err != "" {
			p("not measured: %s", pt.err)
			continue
		}
		p("%s (go tool pprof -top %s)", pt.file, pt.file)
		p("```")
		p("%s", pt.top)
		p("```")
	}
}

func printNetwork(w io.Writer, r *results) {
	L := r.opts.latency
	byMode := map[bool]*refreshResults{}
	for i := range r.refresh {
		byMode[r.refresh[i].rateLimited] = &r.refresh[i]
	}
	cell := func(limited bool, f func(*refreshResults) string) string {
		if res := byMode[limited]; res != nil {
			return f(res)
		}
		return "not run"
	}
	row := func(name, target string, f func(*refreshResults) string) {
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", name, cell(false, f), cell(true, f), target)
	}
	fmt.Fprintln(w, "| network, against the simulator | as is | with gitlab.com's RateLimit-* headers | target |")
	fmt.Fprintln(w, "|---|---|---|---|")
	row("`oncall status`, cold cache (the binary, exec to exit)", "≤ 3 L", func(res *refreshResults) string {
		return runCell(res.cold, L, targetColdL)
	})
	row("`oncall status`, second run, same `XDG_CACHE_HOME`", "≤ 1.5 L, one request per query", func(res *refreshResults) string {
		return runCell(res.warm, L, targetWarmL)
	})
	row("the cold run's requests one after another (plain `http.Client`): naive / ours", "≥ 10x", func(res *refreshResults) string {
		if res.naive.err != "" || res.cold.wall == 0 {
			return failed(res.naive.err)
		}
		x := float64(res.naive.wall) / float64(res.cold.wall)
		return fmt.Sprintf("%.1fx (%.2fx), naive %s", x, x/targetNaive, inL(res.naive.wall, L))
	})
	row("report refresh (`hub.Report`, 7 days, new hub)", "none set", func(res *refreshResults) string {
		return runCell(res.report, L, 0)
	})
	row("client CPU per issue (cold status: user+sys / issues listed)", "≤ 30 µs", func(res *refreshResults) string {
		per := res.cold.cpu / time.Duration(res.issues)
		return fmt.Sprintf("%s (%.1fx)", ms(per), ratio(per, targetCPUPerItem))
	})
}

// runCell is "13.8 L, 39 requests (4.6x)", with the failure when there was one.
func runCell(run refreshRun, L time.Duration, targetL float64) string {
	s := fmt.Sprintf("%s, %d requests", inL(run.wall, L), run.traffic.requests)
	if targetL > 0 {
		s += fmt.Sprintf(" (%.1fx)", float64(run.wall)/float64(L)/targetL)
	}
	if run.traffic.limited > 0 {
		s += fmt.Sprintf(", %d answered 429", run.traffic.limited)
	}
	if run.err != "" {
		s += "; " + failed(run.err)
	}
	return s
}

func printScreen(w io.Writer, r *results) {
	fmt.Fprintln(w, "| screen and process | measured | target |")
	fmt.Fprintln(w, "|---|---|---|")
	row := func(name, value, target string) { fmt.Fprintf(w, "| %s | %s | %s |\n", name, value, target) }
	frame := func(name string) string {
		b, ok := r.render[name]
		switch {
		case r.renderErr != "":
			return failed(r.renderErr)
		case !r.opts.render:
			return "not run (--render=false)"
		case !ok:
			return "not measured"
		}
		return fmt.Sprintf("%s, %s, %d allocs (%.1fx)", ms(b.perOp), mb(b.bytes), b.allocs, ratio(b.perOp, targetFrame))
	}
	for _, n := range []string{"1000", "10000", "100000"} {
		row(fmt.Sprintf("`View()` 200x60, %s rows, rows kept from the last frame", n), frame("BenchmarkView/rows="+n), "≤ 2 ms")
	}
	row("`View()` at 100k / at 1k", scale(r, "BenchmarkView"), "≤ 2x")
	for _, n := range []string{"1000", "10000", "100000"} {
		row(fmt.Sprintf("`View()` 200x60, %s rows, right after the minute turned (ages on screen remade)", n), frame("BenchmarkViewAfterNewMinute/rows="+n), "≤ 2 ms")
	}
	row("`View()` right after the minute turned, at 100k / at 1k", scale(r, "BenchmarkViewAfterNewMinute"), "≤ 2x")
	for _, n := range []string{"1000", "10000", "100000"} {
		row(fmt.Sprintf("`View()` 200x60, %s rows, right after new data (rows rebuilt)", n), frame("BenchmarkViewAfterNewData/rows="+n), "≤ 2 ms")
	}
	row("`View()` right after new data, at 100k / at 1k", scale(r, "BenchmarkViewAfterNewData"), "≤ 2x")
	key := frame("BenchmarkKeyToFrame")
	if b, ok := r.render["BenchmarkKeyToFrame"]; ok {
		key = fmt.Sprintf("%s, %s (%.1fx)", ms(b.perOp), mb(b.bytes), ratio(b.perOp, targetKey))
	}
	row("key `j` to the next frame, 10k rows (Update + View)", key, "≤ 1 ms")
	d := r.dash
	if d == nil {
		row("dashboard process", "not run (--dashboard=false)", "")
		return
	}
	if d.err != "" {
		row("dashboard process", failed(d.err), "")
	}
	if d.firstFrame > 0 {
		row("first frame from the cache after exec (pty, network hanging)", ms(d.firstFrame), "none set (\"instant\")")
	}
	if d.peak > 0 {
		row(fmt.Sprintf("memory of the dashboard at %d issues, warm start", d.issues),
			fmt.Sprintf("idle %s (%.1fx), peak %s (%.1fx)", mb(d.rss), float64(d.rss)/targetMemory, mb(d.peak), float64(d.peak)/targetMemory), "≤ 100 MB")
		cpu := 100 * float64(d.idleCPU) / float64(idleWindow)
		row(fmt.Sprintf("idle dashboard CPU over %v", idleWindow), fmt.Sprintf("%.2f%% (%.1fx)", cpu, cpu/targetIdleCPU), "≤ 0.5%")
	}
}

// scale is the frame at 100k rows against the frame at 1k.
func scale(r *results, name string) string {
	a, okA := r.render[name+"/rows=1000"]
	b, okB := r.render[name+"/rows=100000"]
	if !okA || !okB || a.perOp == 0 {
		return "not measured"
	}
	x := float64(b.perOp) / float64(a.perOp)
	return fmt.Sprintf("%.1fx (%.1fx)", x, x/targetScale)
}

func printNotes(w io.Writer, r *results) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format+"\n", a...) }
	p("How it was measured:")
	p("- `oncall status`: the real binary (%s) run twice with the same XDG_CACHE_HOME against the simulator in this process; wall time from exec to exit, so process start counts. Requests are counted at the simulator.", r.binary)
	p("- naive: the cold run's requests (method and URL, as recorded) sent again one by one with a plain http.Client, same run, same simulator.")
	p("- report: hub.Report for the last 7 days (it reads the 28-day budget window) on a new hub wired as cmd/oncall wires it, in this process.")
	p("- screen: go test -bench of tui/bench_test.go (-benchtime %s): the dashboard over a fixture whose incidents pane has that many rows; \"after the minute turned\" is the frame that follows a clock tick into a new minute, \"after new data\" the one that follows a refresh.", r.opts.benchtime)
	p("- dashboard: the real binary in a 200x60 pty (/dev/ptmx) against a world of %d open queue issues (L as above, no rate-limit headers): a cold start fills its cache; the first frame is timed from exec to the first output that shows a cached incident while every source hangs; then a warm start is left idle %v after its refresh, and /proc/<pid>/stat (utime+stime) and /proc/<pid>/status (VmRSS, VmHWM) are read.", bigBulk.QueueIssues, idleWindow)
	p("- the simulator runs in this process and shares the cores with what it serves: every page it serves costs CPU the client under measure cannot have (its time beyond L is printed below).")
	for _, res := range r.refresh {
		mode := "as is"
		if res.rateLimited {
			mode = "with RateLimit-*"
		}
		p("- %s: cold status spans %s of network (first request to last answer), warm %s, report %s; the simulator took %s beyond L per request on average (cold status).",
			mode, ms(res.cold.traffic.span), ms(res.warm.traffic.span), ms(res.report.traffic.span), ms(res.cold.traffic.overheadL))
	}
	for _, e := range r.refreshEr {
		p("- refresh not measured: %s", e)
	}
	if r.dash != nil && r.dash.coldLoad > 0 {
		p("- dashboard cold start at %d issues: %s from exec to the last answer of its first refresh (the week's report, asked 3 s after the start, aside; the idle figures are taken after it).", r.dash.issues, ms(r.dash.coldLoad))
	}
}

func inL(d, L time.Duration) string { return fmt.Sprintf("%.1f L", float64(d)/float64(L)) }

func ratio(d, target time.Duration) float64 { return float64(d) / float64(target) }

func ms(d time.Duration) string {
	switch {
	case d >= 100*time.Millisecond:
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	case d >= time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond))
}

func mb(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

// failed keeps a failure to one line of a table cell.
func failed(err string) string {
	err = strings.ReplaceAll(strings.TrimSpace(err), "\n", " ")
	err = strings.ReplaceAll(err, "|", "/")
	if r := []rune(err); len(r) > 160 {
		err = string(r[:160]) + "…"
	}
	return "FAILED: " + err
}

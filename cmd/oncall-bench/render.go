package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// benchResult is one Go benchmark's figures per operation.
type benchResult struct {
	name   string
	perOp  time.Duration
	bytes  int64
	allocs int64
}

// renderPattern selects the screen's benchmarks of tui/bench_test.go.
const renderPattern = "^(BenchmarkView|BenchmarkViewAfterNewData|BenchmarkViewAfterNewMinute|BenchmarkKeyToFrame)$"

// runRenderBenchmarks runs the Go benchmarks of ./tui that pattern selects, in the module at
// root, and parses their output; extra arguments go to go test (e.g. -cpuprofile).
func runRenderBenchmarks(ctx context.Context, goCmd, root, pattern, benchtime string, extra ...string) (map[string]benchResult, string, error) {
	args := append([]string{"test", "-run", "^$", "-bench", pattern, "-benchmem", "-benchtime", benchtime, "-count", "1"}, extra...)
	args = append(args, "./tui")
	cmd := exec.CommandContext(ctx, goCmd, args...)
	cmd.Dir = root
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return nil, out.String(), fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
	}
	res := parseBenchmarks(out.String())
	if len(res) == 0 {
		return nil, out.String(), fmt.Errorf("go test printed no benchmark of %s", pattern)
	}
	return res, out.String(), nil
}

// benchLine is a line of go test -benchmem output, e.g.
// "BenchmarkView/rows=1000-2  406  3727912 ns/op  170791 B/op  3409 allocs/op".
var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op(?:\s+(\d+) B/op\s+(\d+) allocs/op)?`)

func parseBenchmarks(out string) map[string]benchResult {
	res := map[string]benchResult{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		m := benchLine.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil {
			continue
		}
		ns, _ := strconv.ParseFloat(m[2], 64)
		r := benchResult{name: m[1], perOp: time.Duration(ns)}
		r.bytes, _ = strconv.ParseInt(m[3], 10, 64)
		r.allocs, _ = strconv.ParseInt(m[4], 10, 64)
		res[r.name] = r
	}
	return res
}

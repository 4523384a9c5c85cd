//go:build linux

package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestPTYIsATerminalOfTheSizeAsked(t *testing.T) {
	stty, err := exec.LookPath("stty")
	if err != nil {
		t.Skip("no stty to ask the terminal its size")
	}
	if _, err := os.Stat("/dev/ptmx"); err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	controller, term, err := openPTY(200, 60)
	if err != nil {
		t.Fatal(err)
	}
	defer controller.Close()
	cmd := exec.Command(stty, "size")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = term, term, term
	cmd.SysProcAttr = ttyAttr()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	term.Close()
	var out bytes.Buffer
	copied := make(chan struct{})
	go func() { _, _ = io.Copy(&out, controller); close(copied) }() // ends with EIO when the child is gone
	if err := cmd.Wait(); err != nil {
		t.Fatalf("stty size in the pty: %v", err)
	}
	select {
	case <-copied:
	case <-time.After(10 * time.Second):
		t.Fatal("the pty's output did not end with its process")
	}
	if got := strings.TrimSpace(out.String()); got != "60 200" {
		t.Errorf("stty size = %q; want \"60 200\" (rows cols)", got)
	}
}

func TestProcReadsThisProcess(t *testing.T) {
	// Some work first, so that there is user time to read; then /proc must agree with the
	// kernel's rusage, give or take a few ticks.
	used := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			t.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	for deadline, sink := time.Now().Add(30*time.Second), 0; used() < 300*time.Millisecond && time.Now().Before(deadline); {
		for i := range 100_000 {
			sink += i
		}
		_ = sink
	}
	cpu, err := cpuTime(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	want := used()
	if d := cpu - want; d < -100*time.Millisecond || d > 100*time.Millisecond || cpu < 200*time.Millisecond {
		t.Errorf("/proc says %v of CPU, getrusage %v", cpu, want)
	}
	rss, peak, err := memory(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if rss <= 1<<20 || peak < rss {
		t.Errorf("rss %d, peak %d; want a resident set of some MB and a peak at least as large", rss, peak)
	}
}

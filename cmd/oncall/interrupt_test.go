package main

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/sources/sim"
	"github.com/oncall-sre/oncall/sources/sim/simtest"
)

// TestOncallChild runs oncall with the arguments the parent gives (ONCALL_CHILD_ARGS, one
// per line) and exits with its code. It runs only when a test asks for it.
func TestOncallChild(t *testing.T) {
	args := os.Getenv("ONCALL_CHILD_ARGS")
	if args == "" {
		t.Skip("run by the tests that need a real process")
	}
	os.Exit(run(strings.Split(args, "\n"), os.Stdout, os.Stderr))
}

// A one-shot command runs under the root context: SIGINT and SIGTERM abandon the request in
// flight (the server sees the client go) and the command exits 128+n at once, however long
// its timeout.
func TestSignalsStopAOneShotCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			arrived, abandoned := make(chan struct{}, 8), make(chan struct{}, 8)
			hang := func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if !strings.HasPrefix(r.URL.Path, "/schedules/") {
						h.ServeHTTP(w, r)
						return
					}
					arrived <- struct{}{}
					<-r.Context().Done() // the client went away
					abandoned <- struct{}{}
				})
			}
			srv, _ := simtest.NewTestServer(t, sim.DefaultOptions(simNow), hang)
			cfg := writeConfig(t, srv.URL)
			appendConfig(t, cfg, "timeout: 10m\n")
			child := exec.Command(os.Args[0], "-test.run=^TestOncallChild$")
			child.Env = append(os.Environ(), "ONCALL_CHILD_ARGS="+strings.Join([]string{"status", "--config", cfg, "--now", simNow.Format(time.RFC3339)}, "\n"))
			var stdout, stderr bytes.Buffer
			child.Stdout, child.Stderr = &stdout, &stderr
			if err := child.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- child.Wait() }()
			defer func() { _ = child.Process.Kill() }()
			select {
			case <-arrived:
			case err := <-exited:
				t.Fatalf("the child ended before asking PagerDuty: %v\n%s%s", err, stdout.String(), stderr.String())
			case <-time.After(time.Minute):
				t.Fatal("the child never asked PagerDuty")
			}
			if err := child.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			var err error
			select {
			case err = <-exited:
			case <-time.After(30 * time.Second):
				t.Fatalf("the child did not stop within 30s of %s", sig)
			}
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 128+int(sig) {
				t.Errorf("exit %v; want %d", err, 128+int(sig))
			}
			select {
			case <-abandoned:
			case <-time.After(30 * time.Second):
				t.Error("the request in flight was not abandoned")
			}
			if stdout.Len() > 0 {
				t.Errorf("an interrupted status printed a snapshot:\n%s", stdout.String())
			}
		})
	}
}

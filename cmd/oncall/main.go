// Command oncall is a terminal dashboard for the engineer who carries the pager.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/oncall-sre/oncall/cmd/oncall/config"
)

// Exit codes, shared by every subcommand (the README lists them).
const (
	exitOK       = 0
	exitFailed   = 1 // a source failed (status), a handoff waits in the outbox, or the program could not run
	exitBadInput = 2 // bad flags, config or input file
	exitExists   = 3 // handoff --publish: the shift already has a handoff (its URL is printed)
	exitHeld     = 4 // handoff: GitLab refused the post for good (e.g. the token's scope); it is kept
)

// usageError is bad input on the command line or in the config: exit 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// exitError carries an exit code without a message of its own (status already printed).
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// globals are the flags every subcommand shares, and what they open.
type globals struct {
	configPath string
	now        string
	theme      string    // --theme: wins over the config's
	debug      bool      // --debug: log to debugLogPath()
	log        *debugLog // open while a command runs with --debug
}

// instantRange is how far from today an instant given on the command line may be: far
// enough for any look back or demo, near enough that nothing overflows (a time.Duration
// holds 292 years, and 9999-12-31 used to become 2319 silently).
const instantRange = 100 * 365 * 24 * time.Hour

// inRange refuses an instant more than instantRange away from ref.
func inRange(flag, v string, t, ref time.Time) error {
	if d := t.Sub(ref); d > instantRange || d < -instantRange {
		return usageError{fmt.Errorf("%s %s is out of range: oncall takes instants within 100 years of %s", flag, v, ref.UTC().Format("2006-01-02"))}
	}
	return nil
}

// clock returns now, shifted to --now when given: the clock runs on from that instant.
func (g *globals) clock() (func() time.Time, error) {
	if g.now == "" {
		return time.Now, nil
	}
	t, err := time.Parse(time.RFC3339, g.now)
	if err != nil {
		return nil, usageError{fmt.Errorf("--now %q: want RFC 3339, e.g. 2026-11-23T15:30:00Z", g.now)}
	}
	if err := inRange("--now", g.now, t, time.Now()); err != nil {
		return nil, err
	}
	offset := time.Until(t)
	return func() time.Time { return time.Now().Add(offset) }, nil
}

// load reads the config and the clock every subcommand needs.
func (g *globals) load() (*config.Config, func() time.Time, error) {
	c, err := config.Load(g.configPath)
	if err != nil {
		return nil, nil, usageError{err}
	}
	if g.theme != "" {
		c.Theme = g.theme
	}
	clock, err := g.clock()
	return c, clock, err
}

// start checks the global flags and opens the debug log; it runs before every command.
func (g *globals) start(cmd *cobra.Command) error {
	if g.theme != "" {
		if err := config.CheckTheme("", g.theme); err != nil {
			return usageError{fmt.Errorf("--theme %q is not a theme; use %s", g.theme, strings.Join(config.Themes, ", "))}
		}
	}
	if !g.debug {
		return nil
	}
	l, err := openDebugLog(debugLogPath())
	if err != nil {
		return err
	}
	g.log = l
	l.Info("start", "command", cmd.CommandPath(), "version", strings.Split(currentVersion(), "\n")[0], "pid", os.Getpid())
	return nil
}

func newRoot(stdout, stderr io.Writer) (*cobra.Command, *globals) {
	g := &globals{}
	root := &cobra.Command{
		Use:   "oncall",
		Short: "The on-call engineer's dashboard: incidents, changes, rotation and handoffs",
		Long: `oncall shows the production incident and change queue (GitLab), who is on call
now and next (PagerDuty), the open ~oncall issues and recent handoffs, in one screen.

Run "oncall demo" to try it on the embedded simulator, no account needed; status, report,
handoff and config check take --sim to do the same.

Set up: "oncall config init" writes a commented config to edit, "oncall config check"
tests it (connections, token scopes, labels).`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDashboard(cmd.Context(), g, nil, false)
		},
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error { return g.start(cmd) },
		Version:           currentVersion(),
	}
	root.SetVersionTemplate("{{.Version}}")
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	pf := root.PersistentFlags()
	pf.StringVar(&g.configPath, "config", "", "config file (default $ONCALL_CONFIG or $XDG_CONFIG_HOME/oncall/config.yaml)")
	pf.StringVar(&g.now, "now", "", "pretend it is this instant (RFC 3339), for demos and looking back at a shift")
	pf.StringVar(&g.theme, "theme", "", "colour theme, instead of the config's: "+strings.Join(config.Themes, ", "))
	pf.BoolVar(&g.debug, "debug", false, "log every API request (method, URL, status, duration, bytes) to $XDG_STATE_HOME/oncall/oncall.log")
	_ = root.RegisterFlagCompletionFunc("theme", cobra.FixedCompletions(config.Themes, cobra.ShellCompDirectiveNoFileComp))
	root.AddCommand(newDemoCmd(g), newStatusCmd(g, stdout), newSimCmd(g, stdout), newHandoffCmd(g, stdout), newReportCmd(g, stdout),
		newConfigCmd(g, stdout), newVersionCmd(stdout))
	return root, g
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run runs one command. SIGINT and SIGTERM cancel the context every command runs under:
// requests in flight are abandoned and the command ends with 128+n. The dashboard handles
// signals itself as well (runProgram), to save the draft first.
func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	root, g := newRoot(stdout, stderr)
	root.SetArgs(args)
	code := exitCode(ctx, root.ExecuteContext(ctx), stderr)
	g.log.Close(code)
	return code
}

// exitCode prints err and says the exit code it means.
func exitCode(ctx context.Context, err error, stderr io.Writer) int {
	var ee exitError
	var ue usageError
	switch {
	case interruptedBy(ctx) != 0: // whatever the command made of it: it was stopped
		if err != nil && !errors.Is(err, context.Canceled) && !errors.As(err, &ee) {
			fmt.Fprintln(stderr, "oncall:", err)
		}
		return 128 + int(interruptedBy(ctx))
	case errors.As(err, &ee):
		return ee.code
	case err == nil:
		return exitOK
	case errors.As(err, &ue):
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintln(stderr, "oncall:", line)
		}
		return exitBadInput
	}
	fmt.Fprintln(stderr, "oncall:", err)
	// cobra reports unknown commands and bad arguments as plain errors.
	if isCobraUsage(err) {
		return exitBadInput
	}
	return exitFailed
}

func isCobraUsage(err error) bool {
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "invalid argument", "flag needs an argument", "required flag"} {
		if strings.Contains(err.Error(), p) {
			return true
		}
	}
	return false
}

// interruptedBy is the signal that cancelled ctx (from signal.NotifyContext, whose cause
// names it), or 0.
func interruptedBy(ctx context.Context) syscall.Signal {
	if ctx.Err() == nil {
		return 0
	}
	cause := context.Cause(ctx).Error()
	for _, s := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		if strings.HasPrefix(cause, s.String()) {
			return s
		}
	}
	return 0
}

package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/oncall-sre/oncall/cmd/oncall/config"
	"github.com/oncall-sre/oncall/sources/store"
)

func newConfigCmd(g *globals, stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Write an example config (init), or validate the config and test each connection (check)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{fmt.Errorf("oncall config: say init or check (oncall config --help)")}
		},
	}
	cmd.AddCommand(newConfigInitCmd(g, stdout), newConfigCheckCmd(g, stdout))
	return cmd
}

func newConfigInitCmd(g *globals, stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "init",
		Short: "Write a commented example config (every key, with its default) at the config path, never over a file",
		Long: `Writes a commented example config, with every key and its default, to --config, else
$ONCALL_CONFIG, else $XDG_CONFIG_HOME/oncall/config.yaml. The directory is created private
(0700) and the file too (0600). An existing file is never overwritten (exit 2).`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			path := g.configPath
			if path == "" {
				path = config.DefaultPath()
			}
			if err := writeNewFile(path, config.Example()); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "wrote %s\nedit it (tokens come from the variables it names), then run: oncall config check\n", path)
			return nil
		},
	}
}

// writeNewFile writes text to a new private file at path, creating its directory private;
// an existing file (or anything else at path) is left alone and is bad input.
func writeNewFile(path, text string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("cannot create %s: %s", filepath.Dir(path), store.Reason(err))
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case errors.Is(err, fs.ErrExist):
		return usageError{fmt.Errorf("%s already exists; oncall config init never overwrites a config: move it away, or give --config NEW-PATH", path)}
	case err != nil:
		return fmt.Errorf("cannot create %s: %s", path, store.Reason(err))
	}
	if _, err = io.WriteString(f, text); err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path) // half an example is worse than none
		return fmt.Errorf("cannot write %s: %s", path, store.Reason(err))
	}
	return nil
}

func newConfigCheckCmd(g *globals, stdout io.Writer) *cobra.Command {
	var sf simFlags
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Validate the config, then test each connection, the tokens' scopes and the labels",
		Long: `Validates the config as loading does, then tests each connection within the config's
timeout: GitLab (who the token belongs to, its scopes, that every configured label exists)
and PagerDuty (the rotation's schedules, the open pages, and who pages are acknowledged as).
It prints a checklist, each line ✓ (fine), ⚠ (works, but something is missing or soon
will be) or ✗ (fails), with what to do.

Which feature needs what:
  dashboard, status, report, handoff --print   GitLab read_api (or api), a PagerDuty key
  publishing and acknowledging handoffs        GitLab api
  acknowledging and resolving pages            a PagerDuty key that may write, with
                                               pagerduty.from (your login email), or a user API key

Exit codes: 0 nothing failed (⚠ lines may remain), 1 something failed, 2 the config (or a
token's variable or file) is wrong.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runConfigCheck(cmd, g, &sf, stdout)
		},
	}
	sf.addFlags(cmd)
	return cmd
}

package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/oncall-sre/oncall/cmd/oncall/config"
	"github.com/oncall-sre/oncall/model"
)

func newReportCmd(g *globals, stdout io.Writer) *cobra.Command {
	var since, from, to string
	var shift, asJSON bool
	var sf simFlags
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Incident metrics and the error budget from the production queue, as Markdown (or --json)",
		Long: `Prints a Markdown report of a window: incidents opened by severity and service with time
to mitigate and to resolve (median, p90), incidents still open, changes by outcome and
criticality, ~oncall issues opened and closed, and the error budget.

The window is --since 7d (the default), or --from/--to (RFC 3339 or YYYY-MM-DD, UTC),
or --shift for the shift in progress.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, clock, err := g.load()
			if err != nil {
				return err
			}
			now := clock()
			w, err := reportWindow(cfg, now, since, from, to, shift)
			if err != nil {
				return err
			}
			h, stop, err := sf.connect(g, cfg, now, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			defer stop()
			r, err := h.Report(cmd.Context(), w, now)
			if err != nil {
				return err
			}
			if asJSON {
				return encodeJSON(stdout, newReportDoc(r))
			}
			_, err = io.WriteString(stdout, model.ReportMarkdown(r))
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&since, "since", "", "the window ends now and starts this long ago, e.g. 7d, 24h (default 7d)")
	f.StringVar(&from, "from", "", "the window's start (RFC 3339 or YYYY-MM-DD)")
	f.StringVar(&to, "to", "", "the window's end (default now)")
	f.BoolVar(&shift, "shift", false, "the shift in progress")
	f.BoolVar(&asJSON, "json", false, "print JSON for machines")
	sf.addFlags(cmd)
	return cmd
}

// reportWindow turns the flags into a window; exactly one way of saying it is allowed.
func reportWindow(cfg *config.Config, now time.Time, since, from, to string, shift bool) (model.Window, error) {
	ways := 0
	for _, set := range []bool{since != "", from != "" || to != "", shift} {
		if set {
			ways++
		}
	}
	if ways > 1 {
		return model.Window{}, usageError{fmt.Errorf("give one of --since, --from/--to or --shift")}
	}
	switch {
	case shift:
		s := cfg.Rotation.ShiftAt(now)
		return model.Window{From: s.Start, To: now}, nil
	case from != "" || to != "":
		w := model.Window{To: now}
		var err error
		if from == "" {
			return w, usageError{fmt.Errorf("--to needs --from")}
		}
		if w.From, err = parseInstant("--from", from, now); err != nil {
			return w, err
		}
		if to != "" {
			if w.To, err = parseInstant("--to", to, now); err != nil {
				return w, err
			}
		}
		if !w.From.Before(w.To) {
			return w, usageError{fmt.Errorf("--from %s is not before --to %s", from, w.To.Format(time.RFC3339))}
		}
		return w, nil
	}
	if since == "" {
		since = "7d"
	}
	d, err := config.ParseDuration(since)
	switch {
	case errors.Is(err, config.ErrOutOfRange) || err == nil && d > maxSince:
		return model.Window{}, usageError{fmt.Errorf("--since %s is out of range: at most %dd (10 years)", since, maxSince/(24*time.Hour))}
	case err != nil || d <= 0:
		return model.Window{}, usageError{fmt.Errorf("--since %q: want a duration such as 7d, 24h or 90m", since)}
	}
	return model.Window{From: now.Add(-d), To: now}, nil
}

// maxSince is the longest --since: a report reads every incident of the window.
const maxSince = 3660 * 24 * time.Hour

func parseInstant(flag, v string, now time.Time) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), inRange(flag, v, t, now)
		}
	}
	return time.Time{}, usageError{fmt.Errorf("%s %q: want RFC 3339 (2026-11-23T16:00:00Z) or a date (2026-11-23)", flag, v)}
}

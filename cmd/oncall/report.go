package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
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
to mitigate and to resolve (median, p90), those of them not resolved yet, changes by
outcome and criticality, ~oncall issues opened and closed, and the error budget.

The window is one of:
  --since 7d         the last 7 days, ending now (the default); also 24h, 90m, 2w
  --from D [--to D]  from one instant or day to another (default now); a day is
                     YYYY-MM-DD in UTC and is included whole: --from 2026-11-16
                     --to 2026-11-22 is the seven days of that week
  --shift            the shift in progress
The window never ends after now. "Not resolved" counts the incidents opened in the
window that are not resolved when the report is made; the dashboard's "open" counts
every open incident, whenever it was opened.`,
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
	f.StringVar(&since, "since", "", "the window ends now and starts this long ago: 7d, 2w, 24h, 90m (default 7d)")
	f.StringVar(&from, "from", "", "the window's start: RFC 3339, or a day (YYYY-MM-DD, from its midnight UTC)")
	f.StringVar(&to, "to", "", "the window's end: RFC 3339, or a day (YYYY-MM-DD, included to its end); default now")
	f.BoolVar(&shift, "shift", false, "the shift in progress")
	f.BoolVar(&asJSON, "json", false, "print JSON for machines")
	sf.addFlags(cmd)
	return cmd
}

// reportWindow turns the flags into a window; exactly one way of saying it is allowed.
// The window never ends after now: nothing has happened there yet.
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
		return fromTo(now, from, to)
	}
	if since == "" {
		since = "7d"
	}
	return sinceWindow(now, since)
}

// fromTo reads --from and --to. A date is a whole day in UTC: --from 2026-11-20 starts at
// its midnight, --to 2026-11-20 ends at the next one, so that the day is in the window.
func fromTo(now time.Time, from, to string) (model.Window, error) {
	w := model.Window{To: now}
	var err error
	if from == "" {
		return w, usageError{fmt.Errorf("--to needs --from")}
	}
	if w.From, _, err = parseInstant("--from", from, now); err != nil {
		return w, err
	}
	if to != "" {
		var date bool
		if w.To, date, err = parseInstant("--to", to, now); err != nil {
			return w, err
		}
		if date {
			w.To = w.To.Add(24 * time.Hour)
		}
	}
	if w.To.After(now) {
		w.To = now
	}
	if !w.From.Before(w.To) {
		end := "now, " + now.UTC().Format(time.RFC3339)
		if w.To.Before(now) {
			end = "the end of --to " + to
		}
		return w, usageError{fmt.Errorf("--from %s is not before %s: the window is empty; give the earlier day to --from, e.g. --from 2026-11-01 --to 2026-11-07 (both days included)", from, end)}
	}
	return w, nil
}

// sinceWindow reads --since: the window ends now and starts that long ago.
func sinceWindow(now time.Time, since string) (model.Window, error) {
	d, err := config.ParseDuration(since)
	if negative, ok := strings.CutPrefix(strings.TrimSpace(since), "-"); ok {
		if _, nerr := config.ParseDuration(negative); nerr == nil {
			d, err = -1, nil // a duration, but backwards
		}
	}
	switch {
	case errors.Is(err, config.ErrOutOfRange) || err == nil && d > maxSince:
		return model.Window{}, usageError{fmt.Errorf("--since %s is out of range: at most %dd (10 years)", since, maxSince/(24*time.Hour))}
	case err != nil:
		return model.Window{}, usageError{fmt.Errorf("--since %q: want a duration such as 7d, 2w, 24h or 90m", since)}
	case d <= 0:
		return model.Window{}, usageError{fmt.Errorf("--since %s: the window is empty; say how far back to look, e.g. --since 7d, --since 2w or --since 24h (or --from/--to for given days)", since)}
	}
	return model.Window{From: now.Add(-d), To: now}, nil
}

// maxSince is the longest --since: a report reads every incident of the window.
const maxSince = 3660 * 24 * time.Hour

// parseInstant reads an instant in RFC 3339 or a date (midnight UTC; date says which).
func parseInstant(flag, v string, now time.Time) (t time.Time, date bool, err error) {
	for _, layout := range []string{time.RFC3339, time.DateOnly} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), layout == time.DateOnly, inRange(flag, v, t, now)
		}
	}
	return time.Time{}, false, usageError{fmt.Errorf("%s %q: want RFC 3339 (2026-11-23T16:00:00Z) or a date (2026-11-23, a whole day in UTC)", flag, v)}
}

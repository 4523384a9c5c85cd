package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/hub"
	"github.com/oncall-sre/oncall/sources/store"
)

func newStatusCmd(g *globals, stdout io.Writer) *cobra.Command {
	var asJSON bool
	var sf simFlags
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Print the dashboard's snapshot as text (or --json); exit 1 if any source failed",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, clock, err := g.load()
			if err != nil {
				return err
			}
			now := clock()
			h, stop, err := sf.connect(g, cfg, now, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			defer stop()
			snap := statusSnapshot(cmd.Context(), h, !sf.on, now, cmd.ErrOrStderr())
			if err := cmd.Context().Err(); err != nil {
				return err // interrupted: what came back is not the state of things
			}
			out := bufio.NewWriter(stdout)
			if asJSON {
				err = writeJSON(out, cfg.Rotation, snap, now)
			} else {
				err = writeText(out, cfg.Rotation, snap, now)
			}
			if err == nil {
				err = out.Flush()
			}
			if err != nil {
				return err
			}
			for _, hl := range snap.Health {
				if hl.Failing() {
					return exitError{exitFailed}
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON for machines")
	sf.addFlags(cmd)
	return cmd
}

// statusSnapshot reads every source. With the configured services it starts from the
// dashboard's cache, so that GitLab is asked only for what changed since (one request per
// list), and leaves the answer as the next cache; a simulator's world is new each run and
// is read whole.
func statusSnapshot(ctx context.Context, h *hub.Hub, cached bool, now time.Time, stderr io.Writer) model.Snapshot {
	if !cached {
		return h.Snapshot(ctx, now)
	}
	cache, err := store.OpenCache(store.DefaultCacheDir())
	if err != nil {
		fmt.Fprintf(stderr, "oncall: warning: %v (reading everything)\n", err)
		return h.Snapshot(ctx, now)
	}
	snap := h.SnapshotFromCache(ctx, cache, now)
	if ctx.Err() == nil {
		if err := cache.SaveSnapshot(snap); err != nil {
			fmt.Fprintf(stderr, "oncall: warning: cache not written: %v\n", err)
		}
	}
	return snap
}

func writeJSON(w io.Writer, rot model.Rotation, snap model.Snapshot, now time.Time) error {
	return encodeJSON(w, newStatusDoc(rot, snap, now))
}

func writeText(w io.Writer, rot model.Rotation, snap model.Snapshot, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	p := func(format string, a ...any) { fmt.Fprintf(tw, format+"\n", a...) }
	ho := rot.NextHandoff(now)
	p("oncall status at %s", now.UTC().Format("Mon 02 Jan 2006 15:04 UTC"))
	p("")
	p("On call: %s until %s UTC; handoff %s -> %s in %s", ho.From.Name, ho.At.Format("15:04"), ho.From.Name, ho.To.Name, model.Countdown(ho.At.Sub(now)))
	for _, r := range rot {
		oc := model.OnCallFor(snap.OnCall, r, now)
		mark := " "
		if r.Name == ho.From.Name {
			mark = "*"
		}
		p("  %s %s\t%s-%s\tnow: %s\tnext: %s (%s UTC)", mark, r.Name, r.Start, r.End, coverage(oc.Now, oc.NowCoverage), coverage(oc.Next, oc.NextCoverage), oc.NextStart.UTC().Format("Mon 15:04"))
	}
	p("Pages: %d triggered, %d acknowledged", snap.Pages.Triggered, snap.Pages.Acknowledged)
	writePages(p, snap.Pages, now)
	if ws := statusWarnings(rot, snap, now); len(ws) > 0 {
		p("\nWarnings")
		for _, w := range ws {
			p("  ! %s", w)
		}
	}

	p("\nIncidents (%s)", model.OpenCounts(snap.Incidents))
	for _, i := range snap.Incidents {
		p("  #%d\t%s\t%s\t%s\t%s\t%s", i.IID, i.Severity, i.Status, flagged(i)+i.Title, model.Ago(now, i.CreatedAt), orNone(i.Assignee()))
	}
	p("\nChanges (%d open)", len(snap.Changes))
	for _, c := range snap.Changes {
		sched := "-"
		if !c.Scheduled.IsZero() {
			sched = c.Scheduled.UTC().Format("Mon 15:04")
		}
		crit := "-"
		if c.Criticality > 0 {
			crit = fmt.Sprintf("C%d", c.Criticality)
		}
		p("  #%d\t%s\t%s\t%s\t%s\t%s", c.IID, c.Workflow, crit, sched, c.Title, orNone(c.Owner()))
	}
	p("\nOn-call issues (%d open)", len(snap.OncallIssues))
	for _, o := range snap.OncallIssues {
		ready := ""
		if o.ReadyToHandoff {
			ready = "[ready to hand off] "
		}
		p("  #%d\t%s%s\t%s\t%s", o.IID, ready, o.Title, model.Ago(now, o.CreatedAt), orNone(o.Assignee()))
	}
	p("\nHandoffs (latest %d)", len(snap.Handoffs))
	for _, h := range snap.Handoffs {
		p("  #%d\t%s\t%s\t%s", h.IID, h.Title, h.State, orNone(h.Author.Display()))
	}
	p("\nSources")
	for _, id := range model.AllSources {
		h := snap.Health[id]
		state := "ok"
		if h.Failing() {
			state = "FAILED: " + h.LastError
		}
		p("  %s\t%s", id.Title(), state)
	}
	return tw.Flush()
}

// statusPages is how many open pages status lists; the rest are counted.
const statusPages = 20

// writePages lists the open pages under the Pages line: number, urgency, status, title,
// service, age and assignees, at most statusPages of them.
func writePages(p func(string, ...any), pages model.Pages, now time.Time) {
	for i, pg := range pages.Open {
		if i == statusPages {
			p("  … and %d more", len(pages.Open)-statusPages)
			break
		}
		number := "-"
		if pg.Number > 0 {
			number = fmt.Sprintf("#%d", pg.Number)
		}
		names := make([]string, 0, len(pg.Assignees))
		for _, a := range pg.Assignees {
			names = append(names, a.Display())
		}
		p("  %s\t%s\t%s\t%s\t%s\t%s\t%s", number, orNone(pg.Urgency), pg.Status, pg.Title, orNone(pg.Service),
			model.Ago(now, pg.CreatedAt), orNone(strings.Join(names, ", ")))
	}
	if pages.Truncated {
		p("  … and more: PagerDuty lists more open pages than oncall reads")
	}
}

func flagged(i model.Incident) string {
	var b strings.Builder
	if i.DataLoss {
		b.WriteString("[data loss] ")
	}
	if i.BlocksDeployments {
		b.WriteString("[blocks deploys] ")
	}
	return b.String()
}

// coverage names who holds a pager, or says why nobody is named: the region is off shift,
// nobody is scheduled (a gap in the rotation), or PagerDuty did not say (unknown).
func coverage(p *model.Person, c model.Coverage) string {
	switch {
	case c == model.CoverageOffShift:
		return "off shift"
	case c == model.CoverageGap:
		return "nobody scheduled"
	case p != nil:
		return p.Display()
	}
	return "unknown"
}

// statusWarnings are what no source's health says: the label check's findings, the
// sources' notices (a list cut at gitlab.max_pages) and the gaps in the rotation.
func statusWarnings(rot model.Rotation, snap model.Snapshot, now time.Time) []string {
	out := append([]string{}, snap.Warnings...)
	for _, id := range model.AllSources {
		for _, n := range snap.Notices[id] {
			out = append(out, id.Title()+": "+n)
		}
	}
	for _, r := range rot {
		if w := model.OnCallFor(snap.OnCall, r, now).Warning(now); w != "" {
			out = append(out, w)
		}
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

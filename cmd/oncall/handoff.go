package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/store"
)

// handoffFlags are the headless forms of oncall handoff.
type handoffFlags struct {
	print   bool
	publish string // a Markdown file
	again   bool   // publish although the shift already has a handoff
	asNote  bool   // add the file as a note to the shift's handoff
	retry   bool   // re-arm held posts and flush the outbox
	discard bool   // move the shift's draft aside
}

func (o handoffFlags) headless() bool { return o.print || o.publish != "" || o.retry || o.discard }

func (o handoffFlags) check() error {
	ways := 0
	for _, set := range []bool{o.print, o.publish != "", o.retry, o.discard} {
		if set {
			ways++
		}
	}
	switch {
	case ways > 1:
		return usageError{fmt.Errorf("give one of --print, --publish FILE, --retry or --discard")}
	case (o.again || o.asNote) && o.publish == "":
		return usageError{fmt.Errorf("--again and --as-note go with --publish FILE")}
	case o.again && o.asNote:
		return usageError{fmt.Errorf("--again publishes another handoff, --as-note adds to the existing one: give one")}
	}
	return nil
}

func newHandoffCmd(g *globals, stdout io.Writer) *cobra.Command {
	var o handoffFlags
	var sf simFlags
	cmd := &cobra.Command{
		Use:   "handoff",
		Short: "Write the handoff for the current shift (opens the editor), or --print / --publish FILE / --retry",
		Long: `Without flags, opens the dashboard in the handoff editor.

  --print         writes the generated draft for the current shift to stdout
  --publish FILE  publishes a Markdown file (UTF-8, at most 1023 KB) as the current shift's
                  handoff, through the outbox: if GitLab fails, it waits on disk and oncall
                  retries it. If the shift already has a handoff, it is refused (exit 3) with
                  the existing one's URL, unless:
    --again       publish another handoff for the shift all the same
    --as-note     add the file as a note to the existing handoff
  --retry         re-arms the handoffs GitLab refused for good (held: e.g. a token without
                  the api scope, since fixed) and tries everything in the outbox now
  --discard       moves the current shift's draft aside (into drafts/discarded, where it can
                  still be read): the editor starts afresh from the facts
  --sim           any of these (and the editor) on the embedded simulator, whose drafts and
                  outbox are kept apart from the real ones

Exit codes: 0 published (the URL is printed), 1 not published (it waits in the outbox, or
another oncall is publishing it), 2 bad input, 3 the shift already has a handoff (its URL is
printed), 4 held: GitLab refused it for good; it is kept until --retry.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.check(); err != nil {
				return err
			}
			if !o.headless() {
				var demo *simSetup
				if sf.on {
					demo = &sf.simSetup
				}
				return runDashboard(cmd.Context(), g, demo, true)
			}
			cfg, clock, err := g.load()
			if err != nil {
				return err
			}
			if o.discard {
				return discardDraft(cfg.Rotation, clock(), sf.on, stdout)
			}
			var body string
			if o.publish != "" {
				if body, err = readHandoffFile(o.publish); err != nil { // before any network
					return err
				}
			}
			now := clock()
			h, stop, err := sf.connect(g, cfg, now, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			defer stop()
			p := &publisher{h: h, now: now, stdout: stdout, stderr: cmd.ErrOrStderr(), demo: sf.on}
			switch {
			case o.print:
				facts, err := h.HandoffFacts(cmd.Context(), p.now)
				if err != nil {
					return err
				}
				facts.Local = nil // UTC only: a script's output should not depend on the machine's zone
				_, err = io.WriteString(stdout, model.DraftHandoff(facts))
				return err
			case o.retry:
				return p.retry(cmd.Context())
			}
			return p.publish(cmd.Context(), body, o)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.print, "print", false, "write the generated draft to stdout")
	f.StringVar(&o.publish, "publish", "", "publish this Markdown file as the handoff")
	f.BoolVar(&o.again, "again", false, "with --publish: publish another handoff although the shift has one")
	f.BoolVar(&o.asNote, "as-note", false, "with --publish: add the file as a note to the shift's handoff")
	f.BoolVar(&o.retry, "retry", false, "re-arm held handoffs and try the outbox now")
	f.BoolVar(&o.discard, "discard", false, "move the current shift's draft aside and start afresh")
	sf.addFlags(cmd)
	return cmd
}

// discardDraft moves the current shift's draft aside and says where it went.
func discardDraft(rot model.Rotation, now time.Time, demo bool, stdout io.Writer) error {
	st, err := store.Open(stateDir(demo))
	if err != nil {
		return err
	}
	cur := rot.ShiftAt(now)
	key := model.HandoffKey(cur, rot.NextShift(cur))
	moved, ok, err := st.DiscardDraft(key, now)
	switch {
	case err != nil:
		return err
	case !ok:
		_, err = fmt.Fprintf(stdout, "no draft for the handoff %s\n", key)
	default:
		_, err = fmt.Fprintf(stdout, "the draft for the handoff %s is set aside in %s\n", key, moved)
	}
	return err
}

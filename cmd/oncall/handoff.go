package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/oncall-sre/oncall/model"
)

func newHandoffCmd(g *globals, stdout io.Writer) *cobra.Command {
	var print bool
	var publish string
	cmd := &cobra.Command{
		Use:   "handoff",
		Short: "Write the handoff for the current shift (opens the editor), or --print / --publish FILE",
		Long: `Without flags, opens the dashboard in the handoff editor.

  --print         writes the generated draft for the current shift to stdout
  --publish FILE  publishes a Markdown file as the current shift's handoff (through the
                  outbox: if GitLab fails, it waits on disk and oncall retries it)`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !print && publish == "" {
				return runDashboard(g, nil, true)
			}
			if print && publish != "" {
				return usageError{fmt.Errorf("--print and --publish do not go together")}
			}
			cfg, clock, err := g.load()
			if err != nil {
				return err
			}
			h, err := realHub(cfg)
			if err != nil {
				return err
			}
			now := clock()
			facts, factsErr := h.HandoffFacts(context.Background(), now)
			facts.Local = nil // UTC only: a script's output should not depend on the machine's zone
			if print {
				if factsErr != nil {
					return factsErr
				}
				_, err := io.WriteString(stdout, model.DraftHandoff(facts))
				return err
			}
			body, err := os.ReadFile(publish)
			if err != nil {
				return usageError{fmt.Errorf("--publish %s: %w", publish, unwrap(err))}
			}
			if strings.TrimSpace(string(body)) == "" {
				return usageError{fmt.Errorf("--publish %s: the file is empty", publish)}
			}
			if factsErr != nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "oncall: publishing without assignees: %v\n", factsErr)
			}
			state, err := openState(h, false)
			if err != nil {
				return err
			}
			post := h.NewHandoffPost(facts, model.CleanText(string(body)), now)
			if err := state.Submit(post); err != nil {
				return err
			}
			rep, err := state.Flush(context.Background(), now)
			if err != nil {
				return err
			}
			for _, p := range rep.Published {
				if p.Post.ID == post.ID {
					fmt.Fprintln(stdout, p.Issue.WebURL)
					return nil
				}
			}
			for _, w := range rep.Waiting {
				if w.Post.ID == post.ID {
					return fmt.Errorf("not published yet (%s); it waits in the outbox under %s and oncall retries it", w.LastError, state.Dir())
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&print, "print", false, "write the generated draft to stdout")
	cmd.Flags().StringVar(&publish, "publish", "", "publish this Markdown file as the handoff")
	return cmd
}

func unwrap(err error) error {
	if u, ok := err.(interface{ Unwrap() error }); ok && u.Unwrap() != nil {
		return u.Unwrap()
	}
	return err
}

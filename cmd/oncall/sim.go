package main

import (
	"fmt"
	"io"
	"net/url"

	"github.com/spf13/cobra"
)

func newSimCmd(g *globals, stdout io.Writer) *cobra.Command {
	var listen string
	var setup simSetup
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "Run the GitLab and PagerDuty simulator alone, for curl, glab or another oncall",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, clock, err := g.load()
			if err != nil {
				return err
			}
			srv, _, err := startSim(cfg, listen, setup, clock(), g.log)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, `oncall simulator listening on %[1]s (ctrl+c stops it)
  GitLab REST v4:    %[1]s/api/v4/   (any Private-Token)
  PagerDuty REST v2: %[1]s/           (any "Authorization: Token token=...")
Try:
  curl -H 'Private-Token: x' '%[1]s/api/v4/projects/%[2]s/issues?labels=%[3]s&state=opened'
  curl -H 'Authorization: Token token=x' '%[1]s/oncalls?schedule_ids[]=%[4]s'
Point oncall at it with a config holding
  gitlab:    {url: %[1]s}
  pagerduty: {url: %[1]s}
`, srv.URL, url.PathEscape(cfg.GitLab.ProductionProject), cfg.Labels.Incident, cfg.Rotation[0].Schedule)
			select {
			case <-cmd.Context().Done(): // SIGINT or SIGTERM
				return srv.Close()
			case err := <-waitErr(srv.Wait):
				return err
			}
		},
	}
	cmd.Flags().StringVar(&listen, "listen", "127.0.0.1:8080", "address to listen on")
	setup.addFlags(cmd)
	return cmd
}

func waitErr(wait func() error) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- wait() }()
	return ch
}

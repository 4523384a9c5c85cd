package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/oncall-sre/oncall/cmd/oncall/config"
	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/hub"
)

// The checklist of `oncall config check`.

// mark is how a line of the checklist went.
type mark string

const (
	markOK   mark = "✓"
	markWarn mark = "⚠" // works, but something is missing or soon will be
	markFail mark = "✗"
)

type checkLine struct {
	mark mark
	text string
}

// section is one part of the checklist: a title (a service and its address) and its lines.
type section struct {
	title string
	lines []checkLine
}

func (s *section) add(m mark, format string, a ...any) {
	s.lines = append(s.lines, checkLine{m, fmt.Sprintf(format, a...)})
}

// addErr adds a failed line: what, why in a few words (untrusted text cleaned), and what to
// do when the error says.
func (s *section) addErr(m mark, what string, err error) {
	text := what + ": " + model.CleanLine(err.Error())
	if hint := model.HintOf(err); hint != "" && !strings.Contains(text, hint) {
		text += "; " + hint
	}
	s.lines = append(s.lines, checkLine{m, text})
}

// expiryWarning is how close to its expiry a token gets a warning.
const expiryWarning = 14 * 24 * time.Hour

// runConfigCheck validates the config (a bad one is exit 2, as everywhere), then checks
// both services at once, each call within the config's timeout.
func runConfigCheck(cmd *cobra.Command, g *globals, sf *simFlags, stdout io.Writer) error {
	cfg, clock, err := g.load()
	if err != nil {
		return err
	}
	now := clock()
	cfgSection := section{title: "Config"}
	switch {
	case sf.on:
		cfgSection.add(markOK, "valid (%s); the services are the embedded simulator", configName(cfg))
	case cfg.Path == "":
		cfgSection.add(markWarn, "no file at %s: the built-in defaults apply; `oncall config init` writes one to edit", config.DefaultPath())
	default:
		cfgSection.add(markOK, "%s is valid", cfg.Path)
	}
	badToken := false
	var gl, pd endpoint
	h, stop, err := checkHub(g, cfg, sf, now, &gl, &pd)
	if err != nil {
		return err
	}
	defer stop()
	glSection := section{title: "GitLab " + gl.url}
	pdSection := section{title: "PagerDuty " + pd.url}
	if gl.token == "" {
		_, terr := cfg.GitLabToken()
		glSection.addErr(markFail, "token", terr)
		badToken = true
	}
	if pd.token == "" {
		_, terr := cfg.PagerDutyToken()
		pdSection.addErr(markFail, "token", terr)
		badToken = true
	}
	for _, w := range cfg.Warnings {
		cfgSection.add(markWarn, "%s", w)
	}

	var wg sync.WaitGroup
	ctx := cmd.Context()
	if gl.token != "" {
		wg.Add(1)
		go func() { defer wg.Done(); checkGitLab(ctx, h, now, &glSection) }()
	}
	if pd.token != "" {
		wg.Add(1)
		go func() { defer wg.Done(); checkPagerDuty(ctx, h, cfg, now, &pdSection) }()
	}
	wg.Wait()

	failed := printChecklist(stdout, []section{cfgSection, glSection, pdSection})
	switch {
	case badToken:
		return exitError{exitBadInput}
	case failed:
		return exitError{exitFailed}
	}
	return nil
}

func configName(cfg *config.Config) string {
	if cfg.Path == "" {
		return "the built-in defaults"
	}
	return cfg.Path
}

// checkHub wires the hub the check talks to, with whichever tokens can be read (a missing
// one is reported in the checklist); gl and pd say where each service is and its token.
func checkHub(g *globals, cfg *config.Config, sf *simFlags, now time.Time, gl, pd *endpoint) (*hub.Hub, func(), error) {
	if sf.on {
		srv, h, err := startSim(cfg, "127.0.0.1:0", sf.simSetup, now, g.log)
		if err != nil {
			return nil, nil, err
		}
		*gl, *pd = endpoint{srv.URL, simGitLabToken}, endpoint{srv.URL, "(the simulated EOC's user key)"}
		return h, func() { _ = srv.Close() }, nil
	}
	if len(sf.scenarios) > 0 || len(sf.faults) > 0 {
		return nil, nil, usageError{fmt.Errorf("--scenario and --fault go with --sim")}
	}
	glToken, _ := cfg.GitLabToken()
	pdToken, _ := cfg.PagerDutyToken()
	*gl, *pd = endpoint{cfg.GitLab.URL, glToken}, endpoint{cfg.PagerDuty.URL, pdToken}
	h, err := newHub(cfg, endpoint{token: glToken}, endpoint{token: pdToken}, g.log)
	return h, func() {}, err
}

// checkGitLab: who the token is, what it may do, and whether the configured labels exist.
func checkGitLab(ctx context.Context, h *hub.Hub, now time.Time, s *section) {
	var (
		wg       sync.WaitGroup
		me       model.Person
		token    hub.TokenInfo
		labels   []string
		errUser  error
		errToken error
		errLabel error
	)
	wg.Add(3)
	go func() { defer wg.Done(); me, errUser = h.GitLabUser(ctx) }()
	go func() { defer wg.Done(); token, errToken = h.GitLabToken(ctx) }()
	go func() { defer wg.Done(); labels, errLabel = h.LabelWarnings(ctx) }()
	wg.Wait()
	if errUser != nil {
		s.addErr(markFail, "token", errUser) // the rest would fail for the same reason
		return
	}
	s.add(markOK, "token: signed in as @%s (%s)", model.CleanLine(me.Username), model.CleanLine(me.Name))
	scopeLines(s, token, errToken, now)
	switch {
	case errLabel != nil:
		s.addErr(markFail, "labels", errLabel)
	case len(labels) == 0:
		s.add(markOK, "labels: every configured label exists in its project")
	default:
		for _, w := range labels {
			s.add(markWarn, "%s; fix labels: in the config", model.CleanLine(w))
		}
	}
}

// scopeLines says which features the token's scopes allow.
func scopeLines(s *section, t hub.TokenInfo, err error, now time.Time) {
	switch {
	case errors.Is(err, hub.ErrScopesUnknown):
		s.add(markWarn, "scopes: %s; the dashboard needs read_api, publishing and acknowledging handoffs need api", model.CleanLine(err.Error()))
		return
	case err != nil:
		s.addErr(markFail, "scopes", err)
		return
	}
	has := "the token has " + strings.Join(t.Scopes, ", ")
	if len(t.Scopes) == 0 {
		has = "the token has no scope"
	}
	if t.Has("read_api") || t.Has("api") {
		s.add(markOK, "dashboard, status, report (need read_api): %s", has)
	} else {
		s.add(markFail, "dashboard, status, report need the read_api scope: %s; create a token with read_api (or api)", has)
	}
	if t.Has("api") {
		s.add(markOK, "publishing and acknowledging handoffs (need api): %s", has)
	} else {
		s.add(markWarn, "publishing and acknowledging handoffs need the api scope: %s; handoffs would be kept, not published, until a token with api is set", has)
	}
	switch left := t.ExpiresAt.Sub(now); {
	case t.ExpiresAt.IsZero():
	case !t.Active || left <= 0:
		s.add(markFail, "the token %q expired on %s: create a new one", t.Name, t.ExpiresAt.Format(time.DateOnly))
	case left < expiryWarning:
		s.add(markWarn, "the token %q expires on %s, in %s: create a new one before then", t.Name, t.ExpiresAt.Format(time.DateOnly), days(left))
	}
}

// checkPagerDuty: the rotation's schedules and the pages can be read, and pages can be
// acted on as someone.
func checkPagerDuty(ctx context.Context, h *hub.Hub, cfg *config.Config, now time.Time, s *section) {
	var (
		wg                 sync.WaitGroup
		snap               model.Snapshot
		errRot, errPages   error
		me                 model.Person
		errMe              error
		rotPatch, pagPatch model.Patch
	)
	wg.Add(3)
	go func() { defer wg.Done(); rotPatch, errRot = h.Fetch(ctx, model.SourceRotation, now) }()
	go func() { defer wg.Done(); pagPatch, errPages = h.Fetch(ctx, model.SourcePages, now) }()
	go func() { defer wg.Done(); me, errMe = h.PagerDutyMe(ctx) }()
	wg.Wait()
	if errRot != nil {
		s.addErr(markFail, "rotation", errRot)
	} else {
		rotPatch(&snap)
		var ids []string
		for _, r := range cfg.Rotation {
			ids = append(ids, r.Schedule)
		}
		s.add(markOK, "rotation: the schedules %s answer", strings.Join(ids, ", "))
		for _, r := range cfg.Rotation {
			if w := model.OnCallFor(snap.OnCall, r, now).Warning(now); w != "" {
				s.add(markWarn, "%s", w)
			}
		}
	}
	if errPages != nil {
		s.addErr(markFail, "pages", errPages)
	} else {
		pagPatch(&snap)
		s.add(markOK, "pages: %d triggered, %d acknowledged", snap.Pages.Triggered, snap.Pages.Acknowledged)
	}
	// Whether the key may write cannot be asked: PagerDuty has no endpoint describing a key,
	// and a read-only general access key "only makes GET calls" (support.pagerduty.com,
	// API Access Keys), answering 403 to the rest. So the line says who would act.
	switch {
	case errMe == nil && cfg.PagerDuty.From != "":
		s.add(markOK, "acknowledging and resolving pages: as %s <%s> (pagerduty.from), if the key may write", model.CleanLine(me.Name), model.CleanLine(me.Email))
	case errMe == nil:
		s.add(markOK, "acknowledging and resolving pages: as %s (the user API key's own user), if the key may write", model.CleanLine(me.Display()))
	case model.IsPermanent(errMe):
		s.addErr(markWarn, "acknowledging and resolving pages", errMe)
	default:
		s.addErr(markFail, "acknowledging and resolving pages", errMe)
	}
}

// printChecklist prints the sections and a last line; it reports whether any line failed.
func printChecklist(w io.Writer, sections []section) (failed bool) {
	fails, warns := 0, 0
	for _, s := range sections {
		fmt.Fprintln(w, s.title)
		for _, l := range s.lines {
			fmt.Fprintf(w, "  %s %s\n", l.mark, l.text)
			switch l.mark {
			case markFail:
				fails++
			case markWarn:
				warns++
			}
		}
	}
	switch {
	case fails > 0:
		fmt.Fprintf(w, "%d %s failed (✗), %d to look at (⚠)\n", fails, plural(fails, "check", "checks"), warns)
	case warns > 0:
		fmt.Fprintf(w, "Everything needed works; %d %s to look at (⚠)\n", warns, plural(warns, "thing", "things"))
	default:
		fmt.Fprintln(w, "All good.")
	}
	return fails > 0
}

// days is "6 days", "1 day", or hours under a day.
func days(d time.Duration) string {
	if n := int(d / (24 * time.Hour)); n > 0 {
		return fmt.Sprintf("%d %s", n, plural(n, "day", "days"))
	}
	return model.Countdown(d)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

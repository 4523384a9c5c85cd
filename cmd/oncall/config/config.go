// Package config reads and checks oncall's YAML config. Every error names the file, the line
// when there is one, the key, and what to do about it.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/adrg/xdg"
	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/store"
)

// MinRefresh is the floor of the refresh interval: the dashboard must never hammer the APIs.
const MinRefresh = 15 * time.Second

// File is the YAML document. Unknown keys are errors.
type File struct {
	GitLab    GitLabFile        `yaml:"gitlab"`
	PagerDuty PagerDutyFile     `yaml:"pagerduty"`
	Rotation  []RegionFile      `yaml:"rotation"`
	Labels    model.Labels      `yaml:"labels"`
	Refresh   string            `yaml:"refresh"`
	Timeout   string            `yaml:"timeout"`
	Theme     string            `yaml:"theme"`
	Handoff   HandoffFile       `yaml:"handoff"`
	Budget    BudgetFile        `yaml:"budget"`
	People    map[string]string `yaml:"people"` // PagerDuty email -> GitLab username
	Notify    NotifyFile        `yaml:"notify"`
	Mouse     bool              `yaml:"mouse"`
	// Keys rebinds the dashboard's keys by name (tui.KeyNames): name -> keys.
	Keys map[string][]string `yaml:"keys"`
	// MaxServerWait caps any wait a server imposes (Retry-After, RateLimit-Reset).
	MaxServerWait string `yaml:"max_server_wait"`
}

type BudgetFile struct {
	Target     float64 `yaml:"target"`     // availability in percent
	Window     string  `yaml:"window"`     // e.g. 28d
	Severities []int   `yaml:"severities"` // which incidents consume the budget
	Until      string  `yaml:"until"`      // mitigated or resolved
}

type HandoffFile struct {
	Confidential bool `yaml:"confidential"`
}

type GitLabFile struct {
	URL               string `yaml:"url"`
	TokenEnv          string `yaml:"token_env"`
	TokenFile         string `yaml:"token_file"`
	ProductionProject string `yaml:"production_project"`
	OncallProject     string `yaml:"oncall_project"`
	HandoffProject    string `yaml:"handoff_project"`
	Insecure          bool   `yaml:"insecure"`
	MaxPages          int    `yaml:"max_pages"` // pages of 100 issues read of one list at most
}

type PagerDutyFile struct {
	URL       string `yaml:"url"`
	TokenEnv  string `yaml:"token_env"`
	TokenFile string `yaml:"token_file"`
	Insecure  bool   `yaml:"insecure"`
	From      string `yaml:"from"` // the PagerDuty user's email pages are acknowledged as
}

type RegionFile struct {
	Region   string `yaml:"region"`
	Start    string `yaml:"start"`
	End      string `yaml:"end"`
	Schedule string `yaml:"schedule"`
}

// Defaults is the config used when no file exists: the handbook's rotation and labels.
func Defaults() File {
	return File{
		GitLab: GitLabFile{
			URL: "https://gitlab.com", TokenEnv: "GITLAB_TOKEN",
			ProductionProject: "gitlab-com/gl-infra/production",
			OncallProject:     "gitlab-com/gl-infra/infrastructure",
			HandoffProject:    "gitlab-com/gl-infra/on-call-handovers",
			MaxPages:          DefaultMaxPages,
		},
		PagerDuty: PagerDutyFile{URL: "https://api.pagerduty.com", TokenEnv: "PAGERDUTY_TOKEN"},
		Rotation: []RegionFile{
			{Region: "EMEA", Start: "04:00", End: "16:00", Schedule: "PEMEA01"},
			{Region: "AMER", Start: "16:00", End: "04:00", Schedule: "PAMER01"},
		},
		Labels:        model.DefaultLabels(),
		Budget:        BudgetFile{Target: 99.95, Window: "28d", Severities: []int{1, 2}, Until: "mitigated"},
		Refresh:       "60s",
		Timeout:       "10s",
		Theme:         "auto",
		Notify:        NotifyFile{Bell: true, Desktop: "auto"},
		MaxServerWait: "15m",
	}
}

// Config is the checked, typed config.
type Config struct {
	Path      string // the file read, or "" when the defaults were used
	GitLab    GitLabFile
	PagerDuty PagerDutyFile
	Rotation  model.Rotation
	Labels    model.Labels
	Refresh   time.Duration
	Timeout   time.Duration
	Theme     string
	Handoff   HandoffFile
	People    map[string]string
	Budget    model.BudgetPolicy
	Notify    NotifyFile // Desktop is still a mode here: see NotifyFile.DesktopFor
	Mouse     bool
	Keys      map[string][]string
	// MaxServerWait caps any wait a server imposes.
	MaxServerWait time.Duration
	Warnings      []string // not errors, but worth saying (printed at start)
}

// Error is a config problem: where it is and what is wrong.
type Error struct {
	Path string // file
	Line int    // 0 when unknown
	Key  string // dotted key, e.g. rotation[1].start
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Path)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Key != "" {
		b.WriteString(": " + e.Key)
	}
	b.WriteString(": " + e.Msg)
	return b.String()
}

// DefaultPath is where the config lives unless --config or ONCALL_CONFIG say otherwise.
func DefaultPath() string {
	if p := os.Getenv("ONCALL_CONFIG"); p != "" {
		return p
	}
	xdg.Reload()
	return filepath.Join(xdg.ConfigHome, "oncall", "config.yaml")
}

// Load reads path. When path is "" the default path is used, and a missing default file
// means the built-in defaults; a file named explicitly must exist. Only a regular file of
// at most MaxSize is read: a FIFO or a device is refused without being opened.
func Load(path string) (*Config, error) {
	explicit := path != "" || os.Getenv("ONCALL_CONFIG") != ""
	if path == "" {
		path = DefaultPath()
	}
	data, err := store.ReadRegular(path, MaxSize)
	var fe *store.FileError
	switch {
	case errors.Is(err, fs.ErrNotExist) && !explicit:
		return Parse("", nil)
	case errors.As(err, &fe):
		return nil, &Error{Path: path, Msg: "cannot read the config: " + fe.Why}
	case err != nil:
		return nil, &Error{Path: path, Msg: fmt.Sprintf("cannot read the config: %v", unwrapPathError(err))}
	}
	return Parse(path, data)
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Parse checks a YAML document (nil data: the defaults) that came from path.
func Parse(path string, data []byte) (c *Config, err error) {
	f := Defaults()
	name := path
	if name == "" {
		name = "(built-in defaults)"
	}
	// The YAML decoder can panic on some malformed documents (found by FuzzParse).
	defer func() {
		if r := recover(); r != nil {
			c, err = nil, &Error{Path: name, Msg: "this is not valid YAML for oncall's config; compare it with the example in the README"}
		}
	}()
	var doc *ast.File
	if len(strings.TrimSpace(string(data))) > 0 {
		// The YAML library is quadratic in the entries of one mapping, recursive in them, and
		// expands aliases without a limit: refuse what it cannot read quickly (guard.go).
		if err := guardSize(name, data); err != nil {
			return nil, err
		}
		if doc, err = parser.ParseBytes(data, 0); err != nil {
			return nil, yamlError(name, err)
		}
		if err := guardAliases(name, doc); err != nil {
			return nil, err
		}
		if errs := unknownKeys(doc); len(errs) > 0 {
			return nil, placed(errs, name, doc)
		}
		if err := decode(doc, &f); err != nil {
			return nil, yamlError(name, err)
		}
	}
	c, err = check(f)
	var errs Errors
	if errors.As(err, &errs) {
		return nil, placed(errs, name, doc)
	}
	if err != nil {
		return nil, err
	}
	c.Path = path
	return c, nil
}

// decode fills f from the parsed document (decoding the tree already parsed: parsing is
// the slow part). A document of comments only leaves the defaults.
func decode(doc *ast.File, f *File) error {
	if len(doc.Docs) == 0 || doc.Docs[0].Body == nil {
		return nil
	}
	// An explicit rotation replaces the default one instead of merging into it.
	f.Rotation = nil
	if err := yaml.NewDecoder(bytes.NewReader(nil), yaml.Strict()).DecodeFromNode(doc.Docs[0].Body, f); err != nil {
		return err
	}
	if f.Rotation == nil && lineOf(doc, "rotation") == 0 {
		f.Rotation = Defaults().Rotation
	}
	return nil
}

// yamlError turns a decoder error into file:line: message.
func yamlError(path string, err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil {
		msg := ye.GetMessage()
		if strings.Contains(msg, "unknown field") {
			msg += " (check the spelling; the README lists every key)"
		}
		return &Error{Path: path, Line: ye.GetToken().Position.Line, Msg: msg}
	}
	return &Error{Path: path, Msg: err.Error()}
}

// lineOf finds the line of a dotted key such as "rotation[1].start" in the document.
func lineOf(doc *ast.File, key string) int {
	if doc == nil || key == "" {
		return 0
	}
	for k := key; k != ""; {
		p, err := yaml.PathString("$." + k)
		if err == nil {
			if n, err := p.FilterFile(doc); err == nil && n != nil && n.GetToken() != nil {
				return n.GetToken().Position.Line
			}
		}
		// Fall back to the enclosing key: a missing field is reported at its parent.
		i := strings.LastIndexAny(k, ".[")
		if i < 0 {
			break
		}
		k = k[:i]
	}
	return 0
}

func check(f File) (*Config, error) {
	var errs Errors
	bad := func(err error) {
		var ce *Error
		switch {
		case err == nil:
		case errors.As(err, &ce):
			errs = append(errs, ce)
		default:
			errs = append(errs, &Error{Msg: err.Error()})
		}
	}
	c := &Config{GitLab: f.GitLab, PagerDuty: f.PagerDuty, Labels: f.Labels, Theme: f.Theme, Handoff: f.Handoff, People: f.People,
		Notify: f.Notify, Mouse: f.Mouse, Keys: f.Keys}
	emails := make([]string, 0, len(f.People))
	for email := range f.People {
		emails = append(emails, email)
	}
	sort.Strings(emails) // the same problems reported first every time
	for _, email := range emails {
		username := f.People[email]
		if !strings.Contains(email, "@") || strings.TrimSpace(username) == "" || strings.ContainsAny(username, " @") {
			bad(&Error{Key: "people." + email, Msg: fmt.Sprintf("want a PagerDuty email mapped to a GitLab username (without @), got %q: %q", email, username)})
		}
	}
	var err error
	c.Refresh, err = duration("refresh", f.Refresh)
	bad(err)
	if err == nil && c.Refresh < MinRefresh {
		bad(&Error{Key: "refresh", Msg: fmt.Sprintf("%s is below the %s floor, which keeps the dashboard from hammering the APIs; use %s or more", c.Refresh, MinRefresh, MinRefresh)})
	}
	c.Timeout, err = duration("timeout", f.Timeout)
	bad(err)
	c.Budget, err = budget(f.Budget)
	bad(err)
	c.MaxServerWait, err = maxServerWait(f.MaxServerWait)
	bad(err)
	for _, e := range checkSettings(f) {
		bad(e)
	}
	bad(checkEnvName("gitlab.token_env", f.GitLab.TokenEnv))
	bad(checkEnvName("pagerduty.token_env", f.PagerDuty.TokenEnv))
	bad(checkURL("gitlab.url", f.GitLab.URL, f.GitLab.Insecure))
	bad(checkURL("pagerduty.url", f.PagerDuty.URL, f.PagerDuty.Insecure))
	for key, v := range map[string]string{
		"gitlab.production_project": f.GitLab.ProductionProject,
		"gitlab.oncall_project":     f.GitLab.OncallProject,
		"gitlab.handoff_project":    f.GitLab.HandoffProject,
	} {
		if strings.TrimSpace(v) == "" {
			bad(&Error{Key: key, Msg: "is empty; give a project path such as group/project or a numeric id"})
		}
	}
	for key, v := range map[string]string{
		"labels.incident": f.Labels.Incident, "labels.change": f.Labels.Change,
		"labels.oncall": f.Labels.Oncall, "labels.handoff": f.Labels.Handoff,
	} {
		if strings.TrimSpace(v) == "" || strings.Contains(v, ",") {
			bad(&Error{Key: key, Msg: fmt.Sprintf("%q is not a label name (empty, or holds a comma)", v)})
		}
	}
	bad(CheckTheme("theme", f.Theme))
	rotationOK := true
	for i, r := range f.Rotation {
		reg := model.Region{Name: strings.TrimSpace(r.Region), Schedule: strings.TrimSpace(r.Schedule)}
		if reg.Start, err = model.ParseClock(r.Start); err != nil {
			bad(&Error{Key: fmt.Sprintf("rotation[%d].start", i), Msg: err.Error()})
			rotationOK = false
		}
		if reg.End, err = model.ParseClock(r.End); err != nil {
			bad(&Error{Key: fmt.Sprintf("rotation[%d].end", i), Msg: err.Error()})
			rotationOK = false
		}
		c.Rotation = append(c.Rotation, reg)
	}
	if err := c.Rotation.Validate(); err != nil && rotationOK {
		var re *model.RotationError
		if errors.As(err, &re) {
			key := "rotation"
			if re.Index >= 0 {
				key = fmt.Sprintf("rotation[%d]", re.Index)
				if re.Field != "" {
					key += "." + re.Field
				}
			}
			bad(&Error{Key: key, Msg: strings.TrimPrefix(strings.TrimPrefix(re.Msg, "rotation: "), key+": ")})
		} else {
			bad(err)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

// Errors are all the problems of one config, each with its place; they print one a line.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.As find each *Error.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

func budget(f BudgetFile) (model.BudgetPolicy, error) {
	p := model.BudgetPolicy{Target: f.Target}
	if f.Target <= 0 || f.Target >= 100 {
		return p, &Error{Key: "budget.target", Msg: fmt.Sprintf("%v is not an availability target; give a percentage below 100, e.g. 99.95", f.Target)}
	}
	var err error
	if p.Window, err = duration("budget.window", f.Window); err != nil {
		return p, err
	}
	if len(f.Severities) == 0 {
		return p, &Error{Key: "budget.severities", Msg: "is empty; list the severities that consume the budget, e.g. [1, 2]"}
	}
	for _, s := range f.Severities {
		if s < 1 || s > 4 {
			return p, &Error{Key: "budget.severities", Msg: fmt.Sprintf("%d is not a severity (1..4)", s)}
		}
		p.Severities = append(p.Severities, model.Severity(s))
	}
	switch f.Until {
	case "mitigated":
	case "resolved":
		p.UntilResolved = true
	default:
		return p, &Error{Key: "budget.until", Msg: fmt.Sprintf("%q: count impact until mitigated or until resolved", f.Until)}
	}
	return p, nil
}

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// checkEnvName refuses a token_env that is not a variable name, and says so plainly when it
// looks like the token itself: a token does not belong in a config file.
func checkEnvName(key, v string) error {
	if v == "" || envName.MatchString(v) {
		return nil
	}
	if strings.HasPrefix(v, "glpat-") || strings.HasPrefix(v, "glpat_") || len(v) >= 20 {
		return &Error{Key: key, Msg: "this looks like the token itself; put the token in an environment variable (or a token_file) and name the variable here, then revoke this one: it has been in a file"}
	}
	return &Error{Key: key, Msg: fmt.Sprintf("%q is not an environment variable name (letters, digits, _)", v)}
}

// checkURL refuses plain http to anything but loopback unless insecure is set: a token
// sent in clear over a network is a leaked token.
func checkURL(key, raw string, insecure bool) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return &Error{Key: key, Msg: fmt.Sprintf("%q is not an http(s) URL, e.g. https://gitlab.com", raw)}
	}
	if u.Scheme == "http" && !insecure && !isLoopback(u.Hostname()) {
		return &Error{Key: key, Msg: fmt.Sprintf("%q would send the token unencrypted; use https, or set %s to true", raw, strings.TrimSuffix(key, ".url")+".insecure")}
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

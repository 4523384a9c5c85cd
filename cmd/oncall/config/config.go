// Package config reads and checks oncall's YAML config. Every error names the file, the line
// when there is one, the key, and what to do about it.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/adrg/xdg"
	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/oncall-sre/oncall/model"
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
}

type PagerDutyFile struct {
	URL       string `yaml:"url"`
	TokenEnv  string `yaml:"token_env"`
	TokenFile string `yaml:"token_file"`
	Insecure  bool   `yaml:"insecure"`
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
		},
		PagerDuty: PagerDutyFile{URL: "https://api.pagerduty.com", TokenEnv: "PAGERDUTY_TOKEN"},
		Rotation: []RegionFile{
			{Region: "EMEA", Start: "04:00", End: "16:00", Schedule: "PEMEA01"},
			{Region: "AMER", Start: "16:00", End: "04:00", Schedule: "PAMER01"},
		},
		Labels:  model.DefaultLabels(),
		Budget:  BudgetFile{Target: 99.95, Window: "28d", Severities: []int{1, 2}, Until: "mitigated"},
		Refresh: "60s",
		Timeout: "10s",
		Theme:   "auto",
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
	Warnings  []string // not errors, but worth saying (printed at start)
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
// means the built-in defaults; a file named explicitly must exist.
func Load(path string) (*Config, error) {
	explicit := path != "" || os.Getenv("ONCALL_CONFIG") != ""
	if path == "" {
		path = DefaultPath()
	}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !explicit:
		return Parse("", nil)
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
		if doc, err = parser.ParseBytes(data, 0); err != nil {
			return nil, yamlError(name, err)
		}
		// An explicit rotation replaces the default one instead of merging into it.
		f.Rotation = nil
		if err := yaml.UnmarshalWithOptions(data, &f, yaml.Strict()); err != nil {
			return nil, yamlError(name, err)
		}
		if f.Rotation == nil && lineOf(doc, "rotation") == 0 {
			f.Rotation = Defaults().Rotation
		}
	}
	c, err = check(f)
	var errs Errors
	if errors.As(err, &errs) {
		for _, e := range errs {
			e.Path, e.Line = name, lineOf(doc, e.Key)
		}
		sort.SliceStable(errs, func(a, b int) bool { return errs[a].Line < errs[b].Line })
		return nil, errs
	}
	if err != nil {
		return nil, err
	}
	c.Path = path
	return c, nil
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
	c := &Config{GitLab: f.GitLab, PagerDuty: f.PagerDuty, Labels: f.Labels, Theme: f.Theme, Handoff: f.Handoff, People: f.People}
	for email, username := range f.People {
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
	switch f.Theme {
	case "auto", "dark", "light", "mono":
	default:
		bad(&Error{Key: "theme", Msg: fmt.Sprintf("%q is not a theme; use auto, dark, light or mono", f.Theme)})
	}
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

func duration(key, v string) (time.Duration, error) {
	d, err := ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, &Error{Key: key, Msg: fmt.Sprintf("%q is not a duration; write e.g. 60s, 2m, 1m30s or 28d", v)}
	}
	return d, nil
}

// ParseDuration reads Go durations and whole days: "90s", "2h30m", "7d", "28d".
func ParseDuration(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	if days, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("%q is not a number of days", v)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(v)
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

// Tokens reads both API tokens from the environment or the files the config names.
func (c *Config) Tokens() (gitlab, pagerduty string, err error) {
	if gitlab, err = c.token("gitlab", c.GitLab.TokenEnv, c.GitLab.TokenFile); err != nil {
		return "", "", err
	}
	if pagerduty, err = c.token("pagerduty", c.PagerDuty.TokenEnv, c.PagerDuty.TokenFile); err != nil {
		return "", "", err
	}
	return gitlab, pagerduty, nil
}

func (c *Config) token(section, env, file string) (string, error) {
	where := c.Path
	if where == "" {
		where = DefaultPath() + " (absent: the defaults)"
	}
	if file != "" {
		if st, err := os.Stat(file); err == nil && st.Mode().Perm()&0o077 != 0 {
			c.Warnings = append(c.Warnings, fmt.Sprintf("%s: %s.token_file %s can be read by other users (mode %s); chmod 600 it", where, section, file, st.Mode().Perm()))
		}
		b, err := os.ReadFile(file)
		if err != nil {
			return "", &Error{Path: where, Key: section + ".token_file", Msg: fmt.Sprintf("cannot read %s: %v", file, unwrapPathError(err))}
		}
		if t := strings.TrimSpace(string(b)); t != "" {
			return t, nil
		}
		return "", &Error{Path: where, Key: section + ".token_file", Msg: file + " is empty"}
	}
	if env == "" {
		return "", &Error{Path: where, Key: section + ".token_env", Msg: "is empty; name the environment variable that holds the token, or set token_file"}
	}
	if t := strings.TrimSpace(os.Getenv(env)); t != "" {
		return t, nil
	}
	return "", &Error{Path: where, Key: section + ".token_env", Msg: fmt.Sprintf("the environment variable %s is empty or unset; export it with your %s token, or set %s.token_file", env, section, section)}
}

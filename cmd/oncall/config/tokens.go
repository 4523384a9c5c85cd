package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/oncall-sre/oncall/sources/store"
)

// MaxTokenFile is the largest token_file read: tokens are a few dozen bytes.
const MaxTokenFile = 4 << 10

// Tokens reads both API tokens from the environment or the files the config names. When
// both are missing it says so for both (Errors), not only for the first.
func (c *Config) Tokens() (gitlab, pagerduty string, err error) {
	gitlab, glErr := c.GitLabToken()
	pagerduty, pdErr := c.PagerDutyToken()
	var errs Errors
	for _, e := range []error{glErr, pdErr} {
		var ce *Error
		switch {
		case errors.As(e, &ce):
			errs = append(errs, ce)
		case e != nil:
			errs = append(errs, &Error{Msg: e.Error()})
		}
	}
	switch len(errs) {
	case 0:
		return gitlab, pagerduty, nil
	case 1:
		return "", "", errs[0]
	}
	return "", "", errs
}

// GitLabToken reads the GitLab token alone.
func (c *Config) GitLabToken() (string, error) {
	return c.token("gitlab", "GitLab", c.GitLab.TokenEnv, c.GitLab.TokenFile)
}

// PagerDutyToken reads the PagerDuty token alone.
func (c *Config) PagerDutyToken() (string, error) {
	return c.token("pagerduty", "PagerDuty", c.PagerDuty.TokenEnv, c.PagerDuty.TokenFile)
}

func (c *Config) token(section, service, env, file string) (string, error) {
	where := c.Path
	if where == "" {
		where = DefaultPath() + " (absent: the defaults)"
	}
	if file != "" {
		return c.tokenFile(where, section, file)
	}
	if env == "" {
		return "", &Error{Path: where, Key: section + ".token_env", Msg: "is empty; name the environment variable that holds the token, or set token_file"}
	}
	if t := strings.TrimSpace(os.Getenv(env)); t != "" {
		return t, nil
	}
	return "", &Error{Path: where, Key: section + ".token_env", Msg: fmt.Sprintf("the environment variable %s is empty or unset; export it with your %s token, or name a file holding it in %s.token_file", env, service, section)}
}

// tokenFile reads a token from a regular file of at most MaxTokenFile (never a FIFO or a
// device), and warns when other users can read it.
func (c *Config) tokenFile(where, section, file string) (string, error) {
	key := section + ".token_file"
	file = expandHome(file)
	b, err := store.ReadRegular(file, MaxTokenFile)
	var fe *store.FileError
	switch {
	case errors.As(err, &fe):
		return "", &Error{Path: where, Key: key, Msg: fe.Error()}
	case err != nil:
		return "", &Error{Path: where, Key: key, Msg: fmt.Sprintf("cannot read %s: %v", file, unwrapPathError(err))}
	}
	if st, err := os.Stat(file); err == nil && st.Mode().Perm()&0o077 != 0 {
		c.Warnings = append(c.Warnings, fmt.Sprintf("%s: %s %s can be read by other users (mode %s); chmod 600 it", where, key, file, st.Mode().Perm()))
	}
	if t := strings.TrimSpace(string(b)); t != "" {
		return t, nil
	}
	return "", &Error{Path: where, Key: key, Msg: file + " is empty"}
}

// expandHome reads a leading ~/ as the user's home directory, as a shell would.
func expandHome(path string) string {
	rest, ok := strings.CutPrefix(path, "~/")
	if !ok {
		return path
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return path
	}
	return filepath.Join(home, rest)
}

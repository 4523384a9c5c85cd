// Package redact keeps tokens out of what oncall shows and stores, and an error's text safe
// to show. A hostile or broken
// server may echo a token back, and hide it from a plain search: an escape character before
// it (which a sanitiser then eats together with the token's first letter), or zero-width and
// other invisible characters inside it. Matching is done on the text with those characters
// ignored, and the whole span they cover is replaced.
package redact

import (
	"encoding/json"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/oncall-sre/oncall/model"
)

// Mark replaces a token.
const Mark = "[token]"

// minLen is the shortest secret redacted: shorter ones would redact ordinary words.
const minLen = 4

// invisible reports what is ignored when matching: controls (ESC, BEL, C1), format
// characters (zero-width space and joiners, bidi marks, soft hyphen, BOM) and the
// replacement character of invalid bytes.
func invisible(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError
}

// Text replaces each secret in s with Mark, also where invisible characters hide it.
func Text(s string, secrets ...string) string {
	for _, sec := range secrets {
		if len(sec) >= minLen {
			s = redactOne(s, sec)
		}
	}
	return s
}

// redactOne finds secret in the visible characters of s and replaces the span of s it
// covers (with whatever invisible characters lie between its letters, and those just
// before it, which could start an escape sequence).
func redactOne(s, secret string) string {
	// visible runes of s, with their byte offsets
	type pos struct{ start, end int }
	var vis []rune
	var at []pos
	for i, r := range s {
		if !invisible(r) {
			vis = append(vis, r)
			at = append(at, pos{i, i + utf8.RuneLen(r)})
		}
	}
	want := []rune(secret)
	var b strings.Builder
	last := 0 // bytes of s written so far
	for i := 0; i+len(want) <= len(vis); {
		if !equalRunes(vis[i:i+len(want)], want) {
			i++
			continue
		}
		start, end := at[i].start, at[i+len(want)-1].end
		for start > last { // take the invisible characters just before it along
			r, n := utf8.DecodeLastRuneInString(s[:start])
			if !invisible(r) {
				break
			}
			start -= n
		}
		b.WriteString(s[last:start])
		b.WriteString(Mark)
		last = end
		i += len(want)
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func equalRunes(a, b []rune) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// JSON redacts every string of a JSON document (so that an escaped "\u200b" inside a
// token is seen as the character it stands for); a body that is not JSON is redacted as
// text.
func JSON(body []byte, secrets ...string) []byte {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return []byte(Text(string(body), secrets...))
	}
	changed := false
	v = walk(v, func(s string) string {
		out := Text(s, secrets...)
		changed = changed || out != s
		return out
	})
	if !changed {
		return body
	}
	out, err := json.Marshal(v)
	if err != nil {
		return []byte(Text(string(body), secrets...))
	}
	return out
}

func walk(v any, f func(string) string) any {
	switch x := v.(type) {
	case string:
		return f(x)
	case []any:
		for i := range x {
			x[i] = walk(x[i], f)
		}
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[f(k)] = walk(e, f)
		}
		return out
	}
	return v
}

// Error returns err with every secret redacted from its text. The chain is kept, so that
// errors.Is and errors.As still work: a PermanentError or RetryAfterError is rebuilt around
// its redacted cause, and any other error whose text held a secret is replaced by one that
// shows the redacted text and unwraps (redacted in turn) to what it wrapped.
func Error(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	r := redactor(secrets)
	return r.error(err)
}

type redactor []string

func (r redactor) error(err error) error {
	switch e := err.(type) {
	case nil:
		return nil
	case *model.PermanentError:
		if r.clean(e.Error()) && r.clean(e.Hint) {
			return err
		}
		return &model.PermanentError{Err: r.error(e.Err), Hint: r.text(e.Hint)}
	case *model.RetryAfterError:
		if r.clean(e.Error()) {
			return err
		}
		return &model.RetryAfterError{Err: r.error(e.Err), After: e.After}
	}
	if r.clean(err.Error()) {
		return err
	}
	return &redacted{msg: r.text(err.Error()), err: err, r: r}
}

// clean reports whether s holds no secret and nothing a terminal would act on.
func (r redactor) clean(s string) bool { return r.text(s) == s }

// text is s with its secrets replaced, made safe to show on one line: an error's text may
// carry what a server sent (a redirect's host, a message), escape sequences included.
func (r redactor) text(s string) string { return model.CleanLine(Text(s, r...)) }

// redacted shows a redacted text and unwraps to the redacted causes of the original.
type redacted struct {
	msg string
	err error
	r   redactor
}

func (e *redacted) Error() string { return e.msg }

func (e *redacted) Unwrap() []error {
	var inner []error
	switch u := e.err.(type) {
	case interface{ Unwrap() error }:
		inner = []error{u.Unwrap()}
	case interface{ Unwrap() []error }:
		inner = u.Unwrap()
	}
	out := make([]error, 0, len(inner))
	for _, x := range inner {
		if x != nil {
			out = append(out, e.r.error(x))
		}
	}
	return out
}

package gitlab

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	gl "gitlab.com/gitlab-org/api/client-go"
)

// A page of issues is most of a refresh's CPU, and most of an issue's bytes are fields oncall
// does not read (users' avatar and web addresses, _links, references, time stats). This
// decoder reads a page in one pass: it checks the syntax of every byte as encoding/json does,
// skips what it does not read without building it, and takes the common case of a field (a
// plain string, an integer) directly; anything else in a field it reads, it hands to
// encoding/json, so that the result is always what json.Decoder gives for a []*slimIssue
// (issuejson_test.go fuzzes the two against each other): the same values, and an error for
// the same inputs (syntax and truncation first, then the first wrong type).

// maxDepth is encoding/json's nesting limit.
const maxDepth = 10000

// decodePage decodes the first JSON value of body (what follows it is not read, as
// json.Decoder does not) as a page of issues.
func decodePage(body []byte) ([]*slimIssue, error) {
	p := &pageParser{b: body}
	p.ws()
	if p.i == len(p.b) {
		return nil, io.EOF // an empty answer: json.Decoder says EOF
	}
	var page []*slimIssue
	switch p.b[p.i] {
	case '[':
		page = p.issues()
	case 'n':
		p.literal("null")
	default:
		start := p.i
		p.skip(0)
		p.typeError(start, "array")
	}
	if p.err != nil {
		return nil, p.err
	}
	if p.typeErr != nil {
		return nil, p.typeErr
	}
	return page, nil
}

// pageParser reads body from i. err is the first syntax error or truncation, which ends the
// reading; typeErr the first value of the wrong type, after which it reads on (as
// encoding/json does) to find any syntax error, which it would report instead.
type pageParser struct {
	b       []byte
	i       int
	err     error
	typeErr error
}

func (p *pageParser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *pageParser) fail(msg string) {
	if p.err != nil {
		return
	}
	if p.i >= len(p.b) {
		p.err = io.ErrUnexpectedEOF
		return
	}
	p.err = &json.SyntaxError{Offset: int64(p.i)}
	p.err = fmt.Errorf("%w: %s", p.err, msg)
}

func (p *pageParser) typeError(start int, what string) {
	if p.typeErr == nil && p.err == nil {
		p.typeErr = &json.UnmarshalTypeError{Value: what, Offset: int64(start), Type: reflect.TypeFor[slimIssue]()}
	}
}

// issues reads an array of issues (or nulls).
func (p *pageParser) issues() []*slimIssue {
	var page []*slimIssue
	p.i++ // [
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		return []*slimIssue{}
	}
	for p.err == nil {
		p.ws()
		if p.i >= len(p.b) {
			p.fail("")
			return nil
		}
		switch p.b[p.i] {
		case '{':
			page = append(page, p.issue())
		case 'n':
			p.literal("null")
			page = append(page, nil)
		default:
			start := p.i
			p.skip(1)
			p.typeError(start, "value")
			page = append(page, nil)
		}
		if !p.next(']') {
			break
		}
	}
	return page
}

// next reads the comma before the next element, or the closing byte: more says which.
func (p *pageParser) next(closing byte) (more bool) {
	p.ws()
	if p.err != nil || p.i >= len(p.b) {
		p.fail("")
		return false
	}
	switch p.b[p.i] {
	case ',':
		p.i++
		return true
	case closing:
		p.i++
		return false
	}
	p.fail("after a value")
	return false
}

// object reads an object's members, calling field for each with its key; field must read
// the value.
func (p *pageParser) object(field func(key []byte)) {
	p.i++ // {
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		return
	}
	for p.err == nil {
		p.ws()
		if p.i >= len(p.b) || p.b[p.i] != '"' {
			p.fail("looking for a key")
			return
		}
		key := p.key()
		p.ws()
		if p.err != nil || p.i >= len(p.b) || p.b[p.i] != ':' {
			p.fail("after a key")
			return
		}
		p.i++
		p.ws()
		field(key)
		if !p.next('}') {
			return
		}
	}
}

// key reads an object key, unquoted.
func (p *pageParser) key() []byte {
	raw := p.str()
	if p.err != nil {
		return nil
	}
	if bytes.IndexByte(raw, '\\') < 0 {
		return raw[1 : len(raw)-1]
	}
	return []byte(unquote(raw))
}

// The fields of an issue and of a user, by key.
const (
	fNone = iota
	fID
	fIID
	fTitle
	fDescription
	fState
	fWebURL
	fCreatedAt
	fUpdatedAt
	fClosedAt
	fDueDate
	fLabels
	fAuthor
	fAssignees
	fUserNotes
	fName
	fUsername
)

// fieldByName names the fields by their exact keys.
func fieldByName(key []byte) int {
	switch string(key) {
	case "id":
		return fID
	case "iid":
		return fIID
	case "title":
		return fTitle
	case "description":
		return fDescription
	case "state":
		return fState
	case "web_url":
		return fWebURL
	case "created_at":
		return fCreatedAt
	case "updated_at":
		return fUpdatedAt
	case "closed_at":
		return fClosedAt
	case "due_date":
		return fDueDate
	case "labels":
		return fLabels
	case "author":
		return fAuthor
	case "assignees":
		return fAssignees
	case "user_notes_count":
		return fUserNotes
	case "name":
		return fName
	case "username":
		return fUsername
	}
	return fNone
}

var fieldNames = []string{"id", "iid", "title", "description", "state", "web_url", "created_at", "updated_at",
	"closed_at", "due_date", "labels", "author", "assignees", "user_notes_count", "name", "username"}

// fieldOf is encoding/json's rule for a key: the field of that name, else one whose name is
// equal to it under Unicode case folding (bytes.EqualFold). An ASCII key can fold only to
// ASCII, so lowering its letters is enough; other keys are compared with each name. The
// caller keeps the fields its object has (an issue's or a user's).
func fieldOf(key []byte) int {
	if f := fieldByName(key); f != fNone {
		return f
	}
	var buf [32]byte
	lower, changed := buf[:0], false
	for _, c := range key {
		if c >= utf8.RuneSelf {
			for _, name := range fieldNames {
				if bytes.EqualFold(key, []byte(name)) {
					return fieldByName([]byte(name))
				}
			}
			return fNone
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
			changed = true
		}
		lower = append(lower, c)
	}
	if !changed {
		return fNone
	}
	return fieldByName(lower)
}

// issue reads one issue object. Every key is looked at, so a later duplicate wins, as in
// encoding/json.
func (p *pageParser) issue() *slimIssue {
	is := &slimIssue{}
	p.object(func(key []byte) {
		switch fieldOf(key) {
		case fID:
			p.custom(&is.ID)
		case fIID:
			p.int64(&is.IID)
		case fTitle:
			p.string(&is.Title)
		case fDescription:
			p.string(&is.Description)
		case fState:
			p.string(&is.State)
		case fWebURL:
			p.string(&is.WebURL)
		case fCreatedAt:
			p.time(&is.CreatedAt)
		case fUpdatedAt:
			p.time(&is.UpdatedAt)
		case fClosedAt:
			p.time(&is.ClosedAt)
		case fDueDate:
			p.dueDate(&is.DueDate)
		case fLabels:
			p.labels(&is.Labels)
		case fAuthor:
			p.user(&is.Author)
		case fAssignees:
			p.users(&is.Assignees)
		case fUserNotes:
			p.int64(&is.UserNotesCount)
		default:
			p.skip(2)
		}
	})
	return is
}

// value reads any value and returns its bytes (syntax checked).
func (p *pageParser) value(depth int) []byte {
	start := p.i
	p.skip(depth)
	if p.err != nil {
		return nil
	}
	return p.b[start:p.i]
}

// fallback reads a value into v with encoding/json: the result and the type errors are
// encoding/json's own.
func (p *pageParser) fallback(v any) {
	raw := p.value(2)
	if p.err != nil {
		return
	}
	if err := json.Unmarshal(raw, v); err != nil && p.typeErr == nil {
		p.typeErr = err
	}
}

// custom reads a value through its UnmarshalJSON, as encoding/json calls it (null too).
func (p *pageParser) custom(v json.Unmarshaler) {
	raw := p.value(2)
	if p.err == nil {
		if err := v.UnmarshalJSON(raw); err != nil && p.typeErr == nil {
			p.typeErr = err
		}
	}
}

// string reads a string field: a string directly, null as no change, else encoding/json.
func (p *pageParser) string(dst *string) {
	if p.i < len(p.b) && p.b[p.i] == '"' {
		raw := p.str()
		if p.err == nil {
			*dst = unquote(raw)
		}
		return
	}
	p.fallback(dst)
}

// int64 reads an integer field: digits directly, anything else through encoding/json.
func (p *pageParser) int64(dst *int64) {
	start := p.i
	var n int64
	j := p.i
	for j < len(p.b) && j-start < 18 && p.b[j] >= '0' && p.b[j] <= '9' {
		n = n*10 + int64(p.b[j]-'0')
		j++
	}
	if j > start && (p.b[start] != '0' || j == start+1) && j < len(p.b) && endsNumber(p.b[j]) {
		p.i, *dst = j, n
		return
	}
	p.fallback(dst)
}

// endsNumber: a byte that may follow a number inside an object.
func endsNumber(c byte) bool {
	return c == ',' || c == '}' || c == ' ' || c == '\n' || c == '\r' || c == '\t'
}

// time reads a *time.Time field: null sets nil, a string goes to time.Time's
// UnmarshalJSON (into the time a duplicate key made, or a new one), as encoding/json does.
func (p *pageParser) time(dst **time.Time) {
	switch {
	case p.i < len(p.b) && p.b[p.i] == 'n':
		p.literal("null")
		*dst = nil
	case p.i < len(p.b) && p.b[p.i] == '"':
		if *dst == nil {
			*dst = new(time.Time)
		}
		p.custom(*dst)
	default:
		p.fallback(dst)
	}
}

// dueDate reads a *gl.ISOTime the same way.
func (p *pageParser) dueDate(dst **gl.ISOTime) {
	switch {
	case p.i < len(p.b) && p.b[p.i] == 'n':
		p.literal("null")
		*dst = nil
	case p.i < len(p.b) && p.b[p.i] == '"':
		if *dst == nil {
			*dst = new(gl.ISOTime)
		}
		p.custom(*dst)
	default:
		p.fallback(dst)
	}
}

// labels reads the labels: an array of plain strings directly, anything else (label
// objects, escapes, null) through labelNames' UnmarshalJSON.
func (p *pageParser) labels(dst *labelNames) {
	if p.i >= len(p.b) || p.b[p.i] != '[' {
		p.custom(dst)
		return
	}
	start := p.i
	var out labelNames = make([]string, 0, 8)
	p.i++
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		*dst = out
		return
	}
	for {
		p.ws()
		if p.i >= len(p.b) || p.b[p.i] != '"' {
			break // not a plain string: the slow way
		}
		raw := p.str()
		if p.err != nil {
			return
		}
		out = append(out, unquote(raw))
		p.ws()
		if p.i < len(p.b) && p.b[p.i] == ',' {
			p.i++
			continue
		}
		if p.i < len(p.b) && p.b[p.i] == ']' {
			p.i++
			*dst = out
			return
		}
		break
	}
	if p.err != nil {
		return
	}
	p.i = start
	p.custom(dst)
}

// user reads a *slimUser: null sets nil, an object is read into the user (a new one, or
// the one a duplicate key made), anything else through encoding/json.
func (p *pageParser) user(dst **slimUser) {
	switch {
	case p.i < len(p.b) && p.b[p.i] == 'n':
		p.literal("null")
		*dst = nil
	case p.i < len(p.b) && p.b[p.i] == '{':
		if *dst == nil {
			*dst = &slimUser{}
		}
		u := *dst
		p.object(func(key []byte) {
			switch fieldOf(key) {
			case fName:
				p.string(&u.Name)
			case fUsername:
				p.string(&u.Username)
			default:
				p.skip(4)
			}
		})
	default:
		p.fallback(dst)
	}
}

// users reads the assignees: an array of users or nulls, null for none.
func (p *pageParser) users(dst *[]*slimUser) {
	switch {
	case p.i < len(p.b) && p.b[p.i] == 'n':
		p.literal("null")
		*dst = nil
	case p.i < len(p.b) && p.b[p.i] == '[':
		out := make([]*slimUser, 0, 2)
		p.i++
		p.ws()
		if p.i < len(p.b) && p.b[p.i] == ']' {
			p.i++
			*dst = out
			return
		}
		for p.err == nil {
			p.ws()
			var u *slimUser
			if p.i < len(p.b) && (p.b[p.i] == '{' || p.b[p.i] == 'n') {
				p.user(&u)
			} else {
				p.fallback(&u)
			}
			out = append(out, u)
			if !p.next(']') {
				break
			}
		}
		*dst = out
	default:
		p.fallback(dst)
	}
}

// literal reads true, false or null.
func (p *pageParser) literal(word string) {
	if len(p.b)-p.i >= len(word) && string(p.b[p.i:p.i+len(word)]) == word {
		p.i += len(word)
		return
	}
	for k := 0; k < len(word); k++ { // a truncated literal is a truncation
		if p.i+k >= len(p.b) {
			p.i = len(p.b)
			p.fail("")
			return
		}
		if p.b[p.i+k] != word[k] {
			p.i += k
			p.fail("in a literal")
			return
		}
	}
}

// str reads a string and returns it with its quotes, checking its escapes and that it holds
// no control character.
func (p *pageParser) str() []byte {
	start := p.i
	p.i++
	for {
		k := p.i
		for k < len(p.b) && plainByte[p.b[k]] {
			k++
		}
		p.i = k
		if k >= len(p.b) {
			p.fail("")
			return nil
		}
		switch c := p.b[k]; {
		case c == '"':
			p.i++
			return p.b[start:p.i]
		case c < 0x20:
			p.fail("in a string")
			return nil
		}
		// a backslash
		if k+1 >= len(p.b) {
			p.i = len(p.b)
			p.fail("")
			return nil
		}
		switch p.b[k+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			p.i = k + 2
		case 'u':
			for h := k + 2; h < k+6; h++ {
				if h >= len(p.b) {
					p.i = len(p.b)
					p.fail("")
					return nil
				}
				if !isHex(p.b[h]) {
					p.i = h
					p.fail("in a \\u escape")
					return nil
				}
			}
			p.i = k + 6
		default:
			p.i = k + 1
			p.fail("in a string escape")
			return nil
		}
	}
}

// plainByte is true for the bytes a string holds as they are: not its quote, a backslash or
// a control character.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// skip reads any value without keeping it.
func (p *pageParser) skip(depth int) {
	if p.err != nil {
		return
	}
	if depth > maxDepth {
		p.fail("exceeded max depth")
		return
	}
	if p.i >= len(p.b) {
		p.fail("")
		return
	}
	switch c := p.b[p.i]; {
	case c == '"':
		p.str()
	case c == '{':
		p.object(func([]byte) { p.skip(depth + 1) })
	case c == '[':
		p.i++
		p.ws()
		if p.i < len(p.b) && p.b[p.i] == ']' {
			p.i++
			return
		}
		for p.err == nil {
			p.ws()
			p.skip(depth + 1)
			if !p.next(']') {
				return
			}
		}
	case c == 't':
		p.literal("true")
	case c == 'f':
		p.literal("false")
	case c == 'n':
		p.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		p.number()
	default:
		p.fail("looking for a value")
	}
}

// number reads a JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *pageParser) number() {
	digits := func() bool {
		start := p.i
		for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
			p.i++
		}
		return p.i > start
	}
	if p.b[p.i] == '-' {
		p.i++
	}
	switch {
	case p.i < len(p.b) && p.b[p.i] == '0':
		p.i++
	case !digits():
		p.fail("in a number")
		return
	}
	if p.i < len(p.b) && p.b[p.i] == '.' {
		p.i++
		if !digits() {
			p.fail("after a decimal point")
			return
		}
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		p.i++
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		if !digits() {
			p.fail("in an exponent")
		}
	}
}

// unquote is the text of a quoted JSON string whose syntax was checked, as encoding/json
// reads it: escapes decoded, a lone or broken surrogate and each byte of invalid UTF-8
// replaced by U+FFFD.
func unquote(raw []byte) string {
	s := raw[1 : len(raw)-1]
	r := 0
	for r < len(s) {
		c := s[r]
		if c == '\\' {
			break
		}
		if c < utf8.RuneSelf {
			r++
			continue
		}
		rr, size := utf8.DecodeRune(s[r:])
		if rr == utf8.RuneError && size == 1 {
			break
		}
		r += size
	}
	if r == len(s) {
		return string(s)
	}
	b := make([]byte, r, len(s)+utf8.UTFMax)
	copy(b, s[:r])
	for r < len(s) {
		c := s[r]
		switch {
		case c == '\\':
			switch e := s[r+1]; e {
			case 'u':
				rr := hex4(s[r+2 : r+6])
				r += 6
				if utf16.IsSurrogate(rr) {
					if r+6 <= len(s) && s[r] == '\\' && s[r+1] == 'u' {
						if dec := utf16.DecodeRune(rr, hex4(s[r+2:r+6])); dec != unicode.ReplacementChar {
							r += 6
							b = utf8.AppendRune(b, dec)
							break
						}
					}
					rr = unicode.ReplacementChar
				}
				b = utf8.AppendRune(b, rr)
			default:
				b = append(b, unescape[e])
				r += 2
			}
		case c < utf8.RuneSelf:
			b = append(b, c)
			r++
		default:
			rr, size := utf8.DecodeRune(s[r:])
			b = utf8.AppendRune(b, rr)
			r += size
		}
	}
	return string(b)
}

// unescape is the byte of each one-letter escape (str checked that only these occur).
var unescape = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// hex4 reads four hex digits (checked by str).
func hex4(h []byte) rune {
	var r rune
	for _, c := range h {
		switch {
		case c <= '9':
			c -= '0'
		case c <= 'F':
			c -= 'A' - 10
		default:
			c -= 'a' - 10
		}
		r = r*16 + rune(c)
	}
	return r
}

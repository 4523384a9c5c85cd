package gitlab

import (
	"bytes"
	"encoding/json"
	"io"
	"reflect"
	"unicode/utf8"
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
			nullable(p, &is.CreatedAt)
		case fUpdatedAt:
			nullable(p, &is.UpdatedAt)
		case fClosedAt:
			nullable(p, &is.ClosedAt)
		case fDueDate:
			nullable(p, &is.DueDate)
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

// nullable reads a pointer field of a type with its own UnmarshalJSON (a *time.Time, a
// *gl.ISOTime): null sets nil, a string goes to the type's UnmarshalJSON (into the value a
// duplicate key made, or a new one), as encoding/json does.
func nullable[T any, PT interface {
	*T
	json.Unmarshaler
}](p *pageParser, dst **T) {
	switch {
	case p.i < len(p.b) && p.b[p.i] == 'n':
		p.literal("null")
		*dst = nil
	case p.i < len(p.b) && p.b[p.i] == '"':
		if *dst == nil {
			*dst = new(T)
		}
		p.custom(PT(*dst))
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

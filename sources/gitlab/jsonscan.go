package gitlab

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// The JSON syntax under decodePage (issuejson.go): whitespace, strings, numbers, literals,
// objects and arrays, read and checked as encoding/json's scanner checks them, and skipped
// without building anything unless asked.

// ws skips JSON whitespace.
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

// fail records the first syntax error at i (msg says where it was met): a truncation when
// the input ended, as json.Decoder reports it (io.ErrUnexpectedEOF), else a *json.SyntaxError.
func (p *pageParser) fail(msg string) {
	if p.err != nil {
		return
	}
	if p.i >= len(p.b) {
		p.err = io.ErrUnexpectedEOF
		return
	}
	p.err = fmt.Errorf("%w: %s", &json.SyntaxError{Offset: int64(p.i)}, msg)
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

// value reads any value and returns its bytes (syntax checked).
func (p *pageParser) value(depth int) []byte {
	start := p.i
	p.skip(depth)
	if p.err != nil {
		return nil
	}
	return p.b[start:p.i]
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

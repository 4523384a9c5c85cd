package model

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/charmbracelet/x/ansi"
)

// Text from the APIs (titles, bodies, notes, names) is untrusted: it may carry terminal
// escape sequences (CSI, OSC 8 links, OSC 52 clipboard writes), C0/C1 controls, or bidi
// overrides that reorder what the reader sees. Sources clean every string with these
// before it enters the model, so nothing downstream ever holds raw API text.

// CleanLine makes s safe to print on one line: escapes and controls are removed, and
// line breaks and tabs become single spaces.
func CleanLine(s string) string {
	return strings.Join(strings.Fields(clean(s, false)), " ")
}

// CleanText makes multi-line s safe to print: escapes and controls are removed, line
// breaks are kept (CRLF becomes LF) and tabs become four spaces.
func CleanText(s string) string {
	return clean(s, true)
}

func clean(s string, keepNewlines bool) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = ansi.Strip(c1AsEscapes.Replace(s))
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n':
			if keepNewlines {
				b.WriteByte('\n')
			} else {
				b.WriteByte(' ')
			}
		case r == '\t':
			if keepNewlines {
				b.WriteString("    ")
			} else {
				b.WriteByte(' ')
			}
		case unicode.IsControl(r), isBidiControl(r):
			// dropped: C0, DEL, C1 and direction overrides
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// c1AsEscapes spells the C1 controls that open a sequence (CSI, OSC, DCS, SOS, PM, APC, and
// ST that closes one) as their 7-bit ESC forms: ansi.Strip reads 8-bit C1 bytes, not their
// UTF-8 encodings, which some terminals obey too; this way the sequence's parameters
// ("31m") go with it instead of being left in the text.
var c1AsEscapes = strings.NewReplacer(
	"\u009b", "\x1b[", "\u009d", "\x1b]", "\u0090", "\x1bP",
	"\u0098", "\x1bX", "\u009e", "\x1b^", "\u009f", "\x1b_", "\u009c", "\x1b\\",
)

// isBidiControl reports the invisible characters that change the display order of text
// (the "Trojan Source" set) and the line/paragraph separators that act like newlines.
func isBidiControl(r rune) bool {
	switch {
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x200E, r == 0x200F, r == 0x061C, r == 0x2028, r == 0x2029:
		return true
	}
	return false
}

// Shorten cuts s to at most n characters (runes, never inside one), the last an ellipsis
// when it was cut: for what a server says, in one line of an error.
func Shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:max(0, n-1)]) + "…"
	}
	return s
}

// Thousands writes n with its thousands grouped: 10,000.
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	start := 0
	if n < 0 {
		start = 1
	}
	for i := len(s) - 3; i > start; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

package gitlab

import (
	"strings"

	"github.com/oncall-sre/oncall/model"
)

// cleanLine is model.CleanLine, with a shortcut for what most API text is: printable ASCII
// with single spaces between words, which CleanLine returns as it is (it strips escapes and
// controls, and joins the words with single spaces). Anything else goes through CleanLine;
// clean_test.go checks that both agree.
func cleanLine(s string) string {
	if plainLine(s) {
		return s
	}
	return model.CleanLine(s)
}

// plainLine reports printable ASCII without leading, trailing or doubled spaces.
func plainLine(s string) bool {
	space := true // a leading space is not plain
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ':
			if space {
				return false
			}
			space = true
		case c > ' ' && c < 0x7f:
			space = false
		default:
			return false
		}
	}
	return !space || s == ""
}

// scheduleText is the part of a change's description that model.ScheduledTime reads: its
// pattern, (?i)schedul[^\n]*?(date)[ T](time), matches within one line, and the line must
// hold "chedul" in ASCII letters of any case (of those letters only s has a non-ASCII case
// fold, ſ), so the lines before the first such line cannot match. Most descriptions have
// none, and the pattern's scan of a long description was a tenth of a refresh's CPU.
func scheduleText(desc string) string {
	i := indexFold(desc, "chedul")
	if i < 0 {
		return ""
	}
	return desc[strings.LastIndexByte(desc[:i], '\n')+1:]
}

// indexFold is the index of the first ASCII-case-insensitive occurrence of lower (lower
// case ASCII letters) in s, or -1.
func indexFold(s, lower string) int {
	for i := 0; i+len(lower) <= len(s); i++ {
		j := 0
		for ; j < len(lower); j++ {
			if c := s[i+j]; c != lower[j] && c+('a'-'A') != lower[j] {
				break
			}
		}
		if j == len(lower) {
			return i
		}
	}
	return -1
}

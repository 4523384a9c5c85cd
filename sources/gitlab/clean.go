package gitlab

import (
	"strings"
	"time"

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

// scheduleText is the line of a change's description that model.ScheduledTime reads the
// schedule from, or "": its pattern, (?i)schedul[^\n]*?(date)[ T](time), matches within
// one line, so the first line where it matches gives the leftmost match of the whole
// description; and such a line holds "chedul" in ASCII letters of any case (of those
// letters only s has a non-ASCII case fold, ſ). The pattern is tried on those lines alone:
// run over whole descriptions it was a tenth of a refresh's CPU.
func scheduleText(desc string) string {
	for {
		i := indexFold(desc, "chedul")
		if i < 0 {
			return ""
		}
		start := strings.LastIndexByte(desc[:i], '\n') + 1
		end := strings.IndexByte(desc[i:], '\n')
		if end < 0 {
			end = len(desc)
		} else {
			end += i
		}
		if line := desc[start:end]; !model.ScheduledTime(line, time.Time{}).IsZero() {
			return line
		}
		desc = desc[end:]
	}
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

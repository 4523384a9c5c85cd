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

// scheduleText is the part of a change's description that model.ScheduledTime reads the
// schedule from, or "". Its pattern, (?i)schedul[^\n]*?(date)[ T](time), matches within
// one line, from an "s" or "S" or "ſ" (the only letter of "schedul" with a non-ASCII case
// fold) followed by "chedul" in ASCII letters of any case. So the leftmost match of the
// description is the match of the first such place that has one, from that place to the
// end of its line: the pattern is tried there alone, from its first byte. Run over whole
// descriptions, it was a tenth of a refresh's CPU.
func scheduleText(desc string) string {
	var places []string
	for rest := desc; ; {
		i := indexFold(rest, "chedul")
		if i < 0 {
			break
		}
		end := strings.IndexByte(rest[i:], '\n')
		if end < 0 {
			end = len(rest)
		} else {
			end += i
		}
		switch {
		case i >= 1 && (rest[i-1] == 's' || rest[i-1] == 'S'):
			places = append(places, rest[i-1:end])
		case i >= 2 && rest[i-2:i] == "ſ":
			places = append(places, rest[i-2:end])
		}
		rest = rest[i+len("chedul"):]
	}
	switch len(places) {
	case 0:
		return ""
	case 1:
		return places[0] // ScheduledTime reads it, or finds nothing, as in the whole text
	}
	for _, p := range places {
		if !model.ScheduledTime(p, time.Time{}).IsZero() {
			return p
		}
	}
	return ""
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

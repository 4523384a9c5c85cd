package tui

import (
	"strings"
	"time"

	"github.com/oncall-sre/oncall/model"
)

// A draft says when its facts were gathered, in a hidden line just above the marker of the
// human's part: a draft restored from disk hours later can say how old its facts are, so
// that nobody publishes a stale list of incidents without knowing. GitLab hides the
// comment, as it hides the marker; regenerating replaces it with the new date.
const (
	factsStampPrefix = "<!-- oncall: facts gathered "
	factsStampSuffix = " -->"
)

// staleFacts is the age from which the editor says how old the draft's facts are.
const staleFacts = 10 * time.Minute

// withFactsStamp dates the facts of draft (at), replacing an older date. A draft without
// the marker has no generated part to date and is returned as it is.
func withFactsStamp(draft string, at time.Time) string {
	draft = withoutFactsStamp(draft)
	i := strings.Index(draft, model.HumanMarker)
	if i < 0 || at.IsZero() {
		return draft
	}
	return draft[:i] + factsStampPrefix + at.UTC().Format(time.RFC3339) + factsStampSuffix + "\n" + draft[i:]
}

// withoutFactsStamp drops the date of the facts from the generated part of draft.
func withoutFactsStamp(draft string) string {
	gen, human := draft, ""
	if i := strings.Index(draft, model.HumanMarker); i >= 0 {
		gen, human = draft[:i], draft[i:]
	}
	var kept []string
	for _, l := range strings.SplitAfter(gen, "\n") {
		if !strings.HasPrefix(l, factsStampPrefix) {
			kept = append(kept, l)
		}
	}
	return strings.Join(kept, "") + human
}

// factsStamp is when the facts of draft were gathered, if it says so (in its generated part).
func factsStamp(draft string) (time.Time, bool) {
	gen, _, _ := strings.Cut(draft, model.HumanMarker)
	for _, l := range strings.Split(gen, "\n") {
		if rest, ok := strings.CutPrefix(l, factsStampPrefix); ok {
			if t, err := time.Parse(time.RFC3339, strings.TrimSuffix(rest, factsStampSuffix)); err == nil {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

// drafted is text with its generated part made again from the facts known now (a new
// draft when text is empty), dated when the facts are real, not placeholders. It notes the
// date as the text's.
func (e *editor) drafted(text string) string {
	f := e.factsOrPlaceholder()
	out := model.DraftHandoff(f)
	if text != "" {
		out = model.RegenerateHandoff(f, text)
	}
	if e.facts == nil {
		e.textFactsAt = time.Time{}
		return withoutFactsStamp(out)
	}
	e.textFactsAt = e.factsAt
	return withFactsStamp(out, e.factsAt)
}

// readFactsDate takes the date of the facts from a text read from disk or $EDITOR.
func (e *editor) readFactsDate(text string) {
	e.textFactsAt, _ = factsStamp(text)
}

// factsAge says how old the draft's facts are when that matters (older than staleFacts,
// or restored from disk without a date); "" otherwise.
func (e *editor) factsAge(now time.Time) string {
	refresh := keyOf(e.m.keys.EdRegenerate) + " refreshes"
	switch {
	case !e.textFactsAt.IsZero() && now.Sub(e.textFactsAt) >= staleFacts:
		return "facts from " + e.clock(e.textFactsAt, now) + ", " + model.Ago(now, e.textFactsAt) + " ago — " + refresh
	case e.textFactsAt.IsZero() && !e.restored.IsZero() && strings.Contains(e.ta.Value(), model.HumanMarker):
		// An older draft, undated: its facts are at least as old as the draft's last save.
		return "facts from " + e.clock(e.restored, now) + " or earlier — " + refresh
	}
	return ""
}

// clock is t in the engineer's zone: the time of day, with the weekday when not today.
func (e *editor) clock(t, now time.Time) string {
	t, now = t.In(e.m.opts.Zone), now.In(e.m.opts.Zone)
	if t.YearDay() == now.YearDay() && t.Year() == now.Year() {
		return t.Format("15:04")
	}
	return t.Format("Mon 15:04")
}

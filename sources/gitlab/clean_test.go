package gitlab

import (
	"strings"
	"testing"
	"time"

	"github.com/oncall-sre/oncall/model"
)

func TestCleanLineAgreesWithTheModel(t *testing.T) {
	for _, s := range []string{"", "plain title", " leading", "trailing ", "two  spaces", "tab\there", "line\nbreak",
		"esc\x1b[31mred", "bidi\u202eevil", "Tomás Ferreira", "del\x7f", "ok: 2026-11-23 (C2) #18001", " ", "a"} {
		if got, want := cleanLine(s), model.CleanLine(s); got != want {
			t.Errorf("cleanLine(%q) = %q; model.CleanLine says %q", s, got, want)
		}
	}
}

func FuzzCleanLine(f *testing.F) {
	f.Add("a b")
	f.Add("x\x1b]52;c;ZQ==\x07y")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := cleanLine(s), model.CleanLine(s); got != want {
			t.Fatalf("cleanLine(%q) = %q; model.CleanLine says %q", s, got, want)
		}
	})
}

func TestScheduleTextGivesTheSameSchedule(t *testing.T) {
	due := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for _, desc := range []string{
		"", "no schedule here", "Scheduled for 2026-11-24 18:00 UTC", "## Plan\n\nscheduled: 2026-11-24T09:30Z\n",
		"SCHEDULED 2026-11-24 18:00", "ſcheduled 2026-11-24 18:00", "schedule\n2026-11-24 18:00",
		"line one\nthe window is scheduled around 2026-11-24 07:15 and 2026-11-25 08:00\nScheduled 2026-11-26 10:00",
		"schedul 2026-11-24 18:00 " + strings.Repeat("x", 1000), "Rescheduled, was 2026-11-20 10:00",
	} {
		if got, want := model.ScheduledTime(scheduleText(desc), due), model.ScheduledTime(desc, due); !got.Equal(want) {
			t.Errorf("%q: %s through scheduleText, %s on the whole description", desc, got, want)
		}
	}
}

func FuzzScheduleText(f *testing.F) {
	f.Add("Scheduled for 2026-11-24 18:00 UTC")
	f.Fuzz(func(t *testing.T, desc string) {
		due := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		if got, want := model.ScheduledTime(scheduleText(desc), due), model.ScheduledTime(desc, due); !got.Equal(want) {
			t.Fatalf("%q: %s through scheduleText, %s on the whole description", desc, got, want)
		}
	})
}

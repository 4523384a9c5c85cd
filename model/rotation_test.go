package model

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func clock(t *testing.T, s string) ClockTime {
	t.Helper()
	c, err := ParseClock(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func region(t *testing.T, name, start, end string) Region {
	return Region{Name: name, Start: clock(t, start), End: clock(t, end), Schedule: "P" + name}
}

func handbook(t *testing.T) Rotation {
	return Rotation{region(t, "EMEA", "04:00", "16:00"), region(t, "AMER", "16:00", "04:00")}
}

func threeRegions(t *testing.T) Rotation {
	return Rotation{region(t, "APAC", "23:00", "07:00"), region(t, "EMEA", "07:00", "15:00"), region(t, "AMER", "15:00", "23:00")}
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParseClock(t *testing.T) {
	good := map[string]ClockTime{"04:00": 240, "00:00": 0, "23:59": 1439, "24:00": 0, "7:30": 450}
	for in, want := range good {
		if got, err := ParseClock(in); err != nil || got != want {
			t.Errorf("ParseClock(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "4", "04:0", "25:00", "12:60", "24:01", "ab:cd", "-1:00", "04:00:00"} {
		if _, err := ParseClock(in); err == nil {
			t.Errorf("ParseClock(%q) accepted a bad time", in)
		}
	}
}

func TestShiftAtWrapsPastMidnight(t *testing.T) {
	rot := handbook(t)
	cases := []struct {
		now, region, start, end string
	}{
		{"2026-11-23T10:00:00Z", "EMEA", "2026-11-23T04:00:00Z", "2026-11-23T16:00:00Z"},
		{"2026-11-23T04:00:00Z", "EMEA", "2026-11-23T04:00:00Z", "2026-11-23T16:00:00Z"}, // the instant of handoff belongs to the incoming region
		{"2026-11-23T03:59:59Z", "AMER", "2026-11-22T16:00:00Z", "2026-11-23T04:00:00Z"},
		{"2026-11-23T16:00:00Z", "AMER", "2026-11-23T16:00:00Z", "2026-11-24T04:00:00Z"},
		{"2026-11-23T23:30:00Z", "AMER", "2026-11-23T16:00:00Z", "2026-11-24T04:00:00Z"},
		{"2026-11-24T00:00:00Z", "AMER", "2026-11-23T16:00:00Z", "2026-11-24T04:00:00Z"},
		{"2026-12-31T22:00:00Z", "AMER", "2026-12-31T16:00:00Z", "2027-01-01T04:00:00Z"}, // across a year
	}
	for _, c := range cases {
		s := rot.ShiftAt(at(c.now))
		if s.Region.Name != c.region || !s.Start.Equal(at(c.start)) || !s.End.Equal(at(c.end)) {
			t.Errorf("ShiftAt(%s) = %s %s..%s; want %s %s..%s", c.now, s.Region.Name, s.Start.Format(time.RFC3339), s.End.Format(time.RFC3339), c.region, c.start, c.end)
		}
	}
}

func TestShiftAtConvertsFromLocalTime(t *testing.T) {
	ny := time.FixedZone("EST", -5*3600)
	s := handbook(t).ShiftAt(time.Date(2026, 11, 23, 22, 0, 0, 0, ny)) // 03:00 UTC on the 24th
	if s.Region.Name != "AMER" || !s.End.Equal(at("2026-11-24T04:00:00Z")) {
		t.Fatalf("got %s ending %s", s.Region.Name, s.End)
	}
}

func TestNextHandoff(t *testing.T) {
	rot := threeRegions(t)
	cases := []struct{ now, at, from, to string }{
		{"2026-11-23T08:00:00Z", "2026-11-23T15:00:00Z", "EMEA", "AMER"},
		{"2026-11-23T15:00:00Z", "2026-11-23T23:00:00Z", "AMER", "APAC"},
		{"2026-11-23T23:00:00Z", "2026-11-24T07:00:00Z", "APAC", "EMEA"},
		{"2026-11-24T06:59:59Z", "2026-11-24T07:00:00Z", "APAC", "EMEA"},
		{"2026-11-24T02:00:00Z", "2026-11-24T07:00:00Z", "APAC", "EMEA"},
	}
	for _, c := range cases {
		h := rot.NextHandoff(at(c.now))
		if !h.At.Equal(at(c.at)) || h.From.Name != c.from || h.To.Name != c.to {
			t.Errorf("NextHandoff(%s) = %s %s->%s; want %s %s->%s", c.now, h.At.Format(time.RFC3339), h.From.Name, h.To.Name, c.at, c.from, c.to)
		}
	}
}

func TestNextShiftOf(t *testing.T) {
	rot := handbook(t)
	emea, amer := rot[0], rot[1]
	now := at("2026-11-23T10:00:00Z")
	if s := emea.NextShiftOf(now); !s.Start.Equal(at("2026-11-24T04:00:00Z")) {
		t.Errorf("EMEA next shift starts %s", s.Start)
	}
	if s := amer.NextShiftOf(now); !s.Start.Equal(at("2026-11-23T16:00:00Z")) || !s.End.Equal(at("2026-11-24T04:00:00Z")) {
		t.Errorf("AMER next shift %s..%s", s.Start, s.End)
	}
	if s := amer.NextShiftOf(at("2026-11-23T16:00:00Z")); !s.Start.Equal(at("2026-11-24T16:00:00Z")) {
		t.Errorf("at the instant AMER starts, its next shift is tomorrow's; got %s", s.Start)
	}
}

func TestValidate(t *testing.T) {
	if err := handbook(t).Validate(); err != nil {
		t.Errorf("handbook rotation: %v", err)
	}
	if err := threeRegions(t).Validate(); err != nil {
		t.Errorf("three regions: %v", err)
	}
	if err := (Rotation{region(t, "ALL", "00:00", "00:00")}).Validate(); err != nil {
		t.Errorf("one region all day: %v", err)
	}
	bad := []struct {
		name  string
		rot   Rotation
		index int
		field string
		says  string
	}{
		{"gap", Rotation{region(t, "EMEA", "04:00", "16:00"), region(t, "AMER", "17:00", "04:00")}, 0, "end", "gap"},
		{"overlap", Rotation{region(t, "EMEA", "04:00", "17:00"), region(t, "AMER", "16:00", "04:00")}, 0, "end", "overlap"},
		{"same start", Rotation{region(t, "EMEA", "04:00", "16:00"), region(t, "AMER", "04:00", "16:00")}, 0, "start", "both start"},
		{"wrap overlap", threeRegionsWith(t, "APAC", "22:00", "07:00"), 2, "end", "overlap"},
		{"one region short", Rotation{region(t, "EMEA", "04:00", "16:00")}, -1, "", "a gap"},
		{"duplicate name", Rotation{region(t, "EMEA", "04:00", "16:00"), region(t, "emea", "16:00", "04:00")}, 1, "region", "twice"},
		{"empty", Rotation{}, -1, "", "no regions"},
		{"no schedule", Rotation{{Name: "X", Start: 0, End: 0}}, 0, "schedule", "no PagerDuty schedule"},
		{"zero length", Rotation{region(t, "EMEA", "04:00", "04:00"), region(t, "AMER", "16:00", "04:00")}, 0, "end", "24 h"},
	}
	for _, c := range bad {
		err := c.rot.Validate()
		var re *RotationError
		if !errors.As(err, &re) {
			t.Errorf("%s: got %v, want a RotationError", c.name, err)
			continue
		}
		if re.Index != c.index || re.Field != c.field || !strings.Contains(re.Error(), c.says) {
			t.Errorf("%s: got index %d field %q %q; want %d %q containing %q", c.name, re.Index, re.Field, re.Error(), c.index, c.field, c.says)
		}
	}
}

func threeRegionsWith(t *testing.T, name, start, end string) Rotation {
	rot := threeRegions(t)
	for i := range rot {
		if rot[i].Name == name {
			rot[i] = region(t, name, start, end)
		}
	}
	return rot
}

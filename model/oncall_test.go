package model

import (
	"strings"
	"testing"
	"time"
)

var (
	emea = Region{Name: "EMEA", Start: 4 * 60, End: 16 * 60, Schedule: "PEMEA01"}
	amer = Region{Name: "AMER", Start: 16 * 60, End: 4 * 60, Schedule: "PAMER01"}
)

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestOnCallForAnUnknownRegionStillHasItsNextStart(t *testing.T) {
	now := utc("2026-11-23T14:30:00Z")
	for _, r := range []Region{emea, amer} {
		oc := OnCallFor(nil, r, now)
		if oc.NextStart.IsZero() || !oc.NextStart.Equal(r.NextShiftOf(now).Start) {
			t.Errorf("%s: next start %s; it follows from the configured hours", r.Name, oc.NextStart)
		}
		if oc.NextCoverage != CoverageUnknown || oc.Next != nil {
			t.Errorf("%s: next %v %q; want unknown", r.Name, oc.Next, oc.NextCoverage)
		}
	}
	if got := OnCallFor(nil, emea, now).NowCoverage; got != CoverageUnknown {
		t.Errorf("EMEA is on shift and PagerDuty said nothing: %q", got)
	}
	if got := OnCallFor(nil, amer, now).NowCoverage; got != CoverageOffShift {
		t.Errorf("AMER is off shift whatever PagerDuty says: %q", got)
	}
}

func TestOnCallForDropsAnEntryOfAnEarlierShift(t *testing.T) {
	at := utc("2026-11-23T14:30:00Z")
	ana := &Person{Name: "Ana"}
	list := []OnCall{{Region: "EMEA", Now: ana, Next: ana, NextStart: emea.NextShiftOf(at).Start, NowCoverage: CoverageOnCall, NextCoverage: CoverageOnCall}}
	// Same stretch, after the shift ended: off shift, next still known.
	later := OnCallFor(list, emea, utc("2026-11-23T17:00:00Z"))
	if later.Now != nil || later.NowCoverage != CoverageOffShift || later.Next != ana {
		t.Errorf("after 16:00: %+v", later)
	}
	// A day later the entry speaks of a shift that has begun: unknown, not stale names.
	dayLater := OnCallFor(list, emea, utc("2026-11-24T05:00:00Z"))
	if dayLater.Now != nil || dayLater.Next != nil || dayLater.NowCoverage != CoverageUnknown {
		t.Errorf("a day later: %+v", dayLater)
	}
	if !dayLater.NextStart.Equal(utc("2026-11-25T04:00:00Z")) {
		t.Errorf("next start %s", dayLater.NextStart)
	}
}

func TestOnCallForReadsOldCaches(t *testing.T) {
	now := utc("2026-11-23T14:30:00Z")
	// Written before coverage existed: nil meant "nobody scheduled".
	list := []OnCall{{Region: "EMEA", NextStart: emea.NextShiftOf(now).Start}}
	oc := OnCallFor(list, emea, now)
	if oc.NowCoverage != CoverageGap || oc.NextCoverage != CoverageGap {
		t.Errorf("%+v", oc)
	}
}

func TestGapsAndWarnings(t *testing.T) {
	now := utc("2026-11-23T14:30:00Z")
	gap := Gap{Start: utc("2026-11-23T14:00:00Z"), End: utc("2026-11-23T15:00:00Z")}
	list := []OnCall{{Region: "EMEA", Now: &Person{Name: "Ana"}, NowCoverage: CoverageOnCall, NextCoverage: CoverageOnCall,
		NextStart: emea.NextShiftOf(now).Start, Gaps: []Gap{gap}}}
	oc := OnCallFor(list, emea, now)
	if oc.Now != nil || oc.NowCoverage != CoverageGap {
		t.Errorf("inside a gap nobody is on call: %+v", oc)
	}
	if w := oc.Warning(now); !strings.Contains(w, "nobody is on call for EMEA now") || !strings.Contains(w, "until 15:00 UTC") {
		t.Errorf("warning %q", w)
	}
	after := OnCallFor(list, emea, utc("2026-11-23T15:10:00Z"))
	if after.Now == nil || len(after.Gaps) != 0 || after.Warning(utc("2026-11-23T15:10:00Z")) != "" {
		t.Errorf("the gap is over: %+v", after)
	}
	ahead := OnCall{Region: "AMER", Gaps: []Gap{{Start: utc("2026-11-24T01:00:00Z"), End: utc("2026-11-24T04:00:00Z")}}}
	if w := ahead.Warning(now); !strings.Contains(w, "from Tue 01:00 to Tue 04:00 UTC") {
		t.Errorf("warning %q", w)
	}
	if w := (OnCall{Region: "AMER", NextCoverage: CoverageUnknown}).Warning(now); w != "" {
		t.Errorf("unknown is no gap: %q", w)
	}
}

func TestPagesMineAndOrder(t *testing.T) {
	p := Page{Assignees: []Person{{Name: "Ana", PagerDutyID: "P1", Email: "Ana@example.com"}}}
	if !p.AssignedTo(Person{PagerDutyID: "P1"}) || !p.AssignedTo(Person{Email: "ana@example.com"}) || p.AssignedTo(Person{PagerDutyID: "P2", Email: "bo@example.com"}) || p.AssignedTo(Person{}) {
		t.Error("AssignedTo")
	}
	at := utc("2026-11-23T14:30:00Z")
	ps := []Page{
		{ID: "old-ack", Status: PageAcknowledged, CreatedAt: at.Add(-time.Hour)},
		{ID: "low", Status: PageTriggered, Urgency: "low", CreatedAt: at},
		{ID: "new-ack", Status: PageAcknowledged, CreatedAt: at},
		{ID: "high", Status: PageTriggered, Urgency: "high", CreatedAt: at.Add(-2 * time.Hour)},
	}
	SortPages(ps)
	var ids []string
	for _, p := range ps {
		ids = append(ids, p.ID)
	}
	if strings.Join(ids, ",") != "high,low,new-ack,old-ack" {
		t.Errorf("order %v", ids)
	}
}

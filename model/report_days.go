package model

import "time"

const aDay = 24 * time.Hour // one calendar day in UTC (no DST there)

// DayCount is how many incidents were opened on one calendar day, in UTC.
type DayCount struct {
	Date  time.Time `json:"date"` // the day's midnight, UTC
	Count int       `json:"count"`
}

// calendarDays are the UTC calendar days the window touches, first to last, each counting
// nothing yet; the first and the last may be partly outside the window.
func (w Window) calendarDays() []DayCount {
	if !w.From.Before(w.To) {
		return nil
	}
	first := w.From.UTC().Truncate(aDay)
	last := w.To.Add(-time.Nanosecond).UTC().Truncate(aDay)
	out := make([]DayCount, int(last.Sub(first)/aDay)+1)
	for i := range out {
		out[i].Date = first.AddDate(0, 0, i)
	}
	return out
}

// countDay adds an incident opened at t to the day it was opened on.
func countDay(days []DayCount, t time.Time) {
	if len(days) == 0 {
		return
	}
	if i := int(t.UTC().Truncate(aDay).Sub(days[0].Date) / aDay); i >= 0 && i < len(days) {
		days[i].Count++
	}
}

// Bucket is a run of days drawn as one column of a sparkline.
type Bucket struct {
	From  time.Time // its first day
	Days  int       // how many days it holds (the last bucket may hold fewer)
	Count int
}

// bucketSizes are the spans a sparkline column may stand for, finest first, with how many
// columns each may fill: a month of days, a year of weeks, five years of 30 days.
var bucketSizes = []struct {
	unit    string
	days    int
	columns int
}{{"day", 1, 31}, {"week", 7, 53}, {"30 days", 30, 61}, {"year", 365, 1 << 30}}

// Buckets groups days into the finest columns that keep a sparkline readable: one a day
// up to a month, then one a week up to a year, then 30 days, then years. unit names what
// a column holds ("day", "week", "30 days", "year").
func Buckets(days []DayCount) (unit string, out []Bucket) {
	size := bucketSizes[0]
	for _, s := range bucketSizes {
		size = s
		if (len(days)+s.days-1)/s.days <= s.columns {
			break
		}
	}
	for i, d := range days {
		if i%size.days == 0 {
			out = append(out, Bucket{From: d.Date})
		}
		b := &out[len(out)-1]
		b.Days++
		b.Count += d.Count
	}
	return size.unit, out
}

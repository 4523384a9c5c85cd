package hub

import (
	"context"
	"time"

	"github.com/oncall-sre/oncall/model"
	"github.com/oncall-sre/oncall/sources/gitlab"
)

// Report reads what happened since the earlier of the window's start and the budget
// window's, and computes the report of window at now. Temporary failures are tried again
// within the deadline (retry.go).
func (h *Hub) Report(ctx context.Context, window model.Window, now time.Time) (model.Report, error) {
	policy := h.cfg.Budget
	since := window.From
	if b := now.Add(-policy.Window); b.Before(since) {
		since = b
	}
	// A list cut short (more than gitlab.max_pages pages) is said in the report: its
	// figures count only what was read.
	ctx, notices := gitlab.CollectNotices(ctx)
	var d gitlab.ReportData
	err := h.retry(ctx, 3*h.cfg.Timeout, func(ctx context.Context) (err error) {
		d, err = h.gl.ReportData(ctx, since)
		return err
	})
	if err != nil {
		return model.Report{}, err
	}
	r := h.cfg.GitLab.Labels.NewReport(model.ReportInput{
		Window: window, Now: now, Incidents: d.Incidents, Changes: d.Changes, Oncall: d.Oncall, Budget: policy,
	})
	r.Notices = notices.List()
	return r, nil
}

package hub

import (
	"context"
	"time"

	"github.com/oncall-sre/oncall/model"
)

// Report reads what happened since the earlier of the window's start and the budget
// window's, and computes the report of window at now.
func (h *Hub) Report(ctx context.Context, window model.Window, now time.Time) (model.Report, error) {
	ctx, cancel := context.WithTimeout(ctx, 3*h.cfg.Timeout)
	defer cancel()
	policy := h.cfg.Budget
	since := window.From
	if b := now.Add(-policy.Window); b.Before(since) {
		since = b
	}
	d, err := h.gl.ReportData(ctx, since)
	if err != nil {
		return model.Report{}, h.redact(err)
	}
	return h.cfg.GitLab.Labels.NewReport(model.ReportInput{
		Window: window, Now: now, Incidents: d.Incidents, Changes: d.Changes, Oncall: d.Oncall, Budget: policy,
	}), nil
}

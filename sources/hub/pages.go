package hub

import (
	"context"

	"github.com/oncall-sre/oncall/model"
)

// The pages of the Pages pane: their detail, and acknowledging and resolving them.

// PagerDutyMe is the PagerDuty user oncall acts as (for "assigned to me" and to say who
// acts): the configured From, else the user key's own user. With an account-level key and
// no From it is a *model.PermanentError whose hint says to set pagerduty.from.
func (h *Hub) PagerDutyMe(ctx context.Context) (me model.Person, err error) {
	err = h.call(ctx, h.cfg.Timeout, func(ctx context.Context) (err error) {
		me, err = h.pd.Me(ctx)
		return err
	})
	return me, err
}

// PageDetail reads a page with its alerts and notes.
func (h *Hub) PageDetail(ctx context.Context, id string) (d model.PageDetail, err error) {
	err = h.call(ctx, h.cfg.Timeout, func(ctx context.Context) (err error) {
		d, err = h.pd.PageDetail(ctx, id)
		return err
	})
	return d, err
}

// AcknowledgePage acknowledges page id and returns it as PagerDuty then shows it. An
// acknowledged page is left alone; a resolved one is not reopened (a *model.PermanentError
// says so). A read-only key or a missing From is a *model.PermanentError with a hint.
func (h *Hub) AcknowledgePage(ctx context.Context, id string) (model.Page, error) {
	return h.setPageStatus(ctx, id, model.PageAcknowledged)
}

// ResolvePage resolves page id; a page already resolved is left alone.
func (h *Hub) ResolvePage(ctx context.Context, id string) (model.Page, error) {
	return h.setPageStatus(ctx, id, model.PageResolved)
}

func (h *Hub) setPageStatus(ctx context.Context, id, status string) (p model.Page, err error) {
	err = h.call(ctx, h.cfg.Timeout, func(ctx context.Context) (err error) {
		p, err = h.pd.SetStatus(ctx, id, status)
		return err
	})
	return p, err
}

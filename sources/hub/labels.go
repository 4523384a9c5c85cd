package hub

import "context"

// LabelWarnings checks, once, that every configured label exists in its project (GitLab's
// labels= filter is exact and case-sensitive, so a typo shows an empty list, not an error)
// and returns a warning for each one missing, naming the closest existing label. The answer
// is remembered after the first successful check; a failed check is tried again next time.
func (h *Hub) LabelWarnings(ctx context.Context) ([]string, error) {
	h.labelsMu.Lock()
	defer h.labelsMu.Unlock()
	if h.labels != nil {
		return h.labels, nil
	}
	var warnings []string
	err := h.call(ctx, h.cfg.Timeout, func(ctx context.Context) (err error) {
		warnings, err = h.gl.CheckLabels(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	h.labels = append([]string{}, warnings...) // non-nil: checked
	return h.labels, nil
}

// snapshotWarnings are the label warnings a snapshot shows; none while the check cannot
// run (the sources' own health already says why GitLab fails).
func (h *Hub) snapshotWarnings(ctx context.Context) []string {
	w, err := h.LabelWarnings(ctx)
	if err != nil || len(w) == 0 {
		return nil
	}
	return w
}

package gitlab

import (
	"context"
	"fmt"
	"sync"

	gl "gitlab.com/gitlab-org/api/client-go"
	"golang.org/x/sync/errgroup"

	"github.com/oncall-sre/oncall/sources/internal/guard"
)

// Paging never trusts the server: no allocation or loop is bounded by a header alone. A
// list reads at most maxPages pages; page numbers must strictly increase; and once the
// context is done no further request starts.

// pageFunc fetches page n (1-based) of a list.
type pageFunc[T any] func(ctx context.Context, n int64) ([]T, *gl.Response, error)

// allPages reads a list. When the first page tells the total (X-Total-Pages), the other
// pages are fetched at most parallel at a time; past 10,000 results GitLab omits the totals,
// and X-Next-Page is followed one page after the other. truncated is set when the list has
// more than maxPages pages: the caller keeps the first ones.
func allPages[T any](ctx context.Context, maxPages, parallel int, page pageFunc[T]) (items []T, truncated bool, err error) {
	first, resp, err := page(ctx, 1)
	if err != nil {
		return nil, false, err
	}
	if resp.TotalPages <= 1 {
		more, truncated, err := followPages(ctx, maxPages, 1, resp.NextPage, page, nil)
		return append(first, more...), truncated, err
	}
	last := min(resp.TotalPages, int64(maxPages)) // the header only ever lowers the bound
	pages := make([][]T, last+1)
	pages[1] = first
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(parallel, 1))
	for n := int64(2); n <= last && gctx.Err() == nil; n++ {
		guard.Go(g, "gitlab", func() (err error) {
			pages[n], _, err = page(gctx, n)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, false, err
	}
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	for _, p := range pages {
		items = append(items, p...)
	}
	return items, resp.TotalPages > last, nil
}

// followPages reads the pages after page cur (whose answer said next) one at a time, until
// there is no next page, stop says the items so far are enough, or maxPages pages were read
// (then truncated is set).
func followPages[T any](ctx context.Context, maxPages int, cur, next int64, page pageFunc[T], stop func([]T) bool) (items []T, truncated bool, err error) {
	for read := int(cur); next > 0; read++ { // read counts the pages, whatever their numbers say
		if next <= cur {
			return nil, false, fmt.Errorf("the server's paging goes back from page %d to page %d", cur, next)
		}
		if read >= maxPages {
			return items, true, nil
		}
		if err := ctx.Err(); err != nil {
			return nil, false, err
		}
		more, resp, err := page(ctx, next)
		if err != nil {
			return nil, false, err
		}
		items = append(items, more...)
		if stop != nil && stop(items) {
			return items, false, nil
		}
		cur, next = next, resp.NextPage
	}
	return items, false, nil
}

// Notices collects what a refresh wants the engineer to know although it succeeded, such as
// a list cut at the page limit.
type Notices struct {
	mu   sync.Mutex
	list []string
}

type noticesKey struct{}

// CollectNotices returns a context whose source calls report their notices into n.
func CollectNotices(ctx context.Context) (context.Context, *Notices) {
	n := &Notices{}
	return context.WithValue(ctx, noticesKey{}, n), n
}

// List returns the notices, each once, in the order they came.
func (n *Notices) List() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.list...)
}

func notice(ctx context.Context, msg string) {
	n, ok := ctx.Value(noticesKey{}).(*Notices)
	if !ok {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, m := range n.list {
		if m == msg {
			return
		}
	}
	n.list = append(n.list, msg)
}

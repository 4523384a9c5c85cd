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
// pages are fetched at most parallel at a time. Past 10,000 results GitLab omits the totals
// but keeps X-Next-Page and X-Per-Page (doc/api/rest/index.md, "Other pagination headers"),
// and offset pages can still be asked for by number up to the instance's offset limit
// (50,000 by default, doc/administration/instance_limits.md, "Max offset allowed by the REST
// API for offset-based pagination"; maxPages stays far below): so when a full first page
// says there is a next one, the following pages are read in waves of parallel pages, until
// one says it is the last. Keyset paging (pagination=keyset) would hand out one cursor at a
// time, one round trip per page. A first page that is not full, or a server that sends no
// X-Per-Page, is followed one page after the other. truncated is set when the list has more
// than maxPages pages: the caller keeps the first ones.
func allPages[T any](ctx context.Context, maxPages, parallel int, page pageFunc[T]) (items []T, truncated bool, err error) {
	first, resp, err := page(ctx, 1)
	if err != nil {
		return nil, false, err
	}
	switch {
	case resp.TotalPages > 1:
		return countedPages(ctx, maxPages, parallel, first, resp.TotalPages, page)
	case resp.NextPage == 2 && resp.ItemsPerPage > 0 && int64(len(first)) == resp.ItemsPerPage:
		return pageWaves(ctx, maxPages, parallel, first, page)
	}
	more, truncated, err := followPages(ctx, maxPages, 1, resp.NextPage, page, nil)
	return append(first, more...), truncated, err
}

// countedPages reads pages 2..total (at most maxPages) after first, parallel at a time.
func countedPages[T any](ctx context.Context, maxPages, parallel int, first []T, total int64, page pageFunc[T]) ([]T, bool, error) {
	last := min(total, int64(maxPages)) // the header only ever lowers the bound
	pages := make([][]T, last+1)
	pages[1] = first
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(parallel, 1))
	for n := int64(2); n <= last && gctx.Err() == nil; n++ {
		guard.Go(g, "gitlab", func() (err error) {
			if err := gctx.Err(); err != nil { // done while this page waited for a slot
				return err
			}
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
	return concat(pages), total > last, nil
}

// pageWaves reads the pages after a full first page whose total is unknown, parallel at a
// time, until a page says it is the last (no X-Next-Page) or maxPages were read. Every page
// must name the one after it as next: anything else is a server whose paging cannot be
// trusted.
func pageWaves[T any](ctx context.Context, maxPages, parallel int, first []T, page pageFunc[T]) ([]T, bool, error) {
	pages := [][]T{first}
	parallel = max(parallel, 1)
	for lo := int64(2); ; lo += int64(parallel) {
		if lo > int64(maxPages) {
			return concat(pages), true, nil // page maxPages said there is more
		}
		hi := min(lo+int64(parallel)-1, int64(maxPages))
		wave := make([][]T, hi-lo+1)
		next := make([]int64, hi-lo+1)
		g, gctx := errgroup.WithContext(ctx)
		for n := lo; n <= hi && gctx.Err() == nil; n++ {
			guard.Go(g, "gitlab", func() error {
				if err := gctx.Err(); err != nil {
					return err
				}
				items, resp, err := page(gctx, n)
				if err == nil {
					wave[n-lo], next[n-lo] = items, resp.NextPage
				}
				return err
			})
		}
		if err := g.Wait(); err != nil {
			return nil, false, err
		}
		if err := ctx.Err(); err != nil {
			return nil, false, err
		}
		for i, items := range wave {
			n := lo + int64(i)
			pages = append(pages, items)
			switch next[i] {
			case 0:
				return concat(pages), false, nil // the last page; any after it are empty
			case n + 1:
			default:
				return nil, false, fmt.Errorf("the server's paging goes from page %d to page %d", n, next[i])
			}
		}
	}
}

func concat[T any](pages [][]T) []T {
	n := 0
	for _, p := range pages {
		n += len(p)
	}
	out := make([]T, 0, n)
	for _, p := range pages {
		out = append(out, p...)
	}
	return out
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

package pagerduty

import (
	"context"
	"errors"
	"fmt"
)

const (
	// pageLimit is the page size of every list call. It must not be zero: the client omits
	// a zero limit, the server then uses 25, and offset += 0 would loop for ever.
	pageLimit = 100
	// maxPages bounds one list: a server that says more: true for ever is read for at most
	// maxPages pages (MaxListed items), never further.
	maxPages = 100
	// MaxListed is the most items oncall reads of one PagerDuty list.
	MaxListed = pageLimit * maxPages
)

// errRepeated: a page brought nothing new, so the server ignores the offset; reading on
// would only repeat it.
var errRepeated = errors.New("PagerDuty repeated a page of results (it ignores the offset)")

// listAll walks one list's offset paging, offset += pageLimit while the server says more.
// It trusts the server for nothing: the offset is ours and always advances, a page larger
// than asked or one with nothing new (a server repeating itself) is an error, the walk
// stops after maxPages pages (truncated) and as soon as ctx is done. Items are kept once
// each, by key: a list that shifts between two pages does not show an item twice.
func listAll[T any](ctx context.Context, key func(T) string, get func(ctx context.Context, offset uint) ([]T, bool, error)) (out []T, truncated bool, err error) {
	seen := map[string]bool{}
	for page := uint(0); page < maxPages; page++ {
		if err := ctx.Err(); err != nil {
			return nil, false, describe(err, call{})
		}
		items, more, err := get(ctx, page*pageLimit)
		if err != nil {
			return nil, false, err
		}
		if len(items) > pageLimit {
			return nil, false, fmt.Errorf("PagerDuty sent %d items where %d were asked", len(items), pageLimit)
		}
		fresh := 0
		for _, it := range items {
			if k := key(it); !seen[k] {
				seen[k] = true
				out = append(out, it)
				fresh++
			}
		}
		if !more {
			return out, false, nil
		}
		if fresh == 0 {
			return nil, false, errRepeated
		}
	}
	return out, true, nil
}

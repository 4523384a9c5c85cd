// Package guard keeps a panic inside an API client from taking the program down: the
// clients panic on some malformed answers, and a source must fail, not crash.
package guard

import (
	"fmt"

	"golang.org/x/sync/errgroup"
)

// Recover, deferred, turns a panic into *err.
func Recover(source string, err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%s: malformed response (%v)", source, r)
	}
}

// Go runs f in g with Recover: errgroup does not carry a goroutine's panic to Wait.
func Go(g *errgroup.Group, source string, f func() error) {
	g.Go(func() (err error) {
		defer Recover(source, &err)
		return f()
	})
}

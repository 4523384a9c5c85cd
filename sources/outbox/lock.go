package outbox

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"

	"github.com/oncall-sre/oncall/sources/internal/pace"
	"github.com/oncall-sre/oncall/sources/store"
)

// lock takes the exclusive lock on the outbox (flock on outbox.lock in the state directory),
// waiting at most LockWait for another process (or another flush of this one: flock locks
// belong to open files) to finish. ok is false when the lock stayed taken: the caller leaves
// the work to its holder. The kernel drops the lock if the holder dies, even by kill -9.
func (o *Outbox) lock(ctx context.Context) (unlock func(), ok bool, err error) {
	path := filepath.Join(o.Store.Dir(), "outbox.lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		// A read-only state directory still lets an existing lock file be locked.
		if f, err = os.Open(path); err != nil {
			return nil, false, fmt.Errorf("lock the outbox: %s: %w", store.Reason(err), err)
		}
	}
	wait := o.LockWait
	if wait <= 0 {
		wait = 5 * time.Second
	}
	deadline := time.Now().Add(wait) // a real wait for a real process: the wall clock
	pause := 10 * time.Millisecond
	fd := int(f.Fd())
	for {
		err := unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB)
		switch {
		case err == nil:
			return func() { _ = unix.Flock(fd, unix.LOCK_UN); f.Close() }, true, nil
		case !errors.Is(err, unix.EWOULDBLOCK) && !errors.Is(err, unix.EINTR):
			f.Close()
			return nil, false, fmt.Errorf("lock the outbox: %w", err)
		case ctx.Err() != nil:
			f.Close()
			return nil, false, ctx.Err() // given up on (quit, a deadline): nobody else holds it
		case !time.Now().Before(deadline):
			f.Close()
			return nil, false, nil
		}
		_ = pace.Sleep(ctx, min(pause, time.Until(deadline)))
		pause = min(2*pause, 100*time.Millisecond)
	}
}

package store

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/oncall-sre/oncall/model"
)

// SaveError is a write that did not happen. Its text is short enough for a status line
// ("not saved: no space left on device"); the chain keeps the file and the errno.
type SaveError struct{ Err error }

func (e *SaveError) Error() string { return "not saved: " + Reason(e.Err) }
func (e *SaveError) Unwrap() error { return e.Err }

// Reason is the few words that say why a file operation failed ("read-only file system",
// "no space left on device", "permission denied"), without the path.
func Reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err.Error()
	}
	return err.Error()
}

// tempFile is what writeAtomic writes through; tests replace newTemp to fill the disk.
type tempFile interface {
	io.Writer
	Sync() error
	Close() error
	Name() string
}

var newTemp = func(dir, pattern string) (tempFile, error) { return os.CreateTemp(dir, pattern) }

// writeAtomic writes data to path so that path holds either its old content or all of data.
func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := newTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return &SaveError{err}
	}
	tmp := f.Name()
	defer os.Remove(tmp) // a no-op after the rename
	if _, err := f.Write(data); err != nil {
		f.Close()
		return &SaveError{err}
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return &SaveError{err}
	}
	if err := f.Close(); err != nil {
		return &SaveError{err}
	}
	if err := os.Rename(tmp, path); err != nil {
		return &SaveError{err}
	}
	// Make the rename itself durable.
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// Errors of ReadRegular, for errors.Is.
var (
	ErrNotRegular = errors.New("not a regular file")
	ErrTooLarge   = errors.New("too large")
)

// FileError is a file ReadRegular refused: Why says it in words ("a named pipe (FIFO), not
// a regular file; ..."), Err is ErrNotRegular or ErrTooLarge.
type FileError struct {
	Path string
	Why  string
	Err  error
}

func (e *FileError) Error() string { return e.Path + ": " + e.Why }
func (e *FileError) Unwrap() error { return e.Err }

// ReadRegular reads a regular file of at most limit bytes. A FIFO, a device (/dev/zero),
// a socket or a directory is refused before it is opened, so it can neither hang nor
// fill memory; a file that grows past limit while it is read is refused too. Refusals are
// *FileError.
func ReadRegular(path string, limit int64) ([]byte, error) {
	f, err := OpenRegular(path, limit)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, tooLarge(path, int64(len(b)), limit)
	}
	return b, nil
}

// OpenRegular opens a regular file of at most limit bytes, refusing anything else as
// ReadRegular does; the caller reads it (at most limit bytes) and closes it.
func OpenRegular(path string, limit int64) (*os.File, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := checkRegular(path, st, limit); err != nil {
		return nil, err
	}
	// O_NONBLOCK: if a FIFO was swapped in after the Stat, opening it does not wait for a
	// writer, and the Fstat below refuses it.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	if st, err = f.Stat(); err != nil {
		f.Close()
		return nil, err
	}
	if err := checkRegular(path, st, limit); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func checkRegular(path string, st fs.FileInfo, limit int64) error {
	if !st.Mode().IsRegular() {
		return &FileError{Path: path, Why: kind(st.Mode()) + ", not a regular file; oncall reads only regular files", Err: ErrNotRegular}
	}
	if st.Size() > limit {
		return tooLarge(path, st.Size(), limit)
	}
	return nil
}

func tooLarge(path string, size, limit int64) error {
	what := Size(size)
	if size > limit && what == Size(limit) {
		what = "more than that" // a file that grew while it was read
	}
	return &FileError{Path: path, Why: fmt.Sprintf("%s, larger than %s, the most oncall reads there", what, Size(limit)), Err: ErrTooLarge}
}

func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "a special file"
}

// Size says n bytes in the unit people use for it: "1 MB", "4 KB", "1,047,552 bytes".
func Size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KB"
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	}
	return model.Thousands(n) + " bytes"
}

//go:build !linux

package main

import (
	"errors"
	"os"
	"syscall"
	"time"
)

var errNotLinux = errors.New("needs Linux (a pty from /dev/ptmx, /proc)")

func openPTY(cols, rows uint16) (*os.File, *os.File, error) { return nil, nil, errNotLinux }

func ttyAttr() *syscall.SysProcAttr { return nil }

func cpuTime(pid int) (time.Duration, error) { return 0, errNotLinux }

func memory(pid int) (int64, int64, error) { return 0, 0, errNotLinux }

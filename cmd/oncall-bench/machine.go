package main

import (
	"os"
	"runtime"
	"strings"
)

// machine is what the figures were measured on, for the README.
type machine struct {
	cpu    string // model name
	cores  int
	memory string // total, as /proc/meminfo says
	os     string // kernel release, architecture
	goVer  string
}

func describeMachine() machine {
	m := machine{cpu: "unknown CPU", cores: runtime.NumCPU(), goVer: runtime.Version(), os: runtime.GOOS + "/" + runtime.GOARCH}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		if v, ok := procField(string(b), "model name"); ok {
			m.cpu = v
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		if v, ok := procField(string(b), "MemTotal"); ok {
			m.memory = v
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.os = runtime.GOOS + " " + strings.TrimSpace(string(b)) + " " + runtime.GOARCH
	}
	return m
}

// procField is the value of the first "key: value" line of a /proc file with that key.
func procField(text, key string) (string, bool) {
	for _, line := range strings.Split(text, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v), true
		}
	}
	return "", false
}

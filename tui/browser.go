package tui

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
)

// o opens the selected item in the browser; y copies its address (OSC 52, which works over
// SSH). Opening never disturbs the screen: the opener's output is discarded and it runs in
// a session of its own; with no opener (over SSH, say), the address is shown instead.

type openedMsg struct {
	url  string
	err  error
	none bool // no opener here: the address is shown instead
}

// opener is the command that opens a URL here: $BROWSER (a list separated by colons, as
// xdg-utils reads it), else the platform's opener; "" when there is none, or when over SSH
// nothing would open on the engineer's screen.
func opener() string {
	for _, b := range strings.Split(os.Getenv("BROWSER"), ":") {
		if b = strings.TrimSpace(b); b != "" {
			if _, err := exec.LookPath(strings.Fields(b)[0]); err == nil {
				return b
			}
		}
	}
	if os.Getenv("SSH_CONNECTION") != "" || os.Getenv("SSH_TTY") != "" {
		return ""
	}
	name := "xdg-open"
	if runtime.GOOS == "darwin" {
		name = "open"
	}
	if _, err := exec.LookPath(name); err != nil {
		return ""
	}
	return name
}

// openURL opens url with the opener, detached: its own session, no terminal, output
// discarded. The opener is looked for ($PATH) and waited for (xdg-open returns once the
// browser has it) off the UI goroutine, for openerWait at the most: a $BROWSER that is the
// browser itself returns only when the browser quits, and is left to run.
func (m *Model) openURL(url string) tea.Cmd {
	if url == "" {
		m.say("this item has no address")
		return nil
	}
	find := opener
	if m.opts.Opener != nil {
		find = m.opts.Opener
	}
	m.say("opening " + url)
	return func() tea.Msg {
		cmdline := find()
		if cmdline == "" {
			return openedMsg{url: url, none: true}
		}
		args := append(strings.Fields(cmdline), url)
		c := exec.Command(args[0], args[1:]...)
		c.Stdin, c.Stdout, c.Stderr = nil, nil, nil // /dev/null: nothing reaches the screen
		c.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		if err := c.Start(); err != nil {
			return openedMsg{url: url, err: err}
		}
		done := make(chan error, 1)
		go func() { done <- c.Wait() }()
		select {
		case err := <-done:
			return openedMsg{url: url, err: err}
		case <-time.After(openerWait):
			return openedMsg{url: url}
		}
	}
}

// openerWait is how long an opener's failure is waited for.
var openerWait = 10 * time.Second // a variable for the tests

// copyURL puts url in the clipboard through the terminal (OSC 52).
func (m *Model) copyURL(url string) tea.Cmd {
	if url == "" {
		m.say("this item has no address")
		return nil
	}
	m.say("copied " + url)
	return tea.SetClipboard(url)
}

package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// within fails the test if fn does not return in d (generous: a busy CI machine).
func within(t *testing.T, d time.Duration, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); fn() }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("still running after %s", d)
	}
}

func TestConfigIsReadOnlyFromABoundedRegularFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "config.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.yaml")
	_ = os.WriteFile(big, []byte("theme: dark\n"+strings.Repeat("# padding\n", 110_000)), 0o600)
	for path, says := range map[string]string{
		fifo:        "a named pipe (FIFO), not a regular file",
		"/dev/zero": "a character device, not a regular file",
		dir:         "a directory, not a regular file",
		big:         "1.0 MB, larger than 1 MB",
	} {
		within(t, 10*time.Second, func() {
			_, err := Load(path)
			if err == nil || !strings.Contains(err.Error(), path+": cannot read the config: ") || !strings.Contains(err.Error(), says) {
				t.Errorf("%s: %v; want %q", path, err, says)
			}
		})
	}
}

func TestTokenFileIsBounded(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "token.fifo")
	_ = syscall.Mkfifo(fifo, 0o600)
	big := filepath.Join(dir, "token")
	_ = os.WriteFile(big, []byte(strings.Repeat("x", 5000)), 0o600)
	for file, says := range map[string]string{fifo: "a named pipe (FIFO)", "/dev/zero": "a character device", big: "5,000 bytes, larger than 4 KB"} {
		within(t, 10*time.Second, func() {
			c, err := Parse("c.yaml", []byte("gitlab:\n  token_file: "+file+"\n"))
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = c.Tokens()
			if err == nil || !strings.Contains(err.Error(), "gitlab.token_file: "+file+": ") || !strings.Contains(err.Error(), says) {
				t.Errorf("%s: %v; want %q", file, err, says)
			}
		})
	}
}

// mergeBomb is a YAML "billion laughs" with merge keys: each level merges the one before
// twice, so 40 levels in about 2.5 KB expand to 2^40 values.
func mergeBomb(levels int) string {
	var b strings.Builder
	b.WriteString("x0: &x0 {a: 1, b: 2}\n")
	for i := 1; i < levels; i++ {
		fmt.Fprintf(&b, "x%d: &x%d {<<: [*x%d, *x%d], k%d: %d}\n", i, i, i-1, i-1, i, i)
	}
	return b.String()
}

func TestYAMLBombsAreRefusedFast(t *testing.T) {
	listBomb := "a: &a [x, x, x, x, x, x, x, x, x]\n"
	for i, c := range "bcdefghi" {
		prev := string("abcdefghi"[i])
		listBomb += fmt.Sprintf("%c: &%c [%s]\n", c, c, strings.TrimSuffix(strings.Repeat("*"+prev+", ", 9), ", "))
	}
	bombs := map[string]string{
		"merge keys": mergeBomb(40),
		"lists":      listBomb,
		"nesting":    strings.Repeat("[", 500_000),
	}
	for name, doc := range bombs {
		within(t, 10*time.Second, func() {
			_, err := Parse("bomb.yaml", []byte(doc))
			if err == nil || !strings.Contains(err.Error(), "bomb.yaml: the config") {
				t.Errorf("%s (%d bytes): %v", name, len(doc), err)
			}
		})
	}
	if len(bombs["merge keys"]) > 3000 {
		t.Errorf("the merge bomb is %d bytes; the issue's was 2.9 KB", len(bombs["merge keys"]))
	}
}

func people(n int) []byte {
	var b strings.Builder
	b.WriteString("people:\n")
	for i := range n {
		fmt.Fprintf(&b, "  u%d@x.io: u%d\n", i, i)
	}
	return []byte(b.String())
}

func TestManyPeopleAreRefusedFastAndTheMostThatIsReadIsRead(t *testing.T) {
	for _, n := range []int{40_000, 1_500_000} {
		within(t, 10*time.Second, func() {
			_, err := Parse("c.yaml", people(n))
			if err == nil || !strings.Contains(err.Error(), "c.yaml: the config") {
				t.Errorf("%d people: %v", n, err)
			}
		})
	}
	within(t, 30*time.Second, func() {
		c, err := Parse("c.yaml", people(MaxEntries-10))
		if err != nil || len(c.People) != MaxEntries-10 {
			t.Errorf("%d people: %v", MaxEntries-10, err)
		}
	})
	// Thousands of bad entries: a bounded list of problems, quickly.
	bad := strings.ReplaceAll(string(people(MaxEntries-10)), "@", "-at-")
	within(t, 30*time.Second, func() {
		_, err := Parse("c.yaml", []byte(bad))
		var errs Errors
		if !errors.As(err, &errs) || len(errs) != maxReported+1 || !strings.Contains(errs[len(errs)-1].Msg, "more problems like these") {
			t.Errorf("%d problems; last %v", len(errs), errs[len(errs)-1])
		}
	})
}

func TestDurationsDoNotWrapAround(t *testing.T) {
	for _, v := range []string{"300000d", "106752d", "99999999999999999999d", "9999999999h", "2562048h"} {
		if _, err := ParseDuration(v); !errors.Is(err, ErrOutOfRange) {
			t.Errorf("%s: %v; want out of range", v, err)
		}
	}
	if d, err := ParseDuration("106751d"); err != nil || d <= 0 {
		t.Errorf("the longest duration: %v %v", d, err)
	}
	_, err := Parse("c.yaml", []byte("budget:\n  window: 300000d\n"))
	if err == nil || !strings.Contains(err.Error(), `budget.window: "300000d" is out of range`) {
		t.Errorf("budget window: %v", err)
	}
}

func TestACommentedOutConfigMeansTheDefaults(t *testing.T) {
	for _, doc := range []string{"# gitlab:\n#   url: https://gitlab.example.com\n", "---\n"} {
		c, err := Parse("c.yaml", []byte(doc))
		if err != nil || len(c.Rotation) != 2 || c.Refresh != time.Minute {
			t.Errorf("%q: %v %+v", doc, err, c)
		}
	}
}

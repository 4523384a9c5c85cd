package config

import (
	_ "embed"
	"strings"

	"github.com/oncall-sre/oncall/tui"
)

//go:embed example.yaml
var example string

// Example is the commented example config that `oncall config init` writes: every key with
// its default, the names of the key bindings filled in from the dashboard itself.
func Example() string {
	var lines []string
	line := "#  "
	for _, name := range tui.KeyNames() {
		if len(line)+1+len(name) > 92 {
			lines, line = append(lines, line), "#  "
		}
		line += " " + name
	}
	lines = append(lines, line)
	return strings.Replace(example, "{{KEY NAMES}}", strings.Join(lines, "\n"), 1)
}

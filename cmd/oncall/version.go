package main

import (
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// versionText says which oncall this is, from what the Go toolchain stamped into the
// binary: the module version (a release tag, a pseudo-version, or "(devel)" for a build
// of a checkout without one), and the VCS commit, its time and whether the work tree had
// changes. One line, then the Go version.
func versionText(bi *debug.BuildInfo, ok bool) string {
	if !ok || bi == nil {
		return "oncall (devel): no build information in this binary\n"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)" // go test and go run of a package leave it empty
	}
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	var b strings.Builder
	fmt.Fprintf(&b, "oncall %s", v)
	if rev := settings["vcs.revision"]; rev != "" {
		fmt.Fprintf(&b, ", commit %s", rev[:min(12, len(rev))])
		if t, err := time.Parse(time.RFC3339, settings["vcs.time"]); err == nil {
			fmt.Fprintf(&b, " of %s", t.UTC().Format("2006-01-02 15:04 UTC"))
		}
		if settings["vcs.modified"] == "true" {
			b.WriteString(", with uncommitted changes")
		}
	} else if v == "(devel)" {
		b.WriteString(", built without version control information")
	}
	fmt.Fprintf(&b, "\n%s\n", bi.GoVersion)
	return b.String()
}

func currentVersion() string { return versionText(debug.ReadBuildInfo()) }

func newVersionCmd(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print oncall's version: module version, commit and its time (also --version)",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := io.WriteString(stdout, currentVersion())
			return err
		},
	}
}

package config

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/oncall-sre/oncall/tui"
)

// The example config parses with the real loader and says exactly the defaults.
func TestTheExampleParsesToTheDefaults(t *testing.T) {
	got, err := Parse("example.yaml", []byte(Example()))
	if err != nil {
		t.Fatal(err)
	}
	want, err := Parse("", nil)
	if err != nil {
		t.Fatal(err)
	}
	got.Path = ""
	for _, c := range []*Config{got, want} {
		if len(c.Keys) == 0 {
			c.Keys = nil
		}
		if len(c.People) == 0 {
			c.People = nil
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the example differs from the defaults:\n got %+v\nwant %+v", got, want)
	}
}

// Every key of the config, and every key binding's name, is in the example.
func TestTheExampleDocumentsEveryKey(t *testing.T) {
	ex := Example()
	for _, key := range yamlKeys(reflect.TypeOf(File{})) {
		if !regexp.MustCompile(`(?m)(^|[\s{,#])` + regexp.QuoteMeta(key) + `:`).MatchString(ex) {
			t.Errorf("the example does not document %q", key)
		}
	}
	for _, name := range tui.KeyNames() {
		if !regexp.MustCompile(`(?m)^#.*\s` + name + `(\s|$)`).MatchString(ex) {
			t.Errorf("the example does not name the key binding %q", name)
		}
	}
	if strings.Contains(ex, "{{") {
		t.Error("a placeholder was left in the example")
	}
}

// yamlKeys lists the yaml keys of t and of the structs inside it.
func yamlKeys(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		out = append(out, name)
		ft := f.Type
		if ft.Kind() == reflect.Slice {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct {
			out = append(out, yamlKeys(ft)...)
		}
	}
	return out
}

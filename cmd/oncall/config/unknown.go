package config

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/oncall-sre/oncall/model"
)

// unknownKeys finds every key of the document that File has no field for, at any depth,
// each with its full path ("labels.incidnet", "rotation[1].regoin"), its line, and the
// known key it most likely meant. The strict decoder stops at the first unknown key and
// names only its last part; this says all of them, where they are, and what to write.
func unknownKeys(doc *ast.File) Errors {
	if doc == nil || len(doc.Docs) == 0 || doc.Docs[0] == nil {
		return nil
	}
	var errs Errors
	walkKeys(doc.Docs[0].Body, reflect.TypeFor[File](), "", &errs)
	return errs
}

// walkKeys checks the keys of n against t (a struct's fields; a map takes any key).
func walkKeys(n ast.Node, t reflect.Type, path string, errs *Errors) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch n := n.(type) {
	case *ast.TagNode:
		walkKeys(n.Value, t, path, errs)
	case *ast.AnchorNode:
		walkKeys(n.Value, t, path, errs)
	case *ast.SequenceNode:
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			for i, v := range n.Values {
				walkKeys(v, t.Elem(), fmt.Sprintf("%s[%d]", path, i), errs)
			}
		}
	case *ast.MappingValueNode:
		walkEntries([]*ast.MappingValueNode{n}, t, path, errs)
	case *ast.MappingNode:
		walkEntries(n.Values, t, path, errs)
	}
	// Aliases are measured by guardAliases and decoded strictly: the decoder catches an
	// unknown key that only an alias brings in.
}

func walkEntries(entries []*ast.MappingValueNode, t reflect.Type, path string, errs *Errors) {
	fields := yamlFields(t)
	for _, e := range entries {
		if e == nil || e.Key == nil || e.Key.IsMergeKey() {
			continue
		}
		name := keyName(e.Key)
		key := join(path, name)
		switch {
		case t.Kind() == reflect.Map:
			walkKeys(e.Value, t.Elem(), key, errs)
		case t.Kind() != reflect.Struct:
			// a mapping where a value is wanted: the decoder says so
		case fields[name] != nil:
			walkKeys(e.Value, fields[name], key, errs)
		default:
			*errs = append(*errs, &Error{Line: e.Key.GetToken().Position.Line, Key: key, Msg: unknownMsg(path, name, fields)})
		}
	}
}

// unknownMsg says that name is not a key of the section at path, and what it may have meant.
func unknownMsg(path, name string, fields map[string]reflect.Type) string {
	known := make([]string, 0, len(fields))
	for k := range fields {
		known = append(known, k)
	}
	sort.Strings(known)
	if best := closest(name, known); best != "" {
		return fmt.Sprintf("is not a key oncall knows; did you mean %s?", join(path, best))
	}
	section := "the top level"
	if path != "" {
		section = path
	}
	return fmt.Sprintf("is not a key oncall knows; %s takes %s (the README lists every key)", section, strings.Join(known, ", "))
}

// yamlFields maps the YAML names of a struct's fields to their types.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	if t.Kind() != reflect.Struct {
		return out
	}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = f.Type
	}
	return out
}

func keyName(k ast.MapKeyNode) string {
	if s, ok := k.(ast.ScalarNode); ok {
		return fmt.Sprint(s.GetValue())
	}
	if mk, ok := k.(*ast.MappingKeyNode); ok && mk.Value != nil {
		if s, ok := mk.Value.(ast.ScalarNode); ok {
			return fmt.Sprint(s.GetValue())
		}
	}
	return k.String()
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// closest is the known key nearest to name, when it is near enough to be a slip of the
// keyboard: one edit for short keys, two from five letters on (a swap of two letters is one
// edit). Case is ignored. "" when nothing is that near.
func closest(name string, known []string) string {
	limit := 1
	if len(name) >= 5 {
		limit = 2
	}
	best, bestD := "", limit+1
	for _, k := range known {
		if diff := len(name) - len(k); diff > limit || -diff > limit {
			continue // too far apart in length alone (and a long key costs nothing)
		}
		if d := model.EditDistance(strings.ToLower(name), k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

package config

import (
	"fmt"
	"sort"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/token"

	"github.com/oncall-sre/oncall/sources/store"
)

// Bounds on what the config may hold. The YAML library (goccy/go-yaml) parses the entries
// of one mapping recursively and in quadratic time (40,000 people: entries took 14 s,
// 1.5 million overflowed the stack), and expands aliases without a limit (a 2.9 KB
// merge-key bomb took 27 s). It offers no option for either, so the document is measured
// before it is parsed (a linear scan of its tokens) and before it is decoded (its size with
// aliases expanded), and refused with a clear error past these bounds.
const (
	MaxSize     = 1 << 20 // bytes of config
	MaxEntries  = 5000    // mapping entries and sequence items, all levels together
	MaxDepth    = 64      // nesting of flow collections, [ ] and { }
	MaxExpanded = 50000   // values once every alias is expanded
	maxReported = 50      // problems reported one by one; the rest are counted
)

// guardSize refuses a document too large or too nested to parse quickly.
func guardSize(name string, data []byte) error {
	if len(data) > MaxSize {
		return &Error{Path: name, Msg: fmt.Sprintf("the config is %s, larger than %s, the most oncall reads", store.Size(int64(len(data))), store.Size(MaxSize))}
	}
	entries, depth, deepest := 0, 0, 0
	for _, tk := range lexer.Tokenize(string(data)) {
		switch tk.Type {
		case token.MappingValueType, token.SequenceEntryType, token.CollectEntryType:
			entries++
		case token.SequenceStartType, token.MappingStartType:
			depth++
			deepest = max(deepest, depth)
		case token.SequenceEndType, token.MappingEndType:
			depth--
		}
	}
	if entries > MaxEntries {
		return &Error{Path: name, Msg: fmt.Sprintf("the config has %d entries; oncall reads at most %d (people: needs only the engineers of the rotation)", entries, MaxEntries)}
	}
	if deepest > MaxDepth {
		return &Error{Path: name, Msg: fmt.Sprintf("the config nests [ ] or { } %d deep; oncall reads at most %d", deepest, MaxDepth)}
	}
	return nil
}

// guardAliases refuses a document whose aliases expand to more than MaxExpanded values.
func guardAliases(name string, doc *ast.File) error {
	m := &measure{anchors: map[string]int{}}
	total := 0
	for _, d := range doc.Docs {
		total = m.add(total, m.size(d))
	}
	if total > MaxExpanded {
		return &Error{Path: name, Msg: fmt.Sprintf("the config's YAML aliases (*name) expand to more than %d values; write the values out, or use fewer aliases", MaxExpanded)}
	}
	return nil
}

// measure counts the values of a node with its aliases expanded, stopping past
// MaxExpanded; an anchor's size is remembered, so each node is visited once.
type measure struct {
	anchors map[string]int
}

func (m *measure) add(a, b int) int { return min(a+b, MaxExpanded+1) }

func (m *measure) size(n ast.Node) int {
	switch n := n.(type) {
	case nil:
		return 0
	case *ast.DocumentNode:
		return m.size(n.Body)
	case *ast.MappingNode:
		total := 1
		for _, v := range n.Values {
			total = m.add(total, m.size(v))
		}
		return total
	case *ast.MappingValueNode:
		return m.add(m.size(n.Key), m.size(n.Value))
	case *ast.MappingKeyNode:
		return m.size(n.Value)
	case *ast.SequenceNode:
		total := 1
		for _, v := range n.Values {
			total = m.add(total, m.size(v))
		}
		return total
	case *ast.SequenceEntryNode:
		return m.size(n.Value)
	case *ast.TagNode:
		return m.size(n.Value)
	case *ast.AnchorNode:
		s := m.size(n.Value)
		if n.Name != nil {
			m.anchors[n.Name.String()] = s
		}
		return s
	case *ast.AliasNode:
		if n.Value != nil {
			if s, ok := m.anchors[n.Value.String()]; ok {
				return s
			}
		}
		return 1
	}
	return 1
}

// placed gives each problem its file and line and sorts them by line; past maxReported,
// the rest are counted in one last line (finding a line is not free, and nobody reads
// 5,000 of them).
func placed(errs Errors, name string, doc *ast.File) Errors {
	more := 0
	if len(errs) > maxReported {
		more, errs = len(errs)-maxReported, errs[:maxReported]
	}
	for _, e := range errs {
		e.Path = name
		if e.Line == 0 {
			e.Line = lineOf(doc, e.Key)
		}
	}
	sort.SliceStable(errs, func(a, b int) bool { return errs[a].Line < errs[b].Line })
	if more > 0 {
		errs = append(errs, &Error{Path: name, Msg: fmt.Sprintf("and %d more problems like these", more)})
	}
	return errs
}

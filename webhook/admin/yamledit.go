package admin

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// counterFields are the fields of a counter the console's form edits, in
// the order shown.
var counterFields = []string{"name", "phone", "hours", "reservation"}

// counterForm is one counter as the form shows it.
type counterForm struct {
	Index  int
	ID     string
	Values map[string]string
}

// counters reads the counters of a municipality's YAML for the form. A
// counter that refers to a contact (contact: <id>) shows the contact's
// phone: the number lives there, once.
func readCounters(src string) ([]counterForm, error) {
	var root yaml.Node
	seq, err := countersNode(src, &root)
	if err != nil {
		return nil, err
	}
	var out []counterForm
	for i, item := range seq.Content {
		cf := counterForm{Index: i, Values: map[string]string{}}
		if item.Kind == yaml.MappingNode {
			for j := 0; j+1 < len(item.Content); j += 2 {
				k, v := item.Content[j].Value, resolve(item.Content[j+1])
				if k == "id" {
					cf.ID = v.Value
				}
				for _, f := range counterFields {
					if k == f {
						cf.Values[f] = v.Value
					}
				}
			}
			if c := contactOf(&root, item); c != nil {
				cf.Values["phone"] = mapValue(c, "phone")
			}
		}
		out = append(out, cf)
	}
	return out, nil
}

// mapValue returns the scalar value of key in the mapping m, "" when absent.
func mapValue(m *yaml.Node, key string) string {
	for j := 0; j+1 < len(m.Content); j += 2 {
		if m.Content[j].Value == key {
			return resolve(m.Content[j+1]).Value
		}
	}
	return ""
}

// contactOf returns the contact mapping a counter refers to by id
// (contact: <id>), from the file's contacts: or its written-out contact:,
// or nil when the counter refers to none there (or has a phone of its own).
func contactOf(root *yaml.Node, item *yaml.Node) *yaml.Node {
	id := mapValue(item, "contact")
	if id == "" || root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return nil
	}
	for j := 0; j+1 < len(item.Content); j += 2 {
		if item.Content[j].Value == "phone" {
			return nil
		}
	}
	m := root.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i].Value, m.Content[i+1]
		switch {
		case k == "contacts" && v.Kind == yaml.SequenceNode:
			for _, c := range v.Content {
				if c.Kind == yaml.MappingNode && mapValue(c, "id") == id {
					return c
				}
			}
		case k == "contact" && v.Kind == yaml.MappingNode && mapValue(v, "id") == id:
			return v
		}
	}
	return nil
}

func resolve(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

// countersNode parses src (into root when not nil) and returns its
// counters sequence.
func countersNode(src string, root *yaml.Node) (*yaml.Node, error) {
	if root == nil {
		root = &yaml.Node{}
	}
	if err := yaml.Unmarshal([]byte(src), root); err != nil {
		return nil, err
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("the YAML is not a mapping")
	}
	m := root.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "counters" && m.Content[i+1].Kind == yaml.SequenceNode {
			return m.Content[i+1], nil
		}
	}
	return nil, errors.New("the YAML has no counters")
}

// setCounters returns src with the counters' form fields set to edits
// (counter index → field → value); a field that changes no value is left
// as written. An empty value removes the field (the page is silent on it).
// Each change is made on its own line of the text, so that the rest of the
// file (comments, anchors, layout) stays byte for byte and the diff shows
// only the edit; a value written over several lines (a block scalar) makes
// it re-encode the whole document instead.
func setCounters(src string, edits map[int]map[string]string) (string, error) {
	var root yaml.Node
	seq, err := countersNode(src, &root)
	if err != nil {
		return "", err
	}
	lines := strings.SplitAfter(src, "\n")
	type lineEdit struct {
		line   int    // 0-based
		col    int    // 0-based start of the value; -1 removes the line
		insert string // a whole new line to insert after line
		value  string
	}
	var les []lineEdit
	structural := false // an edit the line edits cannot make
	changed := false
	// A counter's phone that refers to a contact is the contact's: edited
	// there, once, whichever counter's field changed it (a field showing
	// the number as it was changes nothing).
	origPhone := map[*yaml.Node]string{}
	for _, item := range seq.Content {
		if c := contactOf(&root, item); c != nil {
			origPhone[c] = mapValue(c, "phone")
		}
	}
	for i, fields := range edits {
		if i < 0 || i >= len(seq.Content) || seq.Content[i].Kind != yaml.MappingNode {
			return "", fmt.Errorf("no counter %d", i)
		}
		counter := seq.Content[i]
		contact := contactOf(&root, counter)
		for _, f := range counterFields {
			val, ok := fields[f]
			if !ok {
				continue
			}
			item := counter
			if f == "phone" && contact != nil {
				if val == origPhone[contact] {
					continue
				}
				item = contact
			}
			found := false
			for j := 0; j+1 < len(item.Content); j += 2 {
				k := item.Content[j]
				if k.Value != f {
					continue
				}
				found = true
				raw := item.Content[j+1]
				if resolve(raw).Value == val {
					break
				}
				changed = true
				if !oneLine(lines, raw) || k.Line != raw.Line {
					structural = true
				}
				if val == "" {
					item.Content = append(item.Content[:j], item.Content[j+2:]...)
					les = append(les, lineEdit{line: k.Line - 1, col: -1})
				} else {
					item.Content[j+1] = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: val}
					les = append(les, lineEdit{line: raw.Line - 1, col: raw.Column - 1, value: quoteYAML(val)})
				}
				break
			}
			if !found && val != "" {
				changed = true
				item.Content = append(item.Content,
					&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: f},
					&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: val})
				// After the first key's line, at its indentation.
				first := item.Content[0]
				if !oneLine(lines, item.Content[1]) || first.Line != item.Content[1].Line {
					structural = true
				} else {
					les = append(les, lineEdit{line: first.Line - 1,
						insert: strings.Repeat(" ", first.Column-1) + f + ": " + quoteYAML(val) + "\n"})
				}
			}
		}
	}
	if !changed {
		return src, nil
	}
	if structural {
		var buf bytes.Buffer
		enc := yaml.NewEncoder(&buf)
		enc.SetIndent(2)
		if err := enc.Encode(&root); err != nil {
			return "", err
		}
		_ = enc.Close()
		return buf.String(), nil
	}
	// Apply from the bottom so that earlier line numbers stay right.
	sort.SliceStable(les, func(a, b int) bool { return les[a].line > les[b].line })
	for _, le := range les {
		switch {
		case le.insert != "":
			lines = append(lines[:le.line+1], append([]string{le.insert}, lines[le.line+1:]...)...)
		case le.col < 0:
			lines = append(lines[:le.line], lines[le.line+1:]...)
		default:
			l := lines[le.line]
			nl := ""
			if strings.HasSuffix(l, "\n") {
				nl = "\n"
			}
			lines[le.line] = l[:byteCol(l, le.col)] + le.value + nl
		}
	}
	return strings.Join(lines, ""), nil
}

// oneLine reports whether the value node n is written whole on its line:
// an alias, or a flow scalar whose text runs to the line's end (a comment
// aside).
func oneLine(lines []string, n *yaml.Node) bool {
	if n.Line < 1 || n.Line > len(lines) {
		return false
	}
	l := strings.TrimRight(lines[n.Line-1], "\r\n")
	rest := strings.TrimSpace(l[byteCol(l, n.Column-1):])
	if i := strings.Index(rest, " #"); i >= 0 {
		rest = strings.TrimSpace(rest[:i])
	}
	switch {
	case n.Kind == yaml.AliasNode:
		return rest == "*"+n.Value
	case n.Kind != yaml.ScalarNode || n.Anchor != "" || n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		// An anchored value is shared: replacing it would change the others.
		return false
	case n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0:
		var w struct {
			V string `yaml:"v"`
		}
		return yaml.Unmarshal([]byte("v: "+rest), &w) == nil && w.V == n.Value
	}
	return rest == n.Value
}

// byteCol returns the byte offset of yaml.v3's column col (0-based, counted
// in runes) in line l.
func byteCol(l string, col int) int {
	i := 0
	for off := range l {
		if i == col {
			return off
		}
		i++
	}
	return len(l)
}

// quoteYAML writes s as a double-quoted YAML scalar (a JSON string is one).
func quoteYAML(s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(buf.String(), "\n")
}

func fsRead(fsys fs.FS, name string) (string, error) {
	b, err := fs.ReadFile(fsys, name)
	return string(b), err
}

// followQuotes returns src with each changed phone number (old → new)
// replaced in the quotes that held it: a line of the YAML is rewritten only
// when its quoted value, which was on the old page, is no longer on the new
// page, and with the new number is (so a quote follows the page staff
// pasted, and nothing else moves). Prose that merely mentions the number
// (a note, a not-covered text) is left as it is; stale reports the lines
// still holding an old number after the rewrite, 1-based, for the console
// to point at.
func followQuotes(src, oldPage, newPage string, changed map[string]string) (out string, stale []int) {
	if len(changed) == 0 {
		return src, nil
	}
	lines := strings.SplitAfter(src, "\n")
	for i, l := range lines {
		for old, nw := range changed {
			if old == "" || nw == "" || !strings.Contains(l, old) {
				continue
			}
			q := quotedValue(l)
			if q != "" && strings.Contains(q, old) && strings.Contains(oldPage, q) && !strings.Contains(newPage, q) &&
				strings.Contains(newPage, strings.ReplaceAll(q, old, nw)) {
				l = strings.ReplaceAll(l, old, nw)
				lines[i] = l
				continue
			}
			stale = append(stale, i+1)
		}
	}
	return strings.Join(lines, ""), stale
}

// quotedValue returns the scalar on one YAML line (after "key:" or "- "),
// without its quotes, or "" when the line holds none.
func quotedValue(line string) string {
	s := strings.TrimSpace(line)
	s = strings.TrimPrefix(s, "- ")
	if k, v, ok := strings.Cut(s, ": "); ok && !strings.ContainsAny(k, `"'`) {
		s = v
	}
	s = strings.TrimSpace(s)
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		s = s[1 : len(s)-1]
	}
	return s
}

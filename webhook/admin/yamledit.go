package admin

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"

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

// counters reads the counters of a municipality's YAML for the form.
func readCounters(src string) ([]counterForm, error) {
	seq, err := countersNode(src, nil)
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
		}
		out = append(out, cf)
	}
	return out, nil
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
// Comments and anchors survive; the layout is re-indented by two spaces.
func setCounters(src string, edits map[int]map[string]string) (string, error) {
	var root yaml.Node
	seq, err := countersNode(src, &root)
	if err != nil {
		return "", err
	}
	changed := false
	for i, fields := range edits {
		if i < 0 || i >= len(seq.Content) || seq.Content[i].Kind != yaml.MappingNode {
			return "", fmt.Errorf("no counter %d", i)
		}
		item := seq.Content[i]
		for _, f := range counterFields {
			val, ok := fields[f]
			if !ok {
				continue
			}
			found := false
			for j := 0; j+1 < len(item.Content); j += 2 {
				if item.Content[j].Value != f {
					continue
				}
				found = true
				v := resolve(item.Content[j+1])
				if v.Value == val {
					break
				}
				changed = true
				if val == "" {
					item.Content = append(item.Content[:j], item.Content[j+2:]...)
				} else {
					item.Content[j+1] = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: val}
				}
				break
			}
			if !found && val != "" {
				changed = true
				item.Content = append(item.Content,
					&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: f},
					&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: val})
			}
		}
	}
	if !changed {
		return src, nil
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&root); err != nil {
		return "", err
	}
	_ = enc.Close()
	return buf.String(), nil
}

func fsRead(fsys fs.FS, name string) (string, error) {
	b, err := fs.ReadFile(fsys, name)
	return string(b), err
}

package knowledge

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// lineOf returns the line of the field at path (such as
// rules[3].when.visitor[0]) in the document root. When the path goes further
// than the file (a field left out) it returns the line of the deepest node
// that exists, and 0 when not even the path's first field exists. A mapping
// field's line is its key's line.
func lineOf(root *yaml.Node, path string) int {
	n := root
	if n == nil || path == "" {
		return 0
	}
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return 0
		}
		n = n.Content[0]
	}
	line := 0
	for _, s := range pathSteps(path) {
		next, at := childNode(n, s)
		if next == nil {
			break
		}
		n, line = next, at
	}
	return line
}

// pathStep is one step of a field path: a mapping key, or (key "") a
// sequence index.
type pathStep struct {
	key   string
	index int
}

// pathSteps splits "a.b[2][3].c" into a, b, [2], [3], c.
func pathSteps(path string) []pathStep {
	var steps []pathStep
	for _, part := range strings.Split(path, ".") {
		key, rest, _ := strings.Cut(part, "[")
		if key != "" {
			steps = append(steps, pathStep{key: key})
		}
		for rest != "" {
			num, after, _ := strings.Cut(rest, "]")
			i, err := strconv.Atoi(num)
			if err != nil {
				return steps
			}
			steps = append(steps, pathStep{index: i})
			_, rest, _ = strings.Cut(after, "[")
		}
	}
	return steps
}

// childNode returns the node step s leads to from n, and its line; nil when
// there is none.
func childNode(n *yaml.Node, s pathStep) (*yaml.Node, int) {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	switch {
	case s.key != "" && n.Kind == yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == s.key {
				return n.Content[i+1], n.Content[i].Line
			}
		}
	case s.key == "" && n.Kind == yaml.SequenceNode && s.index >= 0 && s.index < len(n.Content):
		return n.Content[s.index], n.Content[s.index].Line
	}
	return nil, 0
}

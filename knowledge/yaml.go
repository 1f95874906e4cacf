package knowledge

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// UnmarshalYAML accepts an item id alone or a map {item, optional, note, ja-x-easy, en}.
func (r *ItemRef) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		r.Item = n.Value
		return nil
	}
	if err := checkKeys(n, "item", "optional", "note", "ja-x-easy", "en"); err != nil {
		return err
	}
	type plain ItemRef
	return n.Decode((*plain)(r))
}

// UnmarshalYAML accepts a quote alone or a map {seed, quote}.
func (s *Source) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		s.Quote = n.Value
		return nil
	}
	if err := checkKeys(n, "seed", "quote"); err != nil {
		return err
	}
	type plain Source
	return n.Decode((*plain)(s))
}

// checkKeys rejects unknown keys in a mapping node; yaml.v3 does not carry
// KnownFields into custom unmarshalers, so they check for themselves.
func checkKeys(n *yaml.Node, allowed ...string) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: expected a value or a mapping", n.Line)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		ok := false
		for _, a := range allowed {
			ok = ok || k.Value == a
		}
		if !ok {
			return fmt.Errorf("line %d: field %s not found (allowed: %v)", k.Line, k.Value, allowed)
		}
	}
	return nil
}

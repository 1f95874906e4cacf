package knowledge

import (
	"io/fs"
	"path"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Unused lists the files of the knowledge folder fsys that loading it does
// not read, with why, sorted by name: a file that is neither national.yaml,
// nor an <id>.yaml at the top level, nor seeds/<seed>.txt for a seed some
// file names (a page's seed: or a quote's {seed: …}). A typo such as
// nerima.yml or seeds/nerim.txt so shows instead of being silently
// ignored. While a YAML file does not parse, seeds are not reported. Hidden files and folders (.git) are skipped.
func Unused(fsys fs.FS) ([]string, error) {
	seeds := map[string]bool{}
	allRead := true // every YAML file parsed, so seeds is complete
	var files []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		files = append(files, p)
		if path.Dir(p) == "." && strings.HasSuffix(p, ".yaml") {
			allRead = collectSeeds(fsys, p, seeds) && allRead
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range files {
		switch dir, base := path.Split(p); {
		case dir == "" && strings.HasSuffix(base, ".yaml"):
		case dir == "seeds/" && strings.HasSuffix(base, ".txt"):
			if allRead && !seeds[strings.TrimSuffix(base, ".txt")] {
				out = append(out, p+": no file names this seed (page.seed, or a quote's {seed: …})")
			}
		case dir == "":
			out = append(out, p+": not a knowledge file (national.yaml, <id>.yaml, seeds/<seed>.txt)")
		default:
			out = append(out, p+": not a knowledge file (only seeds/<seed>.txt goes in a folder)")
		}
	}
	sort.Strings(out)
	return out, nil
}

// collectSeeds adds every value of a "seed" key in the YAML file to seeds,
// reporting false when the file cannot be read or parsed (Load reports
// why; the seeds it names are then unknown).
func collectSeeds(fsys fs.FS, file string, seeds map[string]bool) bool {
	data, err := fs.ReadFile(fsys, file)
	if err != nil {
		return false
	}
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil {
		return false
	}
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if depth > 64 {
			return
		}
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if k, v := n.Content[i], n.Content[i+1]; k.Value == "seed" && v.Kind == yaml.ScalarNode {
					seeds[v.Value] = true
				}
			}
		}
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(&root, 0)
	return true
}

// Package kbtest builds knowledge folders for tests: a copy of the
// embedded knowledge to edit, a municipality added by copying another under
// a new id, the folder written to disk for KNOWLEDGE_DIR.
package kbtest

import (
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/madoguchi/madoguchi/knowledge"
)

// Copy returns the embedded knowledge folder as a MapFS to edit.
func Copy(tb testing.TB) fstest.MapFS {
	tb.Helper()
	out := fstest.MapFS{}
	err := fs.WalkDir(knowledge.Embedded(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(knowledge.Embedded(), path)
		if err != nil {
			return err
		}
		out[path] = &fstest.MapFile{Data: b, Mode: 0o644}
		return nil
	})
	if err != nil {
		tb.Fatalf("copy the embedded knowledge: %v", err)
	}
	return out
}

// Replace replaces the first n occurrences of old in file by new (every
// one when n < 0), failing the test when old is not there.
func Replace(tb testing.TB, fsys fstest.MapFS, file, old, new string, n int) {
	tb.Helper()
	f, ok := fsys[file]
	if !ok {
		tb.Fatalf("kbtest: no file %s", file)
	}
	s := string(f.Data)
	if !strings.Contains(s, old) {
		tb.Fatalf("kbtest: %s does not hold %q", file, old)
	}
	fsys[file] = &fstest.MapFile{Data: []byte(strings.Replace(s, old, new, n)), Mode: 0o644}
}

// AddCopy adds a municipality id named name to fsys, a copy of the
// municipality from with its page (seeds/<from>.txt as seeds/<id>.txt),
// placed at order. Its facts are from's: for tests only.
func AddCopy(tb testing.TB, fsys fstest.MapFS, from, id, name string, order int) {
	tb.Helper()
	src, ok := fsys[from+".yaml"]
	page, ok2 := fsys["seeds/"+from+".txt"]
	if !ok || !ok2 {
		tb.Fatalf("kbtest: no municipality %s to copy", from)
	}
	lines := strings.Split(string(src.Data), "\n")
	for i, l := range lines {
		switch {
		case l == "id: "+from:
			lines[i] = "id: " + id
		case strings.HasPrefix(l, "name: "):
			lines[i] = "name: " + name
		case strings.HasPrefix(l, "order: "):
			lines[i] = "order: " + strconv.Itoa(order)
		case l == "  seed: "+from:
			lines[i] = "  seed: " + id
		}
	}
	fsys[id+".yaml"] = &fstest.MapFile{Data: []byte(strings.Join(lines, "\n")), Mode: 0o644}
	fsys["seeds/"+id+".txt"] = &fstest.MapFile{Data: page.Data, Mode: 0o644}
}

// WriteDir writes fsys into a new temporary folder and returns its path.
func WriteDir(tb testing.TB, fsys fstest.MapFS) string {
	tb.Helper()
	dir := tb.TempDir()
	for name, f := range fsys {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, f.Data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}

// Load loads fsys, failing the test on any problem.
func Load(tb testing.TB, fsys fs.FS) *knowledge.KB {
	tb.Helper()
	kb, err := knowledge.Load(fsys)
	if err != nil {
		tb.Fatalf("load knowledge: %v", err)
	}
	return kb
}

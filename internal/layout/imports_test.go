package layout_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/madoguchi/madoguchi"

// rule forbids the packages under from (this module's paths, without the
// module), but those under one of except, to import, directly, a package
// of this module under one of forbidden, except the imports listed in
// allowed (each with its reason).
type rule struct {
	from      string
	except    []string
	forbidden []string
	allowed   map[string]string // "importer → imported": why
	why       string
}

// testHelpers are the internal packages made for tests only.
var testHelpers = []string{"internal/redistest", "internal/openapitest", "internal/testlog", "internal/evalset", "internal/kbtest", "internal/layout"}

// rules are the README's "Layout" rules.
var rules = []rule{
	{from: "bot", forbidden: []string{""}, why: "bot is the shared vocabulary: it imports nothing of the module"},
	{from: "webhook", except: []string{"webhook/admin"}, forbidden: append([]string{"knowledge", "dialog", "cmd", "deploy"}, testHelpers...),
		allowed: map[string]string{"webhook/line → dialog/understand": "the webhook redacts a PIN-like text before it is stored (understand.LooksLikePIN), a pure function of the text"},
		why:     "the residents' channels talk only to bot (bot.Responder, bot.Catalog) and to each other's plumbing (webhook/httpx)"},
	{from: "webhook/admin", forbidden: append([]string{"dialog", "cmd", "deploy", "webhook/api", "webhook/widget", "webhook/line", "webhook/guard"}, testHelpers...),
		why: "the staff console edits the knowledge (knowledge, knowledge/versions, knowledge/rules for previews) and talks to no residents' channel"},
	{from: "knowledge", forbidden: append([]string{"dialog", "webhook", "cmd"}, testHelpers...), why: "the knowledge knows nothing of the conversation or the channels"},
	{from: "dialog", forbidden: append([]string{"webhook", "cmd"}, testHelpers...), why: "the engine knows nothing of the channels"},
	{from: "deploy", forbidden: append([]string{"dialog", "webhook", "cmd"}, testHelpers...), why: "deployment data stands alone"},
}

type pkg struct {
	ImportPath string
	Imports    []string
}

func goCommand() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

// listPackages returns every package of the module with its direct
// imports (not its tests'), from go list -json.
func listPackages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command(goCommand(), "list", "-json=ImportPath,Imports", "./...")
	cmd.Dir = filepath.Join("..", "..")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, &stderr)
	}
	var pkgs []pkg
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 10 {
		t.Fatalf("go list found %d packages: %s", len(pkgs), out)
	}
	return pkgs
}

// local returns path relative to the module ("webhook/api"), false for
// another module's package.
func local(path string) (string, bool) {
	if path == module {
		return "", true
	}
	return strings.CutPrefix(path, module+"/")
}

func under(path, prefix string) bool {
	return prefix == "" || path == prefix || strings.HasPrefix(path, prefix+"/")
}

// violations returns every import of pkgs that rules forbid.
func violations(pkgs []pkg, rules []rule) []string {
	var out []string
	for _, p := range pkgs {
		from, ok := local(p.ImportPath)
		if !ok {
			continue
		}
		for _, r := range rules {
			if !under(from, r.from) || slices.ContainsFunc(r.except, func(e string) bool { return under(from, e) }) {
				continue
			}
			for _, imp := range p.Imports {
				to, ok := local(imp)
				if !ok || under(to, r.from) {
					continue // another module's, or the same part's
				}
				for _, f := range r.forbidden {
					if under(to, f) {
						if _, ok := r.allowed[from+" → "+to]; !ok {
							out = append(out, fmt.Sprintf("%s imports %s: %s", from, to, r.why))
						}
						break
					}
				}
			}
		}
	}
	return out
}

func TestImportRules(t *testing.T) {
	for _, v := range violations(listPackages(t), rules) {
		t.Error(v)
	}
}

// TestImportRulesCatchAViolation: the check is not vacuous; a channel
// importing the knowledge, or bot importing anything of the module, fails.
func TestImportRulesCatchAViolation(t *testing.T) {
	bad := []pkg{
		{ImportPath: module + "/webhook/api", Imports: []string{module + "/bot", module + "/knowledge/rules", "net/http"}},
		{ImportPath: module + "/webhook/widget", Imports: []string{module + "/knowledge"}},
		{ImportPath: module + "/webhook/line", Imports: []string{module + "/dialog/understand", module + "/webhook/httpx"}},
		{ImportPath: module + "/bot", Imports: []string{module + "/dialog"}},
	}
	got := violations(bad, rules)
	want := []string{
		"webhook/api imports knowledge/rules: " + rules[1].why,
		"webhook/widget imports knowledge: " + rules[1].why,
		"bot imports dialog: " + rules[0].why,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("violations:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/madoguchi/madoguchi/internal/kbtest"
	"github.com/madoguchi/madoguchi/knowledge"
)

func TestRun(t *testing.T) {
	const fixtures = "../../knowledge/testdata/"
	tests := []struct {
		name      string
		args      []string
		code      int
		stdout    string
		stderrHas string
	}{
		{"valid folder", []string{"lint", fixtures + "valid"}, 0, "ok: 5 municipalities, 7 rules, 6 items\n", ""},
		{"unknown field", []string{"lint", fixtures + "invalid/unknown_field"}, 1,
			"akishima.yaml:13: field phnoe not found in type knowledge.Counter\n", ""},
		{"syntax error", []string{"lint", fixtures + "invalid/syntax"}, 1,
			"edogawa.yaml:20: mapping values are not allowed in this context\n", ""},
		{"no command", nil, 2, "", "usage: kbctl lint [DIR]"},
		{"unknown command", []string{"check"}, 2, "", "usage: kbctl lint [DIR]"},
		{"too many folders", []string{"lint", "a", "b"}, 2, "", "usage: kbctl lint [DIR]"},
		{"missing folder", []string{"lint", fixtures + "nowhere"}, 2, "", "is not a folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tt.args, &stdout, &stderr)
			if code != tt.code || withoutWarnings(stdout.String()) != tt.stdout || !strings.Contains(stderr.String(), tt.stderrHas) {
				t.Errorf("run(%q) = %d\nstdout:\n%s\nstderr:\n%s\nwant %d, stdout %q, stderr containing %q",
					tt.args, code, &stdout, &stderr, tt.code, tt.stdout, tt.stderrHas)
			}
		})
	}
}

// withoutWarnings drops lint's warnings (missing translations, which
// TestLintWarnsOfMissingTranslations checks) from its output.
func withoutWarnings(out string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(out, "\n") {
		if !strings.HasPrefix(l, "warning: ") {
			b.WriteString(l)
		}
	}
	return b.String()
}

// TestRunEmbedded checks that lint without a folder reports exactly what
// loading the embedded knowledge reports, whatever state it is in.
func TestRunEmbedded(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run([]string{"lint"}, &stdout, &stderr)
	kb, err := knowledge.LoadEmbedded()
	var want string
	wantCode := 0
	var ve *knowledge.ValidationError
	switch {
	case errors.As(err, &ve):
		wantCode = 1
		for _, p := range ve.Problems {
			want += p.String() + "\n"
		}
	case err != nil:
		t.Fatal(err)
	default:
		rules, items := 0, 0
		for _, m := range kb.Municipalities {
			rules += len(m.Rules)
			items += len(m.Items)
		}
		for _, p := range kb.MissingTranslations() {
			want += "warning: " + p.String() + "\n"
		}
		want += fmt.Sprintf("ok: %d municipalities, %d rules, %d items\n", len(kb.Municipalities), rules, items)
	}
	if code != wantCode || stdout.String() != want {
		t.Errorf("lint = %d, stdout:\n%s\nwant %d, stdout:\n%s", code, &stdout, wantCode, want)
	}
}

// TestLintWarnsOfMissingTranslations: a text without its English or its
// やさしい日本語 is listed as a warning, and the folder still passes.
func TestLintWarnsOfMissingTranslations(t *testing.T) {
	f := kbtest.Copy(t)
	kbtest.Replace(t, f, "national.yaml", "    en: \"Back\"\n", "", 1)
	kbtest.Replace(t, f, "akishima.yaml", "\ncounters:\n", "\ntexts:\n  - id: command_reset\n    ja: はじめから\n    en: Start again\ncounters:\n", 1)
	var stdout, stderr bytes.Buffer
	code := run([]string{"lint", kbtest.WriteDir(t, f)}, &stdout, &stderr)
	out := stdout.String()
	for _, want := range []string{
		"warning: national.yaml: texts[", "].en: command_back: no en translation (the Japanese is shown)\n",
		"warning: akishima.yaml: texts[0].ja-x-easy: command_reset: no ja-x-easy translation (the Japanese is shown)\n",
		"ok: 5 municipalities",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("lint output lacks %q:\n%s", want, out)
		}
	}
	texts := 0 // the facts' own missing translations are listed too
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "warning: ") && strings.Contains(l, ": texts[") {
			texts++
		}
	}
	if code != 0 || texts != 2 {
		t.Errorf("lint = %d with %d warnings on texts, want 0 and 2:\n%s%s", code, texts, out, &stderr)
	}
}

// TestLintReportsUnusedFiles: a file the knowledge does not read is
// reported, and a seventh municipality's file is read, not ignored.
func TestLintReportsUnusedFiles(t *testing.T) {
	f := kbtest.Copy(t)
	kbtest.AddCopy(t, f, "akishima", "sample", "サンプル市", 6)
	f["nerima.yml"] = &fstest.MapFile{Data: []byte("id: nerima\n")}
	f["seeds/old.txt"] = &fstest.MapFile{Data: []byte("古いページ")}
	f["notes/todo.md"] = &fstest.MapFile{Data: []byte("todo")}
	f[".git/HEAD"] = &fstest.MapFile{Data: []byte("ref: refs/heads/main")}
	var stdout, stderr bytes.Buffer
	code := run([]string{"lint", kbtest.WriteDir(t, f)}, &stdout, &stderr)
	want := "unused: nerima.yml: not a knowledge file (national.yaml, <id>.yaml, seeds/<seed>.txt)\n" +
		"unused: notes/todo.md: not a knowledge file (only seeds/<seed>.txt goes in a folder)\n" +
		"unused: seeds/old.txt: no file names this seed (page.seed, or a quote's {seed: …})\n"
	if code != 1 || stdout.String() != want {
		t.Errorf("lint = %d\n%s%s\nwant 1 and\n%s", code, &stdout, &stderr, want)
	}
	delete(f, "nerima.yml")
	delete(f, "seeds/old.txt")
	delete(f, "notes/todo.md")
	stdout.Reset()
	if code := run([]string{"lint", kbtest.WriteDir(t, f)}, &stdout, &stderr); code != 0 || !strings.Contains("\n"+stdout.String(), "\nok: 6 municipalities") {
		t.Errorf("lint with a sixth municipality = %d %s%s, want 0 and ok: 6 municipalities", code, &stdout, &stderr)
	}
}

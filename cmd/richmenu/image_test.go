package main

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/deploy/richmenu"
)

// TestImageIsUpToDate redraws every language's menu and compares it with
// the committed files (menu.png, menu.json, menu.en.png…): a word changed
// in the knowledge or a label in menu.json without regenerating fails
// here.
func TestImageIsUpToDate(t *testing.T) {
	if _, err := os.Stat(defaultFont); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("no %s: .ci/run installs Debian's fonts-noto-cjk: %v", defaultFont, err)
		}
		t.Skipf("no %s (Debian's fonts-noto-cjk): %v", defaultFont, err)
	}
	dir := t.TempDir()
	code, stdout, stderr := runCmd(t, nil, "image", "-o", filepath.Join(dir, "menu.png"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if n := strings.Count(stdout, "2500×843"); n != len(bot.Langs) {
		t.Errorf("stdout %q: want a line per language", stdout)
	}
	for _, lang := range bot.Langs {
		for _, f := range []struct {
			ext       string
			committed []byte
		}{{".png", richmenu.PNGIn(lang)}, {".json", richmenu.JSONIn(lang)}} {
			name := richmenu.FileName("menu", lang, f.ext)
			got, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if f.ext == ".png" && len(got) > richmenu.MaxImageBytes {
				t.Errorf("%s of %d bytes, over LINE's 1 MB", name, len(got))
			}
			if !bytes.Equal(got, f.committed) {
				t.Errorf("deploy/richmenu/%s is not what the generator draws; run `go run ./cmd/richmenu image` from the repository root and look at the result", name)
			}
		}
	}
}

// TestRuby: a reading after kanji is ruby, other parentheses are text.
func TestRuby(t *testing.T) {
	tests := []struct {
		in   string
		want []segment
	}{
		{"手続(てつづ)きを 調(しら)べる", []segment{{"手続", "てつづ"}, {"きを ", ""}, {"調", "しら"}, {"べる", ""}}},
		{"お金(かね)や", []segment{{"お", ""}, {"金", "かね"}, {"や", ""}}},
		{"最初から", []segment{{"最初から", ""}}},
		{"notice (転入届)", []segment{{"notice (転入届)", ""}}},
		{"1対(たい)1", []segment{{"1", ""}, {"対", "たい"}, {"1", ""}}},
		{"(かな)", []segment{{"(かな)", ""}}},
	}
	for _, tt := range tests {
		if got := parseRuby(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseRuby(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestImageErrors(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		code    int
		wantMsg string
	}{
		{"missing font", []string{"image", "-font", "/nonexistent/font.ttc"}, 1, "read font"},
		{"not a font", []string{"image", "-font", "image_test.go"}, 1, "parse font"},
		{"family absent", []string{"image", "-family", "Comic Sans"}, 1, `no family "Comic Sans"`},
		{"extra argument", []string{"image", "x.png"}, 2, "unexpected argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "family absent" {
				if _, err := os.Stat(defaultFont); err != nil {
					t.Skip("no default font")
				}
			}
			out := filepath.Join(t.TempDir(), "menu.png")
			code, _, stderr := runCmd(t, nil, append(tt.args, "-o", out)...)
			if code != tt.code || !strings.Contains(stderr, tt.wantMsg) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tt.code, tt.wantMsg)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("an image was written")
			}
		})
	}
}

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/deploy/richmenu"
)

// TestImageIsUpToDate redraws the menu and compares it with the committed
// menu.png: a label changed in menu.json without regenerating fails here.
func TestImageIsUpToDate(t *testing.T) {
	if _, err := os.Stat(defaultFont); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("no %s: .ci/run installs Debian's fonts-noto-cjk: %v", defaultFont, err)
		}
		t.Skipf("no %s (Debian's fonts-noto-cjk): %v", defaultFont, err)
	}
	out := filepath.Join(t.TempDir(), "menu.png")
	code, stdout, stderr := runCmd(t, nil, "image", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "2500×843") {
		t.Errorf("stdout %q", stdout)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) > richmenu.MaxImageBytes {
		t.Errorf("image of %d bytes, over LINE's 1 MB", len(got))
	}
	if !bytes.Equal(got, richmenu.PNG()) {
		t.Errorf("deploy/richmenu/menu.png is not what the generator draws; run `go run ./cmd/richmenu image` from the repository root and look at the result")
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

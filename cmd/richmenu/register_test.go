package main

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/deploy/richmenu"
)

func runCmd(t *testing.T, getenv func(string) string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, getenv, &out, &errOut)
	return code, out.String(), errOut.String()
}

func callNames(calls []call) []string {
	var s []string
	for _, c := range calls {
		s = append(s, c.String())
	}
	return s
}

func TestRegister(t *testing.T) {
	f := newFakeLINE(t)
	env := f.env("LINE_CHANNEL_ACCESS_TOKEN", "shared-token", "LINE_CHANNEL_ACCESS_TOKEN_NERIMA", "nerima-token")
	code, out, errOut := runCmd(t, env, "register", "-municipality", "nerima")
	if code != 0 || out != "richmenu-0001\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 0 and the rich menu id", code, out, errOut)
	}
	calls := f.Calls()
	want := []string{
		"api POST /v2/bot/richmenu",
		"data POST /v2/bot/richmenu/richmenu-0001/content",
		"api POST /v2/bot/user/all/richmenu/richmenu-0001",
	}
	if got := callNames(calls); !reflect.DeepEqual(got, want) {
		t.Fatalf("calls %q, want %q", got, want)
	}
	for _, c := range calls {
		if c.Auth != "Bearer nerima-token" {
			t.Errorf("%s: Authorization %q, want the municipality's own token", c, c.Auth)
		}
	}

	// The created menu is menu.json, field for field, and has the tiles the
	// dialog expects.
	create := calls[0]
	if !strings.HasPrefix(create.ContentType, "application/json") {
		t.Errorf("create: Content-Type %q", create.ContentType)
	}
	var sent, committed map[string]any
	if err := json.Unmarshal(create.Body, &sent); err != nil {
		t.Fatalf("create body %s: %v", create.Body, err)
	}
	if err := json.Unmarshal(richmenu.JSON(), &committed); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(sent, committed) {
		t.Errorf("created menu differs from menu.json:\n sent %s\n file %s", create.Body, richmenu.JSON())
	}
	var menu struct {
		Size        struct{ Width, Height int }
		Selected    bool
		ChatBarText string
		Areas       []struct {
			Bounds struct{ X, Y, Width, Height int }
			Action struct{ Type, Label, Data, DisplayText string }
		}
	}
	if err := json.Unmarshal(create.Body, &menu); err != nil {
		t.Fatal(err)
	}
	if menu.Size.Width != 2500 || menu.Size.Height != 843 || !menu.Selected || menu.ChatBarText != "メニュー" {
		t.Errorf("menu %dx%d selected=%v chatBarText=%q", menu.Size.Width, menu.Size.Height, menu.Selected, menu.ChatBarText)
	}
	wantTiles := [][2]string{{"手続きを調べる", "start"}, {"よくある質問", "faq"}, {"窓口・電話", "faq=phone"}, {"最初から", "reset"}}
	if len(menu.Areas) != len(wantTiles) {
		t.Fatalf("%d areas, want %d", len(menu.Areas), len(wantTiles))
	}
	covered := 0
	for i, a := range menu.Areas {
		if a.Action.Type != "postback" || a.Action.Label != wantTiles[i][0] || a.Action.Data != wantTiles[i][1] {
			t.Errorf("area %d: %+v, want postback %q → %q", i, a.Action, wantTiles[i][0], wantTiles[i][1])
		}
		if a.Action.DisplayText == "" || len(a.Action.Data) > 300 {
			t.Errorf("area %d: displayText %q, data of %d bytes", i, a.Action.DisplayText, len(a.Action.Data))
		}
		covered += a.Bounds.Width * a.Bounds.Height
	}
	if covered != 2500*843 {
		t.Errorf("areas cover %d pixels, want the whole %d", covered, 2500*843)
	}

	// The image: a PNG of the menu's size, the committed one.
	upload := calls[1]
	if upload.ContentType != "image/png" {
		t.Errorf("upload: Content-Type %q, want image/png", upload.ContentType)
	}
	img, err := png.Decode(bytes.NewReader(upload.Body))
	if err != nil {
		t.Fatalf("upload body is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 2500 || b.Dy() != 843 {
		t.Errorf("image is %dx%d, want 2500x843", b.Dx(), b.Dy())
	}
	if !bytes.Equal(upload.Body, richmenu.PNG()) {
		t.Errorf("uploaded image is not deploy/richmenu/menu.png")
	}
}

// TestRegisterAll registers once per distinct access token.
func TestRegisterAll(t *testing.T) {
	f := newFakeLINE(t)
	env := f.env("LINE_CHANNEL_ACCESS_TOKEN", "shared-token", "LINE_CHANNEL_ACCESS_TOKEN_EDOGAWA", "edogawa-token")
	code, out, errOut := runCmd(t, env, "register", "-all")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	want := "edogawa\trichmenu-0001\nakishima,nerima,akitakata,yokohama\trichmenu-0002\n"
	if out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
	var auths []string
	for _, c := range f.Calls() {
		auths = append(auths, c.Auth)
	}
	wantAuths := []string{"Bearer edogawa-token", "Bearer edogawa-token", "Bearer edogawa-token",
		"Bearer shared-token", "Bearer shared-token", "Bearer shared-token"}
	if !reflect.DeepEqual(auths, wantAuths) {
		t.Errorf("authorizations %q, want %q", auths, wantAuths)
	}
}

// TestRegisterAPIErrors checks that a failing call ends the run with
// status 1 and a message naming the step, and that a menu created but not
// made the default is deleted again.
func TestRegisterAPIErrors(t *testing.T) {
	tests := []struct {
		name     string
		fail     string
		status   int
		wantMsg  string
		wantCall []string
	}{
		{"create refused", "POST /v2/bot/richmenu", 400, "create the rich menu: unexpected status code: 400",
			[]string{"api POST /v2/bot/richmenu"}},
		{"upload refused", "POST /v2/bot/richmenu/richmenu-0001/content", 400, "upload the image of richmenu-0001: unexpected status code: 400",
			[]string{"api POST /v2/bot/richmenu", "data POST /v2/bot/richmenu/richmenu-0001/content", "api DELETE /v2/bot/richmenu/richmenu-0001"}},
		{"set default fails", "POST /v2/bot/user/all/richmenu/richmenu-0001", 500, "set as default of richmenu-0001: unexpected status code: 500",
			[]string{"api POST /v2/bot/richmenu", "data POST /v2/bot/richmenu/richmenu-0001/content",
				"api POST /v2/bot/user/all/richmenu/richmenu-0001", "api DELETE /v2/bot/richmenu/richmenu-0001"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeLINE(t)
			f.fail[tt.fail] = tt.status
			code, out, errOut := runCmd(t, f.env("LINE_CHANNEL_ACCESS_TOKEN", "tok"), "register", "-municipality", "nerima")
			if code != 1 || out != "" {
				t.Errorf("exit %d, stdout %q; want 1 and nothing", code, out)
			}
			if !strings.Contains(errOut, tt.wantMsg) {
				t.Errorf("stderr %q, want it to say %q", errOut, tt.wantMsg)
			}
			if got := callNames(f.Calls()); !reflect.DeepEqual(got, tt.wantCall) {
				t.Errorf("calls %q, want %q", got, tt.wantCall)
			}
		})
	}
}

func TestRegisterUsage(t *testing.T) {
	tests := []struct {
		name    string
		env     []string
		args    []string
		wantMsg string
	}{
		{"no token", nil, []string{"register", "-municipality", "nerima"}, "no access token for nerima"},
		{"only another municipality's token", []string{"LINE_CHANNEL_ACCESS_TOKEN_EDOGAWA", "t"}, []string{"register", "-municipality", "nerima"}, "LINE_CHANNEL_ACCESS_TOKEN_NERIMA"},
		{"no token at all", nil, []string{"register", "-all"}, "no access token"},
		{"unknown municipality", []string{"LINE_CHANNEL_ACCESS_TOKEN", "t"}, []string{"register", "-municipality", "atlantis"}, `unknown municipality "atlantis"`},
		{"neither flag", []string{"LINE_CHANNEL_ACCESS_TOKEN", "t"}, []string{"register"}, "exactly one of"},
		{"both flags", []string{"LINE_CHANNEL_ACCESS_TOKEN", "t"}, []string{"register", "-all", "-municipality", "nerima"}, "exactly one of"},
		{"unknown flag", nil, []string{"register", "-city", "nerima"}, "-city"},
		{"no command", nil, nil, "usage"},
		{"unknown command", nil, []string{"deploy"}, `unknown command "deploy"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeLINE(t)
			code, _, errOut := runCmd(t, f.env(tt.env...), tt.args...)
			if code != 2 || !strings.Contains(errOut, tt.wantMsg) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errOut, tt.wantMsg)
			}
			if calls := f.Calls(); len(calls) != 0 {
				t.Errorf("the API was called: %q", callNames(calls))
			}
		})
	}
}

// TestRegisterRefusesABadImage checks the image against the menu before
// anything is created.
func TestRegisterRefusesABadImage(t *testing.T) {
	f := newFakeLINE(t)
	bad := t.TempDir() + "/small.png"
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 10, 10))); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCmd(t, f.env("LINE_CHANNEL_ACCESS_TOKEN", "t"), "register", "-municipality", "nerima", "-image", bad)
	if code != 1 || !strings.Contains(errOut, "the image is 10×10, the menu 2500×843") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	if calls := f.Calls(); len(calls) != 0 {
		t.Errorf("the API was called: %q", callNames(calls))
	}
}

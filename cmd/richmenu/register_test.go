package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/bot"
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

// registerCalls are the calls of a registration with a channel whose
// menus are first, first+1 and first+2, its aliases new (create) or not
// (update).
func registerCalls(first int, create bool) []string {
	var want []string
	for i := range bot.Langs {
		id := fmt.Sprintf("richmenu-%04d", first+i)
		want = append(want, "api POST /v2/bot/richmenu", "data POST /v2/bot/richmenu/"+id+"/content")
	}
	want = append(want, fmt.Sprintf("api POST /v2/bot/user/all/richmenu/richmenu-%04d", first))
	for _, lang := range bot.Langs {
		alias := bot.RichMenuAlias(lang)
		want = append(want, "api GET /v2/bot/richmenu/alias/"+alias)
		if create {
			want = append(want, "api POST /v2/bot/richmenu/alias")
		} else {
			want = append(want, "api POST /v2/bot/richmenu/alias/"+alias)
		}
	}
	return want
}

func TestRegister(t *testing.T) {
	f := newFakeLINE(t)
	env := f.env("LINE_CHANNEL_ACCESS_TOKEN", "shared-token", "LINE_CHANNEL_ACCESS_TOKEN_NERIMA", "nerima-token")
	code, out, errOut := runCmd(t, env, "register", "-municipality", "nerima")
	wantOut := "ja\trichmenu-0001\nja-x-easy\trichmenu-0002\nen\trichmenu-0003\n"
	if code != 0 || out != wantOut {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 0 and %q", code, out, errOut, wantOut)
	}
	calls := f.Calls()
	if got, want := callNames(calls), registerCalls(1, true); !reflect.DeepEqual(got, want) {
		t.Fatalf("calls %q, want %q", got, want)
	}
	for _, c := range calls {
		if c.Auth != "Bearer nerima-token" {
			t.Errorf("%s: Authorization %q, want the municipality's own token", c, c.Auth)
		}
	}

	// Each created menu is its language's committed file, field for
	// field; the Japanese has the tiles the dialog expects.
	for i, lang := range bot.Langs {
		create, upload := calls[2*i], calls[2*i+1]
		if !strings.HasPrefix(create.ContentType, "application/json") {
			t.Errorf("create %s: Content-Type %q", lang, create.ContentType)
		}
		var sent, committed map[string]any
		if err := json.Unmarshal(create.Body, &sent); err != nil {
			t.Fatalf("create body %s: %v", create.Body, err)
		}
		if err := json.Unmarshal(richmenu.JSONIn(lang), &committed); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(sent, committed) {
			t.Errorf("created menu (%s) differs from its file:\n sent %s\n file %s", lang, create.Body, richmenu.JSONIn(lang))
		}
		// The image: a PNG of the menu's size, the committed one.
		if upload.ContentType != "image/png" {
			t.Errorf("upload %s: Content-Type %q, want image/png", lang, upload.ContentType)
		}
		img, err := png.Decode(bytes.NewReader(upload.Body))
		if err != nil {
			t.Fatalf("upload body is not a PNG: %v", err)
		}
		if b := img.Bounds(); b.Dx() != 2500 || b.Dy() != 843 {
			t.Errorf("image is %dx%d, want 2500x843", b.Dx(), b.Dy())
		}
		if !bytes.Equal(upload.Body, richmenu.PNGIn(lang)) {
			t.Errorf("uploaded image (%s) is not %s", lang, richmenu.FileName("menu", lang, ".png"))
		}
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
	if err := json.Unmarshal(calls[0].Body, &menu); err != nil {
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

	// The Japanese menu is the default; each alias names its language's
	// menu, created with the body LINE documents.
	if got := calls[6].Path; got != "/v2/bot/user/all/richmenu/richmenu-0001" {
		t.Errorf("default set with %s, want the Japanese menu", got)
	}
	for i, lang := range bot.Langs {
		c := calls[8+2*i]
		want := fmt.Sprintf(`{"richMenuAliasId":%q,"richMenuId":"richmenu-%04d"}`, bot.RichMenuAlias(lang), i+1)
		if !strings.HasPrefix(c.ContentType, "application/json") || !jsonEqual(t, c.Body, want) {
			t.Errorf("alias %s created with %s (%s), want %s", lang, c.Body, c.ContentType, want)
		}
	}
	wantAliases := map[string]string{"madoguchi-ja": "richmenu-0001", "madoguchi-ja-x-easy": "richmenu-0002", "madoguchi-en": "richmenu-0003"}
	if got := f.Aliases(); !reflect.DeepEqual(got, wantAliases) {
		t.Errorf("aliases %v, want %v", got, wantAliases)
	}
}

func jsonEqual(t *testing.T, got []byte, want string) bool {
	t.Helper()
	var a, b any
	if json.Unmarshal(got, &a) != nil || json.Unmarshal([]byte(want), &b) != nil {
		return false
	}
	return reflect.DeepEqual(a, b)
}

// TestRegisterAgainUpdatesTheAliases: a second registration creates new
// menus and moves the aliases to them (POST
// /v2/bot/richmenu/alias/{richMenuAliasId} with {"richMenuId"}).
func TestRegisterAgainUpdatesTheAliases(t *testing.T) {
	f := newFakeLINE(t)
	env := f.env("LINE_CHANNEL_ACCESS_TOKEN", "tok")
	if code, _, errOut := runCmd(t, env, "register", "-municipality", "nerima"); code != 0 {
		t.Fatalf("first registration: exit %d, %s", code, errOut)
	}
	n := len(f.Calls())
	code, out, errOut := runCmd(t, env, "register", "-municipality", "nerima")
	if code != 0 || out != "ja\trichmenu-0004\nja-x-easy\trichmenu-0005\nen\trichmenu-0006\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	calls := f.Calls()[n:]
	if got, want := callNames(calls), registerCalls(4, false); !reflect.DeepEqual(got, want) {
		t.Fatalf("calls %q, want %q", got, want)
	}
	for i, lang := range bot.Langs {
		c := calls[8+2*i]
		if want := fmt.Sprintf(`{"richMenuId":"richmenu-%04d"}`, 4+i); !jsonEqual(t, c.Body, want) {
			t.Errorf("alias %s updated with %s, want %s", lang, c.Body, want)
		}
	}
	wantAliases := map[string]string{"madoguchi-ja": "richmenu-0004", "madoguchi-ja-x-easy": "richmenu-0005", "madoguchi-en": "richmenu-0006"}
	if got := f.Aliases(); !reflect.DeepEqual(got, wantAliases) {
		t.Errorf("aliases %v, want %v", got, wantAliases)
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
	shared := "akishima,nerima,akitakata,yokohama"
	want := "edogawa\tja\trichmenu-0001\nedogawa\tja-x-easy\trichmenu-0002\nedogawa\ten\trichmenu-0003\n" +
		shared + "\tja\trichmenu-0004\n" + shared + "\tja-x-easy\trichmenu-0005\n" + shared + "\ten\trichmenu-0006\n"
	if out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
	calls := f.Calls()
	per := len(registerCalls(1, true))
	if len(calls) != 2*per {
		t.Fatalf("%d calls, want %d", len(calls), 2*per)
	}
	for i, c := range calls {
		want := "Bearer edogawa-token"
		if i >= per {
			want = "Bearer shared-token"
		}
		if c.Auth != want {
			t.Errorf("call %d %s: Authorization %q, want %q", i, c, c.Auth, want)
		}
	}
}

// TestRegisterAPIErrors checks that a failing call ends the run with
// status 1 and a message naming the step, that menus created but not all
// registered and made the default are deleted again, and that a failed
// alias leaves the registered menus in place.
func TestRegisterAPIErrors(t *testing.T) {
	created := func(n int) []string {
		var s []string
		for i := 1; i <= n; i++ {
			s = append(s, "api POST /v2/bot/richmenu", fmt.Sprintf("data POST /v2/bot/richmenu/richmenu-%04d/content", i))
		}
		return s
	}
	deleted := func(n int) []string {
		var s []string
		for i := 1; i <= n; i++ {
			s = append(s, fmt.Sprintf("api DELETE /v2/bot/richmenu/richmenu-%04d", i))
		}
		return s
	}
	cat := func(parts ...[]string) []string {
		var s []string
		for _, p := range parts {
			s = append(s, p...)
		}
		return s
	}
	const ids = "ja\trichmenu-0001\nja-x-easy\trichmenu-0002\nen\trichmenu-0003\n"
	tests := []struct {
		name     string
		fail     string
		status   int
		wantMsg  string
		wantOut  string
		wantCall []string
	}{
		{"create refused", "POST /v2/bot/richmenu", 400, "create the rich menu (ja): unexpected status code: 400", "",
			[]string{"api POST /v2/bot/richmenu"}},
		{"upload refused", "POST /v2/bot/richmenu/richmenu-0001/content", 400, "upload the image of richmenu-0001 (ja): unexpected status code: 400", "",
			cat(created(1), deleted(1))},
		{"English upload refused", "POST /v2/bot/richmenu/richmenu-0003/content", 400, "upload the image of richmenu-0003 (en): unexpected status code: 400", "",
			cat(created(3), deleted(3))},
		{"set default fails", "POST /v2/bot/user/all/richmenu/richmenu-0001", 500, "set as default of richmenu-0001: unexpected status code: 500", "",
			cat(created(3), []string{"api POST /v2/bot/user/all/richmenu/richmenu-0001"}, deleted(3))},
		{"alias creation fails", "POST /v2/bot/richmenu/alias", 500, "create the alias madoguchi-en of richmenu-0003: unexpected status code: 500", ids,
			registerCalls(1, true)},
		{"alias look-up fails", "GET /v2/bot/richmenu/alias/madoguchi-en", 500, "look up the alias madoguchi-en: unexpected status code: 500", ids,
			slices.Delete(registerCalls(1, true), 12, 13)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeLINE(t)
			f.fail[tt.fail] = tt.status
			code, out, errOut := runCmd(t, f.env("LINE_CHANNEL_ACCESS_TOKEN", "tok"), "register", "-municipality", "nerima")
			if code != 1 || out != tt.wantOut {
				t.Errorf("exit %d, stdout %q; want 1 and %q", code, out, tt.wantOut)
			}
			if !strings.Contains(errOut, tt.wantMsg) {
				t.Errorf("stderr %q, want it to say %q", errOut, tt.wantMsg)
			}
			if tt.wantOut != "" && !strings.Contains(errOut, "run register again") {
				t.Errorf("stderr %q, want it to say to run register again", errOut)
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
	if code != 1 || !strings.Contains(errOut, "the image (ja) is 10×10, the menu 2500×843") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	if calls := f.Calls(); len(calls) != 0 {
		t.Errorf("the API was called: %q", callNames(calls))
	}
}

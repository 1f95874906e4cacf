package admin_test

import (
	"context"
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/webhook/admin/auth"
)

// TestStaffOverrideAText: staff change what residents read, with no
// developer, by adding texts: to their municipality's file in the console:
// a wrong override (an id the code does not ask for, a placeholder of its
// own) is refused with the validator's problem; a right one, once
// published, is what residents of that municipality are told.
func TestStaffOverrideAText(t *testing.T) {
	e := newEnv(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = e.admin.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })

	publisher := e.account("pub", map[string]auth.Role{"edogawa": auth.Publisher})
	v, yaml, page := e.published(publisher, "edogawa")
	draft := func(texts string) map[string]any {
		return map[string]any{"yaml": strings.TrimRight(yaml, "\n") + "\ntexts:\n" + texts, "page": page, "base_version": v}
	}
	put := func(texts string) int {
		return e.do("PUT", "/admin/api/v1/municipalities/edogawa/draft", publisher, draft(texts)).Code
	}

	for _, bad := range []struct{ name, texts, problem string }{
		{"unknown id", "  - id: farewell\n    ja: さようなら\n", `unknown text id "farewell"`},
		{"own placeholder", "  - id: greeting\n    ja: \"{ward}へようこそ\"\n", "placeholders {ward}, want {municipality}"},
	} {
		b := wantError(t, e.do("PUT", "/admin/api/v1/municipalities/edogawa/draft", publisher, draft(bad.texts)), 422, "invalid")
		found := false
		for _, p := range b.Error.Problems {
			found = found || p.File == "edogawa.yaml" && strings.Contains(p.Message, bad.problem)
		}
		if !found {
			t.Errorf("%s: problems %+v, want one saying %q", bad.name, b.Error.Problems, bad.problem)
		}
	}

	const greeting = "{municipality}へようこそ。電子証明書の手続きをご案内します。"
	if code := put("  - id: greeting\n    ja: \"" + greeting + "\"\n"); code != 200 {
		t.Fatalf("draft with a right override: %d", code)
	}
	if res := e.do("POST", "/admin/api/v1/municipalities/edogawa/publish", publisher, map[string]any{"base_version": v, "comment": "あいさつの変更"}); res.Code != 200 {
		t.Fatalf("publish: %d %s", res.Code, res.Body)
	}
	want := bot.Fill(greeting, "municipality", "江戸川区")
	waitFor(t, "the new greeting served", func() bool {
		kb := e.target.Current()
		return kb.Municipality("edogawa").Words(bot.LangJa).Get(bot.TextGreeting, "municipality", "江戸川区") == want
	})
	if got := e.target.Current().Municipality("nerima").Words(bot.LangJa).Get(bot.TextGreeting, "municipality", "練馬区"); strings.Contains(got, "ようこそ") {
		t.Errorf("nerima's greeting changed too: %q", got)
	}
}

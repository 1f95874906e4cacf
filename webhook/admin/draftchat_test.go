package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/dialog"
	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/madoguchi/madoguchi/webhook/admin"
	"github.com/madoguchi/madoguchi/webhook/admin/auth"
)

// draftEngines is cmd/server's DraftResponder: the dialog engine over the
// draft's knowledge and a memory store of its own.
func draftEngines(cfg *admin.Config) {
	store := &dialog.MemoryStore{}
	cfg.DraftResponder = func(kb *knowledge.KB) bot.Responder {
		return dialog.New(dialog.Config{KB: kb, Store: store})
	}
}

// draftTurns are a resident's turns that end on Edogawa's checklist.
var draftTurns = []string{"age_group=adult", "visitor=proxy", "has_notice=false", "address_change=false", "expiry_date=unknown"}

func TestDraftChat(t *testing.T) {
	e := newEnv(t, draftEngines)
	root := e.login("root")
	e.account("ed", map[string]auth.Role{"edogawa": auth.Editor})
	e.account("viewer", map[string]auth.Role{"edogawa": auth.Viewer})
	v, y, p := e.published(root, "edogawa")
	if res := e.do("PUT", "/admin/api/v1/municipalities/edogawa/draft", root, phoneDraft(y, p, "03-5662-9999", v)); res.Code != 200 {
		t.Fatalf("draft: %d %s", res.Code, res.Body)
	}

	b := e.browserLogin("localhost:8080", "ed")
	if res := b.get("/admin/m/edogawa"); !strings.Contains(res.Body.String(), `action="/admin/m/edogawa/chat"`) {
		t.Fatal("the draft's page has no chat form")
	}
	if res := b.send("POST", "/admin/m/edogawa/chat", url.Values{"text": {"電子証明書の更新をしたい"}}, nil); res.Code != http.StatusForbidden {
		t.Fatalf("without the form token: %d", res.Code)
	}
	res := b.post("/admin/m/edogawa/chat", url.Values{"text": {"電子証明書の更新をしたい"}})
	if res.Code != 200 || !strings.Contains(res.Body.String(), "ボット:") || !strings.Contains(res.Body.String(), `name="postback" value="age_group=adult"`) {
		t.Fatalf("first turn: %d %s", res.Code, res.Body)
	}
	for _, pb := range draftTurns {
		res = b.post("/admin/m/edogawa/chat", url.Values{"postback": {pb}, "label": {pb}})
		if res.Code != 200 {
			t.Fatalf("%s: %d %s", pb, res.Code, res.Body)
		}
	}
	body := res.Body.String()
	if !strings.Contains(body, "チェックリスト (下書き)") || !strings.Contains(body, `<span class="phone">03-5662-9999</span>`) ||
		strings.Contains(body, `<span class="phone">`+oldPhone+`</span>`) {
		t.Fatalf("the draft chat's checklist lacks the draft's phone:\n%s", body)
	}

	// The published knowledge, and a resident's conversation on it, keep the old number.
	if got := edogawaPhone(e.target.Current()); got != oldPhone {
		t.Fatalf("published phone %s", got)
	}
	resident := dialog.New(dialog.Config{KB: e.target.Current(), Store: &dialog.MemoryStore{}})
	ctx := context.Background()
	m := bot.Message{Channel: bot.ChannelWeb, Municipality: "edogawa", User: "resident", Text: "電子証明書の更新をしたい"}
	var reply bot.Reply
	var err error
	for i := -1; i < len(draftTurns); i++ {
		if i >= 0 {
			m.Text, m.Postback = "", draftTurns[i]
		}
		if reply, err = resident.Respond(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	var phones []string
	for _, om := range reply.Messages {
		if om.Checklist != nil {
			for _, c := range om.Checklist.Counters {
				phones = append(phones, c.Phone)
			}
		}
	}
	if !strings.Contains(strings.Join(phones, " "), oldPhone) || strings.Contains(strings.Join(phones, " "), "03-5662-9999") {
		t.Fatalf("the published checklist's phones: %v", phones)
	}

	// Starting again forgets the draft conversation.
	res = b.post("/admin/m/edogawa/chat", url.Values{"reset": {"1"}})
	if res.Code != 200 || strings.Contains(res.Body.String(), "チェックリスト (下書き)") {
		t.Fatalf("reset: %d", res.Code)
	}

	// A viewer gets neither the form nor the chat.
	vb := e.browserLogin("localhost:8080", "viewer")
	if res := vb.get("/admin/m/edogawa"); strings.Contains(res.Body.String(), `action="/admin/m/edogawa/chat"`) {
		t.Fatal("a viewer sees the chat form")
	}
	if res := vb.post("/admin/m/edogawa/chat", url.Values{"text": {"こんにちは"}}); res.Code != http.StatusForbidden {
		t.Fatalf("a viewer's chat: %d", res.Code)
	}
}

func TestDraftChatWithoutDraftOrResponder(t *testing.T) {
	e := newEnv(t, draftEngines)
	b := e.browserLogin("localhost:8080", "root")
	if res := b.get("/admin/m/edogawa"); strings.Contains(res.Body.String(), `action="/admin/m/edogawa/chat"`) {
		t.Fatal("a chat form without a draft")
	}
	if res := b.post("/admin/m/edogawa/chat", url.Values{"text": {"こんにちは"}}); res.Code != http.StatusNotFound {
		t.Fatalf("no draft: %d", res.Code)
	}
	e2 := newEnv(t, nil)
	b2 := e2.browserLogin("localhost:8080", "root")
	if res := b2.post("/admin/m/edogawa/chat", url.Values{"text": {"こんにちは"}}); res.Code != http.StatusNotFound {
		t.Fatalf("no responder: %d", res.Code)
	}
}

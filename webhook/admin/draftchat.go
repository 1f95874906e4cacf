package admin

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/knowledge/versions"
	"github.com/madoguchi/madoguchi/webhook/admin/auth"
)

// The chat with a draft: on a municipality's page with an open draft, an
// editor (or a publisher, or an admin) talks to the bot as a resident would,
// but the bot answers from the draft (with every other unit's published
// version) through Config.DraftResponder, whose conversation state is kept
// apart from the residents' and keyed by the staff session. The form posts
// a text or a button's postback; the page shows the bot's reply (texts,
// the checklist, the buttons as forms), so it works without JavaScript.
// Viewers may not use it: a chat runs the engine on content they may not
// edit, and the preview it gives is part of editing.
//
//	POST /admin/m/:id/chat   text=… | postback=… | reset=1   (with the form token)

// draftChat is the responder built for one content of a unit's draft.
type draftChat struct {
	hash string
	r    bot.Responder
}

// chatView is the last turn of the chat with the draft.
type chatView struct {
	// Sent is what the staff member sent: a text, or a button's label.
	Sent  string
	Reply bot.Reply
	Error string
}

// draftResponder returns the responder of unit id's draft d, building it
// (and validating the draft with the other units' newest versions) when the
// draft's content changed since the last chat.
func (a *Admin) draftResponder(c *gin.Context, id string, d versions.Draft) (bot.Responder, error) {
	hash := d.Hash()
	a.draftMu.Lock()
	dc, ok := a.draftChats[id]
	a.draftMu.Unlock()
	if ok && dc.hash == hash {
		return dc.r, nil
	}
	ctx, cancel := a.ctx(c)
	defer cancel()
	kb, _, err := a.store.Validate(ctx, id, d.Content)
	if err != nil {
		return nil, err
	}
	r := a.cfg.DraftResponder(kb)
	a.draftMu.Lock()
	if a.draftChats == nil {
		a.draftChats = map[string]draftChat{}
	}
	a.draftChats[id] = draftChat{hash: hash, r: r}
	a.draftMu.Unlock()
	return r, nil
}

// draftChatUser is the chat's user: derived from the session secret (never
// the secret itself), so each login has its own conversation.
func draftChatUser(c *gin.Context) string {
	secret, _ := c.Get("admin.secret")
	s, _ := secret.(string)
	h := sha256.Sum256([]byte("madoguchi draft chat\x00" + s))
	return "staff-" + hex.EncodeToString(h[:16])
}

func (a *Admin) draftChatForm(c *gin.Context) {
	if a.cfg.DraftResponder == nil {
		a.render(c, http.StatusNotFound, "error.html", page{Title: "エラー", Error: "このサーバーでは下書きとの会話は使えません。"})
		return
	}
	id, ok := a.consoleUnit(c, auth.Editor)
	if !ok {
		return
	}
	if id == versions.National {
		a.errorOnUnit(c, id, http.StatusNotFound, "全国共通の内容とは会話できません。自治体の下書きで試してください。")
		return
	}
	ctx, cancel := a.ctx(c)
	defer cancel()
	uv, err := a.unitView(ctx, account(c), id)
	if err != nil {
		a.render(c, http.StatusServiceUnavailable, "error.html", page{Title: "エラー", Error: redisDownJA})
		return
	}
	if uv.Draft == nil {
		a.errorOnUnit(c, id, http.StatusNotFound, "会話する下書きがありません。先に下書きを保存してください。")
		return
	}
	r, err := a.draftResponder(c, id, *uv.Draft)
	if err != nil {
		a.render(c, http.StatusUnprocessableEntity, "unit.html", page{Title: uv.Name, Data: uv,
			Error: "下書きが現在の知識と組み合わせると検証を通りません。下書きを保存し直してください。"})
		return
	}
	m := bot.Message{Channel: bot.ChannelWeb, Municipality: id, User: draftChatUser(c), Time: a.cfg.Clock()}
	chat := &chatView{}
	switch {
	case c.PostForm("reset") != "":
		_ = r.Forget(ctx, m.Channel, id, m.User)
		m.Text = "はじめから"
		chat.Sent = "(はじめから)"
	case c.PostForm("postback") != "":
		m.Postback = c.PostForm("postback")
		chat.Sent = c.PostForm("label")
		if chat.Sent == "" {
			chat.Sent = m.Postback
		}
	default:
		m.Text = strings.TrimSpace(c.PostForm("text"))
		chat.Sent = m.Text
	}
	if m.Text == "" && m.Postback == "" {
		m.Text = "こんにちは"
		chat.Sent = ""
	}
	reply, err := r.Respond(ctx, m)
	status := http.StatusOK
	var be *bot.Error
	switch {
	case errors.As(err, &be) && be.Code == bot.CodeInvalid:
		status, chat.Error = http.StatusBadRequest, "送信内容を受け付けられませんでした: "+be.Message
	case err != nil:
		status, chat.Error = http.StatusServiceUnavailable, "ボットが応答できませんでした。もう一度お試しください。"
	default:
		chat.Reply = reply
	}
	uv.Chat = chat
	a.render(c, status, "unit.html", page{Title: uv.Name, Data: uv})
}

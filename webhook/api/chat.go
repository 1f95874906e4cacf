package api

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/webhook/httpx"
)

var sessionID = regexp.MustCompile(`^[A-Za-z0-9_-]{8,128}$`)

// chatRequest is the body of POST /api/v1/chat.
type chatRequest struct {
	Municipality string  `json:"municipality"`
	SessionID    string  `json:"session_id"`
	Text         *string `json:"text"`
	Postback     *string `json:"postback"`
	Today        *string `json:"today"`
	Lang         string  `json:"lang"`
}

// chatResponse is the answer to POST /api/v1/chat: the session id and the
// dialog engine's reply, its lists never null.
type chatResponse struct {
	SessionID string `json:"session_id"`
	bot.Reply
	// Messages shadows Reply.Messages: a checklist carries its "view".
	Messages []outMessage `json:"messages"`
}

// chat answers POST /api/v1/chat with one dialog turn.
func (h *handlers) chat(c *gin.Context) {
	var req chatRequest
	if err := httpx.DecodeJSON(c.Writer, c.Request, &req); err != nil {
		httpx.WriteError(c, err)
		return
	}
	msg, err := h.chatMessage(req)
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	ctx := c.Request.Context()
	if c.GetHeader("Origin") == "" {
		// Browsers send Origin with every POST: without one the caller is
		// an integrator's client, counted apart in the metrics (channel
		// "api"); the conversation is the web channel's all the same.
		ctx = bot.WithVia(ctx, bot.ViaAPI)
	}
	if h.TurnTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, h.TurnTimeout)
		defer cancel()
	}
	reply, err := h.Responder.Respond(ctx, msg)
	if err != nil {
		var e *bot.Error
		if errors.As(err, &e) && e.Code == bot.CodeUnavailable {
			// The engine's own message may be technical; residents see this one.
			err = &bot.Error{Code: bot.CodeUnavailable, Message: httpx.MsgUnavailable, Err: err}
		}
		httpx.WriteError(c, err)
		return
	}
	if reply.Messages == nil {
		reply.Messages = []bot.OutMessage{}
	}
	if reply.QuickReplies == nil {
		reply.QuickReplies = []bot.QuickReply{}
	}
	if reply.Lang == "" {
		reply.Lang = bot.LangJa
	}
	ja := func() bot.Texts { return h.Catalog.Texts(msg.Municipality, bot.LangJa) }
	c.JSON(http.StatusOK, chatResponse{SessionID: req.SessionID, Reply: reply, Messages: outMessages(reply.Messages, ja)})
}

// chatMessage validates a chat request and translates it to a bot.Message.
func (h *handlers) chatMessage(req chatRequest) (bot.Message, error) {
	m, err := h.municipality(req.Municipality)
	if err != nil {
		return bot.Message{}, err
	}
	if !sessionID.MatchString(req.SessionID) {
		return bot.Message{}, bot.Invalidf("session_id", "session_id must be 8 to 128 characters of A-Z, a-z, 0-9, _ and -")
	}
	msg := bot.Message{Channel: bot.ChannelWeb, Municipality: m.ID, User: req.SessionID, Time: h.Clock()}
	switch {
	case req.Text != nil && req.Postback != nil:
		return bot.Message{}, bot.Invalidf("text", "send either text or postback, not both")
	case req.Text != nil:
		if strings.TrimSpace(*req.Text) == "" {
			return bot.Message{}, bot.Invalidf("text", "text must not be empty")
		}
		if n := utf8.RuneCountInString(*req.Text); n > bot.MaxTextRunes {
			return bot.Message{}, bot.Invalidf("text", "text must be at most %d characters (got %d)", bot.MaxTextRunes, n)
		}
		msg.Text = *req.Text
	case req.Postback != nil:
		if *req.Postback == "" {
			return bot.Message{}, bot.Invalidf("postback", "postback must not be empty")
		}
		if len(*req.Postback) > bot.MaxPostbackBytes {
			return bot.Message{}, bot.Invalidf("postback", "postback must be at most %d bytes", bot.MaxPostbackBytes)
		}
		msg.Postback = *req.Postback
	default:
		return bot.Message{}, bot.Invalidf("text", "text or postback is required")
	}
	today, err := date("today", req.Today)
	if err != nil {
		return bot.Message{}, err
	}
	msg.Today = today
	if req.Lang != "" {
		if msg.Lang, err = parseLang(req.Lang); err != nil {
			return bot.Message{}, err
		}
	}
	return msg, nil
}

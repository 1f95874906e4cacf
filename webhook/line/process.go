package line

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/madoguchi/madoguchi/bot"
)

// text returns the text id LINE says itself to a resident of
// municipality (bot.TextLINEThanks opens the reply to a follow, in the
// same message as the dialog's own greeting: one greeting a follow).
func (h *Handler) text(municipality string, id bot.TextID) string {
	return h.textIn(municipality, bot.LangJa, id)
}

// textIn is text in lang ("": Japanese).
func (h *Handler) textIn(municipality string, lang bot.Lang, id bot.TextID) string {
	if lang == "" {
		lang = bot.LangJa
	}
	if h.cfg.Catalog == nil {
		return bot.Texts{}.Get(id)
	}
	return h.cfg.Catalog.Texts(municipality, lang).Get(id)
}

// outbox is a reply saved when its reply token proved unusable, before it
// is pushed, so that a retried event pushes the same answer (with the same
// retry key) instead of trying the token again.
type outbox struct {
	Reply bot.Reply `json:"reply"`
	// Push is set once the reply token is known to be unusable; a retry
	// then goes straight to push (whose retry key makes it idempotent).
	Push bool `json:"push,omitempty"`
}

// prepare implements processor: for every event of the batch, whether it
// was handled and whether an attempt that did not finish saved its reply.
// An event id met twice in one batch (LINE redelivered it while the first
// was still queued) is seen at its second entry, which comes after the
// first in its chat's order.
func (h *Handler) prepare(ctx context.Context, pipe redis.Pipeliner, es []*entry) (read func() error) {
	type look struct {
		e      *entry
		exists *redis.IntCmd
		saved  *redis.StringCmd
		// The same under the keys of earlier versions (see legacyKey), or nil.
		legacyExists *redis.IntCmd
		legacySaved  *redis.StringCmd
		tried        *redis.IntCmd // the attempt mark (WaitReplicas), or nil
		cmds         []redis.Cmder // all of the above that were queued
	}
	legacy := h.q.legacy()
	var looks []look
	first := map[string]*entry{}
	for _, e := range es {
		e.seen, e.prior, e.tried = false, nil, false
		if e.raw == nil {
			continue
		}
		ev, err := decodeEvent(e.raw)
		if err != nil {
			e.bad = true
			continue
		}
		e.ev, e.chat = ev, e.municipality+"\x00"+ev.Source.chat()
		if f, ok := first[ev.WebhookEventID]; ok && f != e {
			e.seen = true
			continue
		}
		first[ev.WebhookEventID] = e
		l := look{e: e,
			exists: pipe.Exists(ctx, h.q.eventKey("done", e.tag, ev.WebhookEventID)),
			saved:  pipe.Get(ctx, h.q.eventKey("out", e.tag, ev.WebhookEventID))}
		l.cmds = []redis.Cmder{l.exists, l.saved}
		if h.cfg.WaitReplicas > 0 {
			l.tried = pipe.Exists(ctx, h.q.eventKey("try", e.tag, ev.WebhookEventID))
			l.cmds = append(l.cmds, l.tried)
		}
		if legacy {
			l.legacyExists = pipe.Exists(ctx, h.q.legacyKey("done", ev.WebhookEventID))
			l.legacySaved = pipe.Get(ctx, h.q.legacyKey("out", ev.WebhookEventID))
			l.cmds = append(l.cmds, l.legacyExists, l.legacySaved)
		}
		looks = append(looks, l)
	}
	return func() error {
		for _, l := range looks {
			for _, c := range l.cmds {
				if err := c.Err(); err != nil && !errors.Is(err, redis.Nil) {
					return err
				}
			}
		}
		for _, l := range looks {
			l.e.seen = l.exists.Val() > 0 || l.legacyExists != nil && l.legacyExists.Val() > 0
			l.e.tried = l.tried != nil && l.tried.Val() > 0
			l.e.prior = savedReply(l.saved)
			if l.e.prior == nil && l.legacySaved != nil {
				l.e.prior = savedReply(l.legacySaved)
			}
		}
		return nil
	}
}

// savedReply decodes a saved reply read by c, nil if none.
func savedReply(c *redis.StringCmd) *outbox {
	b, err := c.Bytes()
	if err != nil {
		return nil
	}
	var ob outbox
	if json.Unmarshal(b, &ob) != nil {
		return nil
	}
	return &ob
}

// process implements processor: it handles one prepared event.
func (h *Handler) process(ctx context.Context, e *entry) error {
	if e.bad {
		h.cfg.Logger.Error("line: undecodable queued event dropped", "entry", e.id)
		return nil
	}
	ev := &e.ev
	res := EventResult{Municipality: e.municipality, EventID: ev.WebhookEventID, Type: ev.kind(), UserHash: bot.HashUser(ev.Source.chat())}
	if e.seen {
		res.Outcome = OutcomeDuplicate
	} else {
		ch, ok := h.cfg.Channels.Lookup(e.municipality)
		var err error
		if !ok {
			h.cfg.Logger.Error("line: channel gone for queued event", "municipality", e.municipality)
			res.Outcome = OutcomeFailed
		} else if res.Outcome, err = h.handleEvent(ctx, ch, e.municipality, ev, h.attemptOf(e)); err != nil {
			return err
		}
		e.doneKey = h.q.eventKey("done", e.tag, ev.WebhookEventID)
		e.dropKeys = []string{h.q.eventKey("out", e.tag, ev.WebhookEventID)}
		if h.cfg.WaitReplicas > 0 {
			e.dropKeys = append(e.dropKeys, h.q.eventKey("try", e.tag, ev.WebhookEventID))
		}
	}
	if !e.received.IsZero() {
		res.Latency = h.cfg.Clock().Sub(e.received)
	}
	// An event answered as usual is a Debug line: the webhook's access log
	// and the events metric already count it, and a line per event is a
	// write per event. One that had to be pushed or failed is worth an
	// operator's eye.
	level := slog.LevelDebug
	if res.Outcome == OutcomePushed || res.Outcome == OutcomeFailed {
		level = slog.LevelInfo
	}
	if h.cfg.Logger.Enabled(ctx, level) {
		h.cfg.Logger.Log(ctx, level, "line: event", "municipality", res.Municipality, "type", res.Type, "user", res.UserHash,
			"outcome", res.Outcome, "latency_ms", res.Latency.Milliseconds(), "redelivery", ev.DeliveryContext.IsRedelivery)
	}
	if h.cfg.OnEvent != nil {
		h.cfg.OnEvent(res)
	}
	return nil
}

// attempt is what the handling of an event knows of earlier attempts,
// and the keys it writes.
type attempt struct {
	prior *outbox // the reply an earlier attempt saved, if any
	// tried says an earlier attempt may have sent a reply with the token
	// (known only with Config.WaitReplicas, from the attempt mark).
	tried bool
	out   string // where a reply that must go by push is saved
	// mark, when set (Config.WaitReplicas), is set and replicated before a
	// reply with the token is sent; see markAttempt.
	mark string
	// again says another attempt at the event may have come before this
	// one (entry.again); lease is the key of the lease of the event's
	// shard. Both serve usedElsewhere.
	again bool
	lease string
}

// attemptOf returns the attempt of a prepared entry.
func (h *Handler) attemptOf(e *entry) attempt {
	a := attempt{prior: e.prior, tried: e.tried, out: h.q.eventKey("out", e.tag, e.ev.WebhookEventID),
		again: e.again, lease: e.lease}
	if h.cfg.WaitReplicas > 0 {
		a.mark = h.q.eventKey("try", e.tag, e.ev.WebhookEventID)
	}
	return a
}

// handleEvent translates one event for the engine and sends what comes
// back. An error means "try again later"; nothing was sent twice.
func (h *Handler) handleEvent(ctx context.Context, ch Channel, m string, ev *event, at attempt) (Outcome, error) {
	if ev.Type == "unfollow" {
		// Also in standby mode: the resident asked to be forgotten.
		if err := h.cfg.Responder.Forget(ctx, bot.ChannelLINE, m, ev.Source.UserID); err != nil {
			return "", err
		}
		if err := h.forgetProfile(ctx, ev.Source.UserID); err != nil {
			return "", err
		}
		return OutcomeSilent, nil
	}
	if ev.Mode == "standby" || ev.ReplyToken == "" && ev.Source.chat() == "" {
		return OutcomeSilent, nil // another channel owns the chat, or no one to answer
	}
	inGroup := ev.Source.Type == "group" || ev.Source.Type == "room"
	switch ev.Type {
	case "join":
		return h.deliver(ctx, ch, ev, textReply(h.text(m, bot.TextLINEGroup)), at)
	case "follow":
		// The start command (bot.CommandStart) begins the conversation
		// anew, whatever state is stored, with the dialog's greeting; it is
		// a postback, so no language understanding reads it. The user's
		// profile language (asked of LINE once) is the conversation's; once
		// the reply is sent, a language first known links the rich menu in
		// it (linkMenu), whatever became of the reply.
		lang, fetched := h.profileLang(ctx, ch, ev.Source.UserID)
		if fetched {
			defer h.linkMenu(ctx, ch, ev.Source.UserID, lang)
		}
		return h.turn(ctx, ch, m, ev, at, bot.Message{Postback: bot.CommandStart.Postback, Lang: lang}, h.textIn(m, lang, bot.TextLINEThanks))
	case "postback":
		if inGroup {
			return h.groupNote(ctx, ch, m, ev, at)
		}
		if ev.Postback == nil || ev.Postback.Data == "" {
			return OutcomeSilent, nil
		}
		if code, ok := strings.CutPrefix(ev.Postback.Data, bot.CommandLanguage.Postback+"="); ok {
			// 言語 / Language chose one: the rich menu follows (linkMenu; after the
			// reply, never holding it up).
			switch lang, ok := bot.ParseLang(code); {
			case ok && lang == bot.LangJa:
				defer h.unlinkMenu(ctx, ch, ev.Source.UserID) // the default menu is Japanese
			case ok:
				defer h.linkMenu(ctx, ch, ev.Source.UserID, lang)
			}
		}
		return h.turn(ctx, ch, m, ev, at, bot.Message{Postback: ev.Postback.Data}, "")
	case "message":
		if inGroup {
			return h.groupNote(ctx, ch, m, ev, at)
		}
		if ev.Message != nil && ev.Message.Type == "text" {
			return h.turn(ctx, ch, m, ev, at, bot.Message{Text: ev.Message.Text}, "")
		}
		return h.deliver(ctx, ch, ev, textReply(h.text(m, bot.TextLINEGuidance)), at)
	}
	// leave, memberJoined, memberLeft, beacon, accountLink, unsend,
	// videoPlayComplete and types yet to come: nothing to say.
	return OutcomeSilent, nil
}

func textReply(s string) bot.Reply {
	return bot.Reply{Messages: []bot.OutMessage{{Type: bot.OutText, Text: s}}}
}

// groupNote tells a group or room, at most once a day, that the bot
// works in one-to-one chats: answering every message would be noise.
func (h *Handler) groupNote(ctx context.Context, ch Channel, m string, ev *event, at attempt) (Outcome, error) {
	ok, err := h.cfg.Redis.SetNX(ctx, h.q.key("groupnote", bot.HashUser(ev.Source.chat())), "1", 24*time.Hour).Result()
	if err != nil {
		return "", err
	}
	if !ok {
		return OutcomeSilent, nil
	}
	return h.deliver(ctx, ch, ev, textReply(h.text(m, bot.TextLINEGroup)), at)
}

// turn runs one dialog turn for a user event and sends the reply, with
// lead (if any) as a first message. The message carries the event id, so a
// retried event is not applied twice: the engine answers it again from the
// state before it (Reply.Repeat), and the reply token it may have used
// already is then not trusted for a push (see send). A reply that an
// earlier attempt had to push (at.prior) is pushed again as it was saved;
// a reply that has to go by push is saved first (at.out).
func (h *Handler) turn(ctx context.Context, ch Channel, m string, ev *event, at attempt, msg bot.Message, lead string) (Outcome, error) {
	if at.prior != nil {
		return h.deliverOutbox(ctx, ch, ev, at, *at.prior, true)
	}
	msg.Channel, msg.Municipality, msg.User, msg.Time, msg.ID = bot.ChannelLINE, m, ev.Source.UserID, ev.time(), ev.WebhookEventID
	stopLoading := h.startLoading(ch, ev)
	reply, err := h.cfg.Responder.Respond(ctx, msg)
	stopLoading()
	if err != nil {
		switch bot.ErrorCode(err) {
		case bot.CodeInvalid, bot.CodeNotFound, bot.CodeTooLarge:
			h.cfg.Logger.Warn("line: turn refused", "user", bot.HashUser(msg.User), "code", bot.ErrorCode(err))
			reply = textReply(h.text(m, bot.TextLINESorry))
		default:
			return "", err // unavailable: nothing was applied, try again
		}
	}
	switch {
	case lead == "":
	case len(reply.Messages) > 0 && reply.Messages[0].Type == bot.OutText:
		// One message: the lead opens the reply's first text.
		first := reply.Messages[0]
		first.Text = lead + "\n" + first.Text
		reply.Messages = append([]bot.OutMessage{first}, reply.Messages[1:]...)
	default:
		reply.Messages = append([]bot.OutMessage{{Type: bot.OutText, Text: lead}}, reply.Messages...)
	}
	return h.deliverOutbox(ctx, ch, ev, at, outbox{Reply: reply}, reply.Repeat)
}

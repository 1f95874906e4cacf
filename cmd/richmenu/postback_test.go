package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/deploy/richmenu"
	"github.com/madoguchi/madoguchi/dialog"
	"github.com/madoguchi/madoguchi/dialog/redisstore"
	"github.com/madoguchi/madoguchi/internal/redistest"
	"github.com/madoguchi/madoguchi/knowledge"
)

// TestMenuPostbacksAreUnderstood sends every tile's postback through the
// real dialog, for every municipality, both as a first message and in the
// middle of a conversation (the menu can be tapped at any time): each must
// be accepted and answered, and an FAQ tile must reach a real answer.
func TestMenuPostbacksAreUnderstood(t *testing.T) {
	menu, err := richmenu.Default()
	if err != nil {
		t.Fatal(err)
	}
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	e := dialog.New(dialog.Config{KB: kb, Store: redisstore.New(redistest.Client(t), redisstore.Options{Prefix: redistest.Prefix(t)})})
	today := bot.NewDate(2026, time.January, 10)
	respond := func(t *testing.T, m, user, postback string) bot.Reply {
		t.Helper()
		r, err := e.Respond(context.Background(), bot.Message{Channel: bot.ChannelLINE, Municipality: m,
			User: user, Postback: postback, Time: time.Now(), Today: &today})
		if err != nil {
			t.Fatalf("postback %q: %v", postback, err)
		}
		if len(r.Messages) == 0 {
			t.Fatalf("postback %q: no reply", postback)
		}
		return r
	}
	for _, m := range kb.Municipalities {
		for i, a := range menu.Areas {
			data := a.Action.Data
			if topic, ok := strings.CutPrefix(data, "faq="); ok {
				if _, ok := kb.Answer(m.ID, topic); !ok {
					t.Errorf("%s: tile %q asks for FAQ topic %q, which has no answer", m.ID, a.Action.Label, topic)
				}
			}
			for _, midway := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%s/midway=%v", m.ID, data, midway), func(t *testing.T) {
					user := fmt.Sprintf("U%s%d%v", m.ID, i, midway)
					if midway {
						respond(t, m.ID, user, dialog.PostbackStart)
					}
					r := respond(t, m.ID, user, data)
					for _, msg := range r.Messages {
						if strings.Contains(msg.Text, "お答えできません") {
							t.Errorf("postback %q answered %q", data, msg.Text)
						}
					}
				})
			}
		}
	}
}

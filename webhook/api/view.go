package api

import (
	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/bot/present"
)

// checklistBody is a checklist as the API writes it: every field of
// bot.Checklist as it is, plus "view", its one presentation
// (present.View), which the widget renders as it is.
type checklistBody struct {
	*bot.Checklist
	// Texts hides bot.Checklist.Texts: the words are in View.
	Texts *struct{}    `json:"texts,omitempty"`
	View  present.View `json:"view"`
}

func withView(c *bot.Checklist) checklistBody {
	return checklistBody{Checklist: c, View: present.Present(c, present.Options{})}
}

// outMessage is a chat message as the API writes it: bot.OutMessage with
// the checklist carrying its view.
type outMessage struct {
	Type      string         `json:"type"`
	Text      string         `json:"text,omitempty"`
	Checklist *checklistBody `json:"checklist,omitempty"`
}

func outMessages(ms []bot.OutMessage) []outMessage {
	out := make([]outMessage, len(ms))
	for i, m := range ms {
		out[i] = outMessage{Type: m.Type, Text: m.Text}
		if m.Checklist != nil {
			b := withView(m.Checklist)
			out[i].Checklist = &b
		}
	}
	return out
}

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
	Texts *struct{} `json:"texts,omitempty"`
	// Japanese and Untranslated hide bot.Checklist's: the Japanese is
	// ViewJa, and View.Note says whether some facts are untranslated.
	Japanese     *struct{}    `json:"japanese,omitempty"`
	Untranslated *struct{}    `json:"untranslated,omitempty"`
	View         present.View `json:"view"`
	// ViewJa is the view in Japanese when View is in another language:
	// the original, for the resident to show a counter clerk.
	ViewJa *present.View `json:"view_ja,omitempty"`
}

// withView writes c with its view in c's texts and, when they are not
// Japanese, the Japanese view beside it: of c.Japanese (the facts in
// Japanese) when c has it, in ja (the municipality's Japanese texts).
func withView(c *bot.Checklist, ja func() bot.Texts) checklistBody {
	b := checklistBody{Checklist: c, View: present.Present(c, present.Options{})}
	if b.View.Lang != bot.LangJa {
		jc := *c
		if c.Japanese != nil {
			jc = *c.Japanese
			jc.Calendar = c.Calendar
		}
		words := ja()
		jc.Texts = &words
		v := present.Present(&jc, present.Options{})
		b.ViewJa = &v
	}
	return b
}

// outMessage is a chat message as the API writes it: bot.OutMessage with
// the checklist carrying its view.
type outMessage struct {
	Type      string         `json:"type"`
	Text      string         `json:"text,omitempty"`
	TextJa    string         `json:"text_ja,omitempty"`
	Checklist *checklistBody `json:"checklist,omitempty"`
}

func outMessages(ms []bot.OutMessage, ja func() bot.Texts) []outMessage {
	out := make([]outMessage, len(ms))
	for i, m := range ms {
		out[i] = outMessage{Type: m.Type, Text: m.Text, TextJa: m.TextJa}
		if m.Checklist != nil {
			b := withView(m.Checklist, ja)
			out[i].Checklist = &b
		}
	}
	return out
}

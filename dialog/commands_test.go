package dialog_test

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/internal/kbtest"
)

// TestStartGreetsOnce: the start command (what a LINE follow and the
// widget's opening send) answers with one greeting, then the first
// question; the quick replies it offers use bot's commands.
func TestStartGreetsOnce(t *testing.T) {
	e, _, _ := newEngine(t, nil)
	r := say(t, e, "greet-once", "", bot.CommandStart.Postback)
	n := 0
	for _, m := range r.Messages {
		if strings.Contains(m.Text, "ご案内します") {
			n++
		}
	}
	if n != 1 || r.Asking == "" {
		t.Errorf("start: %d greetings, asking %q: %+v", n, r.Asking, r.Messages)
	}
	r = say(t, e, "greet-once", "", "age_group=adult")
	found := false
	for _, q := range r.QuickReplies {
		if q == bot.CommandBack.Button(kbtest.Texts(t, "nerima", bot.LangJa)) {
			found = true
		}
	}
	if !found {
		t.Errorf("the second question offers no %v: %v", bot.CommandBack.Button(kbtest.Texts(t, "nerima", bot.LangJa)), r.QuickReplies)
	}
}

// TestShowJapanese: the show-Japanese command (the button under a
// translated checklist) answers, in an English conversation, with the same
// checklist entirely in Japanese (the rules engine's Japanese, facts and
// words), said in English before it; the conversation stays English.
// Before any checklist it asks the current question again; on a
// conversation whose state is gone it says so.
func TestShowJapanese(t *testing.T) {
	e, _, _ := newEngine(t, nil)
	user := "show-ja-user-01"
	r := say(t, e, user, "I want to renew my certificate", "")
	if r.Lang != bot.LangEn {
		t.Fatalf("an English first text gives a %q conversation", r.Lang)
	}
	answers := map[string]string{
		bot.SlotAgeGroup: "age_group=adult", bot.SlotVisitor: "visitor=proxy", bot.SlotHasNotice: "has_notice=false",
		bot.SlotAddressChange: "address_change=false", bot.SlotExpiryDate: "expiry_date=unknown",
	}
	for i := 0; !r.Done; i++ {
		pb, ok := answers[r.Asking]
		if !ok || i == 10 {
			t.Fatalf("no answer for %q", r.Asking)
		}
		r = say(t, e, user, "", pb)
	}
	en := checklistOf(r)
	if en == nil || en.Words().Lang != bot.LangEn || en.Japanese == nil {
		t.Fatalf("the checklist is not English with its Japanese: %+v", en)
	}
	slots := r.Slots

	r = say(t, e, user, "", bot.CommandShowJapanese.Postback)
	ja := checklistOf(r)
	if ja == nil {
		t.Fatalf("show_ja gives no checklist: %+v", r.Messages)
	}
	if ja.Words().Lang != bot.LangJa || ja.Japanese != nil || ja.Untranslated != 0 {
		t.Errorf("the checklist shown is in %q (japanese %v)", ja.Words().Lang, ja.Japanese != nil)
	}
	if len(ja.Items) == 0 || len(ja.Items) != len(en.Japanese.Items) {
		t.Fatalf("%d items in Japanese, the English checklist's Japanese has %d", len(ja.Items), len(en.Japanese.Items))
	}
	for i, it := range ja.Items {
		if it != en.Japanese.Items[i] {
			t.Errorf("item %d is %+v, want the page's Japanese %+v", i, it, en.Japanese.Items[i])
		}
	}
	enTx, jaTx := kbtest.Texts(t, "nerima", bot.LangEn), kbtest.Texts(t, "nerima", bot.LangJa)
	if r.Lang != bot.LangEn || len(texts(r)) != 1 || texts(r)[0] != enTx.Get(bot.TextShownInJapanese) ||
		r.Messages[0].TextJa != jaTx.Get(bot.TextShownInJapanese) {
		t.Errorf("show_ja says %q in %q (text_ja %q)", texts(r), r.Lang, r.Messages[0].TextJa)
	}
	if !slices.Contains(r.QuickReplies, bot.CommandReset.Button(enTx)) || r.Asking != "" {
		t.Errorf("show_ja offers %v, asking %q", r.QuickReplies, r.Asking)
	}
	if !reflect.DeepEqual(r.Slots, slots) {
		t.Errorf("show_ja changed the slots: %+v, were %+v", r.Slots, slots)
	}
	r = say(t, e, user, "", bot.CommandFAQ.Postback)
	if r.Lang != bot.LangEn {
		t.Errorf("after show_ja the conversation is %q", r.Lang)
	}

	// Mid-way (a button of an earlier card, after 最初から): the question again.
	say(t, e, user, "", bot.CommandReset.Postback)
	r = say(t, e, user, "", "age_group=adult")
	asking := r.Asking
	r = say(t, e, user, "", bot.CommandShowJapanese.Postback)
	if checklistOf(r) != nil || r.Asking != asking || r.Lang != bot.LangEn {
		t.Errorf("show_ja before a checklist: asking %q (was %q), lang %q, %q", r.Asking, asking, r.Lang, texts(r))
	}

	// A conversation that is gone.
	r = say(t, e, "show-ja-user-gone", "", bot.CommandShowJapanese.Postback)
	if checklistOf(r) != nil || len(texts(r)) == 0 || texts(r)[0] != jaTx.Get(bot.TextRecordLost) {
		t.Errorf("show_ja on a lost conversation: %q", texts(r))
	}
}

// TestLanguageButton: the first question offers 言語 / Language; it lists
// the three languages, and choosing English makes the conversation English
// from then on (the question asked again in it, the checklist translated),
// though the channel's message carried no language.
func TestLanguageButton(t *testing.T) {
	e, _, _ := newEngine(t, nil)
	const user = "lang-button"
	r := say(t, e, user, "", bot.CommandStart.Postback)
	if !slices.Contains(postbacks(r.QuickReplies), bot.CommandLanguage.Postback) {
		t.Fatalf("the first question offers no 言語 / Language: %v", r.QuickReplies)
	}
	asking := r.Asking
	r = say(t, e, user, "", bot.CommandLanguage.Postback)
	if got, want := postbacks(r.QuickReplies), []string{"lang=ja", "lang=ja-x-easy", "lang=en"}; !slices.Equal(got, want) {
		t.Fatalf("language menu %v, want %v", got, want)
	}
	r = say(t, e, user, "", "lang=en")
	if r.Lang != bot.LangEn || r.Asking != asking || !strings.Contains(strings.Join(texts(r), "\n"), "I will answer in English") {
		t.Fatalf("after lang=en: lang %q, asking %q (want %q), %q", r.Lang, r.Asking, asking, texts(r))
	}
	r = answerAll(t, e, user, r, map[string]string{
		bot.SlotAgeGroup: "adult", bot.SlotVisitor: "self", bot.SlotHasNotice: "true",
		bot.SlotAddressChange: "false", bot.SlotExpiryDate: "unknown",
	})
	c := checklistOf(r)
	if r.Lang != bot.LangEn || c == nil || c.Texts == nil || c.Texts.Lang != bot.LangEn {
		t.Errorf("the checklist after lang=en: reply lang %q, checklist %+v", r.Lang, c)
	}
	if _, err := e.Respond(context.Background(), bot.Message{Channel: bot.ChannelWeb, Municipality: "nerima", User: user, Postback: "lang=fr"}); bot.ErrorCode(err) != bot.CodeInvalid {
		t.Errorf("lang=fr: %v, want invalid", err)
	}
}

package line_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/dialog"
	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/madoguchi/madoguchi/knowledge/rules"
	"github.com/madoguchi/madoguchi/webhook/line"
)

// TestShowJapaneseOnLINE: an English conversation on LINE, through the
// fake Messaging API and the real dialog, ends with a Flex card carrying
// the button 「日本語で表示」 (bot.CommandShowJapanese, labelled in English);
// the postback LINE sends when it is pressed is answered with the same
// checklist's Flex card in Japanese (the page's words, the Japanese
// headings, no such button), after an English line, with English quick
// replies: the conversation stays English.
func TestShowJapaneseOnLINE(t *testing.T) {
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	en := embeddedCatalog().Texts("edogawa", bot.LangEn)
	ja := embeddedCatalog().Texts("edogawa", bot.LangJa)
	e := newEnv(t)
	in := e.start(func(c *line.Config) {
		c.Responder = dialog.New(dialog.Config{KB: kb, Store: &dialog.MemoryStore{}})
	})
	ts := time.Now().UnixMilli()
	n := 0
	post := func(body []byte) map[string]any {
		t.Helper()
		in.postSigned(t, body)
		e.wait(1)
		replies := e.api.Calls("/v2/bot/message/reply")
		if len(replies) != n+1 {
			t.Fatalf("%d replies after %d events", len(replies), n+1)
		}
		n++
		return replies[n-1].Body
	}
	id := func() string { return "01HX00000000000000000000SHOWJA" + string(rune('A'+n)) }
	postback := func(data string) map[string]any {
		ts++
		return post(event(userID, id(), ts, "postback", map[string]any{"postback": map[string]any{"data": data}}))
	}
	ts++
	reply := post(textEvent(userID, id(), ts, "I want to renew my certificate"))
	answers := []string{"age_group=adult", "visitor=proxy", "has_notice=false", "address_change=false", "expiry_date=unknown"}
	for i := 0; flexOf(reply) == nil; i++ {
		data := ""
		for _, q := range quickData(reply) {
			for _, a := range answers {
				if q == a {
					data = a
				}
			}
		}
		if data == "" || i == 8 {
			t.Fatalf("no answer among the buttons %v", quickData(reply))
		}
		reply = postback(data)
	}
	card := flexOf(reply)
	button := findPostbackButton(card, bot.CommandShowJapanese.Postback)
	if button == nil {
		t.Fatalf("the English card has no %s button: %s", bot.CommandShowJapanese.Postback, jsonOf(card))
	}
	if want := en.Get(bot.CommandShowJapanese.Text); button["label"] != want || button["displayText"] != want {
		t.Errorf("the button says %q (displayText %q), want %q", button["label"], button["displayText"], want)
	}
	if !strings.Contains(jsonOf(card), jsonText(en.Get(bot.TextTitleItems))) {
		t.Errorf("the card before is not English: %s", jsonOf(card))
	}

	// LINE's postback event for the button, as LINE shapes it.
	reply = postback(button["data"].(string))
	if got := textsOf(call{Body: reply}); len(got) != 2 || got[0] != en.Get(bot.TextShownInJapanese) || got[1] != "[flex]" {
		t.Fatalf("show_ja answered %q, want the English line and a Flex card", got)
	}
	card = flexOf(reply)
	flat := jsonOf(card)
	want, err := rules.Checklist(kb.Municipality("edogawa"), bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy,
		HasNotice: bot.Bool(false), AddressChange: bot.Bool(false)}, bot.DateOf(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{ja.Get(bot.TextTitleItems), ja.Get(bot.TextTitlePlaces), want.Items[0].Text, want.Items[len(want.Items)-1].Text, want.Counters[0].Name} {
		if !strings.Contains(flat, jsonText(s)) {
			t.Errorf("the Japanese card lacks %q: %s", s, flat)
		}
	}
	for _, s := range []string{en.Get(bot.TextTitleItems), en.Get(bot.TextTranslated)} {
		if strings.Contains(flat, jsonText(s)) {
			t.Errorf("the Japanese card still says %q", s)
		}
	}
	if findPostbackButton(card, bot.CommandShowJapanese.Postback) != nil {
		t.Error("the Japanese card offers to show itself in Japanese")
	}
	if alt, _ := card["altText"].(string); !strings.Contains(alt, want.Items[0].Text) {
		t.Errorf("the Japanese card's altText %q", alt)
	}
	if labels := quickLabels(reply); len(labels) == 0 || labels[0] != en.Get(bot.TextCommandReset) {
		t.Errorf("quick replies after the Japanese card: %q, want English", labels)
	}
}

// TestCommandLabelsFitLINE: every command's word, in every language of
// every municipality, fits a LINE button's label (20 characters) as it is.
func TestCommandLabelsFitLINE(t *testing.T) {
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range kb.IDs() {
		for _, lang := range bot.Langs {
			tx := embeddedCatalog().Texts(id, lang)
			for _, c := range bot.Commands {
				if l := c.Label(tx); len(utf16.Encode([]rune(l))) > 20 {
					t.Errorf("%s %s: the %s command's label %q is over 20 characters", id, lang, c.Postback, l)
				}
			}
		}
	}
}

// flexOf returns the last Flex message of a reply body, or nil.
func flexOf(body map[string]any) map[string]any {
	var out map[string]any
	msgs, _ := body["messages"].([]any)
	for _, m := range msgs {
		if m := m.(map[string]any); m["type"] == "flex" {
			out = m
		}
	}
	return out
}

// quickData and quickLabels list the quick replies of a reply body's last
// message: their postback data and their labels.
func quickData(body map[string]any) []string   { return quickField(body, "data") }
func quickLabels(body map[string]any) []string { return quickField(body, "label") }

func quickField(body map[string]any, field string) []string {
	msgs, _ := body["messages"].([]any)
	if len(msgs) == 0 {
		return nil
	}
	qr, _ := msgs[len(msgs)-1].(map[string]any)["quickReply"].(map[string]any)
	items, _ := qr["items"].([]any)
	var out []string
	for _, it := range items {
		a, _ := it.(map[string]any)["action"].(map[string]any)
		s, _ := a[field].(string)
		out = append(out, s)
	}
	return out
}

// findPostbackButton returns the action of the Flex button whose
// postback data is data, or nil.
func findPostbackButton(v any, data string) map[string]any {
	switch x := v.(type) {
	case map[string]any:
		if a, ok := x["action"].(map[string]any); ok && x["type"] == "button" && a["type"] == "postback" && a["data"] == data {
			return a
		}
		for _, y := range x {
			if a := findPostbackButton(y, data); a != nil {
				return a
			}
		}
	case []any:
		for _, y := range x {
			if a := findPostbackButton(y, data); a != nil {
				return a
			}
		}
	}
	return nil
}

func jsonOf(v any) string { b, _ := json.Marshal(v); return string(b) }

// jsonText is s as it is written inside a JSON string.
func jsonText(s string) string { b, _ := json.Marshal(s); return strings.Trim(string(b), `"`) }

package dialog_test

import (
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

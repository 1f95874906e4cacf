package line_test

import (
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/dialog"
	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/madoguchi/madoguchi/webhook/line"
)

// TestFollowInProfileLanguage: a user whose LINE profile is in English is
// greeted in English (LINE's thanks and the dialog's greeting, in one
// message) through the fake Messaging API; the profile is asked once and
// kept, so a second follow asks nothing; the next turn is English too (the
// conversation keeps the language); a Japanese profile gets the Japanese
// greeting.
func TestFollowInProfileLanguage(t *testing.T) {
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	english := embeddedCatalog().Texts("edogawa", bot.LangEn)
	e := newEnv(t)
	e.api.profiles = map[string]string{userID: "en-US", "Ujapanese0000000000000000000000000": "ja"}
	in := e.start(func(c *line.Config) {
		c.Responder = dialog.New(dialog.Config{KB: kb, Store: &dialog.MemoryStore{}})
	})
	follow := string(fixture(t, "follow"))
	for i, id := range []string{"01HX0000000000000000000008PROFA", "01HX0000000000000000000008PROFB"} {
		body := strings.Replace(strings.Replace(follow, "01HX0000000000000000000008FIXTURE", id, 1),
			"rt000000000000000000000000000008", "rt00000000000000000000000000000"+string(rune('a'+i)), 1)
		in.postSigned(t, []byte(body))
		e.wait(1)
	}
	e.quiet(50 * time.Millisecond)
	replies := e.api.Calls("/v2/bot/message/reply")
	if len(replies) != 2 {
		t.Fatalf("%d replies, want 2", len(replies))
	}
	want := english.Get(bot.TextLINEThanks) + "\n" + english.Get(bot.TextGreeting, "municipality", "江戸川区")
	for i, r := range replies {
		if got := textsOf(r); len(got) == 0 || got[0] != want {
			t.Errorf("follow %d: %q, want the English greeting %q", i+1, got, want)
		}
	}
	if e.api.profileCalls != 1 {
		t.Errorf("the profile was asked %d times, want once", e.api.profileCalls)
	}

	in.postSigned(t, fixture(t, "postback")) // visitor=self, from the same user
	e.wait(1)
	e.quiet(50 * time.Millisecond)
	replies = e.api.Calls("/v2/bot/message/reply")
	if got := textsOf(replies[len(replies)-1]); len(got) == 0 || strings.IndexFunc(got[len(got)-1], func(r rune) bool { return unicode.In(r, unicode.Hiragana, unicode.Han) }) >= 0 {
		t.Errorf("the turn after an English follow: %q, want English", got)
	}

	jaFollow := strings.Replace(strings.Replace(strings.Replace(follow, userID, "Ujapanese0000000000000000000000000", 1),
		"01HX0000000000000000000008FIXTURE", "01HX0000000000000000000008PROFJ", 1), "rt000000000000000000000000000008", "rt0000000000000000000000000000jj", 1)
	in.postSigned(t, []byte(jaFollow))
	e.wait(1)
	e.quiet(50 * time.Millisecond)
	replies = e.api.Calls("/v2/bot/message/reply")
	jp := nationalTexts()
	if got := textsOf(replies[len(replies)-1]); len(got) == 0 || !strings.HasPrefix(got[0], jp.Get(bot.TextLINEThanks)+"\n") {
		t.Errorf("a Japanese profile's follow: %q", got)
	}
}

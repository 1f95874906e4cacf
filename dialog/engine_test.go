package dialog_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/dialog"
	"github.com/madoguchi/madoguchi/dialog/redisstore"
	"github.com/madoguchi/madoguchi/internal/kbtest"
)

func say(tb testing.TB, e *dialog.Engine, user, text, postback string) bot.Reply {
	tb.Helper()
	today := bot.NewDate(2026, time.January, 10)
	r, err := e.Respond(context.Background(), bot.Message{Channel: bot.ChannelWeb, Municipality: "nerima",
		User: user, Text: text, Postback: postback, Today: &today})
	if err != nil {
		tb.Fatalf("Respond(%q, %q): %v", text, postback, err)
	}
	return r
}

// TestPINIsNeverStoredOrLogged sends PIN-like texts and then reads every
// key the conversation wrote, raw, and every log line.
func TestPINIsNeverStoredOrLogged(t *testing.T) {
	var logs bytes.Buffer
	e, client, prefix := newEngine(t, &logs)
	user := "pin-user-0001"
	say(t, e, user, "更新したい", "")
	pins := []string{"1234", "９８７６", "AB12CD34", "ab12cd34ef"}
	for _, pin := range pins {
		r := say(t, e, user, pin, "")
		for _, m := range r.Messages {
			if strings.Contains(m.Text, pin) {
				t.Errorf("reply echoes the PIN %q: %q", pin, m.Text)
			}
		}
		if !strings.Contains(texts(r)[0], "暗証番号") {
			t.Errorf("no PIN warning for %q: %q", pin, texts(r))
		}
	}
	keys, err := client.Keys(context.Background(), prefix+"*").Result()
	if err != nil || len(keys) == 0 {
		t.Fatalf("no state written under %s: %v", prefix, err)
	}
	for _, k := range keys {
		raw, err := client.Get(context.Background(), k).Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, pin := range append(pins, "9876") {
			if strings.Contains(raw, pin) {
				t.Errorf("state %s holds the PIN %q: %s", k, pin, raw)
			}
		}
		if strings.Contains(k, user) {
			t.Logf("note: the key holds the session id %q (ids are not secret, PINs are)", user)
		}
	}
	for _, pin := range append(pins, "9876", user, "更新したい") {
		if strings.Contains(logs.String(), pin) {
			t.Errorf("logs hold %q:\n%s", pin, logs.String())
		}
	}
	if !strings.Contains(logs.String(), bot.HashUser(user)) {
		t.Errorf("logs do not name the hashed user:\n%s", logs.String())
	}
}

// TestConcurrentTurnsLoseNothing sends 50 turns of one session at once:
// each must be applied exactly once.
func TestConcurrentTurnsLoseNothing(t *testing.T) {
	e, client, prefix := newEngine(t, nil)
	const n = 50
	user := "concurrent-0001"
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pb := "age_group=adult"
			if i%2 == 1 {
				pb = "visitor=proxy"
			}
			_, err := e.Respond(context.Background(), bot.Message{Channel: bot.ChannelWeb, Municipality: "nerima", User: user, Postback: pb})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	raw, err := client.Get(context.Background(), prefix+"state:web:nerima:"+user).Bytes()
	if err != nil {
		t.Fatalf("read state: %v", err)
	}
	if !bytes.Contains(raw, []byte(`"turns":50`)) || !bytes.Contains(raw, []byte(`"age_group":"adult"`)) || !bytes.Contains(raw, []byte(`"visitor":"proxy"`)) {
		t.Fatalf("state after %d concurrent turns = %s, want turns 50 and both answers", n, raw)
	}
}

func TestRespondErrors(t *testing.T) {
	e, _, _ := newEngine(t, nil)
	cases := []struct {
		name string
		msg  bot.Message
		code bot.Code
	}{
		{"unknown municipality", bot.Message{Municipality: "tokyo", User: "u-000001", Text: "はい"}, bot.CodeNotFound},
		{"empty", bot.Message{Municipality: "nerima", User: "u-000001"}, bot.CodeInvalid},
		{"both text and postback", bot.Message{Municipality: "nerima", User: "u-000001", Text: "a", Postback: "reset"}, bot.CodeInvalid},
		{"unknown postback", bot.Message{Municipality: "nerima", User: "u-000001", Postback: "visitor=alien"}, bot.CodeInvalid},
		{"bad postback date", bot.Message{Municipality: "nerima", User: "u-000001", Postback: "expiry_date=2026-02-30"}, bot.CodeInvalid},
		{"ward outside yokohama", bot.Message{Municipality: "nerima", User: "u-000001", Postback: "ward=aoba"}, bot.CodeInvalid},
		{"too long", bot.Message{Municipality: "nerima", User: "u-000001", Text: strings.Repeat("あ", bot.MaxTextRunes+1)}, bot.CodeInvalid},
		{"no user", bot.Message{Municipality: "nerima", Text: "はい"}, bot.CodeInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.Respond(context.Background(), c.msg)
			if got := bot.ErrorCode(err); got != c.code {
				t.Fatalf("err = %v (code %q), want code %q", err, got, c.code)
			}
		})
	}
}

// TestRedisGoneIsUnavailable checks that a store that went away gives a
// retryable error, not a panic or an internal error.
func TestRedisGoneIsUnavailable(t *testing.T) {
	mr := miniredis.RunT(t)
	client := redis.NewClient(&redis.Options{Addr: mr.Addr(), MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { client.Close() })
	e := dialog.New(dialog.Config{KB: loadKB(t), Store: redisstore.New(client, redisstore.Options{}), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	say(t, e, "gone-000001", "更新したい", "")
	mr.Close()
	_, err := e.Respond(context.Background(), bot.Message{Municipality: "nerima", User: "gone-000001", Text: "35歳"})
	var be *bot.Error
	if !errors.As(err, &be) || be.Code != bot.CodeUnavailable || !errors.Is(err, dialog.ErrUnavailable) {
		t.Fatalf("err = %v, want CodeUnavailable wrapping dialog.ErrUnavailable", err)
	}
}

func TestForget(t *testing.T) {
	e, client, prefix := newEngine(t, nil)
	say(t, e, "forget-0001", "35歳", "")
	if err := e.Forget(context.Background(), bot.ChannelWeb, "nerima", "forget-0001"); err != nil {
		t.Fatal(err)
	}
	if n, _ := client.Exists(context.Background(), prefix+"state:web:nerima:forget-0001").Result(); n != 0 {
		t.Fatal("state still there after Forget")
	}
	if r := say(t, e, "forget-0001", "こんにちは", ""); r.Slots.AgeGroup != "" {
		t.Fatalf("slots survived Forget: %v", r.Slots)
	}
}

// TestEveryMunicipalityReachesAChecklist answers every question with the
// first button until the checklist comes, for every age group and visitor.
func TestEveryMunicipalityReachesAChecklist(t *testing.T) {
	e, _, _ := newEngine(t, nil)
	for _, m := range []string{"edogawa", "akishima", "nerima", "akitakata", "yokohama"} {
		for _, age := range bot.AgeGroups {
			for _, v := range bot.Visitors {
				user := fmt.Sprintf("all-%s-%s-%s", m, age, v)
				today := bot.NewDate(2026, time.January, 10)
				send := func(pb string) bot.Reply {
					r, err := e.Respond(context.Background(), bot.Message{Channel: bot.ChannelWeb, Municipality: m, User: user, Postback: pb, Today: &today})
					if err != nil {
						t.Fatalf("%s: %v", user, err)
					}
					return r
				}
				send("start")
				send("age_group=" + string(age))
				r := send("visitor=" + string(v))
				for i := 0; !r.Done && i < 6; i++ {
					if len(r.QuickReplies) == 0 {
						t.Fatalf("%s: asking %q with no buttons", user, r.Asking)
					}
					r = send(r.QuickReplies[0].Postback)
				}
				if !r.Done || checklistOf(r) == nil {
					t.Errorf("%s: no checklist after answering every question; asking %q", user, r.Asking)
				}
			}
		}
	}
}

// TestRetriedMessageIsNotAppliedTwice sends each message of a conversation
// twice with the same ID, as LINE's channel does when a reply could not be
// sent: the second answer must equal the first, be marked Repeat, and
// change nothing (a 「はい」 answered twice must not also answer the next
// question).
func TestRetriedMessageIsNotAppliedTwice(t *testing.T) {
	e, client, prefix := newEngine(t, nil)
	user := "Uretry"
	today := bot.NewDate(2026, time.January, 10)
	send := func(id, text string) bot.Reply {
		t.Helper()
		r, err := e.Respond(context.Background(), bot.Message{Channel: bot.ChannelLINE, Municipality: "nerima",
			User: user, Text: text, Today: &today, ID: id})
		if err != nil {
			t.Fatalf("Respond(%s, %q): %v", id, text, err)
		}
		return r
	}
	stored := func() string {
		t.Helper()
		keys, err := client.Keys(context.Background(), prefix+"*").Result()
		if err != nil || len(keys) != 1 {
			t.Fatalf("keys %v: %v", keys, err)
		}
		v, _ := client.Get(context.Background(), keys[0]).Result()
		return v
	}
	steps := []struct{ id, text string }{
		{"ev1", "更新したい"}, {"ev2", "35歳"}, {"ev3", "夫が行きます"}, {"ev4", "はい"},
		{"ev5", "1234"}, // a PIN: warned, never stored, and the same warning again
		{"ev6", "いいえ"}, {"ev7", "わからない"},
	}
	for _, s := range steps {
		first := send(s.id, s.text)
		before := stored()
		again := send(s.id, s.text)
		if first.Repeat || !again.Repeat {
			t.Errorf("%s: Repeat %v then %v, want false then true", s.id, first.Repeat, again.Repeat)
		}
		a, _ := json.Marshal(first) // Repeat is not encoded
		b, _ := json.Marshal(again)
		if string(a) != string(b) {
			t.Errorf("%s %q answered differently on retry:\n first %s\n again %s", s.id, s.text, a, b)
		}
		if after := stored(); after != before {
			t.Errorf("%s: the retry changed the state:\n%s\n%s", s.id, before, after)
		}
		if strings.Contains(stored(), "1234") {
			t.Errorf("state holds the PIN: %s", stored())
		}
	}
	last := send("ev7", "わからない")
	if !last.Done || checklistOf(last) == nil {
		t.Errorf("the retried last turn lost its checklist: %+v", last)
	}
	// An older ID was applied and answered before the newer ones began:
	// known, nothing applied, nothing said.
	before := stored()
	if r := send("ev2", "35歳"); !r.Repeat || len(r.Messages) != 0 {
		t.Errorf("older ID: Repeat %v with %d messages, want true and none", r.Repeat, len(r.Messages))
	}
	if stored() != before {
		t.Error("a retry of an older ID changed the state")
	}
	// A new ID is a new turn; after dialog.RecentIDs more, ev1 is forgotten.
	if r := send("ev8", "最初から"); r.Repeat {
		t.Error("a new ID was taken for a retry")
	}
	for i := range dialog.RecentIDs {
		send(fmt.Sprintf("more%d", i), "最初から")
	}
	if r := send("ev1", "最初から"); r.Repeat {
		t.Errorf("ev1 still remembered after %d newer turns", dialog.RecentIDs+1)
	}
}

// TestButtonOfLostConversation presses the buttons of a conversation
// whose state is gone (deleted here, as Redis evicts or expires it): the
// engine says the record is lost and asks the first question again,
// applying nothing, instead of carrying the answer into a new
// conversation. Buttons that stand alone (start, an FAQ topic) are
// answered as usual on a new conversation.
func TestButtonOfLostConversation(t *testing.T) {
	e, client, prefix := newEngine(t, nil)
	user := "lost-state-0001"
	first := say(t, e, user, "更新したい", "")
	if first.Asking == "" {
		t.Fatalf("the first reply asks nothing: %q", texts(first))
	}
	second := say(t, e, user, "", first.QuickReplies[0].Postback)
	if second.Asking == first.Asking {
		t.Fatalf("the first answer was not applied: %q", texts(second))
	}
	for _, pb := range []string{second.QuickReplies[0].Postback, dialog.PostbackBack, "expiry_date=unknown"} {
		if err := client.Del(context.Background(), prefix+"state:web:nerima:"+user).Err(); err != nil {
			t.Fatal(err)
		}
		r := say(t, e, user, "", pb)
		got := texts(r)
		if len(got) == 0 || got[0] != kbtest.Text(t, bot.TextRecordLost) {
			t.Fatalf("button %q of a lost conversation: %q, want %q first", pb, got, kbtest.Text(t, bot.TextRecordLost))
		}
		if r.Asking != first.Asking || r.Done || checklistOf(r) != nil || r.Slots != (bot.Slots{}) {
			t.Fatalf("button %q of a lost conversation: asking %q (want %q), done %v, slots %+v: the answer was applied",
				pb, r.Asking, first.Asking, r.Done, r.Slots)
		}
		// The conversation goes on from the first question.
		if again := say(t, e, user, "", first.QuickReplies[0].Postback); again.Asking != second.Asking {
			t.Fatalf("after the restart the first answer asks %q, want %q", again.Asking, second.Asking)
		}
	}
	for i, pb := range []string{dialog.PostbackStart, "faq=phone", dialog.PostbackReset} {
		r := say(t, e, fmt.Sprintf("lost-state-new-%d", i), "", pb)
		if got := texts(r); len(got) > 0 && got[0] == kbtest.Text(t, bot.TextRecordLost) {
			t.Errorf("button %q opening a new conversation is told the record is lost: %q", pb, got)
		}
	}
}

package line_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/dialog/understand"
	"github.com/madoguchi/madoguchi/internal/redistest"
	"github.com/madoguchi/madoguchi/webhook/line"
)

// TestPINNeverQueued checks that a PIN-like text message is redacted before
// its event is written to the Redis stream: while the events wait in the
// queue and after they are handled, no key or value under the handler's
// prefix holds any spelling of the PINs, the engine receives the marker
// (which the dialog reads as a PIN), other texts pass unchanged, and an
// event that came without a webhookEventId is still recognised when
// redelivered.
func TestPINNeverQueued(t *testing.T) {
	e := newEnv(t)
	in := e.newInst(nil)
	ctx := context.Background()
	cases := []struct {
		text    string
		secrets []string // what must be nowhere in Redis
	}{
		{"7391", []string{"7391"}},
		{"暗証番号は 5 8 2 6 です", []string{"5 8 2 6", "5826"}},
		{"ｱﾝｼｮｳﾊﾞﾝｺﾞｳ 六四〇九", []string{"六四〇九", "6409", "ｱﾝｼｮｳ"}},
		{"パスワードはQz84-Lm27です", []string{"Qz84", "Lm27", "qz84"}},
		{"１９４７", []string{"１９４７", "1947"}},
		{"Xk29Vb71!", []string{"Xk29", "xk29"}},
	}
	user := "U0000000000000000000000000000pin1"
	ts := int64(fixtureTime)
	for i, c := range cases {
		in.postSigned(t, textEvent(user, "pin-"+string(rune('a'+i)), ts+int64(i), c.text))
	}
	// With emojis pointing into the text, and without a webhookEventId.
	noID := []byte(`{"destination":"Ubot","events":[{"type":"message","mode":"active","timestamp":` + jsonInt(ts+10) +
		`,"deliveryContext":{"isRedelivery":false},"source":{"type":"user","userId":"` + user + `"},"replyToken":"rt-noid",` +
		`"message":{"id":"m-noid","type":"text","quoteToken":"q","text":"PIN 3 0 8 2 $","emojis":[{"index":11,"length":1,"productId":"5ac1bfd5040ab15980c9b435","emojiId":"001"}]}}]}`)
	cases = append(cases, struct {
		text    string
		secrets []string
	}{"PIN 3 0 8 2 $", []string{"3 0 8 2", "3082", "5ac1bfd5040ab15980c9b435"}})
	in.postSigned(t, noID)
	in.postSigned(t, textEvent(user, "pin-plain", ts+20, "鶴見区です"))

	check := func(when string) string {
		t.Helper()
		dump, err := redistest.Dump(ctx, e.rdb, e.prefix+"*")
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			for _, s := range c.secrets {
				if strings.Contains(dump, s) {
					t.Errorf("%s: Redis holds %q of the PIN-like %q:\n%s", when, s, c.text, dump)
				}
			}
		}
		return dump
	}
	queued := check("queued")
	if !strings.Contains(queued, "鶴見区です") || strings.Count(queued, understand.RedactedPIN) != len(cases) {
		t.Fatalf("the queue should hold the plain text and %d markers:\n%s", len(cases), queued)
	}

	in.run()
	t.Cleanup(in.shutdown)
	e.wait(len(cases) + 1)
	want := slices.Repeat([]string{understand.RedactedPIN}, len(cases))
	want = append(want, "鶴見区です")
	if got := e.engine.Turns(user); !slices.Equal(got, want) {
		t.Errorf("the engine received %q, want %q", got, want)
	}
	check("handled")

	// A redelivery of the event LINE sent without an id is a duplicate.
	in.postSigned(t, noID)
	if r := e.wait(1)[0]; r.Outcome != line.OutcomeDuplicate {
		t.Errorf("redelivered redacted event: outcome %s, want %s", r.Outcome, line.OutcomeDuplicate)
	}
	check("redelivered")
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

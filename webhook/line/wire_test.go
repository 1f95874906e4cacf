package line_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/webhook/line"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the current encoding")

// wireReplies are the replies whose request bodies are checked against
// testdata/golden: a Flex checklist, and a text with quick replies.
var wireReplies = []struct {
	name  string
	reply bot.Reply
}{
	{"checklist", bot.Reply{Messages: []bot.OutMessage{{Type: bot.OutText, Text: "確認しました。"}, {Type: bot.OutChecklist, Checklist: sampleChecklist()}},
		QuickReplies: []bot.QuickReply{{Label: "最初から", Postback: "restart"}}}},
	{"text", bot.Reply{Messages: []bot.OutMessage{{Type: bot.OutText, Text: "お知らせのはがきは届いていますか？<はい/いいえ>"}},
		QuickReplies: []bot.QuickReply{{Label: "はい", Postback: "answer=yes"}, {Label: "いいえ", Postback: "answer=no"}}}},
}

// TestReplyBodyGolden checks the JSON sent to LINE, field for field (in
// any order), against testdata/golden, and every limit the fake API
// checks.
func TestReplyBodyGolden(t *testing.T) {
	for _, tt := range wireReplies {
		t.Run(tt.name, func(t *testing.T) {
			body, err := line.ReplyBody("rt-golden", tt.reply)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "golden", "reply_"+tt.name+".json")
			if *update {
				var b bytes.Buffer
				if err := json.Indent(&b, body, "", "  "); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var got, golden map[string]any
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatalf("body is not JSON: %v", err)
			}
			if err := json.Unmarshal(want, &golden); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, golden) {
				t.Errorf("body differs from %s:\n%s", path, body)
			}
			msgs, _ := got["messages"].([]any)
			for i, m := range msgs {
				checkMessage(t, m.(map[string]any), i == len(msgs)-1)
			}
		})
	}
}

// TestReplyBodySDK decodes the bodies with the SDK's own types and
// encodes them again: what comes back must be what was sent, so every
// field is one LINE's schema knows, with the type it expects.
func TestReplyBodySDK(t *testing.T) {
	for _, tt := range wireReplies {
		t.Run(tt.name, func(t *testing.T) {
			body, err := line.ReplyBody("rt-sdk", tt.reply)
			if err != nil {
				t.Fatal(err)
			}
			var req messaging_api.ReplyMessageRequest
			if err := json.Unmarshal(body, &req); err != nil {
				t.Fatalf("the SDK does not decode the body: %v", err)
			}
			if req.ReplyToken != "rt-sdk" || len(req.Messages) == 0 {
				t.Fatalf("decoded %+v", req)
			}
			for _, m := range req.Messages {
				// The SDK decodes into values, not pointers.
				switch m := m.(type) {
				case messaging_api.TextMessage:
				case messaging_api.FlexMessage:
					c, ok := m.Contents.(messaging_api.FlexCarousel)
					if !ok || len(c.Contents) != 4 { // items, places, afterwards, warnings
						t.Errorf("flex contents %T", m.Contents)
					}
				default:
					t.Errorf("message decoded as %T", m)
				}
			}
			again, err := json.Marshal(&req)
			if err != nil {
				t.Fatal(err)
			}
			var sent, round map[string]any
			_ = json.Unmarshal(body, &sent)
			_ = json.Unmarshal(again, &round)
			if !reflect.DeepEqual(sent, round) {
				t.Errorf("the SDK's types do not hold the body:\nsent  %s\nagain %s", body, again)
			}
		})
	}
}

// TestChecklistSizeLimits checks that a checklist whose Flex form would
// be over LINE's limits (30 KB a bubble, 50 KB a carousel) is sent as
// text, and one within them as Flex.
func TestChecklistSizeLimits(t *testing.T) {
	kb := strings.Repeat("あ", 1024/3) // a component of about 1.1 KB of JSON
	items := func(n int) []bot.Item {
		var out []bot.Item
		for range n {
			out = append(out, bot.Item{Text: kb})
		}
		return out
	}
	counters := func(n int) []bot.Counter {
		var out []bot.Counter
		for range n {
			out = append(out, bot.Counter{Name: kb})
		}
		return out
	}
	tests := []struct {
		name string
		c    bot.Checklist
		want string // type of the first message
	}{
		{"a carousel over 30 KB, its bubbles under", bot.Checklist{Texts: nationalTexts(), Items: items(20), Counters: counters(20)}, "flex"},
		{"a bubble over 30 KB", bot.Checklist{Texts: nationalTexts(), Items: items(31)}, "text"},
		{"a carousel with a bubble over 30 KB", bot.Checklist{Texts: nationalTexts(), Items: items(1), Counters: counters(31)}, "text"},
		{"a carousel over 50 KB", bot.Checklist{Texts: nationalTexts(), Items: items(26), Counters: counters(26)}, "text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, err := line.ReplyBody("rt-size", bot.Reply{Messages: []bot.OutMessage{{Type: bot.OutChecklist, Checklist: &tt.c}}})
			if err != nil {
				t.Fatal(err)
			}
			var req struct{ Messages []map[string]any }
			if err := json.Unmarshal(body, &req); err != nil {
				t.Fatal(err)
			}
			if got := req.Messages[0]["type"]; got != tt.want {
				t.Errorf("first message is %v, want %s", got, tt.want)
			}
			for i, m := range req.Messages {
				checkMessage(t, m, i == len(req.Messages)-1)
			}
		})
	}
}

// TestConnectionReused checks that answers are read and closed, refused
// ones included, so one connection carries every request in turn.
func TestConnectionReused(t *testing.T) {
	e := newEnv(t)
	big := `{"message":"` + strings.Repeat("x", 8<<10) + `"}`
	e.api.setStatus(func(path string, n int) (int, string) {
		if n%2 == 1 {
			return http.StatusInternalServerError, big
		}
		return 0, ""
	})
	in := e.start(func(c *line.Config) { c.LoadingAfter = time.Hour })
	for i := range 4 {
		in.postSigned(t, textEvent(userID, fmt.Sprintf("conn%d", i), fixtureTime+int64(i), "はい"))
		if r := e.wait(1)[0]; r.Outcome != line.OutcomeReplied {
			t.Fatalf("event %d: %s", i, r.Outcome)
		}
	}
	if n := e.api.count("/v2/bot/message/reply"); n != 8 {
		t.Errorf("%d reply requests, want 8", n)
	}
	if n := e.api.connections(); n != 1 {
		t.Errorf("%d connections, want 1", n)
	}
}

// TestBurstsKeepTheirConnections answers bursts of events from many users
// at once, with a slow API so that the replies overlap: every connection
// a burst opened must stay open for the next, none closed only to be
// opened again.
func TestBurstsKeepTheirConnections(t *testing.T) {
	e := newEnv(t)
	e.api.setDelay(100 * time.Millisecond)
	in := e.start(func(c *line.Config) { c.LoadingAfter = time.Hour })
	const users = 160
	burst := func(round int) {
		var evs []string
		for u := range users {
			b := textEvent(fmt.Sprintf("Uburst%03d", u), fmt.Sprintf("burst%d-%d", round, u), fixtureTime+int64(round), "はい")
			evs = append(evs, eventsOf(t, indent(b)))
		}
		in.postSigned(t, []byte(`{"destination":"Ubot","events":[`+strings.Join(evs, ",")+`]}`))
		e.wait(users)
	}
	burst(0)
	if n := e.api.connections(); n <= 64 {
		t.Fatalf("only %d connections for %d users' replies at once: the burst did not overlap", n, users)
	}
	burst(1)
	e.quiet(100 * time.Millisecond)
	if n := e.api.closedConnections(); n != 0 {
		t.Errorf("%d of %d connections were closed between bursts", n, e.api.connections())
	}
}

// BenchmarkReplyBody renders a checklist reply and encodes its request
// body.
func BenchmarkReplyBody(b *testing.B) {
	r := wireReplies[0].reply
	b.ReportAllocs()
	for b.Loop() {
		if _, err := line.ReplyBody("rt-bench", r); err != nil {
			b.Fatal(err)
		}
	}
}

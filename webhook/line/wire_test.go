package line_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"

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
					if !ok || len(c.Contents) != 3 {
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

package line_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/bot"
)

// TestRendering checks what a reply becomes on LINE; the fake API checks
// every limit (message count, text length, quick replies, Flex sizes).
func TestRendering(t *testing.T) {
	long := strings.Repeat("あいうえお、かきくけこ。\n", 1000) // 13,000 units
	var many []bot.QuickReply
	for i := range 20 {
		many = append(many, bot.QuickReply{Label: fmt.Sprintf("とても長いボタンのラベルその%02d番目の選択肢です", i), Postback: fmt.Sprintf("choice=%d", i)})
	}
	many = append([]bot.QuickReply{{Label: "長すぎるデータ", Postback: strings.Repeat("x", 301)}}, many...)
	var seven []bot.OutMessage
	for i := range 7 {
		seven = append(seven, bot.OutMessage{Type: bot.OutText, Text: fmt.Sprintf("その%d", i)})
	}
	tests := []struct {
		in    string
		reply bot.Reply
		check func(t *testing.T, msgs []any)
	}{
		{"checklist", bot.Reply{Messages: []bot.OutMessage{{Type: bot.OutText, Text: "確認しました。"}, {Type: bot.OutChecklist, Checklist: sampleChecklist()}}},
			func(t *testing.T, msgs []any) {
				if len(msgs) != 2 {
					t.Fatalf("%d messages", len(msgs))
				}
				flex := msgs[1].(map[string]any)
				b, _ := json.Marshal(flex)
				s := string(b)
				for _, want := range []string{`"type":"flex"`, `"type":"carousel"`, "持ち物", "1回目の来庁で持っていくもの", "2回目の来庁で持っていくもの", "窓口", "tel:0336521151",
					"tel:0120950178", "この後の手続き", "平日 8時30分〜17時", "2024年4月1日(月)更新", "（お持ちの場合）", "今は更新できる期間です（2025年7月7日(月)まで）", "窓口へ2回お越しください。1回目の日には終わりません。"} {
					if !strings.Contains(s, want) {
						t.Errorf("flex lacks %s", want)
					}
				}
				if alt := flex["altText"].(string); !strings.Contains(alt, "本人のマイナンバーカード") || !strings.Contains(alt, "窓口へ2回") {
					t.Errorf("altText %q", alt)
				}
			}},
		{"long", bot.Reply{Messages: []bot.OutMessage{{Type: bot.OutText, Text: long}}},
			func(t *testing.T, msgs []any) {
				var all strings.Builder
				for _, m := range msgs {
					s := m.(map[string]any)["text"].(string)
					if !strings.HasSuffix(s, "。") {
						t.Errorf("piece not cut at a line break: …%s", s[len(s)-9:])
					}
					all.WriteString(s + "\n")
				}
				if len(msgs) != 3 || all.String() != long {
					t.Errorf("%d pieces; text kept: %v", len(msgs), all.String() == long)
				}
			}},
		{"buttons", bot.Reply{Messages: []bot.OutMessage{{Type: bot.OutText, Text: "どれですか"}}, QuickReplies: many},
			func(t *testing.T, msgs []any) {
				items := msgs[0].(map[string]any)["quickReply"].(map[string]any)["items"].([]any)
				if len(items) != 13 {
					t.Errorf("%d items", len(items))
				}
				a := items[0].(map[string]any)["action"].(map[string]any)
				if a["data"] != "choice=0" || a["label"] != a["displayText"] || !strings.HasSuffix(a["label"].(string), "…") {
					t.Errorf("first item %v", a)
				}
			}},
		{"seven", bot.Reply{Messages: seven, QuickReplies: []bot.QuickReply{{Label: "はい", Postback: "yes"}}},
			func(t *testing.T, msgs []any) {
				if len(msgs) != 5 {
					t.Fatalf("%d messages", len(msgs))
				}
				var all []string
				for _, m := range msgs {
					all = append(all, m.(map[string]any)["text"].(string))
				}
				if got := strings.Join(all, "\n\n"); got != "その0\n\nその1\n\nその2\n\nその3\n\nその4\n\nその5\n\nその6" {
					t.Errorf("texts %q", all)
				}
			}},
	}
	e := newEnv(t)
	byText := map[string]bot.Reply{}
	for _, tt := range tests {
		byText[tt.in] = tt.reply
	}
	e.engine.custom = func(in string) (bot.Reply, bool) { r, ok := byText[in]; return r, ok }
	in := e.start(nil)
	for i, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			in.postSigned(t, textEvent(userID, fmt.Sprintf("render%d", i), fixtureTime+int64(i), tt.in))
			e.wait(1)
			replies := e.api.Calls("/v2/bot/message/reply")
			msgs, _ := replies[len(replies)-1].Body["messages"].([]any)
			tt.check(t, msgs)
		})
	}
}

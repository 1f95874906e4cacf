package line

import (
	"encoding/json"
	"regexp"
	"testing"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/internal/wcag"
)

// TestFlexContrast checks every colour pair of the checklist card for WCAG
// AA (4.5:1): the declared pairs, and every colour a rendered card
// actually uses, on LINE's white bubble.
func TestFlexContrast(t *testing.T) {
	for _, p := range flexColors {
		r, err := wcag.Contrast(p[0], p[1])
		if err != nil {
			t.Fatal(err)
		}
		if r < wcag.AA {
			t.Errorf("%s on %s: contrast %.2f, under %.1f", p[0], p[1], r, wcag.AA)
		}
	}
	c := contrastChecklist()
	c.Covered = false
	b, err := json.Marshal(checklistFlex(c))
	if err != nil {
		t.Fatal(err)
	}
	used := regexp.MustCompile(`"color":"(#[0-9A-Fa-f]{6})"`).FindAllStringSubmatch(string(b), -1)
	if len(used) == 0 {
		t.Fatal("the card declares no colours")
	}
	for _, u := range used {
		r, err := wcag.Contrast(u[1], colorBackground)
		if err != nil {
			t.Fatal(err)
		}
		if r < wcag.AA {
			t.Errorf("the card uses %s on white: contrast %.2f", u[1], r)
		}
	}
}

// TestFlexKeyLines: the lines residents must not miss (the visits, the
// same day, the window, the hours and the reservation) are in normal size
// ("md") and dark text, never LINE's small grey.
func TestFlexKeyLines(t *testing.T) {
	c := contrastChecklist()
	m := checklistFlex(c)
	b, _ := json.Marshal(m.Contents)
	var car struct {
		Contents []struct {
			Body struct {
				Contents []struct {
					Type, Text, Size, Color string
				}
			}
		}
	}
	if err := json.Unmarshal(b, &car); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{
		"窓口へ2回お越しください。1回目の日には終わりません。2回目は別の日です。": false,
		"今は更新できる期間です（2025年7月7日(月)まで）":           false,
		"受付時間：" + c.Counters[0].Hours:           false,
		"予約：" + c.Counters[0].Reservation:       false,
	}
	for _, bub := range car.Contents {
		for _, x := range bub.Body.Contents {
			if _, ok := want[x.Text]; !ok {
				continue
			}
			want[x.Text] = true
			if x.Size != "md" || x.Color != colorBody {
				t.Errorf("%q is %s %s, want md %s", x.Text, x.Size, x.Color, colorBody)
			}
		}
	}
	for s, seen := range want {
		if !seen {
			t.Errorf("the card lacks %q", s)
		}
	}
}

// contrastChecklist has every part of a card: two visits, a window,
// hours, a reservation rule, a phone, a follow-up and a warning.
func contrastChecklist() *bot.Checklist {
	return &bot.Checklist{
		Texts:     nationalTexts(),
		Procedure: bot.ProcedureRenewal, ProcedureName: "更新", Covered: true,
		Window: &bot.Window{Start: bot.NewDate(2025, 4, 8), End: bot.NewDate(2025, 7, 7)}, Status: bot.StatusInWindow,
		Visits: 2, Items: []bot.Item{
			{Text: "本人のマイナンバーカード", Visit: 1},
			{Text: "委任状", Visit: 1, Note: "本人が自署したもの"},
			{Text: "照会書兼回答書", Visit: 2, Optional: true},
		},
		Counters:  []bot.Counter{{Name: "区役所", Phone: "03-3652-1151", Hours: "平日 8時30分〜17時", Reservation: "不要"}},
		Followups: []bot.Followup{{Title: "暗証番号を忘れたとき", Text: "窓口で再設定できます。", Phone: "0120-95-0178"}},
		Notes:     []string{"代理人の場合は2回の来庁が必要です。"},
		Source:    bot.Source{Title: "電子証明書の更新", Updated: "2024-04-01"},
		Contact:   &bot.Contact{Name: "区役所", Phone: "03-3652-1151"},
	}
}

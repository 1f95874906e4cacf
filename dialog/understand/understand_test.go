package understand_test

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/dialog/understand"
)

// yokohama is the ward list the knowledge base gives for Yokohama.
var yokohama = []understand.Ward{{ID: "aoba", Name: "青葉区"}, {ID: "asahi", Name: "旭区"}, {ID: "hodogaya", Name: "保土ケ谷区"},
	{ID: "isogo", Name: "磯子区"}, {ID: "izumi", Name: "泉区"}, {ID: "kanagawa", Name: "神奈川区"}, {ID: "kanazawa", Name: "金沢区"},
	{ID: "kohoku", Name: "港北区"}, {ID: "konan", Name: "港南区"}, {ID: "midori", Name: "緑区"}, {ID: "minami", Name: "南区"},
	{ID: "naka", Name: "中区"}, {ID: "nishi", Name: "西区"}, {ID: "sakae", Name: "栄区"}, {ID: "seya", Name: "瀬谷区"},
	{ID: "totsuka", Name: "戸塚区"}, {ID: "tsurumi", Name: "鶴見区"}, {ID: "tsuzuki", Name: "都筑区"}}

// testCase is one line of testdata/*.cases: what was asked, what the
// resident wrote, and everything Understand must report, no more.
type testCase struct {
	file   string
	line   int
	today  bot.Date
	asking string
	text   string
	want   understand.Result
}

// TestUnderstand runs every case in testdata/*.cases. A line reads
//
//	asking | text | expectations
//
// with asking "-" for none, text in Go quotes when it has surrounding
// spaces, and expectations among age=…, visitor=…, notice=…, addr=…,
// expiry=YYYY-MM-DD, ward=…, pin, dk, reset, back, or "none". A line
// "@today YYYY-MM-DD" sets today for the lines after it (2025-05-01 at the
// top of each file).
func TestUnderstand(t *testing.T) {
	cases := loadCases(t)
	if len(cases) < 200 {
		t.Errorf("only %d cases; the brief asks for at least 200", len(cases))
	}
	for _, c := range cases {
		t.Run(strconv.Itoa(c.line)+"_"+c.text, func(t *testing.T) {
			got := understand.Understand(c.text, c.asking, c.today, yokohama)
			if got.Slots.String() != c.want.Slots.String() || !slices.Equal(got.Found, c.want.Found) ||
				got.PIN != c.want.PIN || got.DontKnow != c.want.DontKnow || got.Command != c.want.Command {
				t.Errorf("%s:%d Understand(%q, asking %q)\n got: %s\nwant: %s", c.file, c.line, c.text, c.asking,
					describe(got), describe(c.want))
			}
		})
	}
}

func describe(r understand.Result) string {
	return r.Slots.String() + " found=" + strings.Join(r.Found, ",") + " pin=" + strconv.FormatBool(r.PIN) +
		" dk=" + strconv.FormatBool(r.DontKnow) + " cmd=" + r.Command.String()
}

func loadCases(tb testing.TB) []testCase {
	tb.Helper()
	files, err := filepath.Glob("testdata/*.cases")
	if err != nil || len(files) == 0 {
		tb.Fatalf("no testdata/*.cases: %v", err)
	}
	var cases []testCase
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			tb.Fatal(err)
		}
		today := bot.NewDate(2025, 5, 1)
		sc := bufio.NewScanner(f)
		for line := 1; sc.Scan(); line++ {
			l := strings.TrimSpace(sc.Text())
			switch {
			case l == "" || strings.HasPrefix(l, "#"):
				continue
			case strings.HasPrefix(l, "@today "):
				if today, err = bot.ParseDate(strings.TrimPrefix(l, "@today ")); err != nil {
					tb.Fatalf("%s:%d: %v", name, line, err)
				}
				continue
			}
			c, err := parseCase(l)
			if err != nil {
				tb.Fatalf("%s:%d: %v", name, line, err)
			}
			c.file, c.line, c.today = filepath.Base(name), line, today
			cases = append(cases, c)
		}
		f.Close()
	}
	return cases
}

// TestWardReadingsFromTheKnowledge: a ward's readings given in the
// knowledge are understood beside those derived from its id.
func TestWardReadingsFromTheKnowledge(t *testing.T) {
	chuo := understand.Ward{ID: "chuo", Name: "中央区"}
	withReading := chuo
	withReading.Readings = []string{"ちゅうおう"}
	ctx := func(w understand.Ward) understand.Context {
		return understand.Context{Asking: bot.SlotWard, Wards: []understand.Ward{w, {ID: "kita", Name: "北区"}}}
	}
	if got := understand.Read("ちゅうおうに住んでます", ctx(withReading)).Slots.Ward; got != "chuo" {
		t.Errorf("with the reading: ward %q, want chuo", got)
	}
	if got := understand.Read("ちゅうおうに住んでます", ctx(chuo)).Slots.Ward; got != "" {
		t.Errorf("without it: ward %q, want none (the id does not spell the reading)", got)
	}
	if got := understand.Read("中央区です", ctx(withReading)).Slots.Ward; got != "chuo" {
		t.Errorf("by name: ward %q, want chuo", got)
	}
}

// TestHolderOther: a message that names the holder as someone else says
// so, and a later 「俺が行く」 in that conversation is the writer going for
// them, while 「本人が行きます」 stays the holder.
func TestHolderOther(t *testing.T) {
	today := bot.NewDate(2026, 12, 2)
	for text, want := range map[string]bool{
		"親父の電子証明書を代わりに更新したい": true, "母の分の更新です": true, "叔母の成年後見人です": true,
		"私の電子証明書の更新です": false, "夫の父が寝たきりなので": false, "更新したい": false,
	} {
		if got := understand.Read(text, understand.Context{Today: today}).HolderOther; got != want {
			t.Errorf("Read(%q).HolderOther = %v, want %v", text, got, want)
		}
	}
	for _, c := range []struct {
		text        string
		holderOther bool
		age         bot.AgeGroup
		want        bot.Visitor
	}{
		{"俺が行く", true, bot.AgeAdult, bot.VisitorProxy},
		{"俺が行く", false, bot.AgeAdult, bot.VisitorSelf},
		{"本人が行きます", true, bot.AgeAdult, bot.VisitorSelf},
		{"私が行きます", true, bot.AgeUnder15, bot.VisitorLegalRep},
		{"一緒に行きます", true, bot.AgeUnder15, bot.VisitorSelf},
	} {
		r := understand.Read(c.text, understand.Context{Asking: bot.SlotVisitor, Today: today, Age: c.age, HolderOther: c.holderOther})
		if r.Slots.Visitor != c.want {
			t.Errorf("Read(%q, holder other %v, %s).Visitor = %q, want %q", c.text, c.holderOther, c.age, r.Slots.Visitor, c.want)
		}
	}
}

// TestIsQuestion: a question in romaji, and a wish put as a request
// (〜たいんですが), are questions; a plain statement is not.
func TestIsQuestion(t *testing.T) {
	for text, want := range map[string]bool{
		"mochimono wa nan desu ka": true,
		"電話じゃなくてネットで予約したいんですが":     true,
		"本庁まで行くのか知りたいです":           true,
		"青い封筒は持っています":              false,
		"jibun de ikimasu":         false,
	} {
		if got := understand.IsQuestion(text); got != want {
			t.Errorf("IsQuestion(%q) = %v, want %v", text, got, want)
		}
	}
}

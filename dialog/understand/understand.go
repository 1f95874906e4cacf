package understand

import (
	"regexp"
	"strings"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/internal/romaji"
)

// Command is a request about the dialog itself rather than an answer.
type Command int

// The commands.
const (
	None  Command = iota
	Reset         // 最初から, やり直し, リセット, はじめから: start over
	Back          // 戻る, ひとつ前, 前の質問: ask the previous question again
	Start         // 電子証明書の更新をしたい, 手続きを教えて: the resident asks for the procedure itself
)

// String names the command for logs and test failures.
func (c Command) String() string {
	switch c {
	case Reset:
		return "reset"
	case Back:
		return "back"
	case Start:
		return "start"
	}
	return "none"
}

// Result is what one message says.
type Result struct {
	// Command is a request to start over, go back or be guided through the
	// procedure (Start, which a reset or a back overrides); the slots the same
	// message states are still reported, for the caller to apply after it.
	Command Command
	// PIN is true when the text is a PIN (4 digits, or 6–16 ASCII letters
	// and digits mixing both, alone but for a polite です) or discloses one
	// (暗証番号は1234). The caller must neither store nor echo such a text.
	// A PIN result carries nothing else: no command, no slots.
	PIN bool
	// DontKnow is true for わからない, 不明, 知らない, 覚えてない, スキップ…:
	// an acceptable answer to an optional slot (expiry_date), and never a
	// yes or a no (「あるかわからない」 answers nothing).
	DontKnow bool
	// HolderOther is true when the text names the card's holder as
	// someone other than the writer: 親父の電子証明書, 母の分, 叔母の成年後見人です.
	HolderOther bool
	// Slots holds every slot value the text states, whatever was asked.
	Slots bot.Slots
	// Found names the slots set in Slots, in the contract's order.
	Found []string
}

// Understand reads one message. asking is the slot the last question
// asked ("" for none), which lets bare answers count: はい or 35 answer
// only the asked slot, while 照会書はあります or 妻が行きます answer their slot
// whatever was asked. today resolves dates without a year or era, and
// wards are the wards the resident may name (none outside Yokohama).
//
// Understand is a pure function: it never panics, whatever the text, and
// every date it returns is Valid. Ambiguity finds nothing, so the dialog
// asks again.
func Understand(text string, asking string, today bot.Date, wards []Ward) Result {
	return Read(text, Context{Asking: asking, Today: today, Wards: wards})
}

// Context is what a message is read against: the slot the last question
// asked ("" for none), today (for dates without a year or era), the wards
// the resident may name (none outside Yokohama), and the holder's age
// group when the conversation knows it, which decides whether a parent who
// goes alone is a legal representative or an agent.
type Context struct {
	Asking string
	Today  bot.Date
	Wards  []Ward
	Age    bot.AgeGroup
	// AfterChecklist is true once the checklist has been given: a short
	// answer then corrects one of the yes/no slots it rests on.
	AfterChecklist bool
	// HolderOther is true once a message of the conversation named the
	// holder as someone other than the writer (Result.HolderOther): a
	// later 「私が行きます」 is then the writer going for them.
	HolderOther bool
}

// lateAnswer stands for "a question after the yes/no slots" in yesNo.
const lateAnswer = "late"

// shortAnswer reports whether n is a short statement (no question, no
// wish), as a correction typed after the checklist is.
func shortAnswer(n string) bool {
	return len([]rune(n)) <= 20 && !IsQuestion(n) && !strings.Contains(n, "たい")
}

// Read is Understand with the conversation's context.
func Read(text string, c Context) Result {
	asking, today, wards := c.Asking, c.Today, c.Wards
	n := Normalize(text)
	if n == "" {
		return Result{}
	}
	if looksLikePIN(n) {
		return Result{PIN: true}
	}
	n = dropRetracted(n)
	if k, ok := romaji.Text(n); ok {
		n = k // "jibun de ikimasu": じぶんでいきます
	}
	d := findDate(dateWords(arabicNumerals(english(stillLiving(n)))), today)
	p := d.rest
	toks := lex(p)
	var r Result
	if startIntent(n) {
		r.Command = Start
	}
	for _, t := range toks {
		switch t.kind {
		case kReset:
			r.Command = Reset
		case kBack:
			r.Command = Back
		case kDontKnow:
			r.DontKnow = true
		}
	}
	if (r.Command == Reset || r.Command == Back) && IsQuestion(text) && !containsAny(n, restartWords...) {
		// 「更新したら何かやり直さないといけない？」, "Can they reset it at the
		// counter?", "Can I get my card back?": a question that uses the
		// word is about something else; 「最初からやり直せますか？」 still
		// starts over.
		r.Command = None
		if startIntent(n) {
			r.Command = Start
		}
	}
	if asking == bot.SlotExpiryDate && forgotten(n) {
		r.DontKnow = true // 「封筒に書いてあったと思うけど忘れちゃいました」
	}
	if asking == bot.SlotExpiryDate && !d.hasExpiry && vagueDate(n) {
		r.DontKnow = true // 「たしか3月だったような」, 「来年のどこか」: no day to go by
	}
	if containsAny(n, "don't know", "dont know", "do not know", "not sure", "no idea", "i'm not sure", "unknown") {
		r.DontKnow = true
	}
	s := &r.Slots
	s.AgeGroup = age(p, toks, asking, today)
	if d.hasExpiry && asking == bot.SlotAgeGroup && !containsAny(p, expiryWords...) {
		// A date given for the age is a birth date (「2012年3月1日」), of use
		// only with its year, and never the expiry.
		if d.expiryYear && !d.expiry.After(today) {
			d.birth, d.hasBirth = d.expiry, true
		}
		d.hasExpiry = false
	}
	if d.hasExpiry && d.expiry.Year < 2000 {
		d.hasExpiry = false // no e-certificate expired before 2000: a birth date said elsewhere
	}
	if s.AgeGroup == "" && d.hasBirth {
		s.AgeGroup = ageAt(d.birth, today)
	}
	holderAge := s.AgeGroup
	if holderAge == "" {
		holderAge = c.Age
	}
	s.Visitor = visitor(p, toks, asking, holderAge, c.HolderOther)
	r.HolderOther = namesOtherHolder(p, toks)
	if r.DontKnow && wonders(p) {
		// 子どもを連れていけるかは、まだわからない: who comes is not known yet.
		s.Visitor = ""
	}
	yesNoAsking := asking
	if asking == "" && c.AfterChecklist && shortAnswer(n) {
		// 「変わってない」 typed after the checklist corrects the answer it
		// rests on: read it as if the next question were asked.
		yesNoAsking = lateAnswer
	}
	notice, addr, bare := yesNo(p, toks, yesNoAsking)
	if bare && (s.Visitor != "" || s.AgeGroup != "" || d.hasExpiry) && !containsAny(n, additives...) {
		// The はい or いいえ went with the other slot stated.
		if asking == bot.SlotHasNotice {
			notice = 0
		} else {
			addr = 0
		}
	}
	s.HasNotice, s.AddressChange = boolOf(notice), boolOf(addr)
	if d.hasExpiry {
		s.ExpiryDate = &d.expiry
	}
	s.Ward = findWard(p, wards)
	r.Found = found(r.Slots)
	if r.Command == Back && len(r.Found) > 0 && !containsAny(n, backWords...) {
		// 「離婚して名前戻したんだった」: 戻し said of a name, not of the
		// conversation, where the text states slots.
		r.Command = None
	}
	return r
}

// restartWords ask for the conversation itself to start over or go back,
// even in a question.
var restartWords = []string{"最初", "さいしょ", "はじめから", "初めから", "始めから", "一から", "前の質問", "ひとつ前", "一つ前",
	"start over", "restart", "previous question", "go back"}

// forgotten reports whether n, an answer to the expiry date, ends by
// saying it was forgotten (忘れちゃいました, わすれた); a forgotten PIN is
// something else.
func forgotten(n string) bool {
	end := strings.TrimRight(n, " .!~…ー")
	for _, suf := range []string{"忘れた", "忘れました", "忘れちゃった", "忘れちゃいました", "忘れてしまった", "忘れてしまいました", "忘れてもうた",
		"忘れとる", "わすれた", "わすれました", "わすれちゃった", "わすれちゃいました", "forgot", "forgotten"} {
		if strings.HasSuffix(end, suf) {
			return !containsAny(n, "暗証", "あんしょう", "ぱすわーど", "password", "pin")
		}
	}
	return false
}

// backWords ask the conversation itself to go back, even beside slots.
var backWords = []string{"前の質問", "ひとつ前", "一つ前", "1つ前", "前に戻", "戻る", "もどる", "back"}

// wonders reports whether p says it does not know whether something is
// so (連れていけるかは、まだわからない, 行けるかどうか分からん): the clause
// before the か is a question, not a fact.
func wonders(p string) bool {
	for _, dk := range []string{"わから", "分から", "わかん", "分かん", "未定", "決まって", "きまって"} {
		for i := strings.Index(p, dk); i >= 0; i = indexFrom(p, dk, i+len(dk)) {
			before := strings.TrimRight(p[:i], " ,")
			before = strings.TrimSuffix(before, "まだ")
			before = strings.TrimRight(before, " ,")
			for _, end := range []string{"かは", "かも", "かどうか", "か"} {
				if strings.HasSuffix(before, end) {
					return true
				}
			}
		}
	}
	return false
}

func indexFrom(s, sub string, from int) int {
	if from > len(s) {
		return -1
	}
	if j := strings.Index(s[from:], sub); j >= 0 {
		return from + j
	}
	return -1
}

// expiryWords name the expiry, which makes a date given with the age the
// expiry date rather than a birth date: 期限は今月の28日まで.
var expiryWords = []string{"期限", "きげん", "まで", "切れ", "きれ", "満了", "更新", "expire", "valid"}

// found lists the slots set in s, in the contract's order.
func found(s bot.Slots) []string {
	var f []string
	add := func(set bool, name string) {
		if set {
			f = append(f, name)
		}
	}
	add(s.AgeGroup != "", bot.SlotAgeGroup)
	add(s.Visitor != "", bot.SlotVisitor)
	add(s.HasNotice != nil, bot.SlotHasNotice)
	add(s.AddressChange != nil, bot.SlotAddressChange)
	add(s.ExpiryDate != nil, bot.SlotExpiryDate)
	add(strings.TrimSpace(s.Ward) != "", bot.SlotWard)
	return f
}

func boolOf(p polarity) *bool {
	if p == 0 {
		return nil
	}
	return bot.Bool(p == yes)
}

// stillLivingRe finds ずっと, a place, then 住んで: 「ずっとたまプラーザに住んでます」
// says the address did not change, as 「ずっと住んでます」 does.
var stillLivingRe = regexp.MustCompile(`(ずっと|ずーっと|ずうっと)[^、。,.!?！？ ]{1,15}?に(住んで|すんで)`)

// stillLiving rewrites ずっと<place>に住んで into ずっと住んで, a word of the
// lexicon (an unchanged address), keeping the place for the ward reader.
func stillLiving(n string) string {
	return stillLivingRe.ReplaceAllStringFunc(n, func(m string) string {
		sub := stillLivingRe.FindStringSubmatch(m)
		return strings.TrimSuffix(m, sub[2]) + " " + sub[1] + sub[2]
	})
}

// retractions end a clause the resident takes back: 「代理って言いましたが
// 本人が行きます」, 「さっき、あるって言うたけど、探したらあらへんかった」.
var retractions = []string{"って言いましたが", "って言いましたけど", "と言いましたが", "と言いましたけど",
	"って言ったけど", "と言ったけど", "って言うたけど", "って言ったが", "と言ったが", "っていったけど", "といったけど",
	"って書きましたが", "と書きましたが", "って書いたけど", "と書いたけど", "と答えましたが", "って答えたけど", "と答えたけど",
	"って言ってたけど", "と言ってたけど", "と申しましたが", "と申し上げましたが"}

// dropRetracted removes from n every clause that a retraction ends, with
// the retraction: what follows it is the answer. The clause starts after
// the last break (a sentence's or a comma's end, a space) before it.
func dropRetracted(n string) string {
	for {
		at, end := -1, 0
		for _, r := range retractions {
			if i := strings.Index(n, r); i >= 0 && (at < 0 || i < at) {
				at, end = i, i+len(r)
			}
		}
		if at < 0 {
			return n
		}
		start := strings.LastIndexAny(n[:at], ".,!? ") + 1
		n = n[:start] + " " + n[end:]
	}
}

// vagueWords say a date only loosely: a month or a season without its
// day, a guess, a shrug. Asked the expiry date, such an answer is "I don't
// know" (the window cannot be told from it), not a text to read again.
var vagueWords = []string{"ような", "ようだ", "ごろ", "頃", "くらい", "ぐらい", "までは", "どこか", "さあ", "たしか", "確か",
	"かな", "あたり", "辺り", "前後", "中旬", "上旬", "下旬", "春", "夏", "秋", "冬", "年末", "年度末", "って感じ", "だった気が", "気がする",
	"いつだっけ", "いつだった", "思い出せ"}

func vagueDate(n string) bool { return containsAny(n, vagueWords...) }

// additives add a fact to an answer (いいえ。それと、期限は今月の20日です):
// the はい or いいえ before them still answers the question asked.
var additives = []string{"それと", "あと,", "あと ", "ちなみに", "それから", "また,", "あとは", "加えて", "ついでに", " and ", "also"}

package understand

import (
	"strings"

	"github.com/madoguchi/madoguchi/internal/romaji"
)

// startIntent reports whether normalised text n asks for the procedure
// itself (「電子証明書の更新をしたい」, 「更新の手続きを教えて」, 「持ち物を知りたい」):
// what the whole dialog answers, so the caller starts it rather than
// matching the text against FAQ topics, which it resembles word for word.
// A text that names a particular subject (the period, the fee, the hours,
// the place, a PIN…) is a question about that subject, not this.
func startIntent(n string) bool {
	if !containsAny(n, procedureWords...) || containsAny(n, subjectWords...) {
		return false
	}
	return containsAny(n, wishWords...) || isNounPhrase(n)
}

// procedureWords name the procedure or what it needs.
var procedureWords = []string{"更新", "発行", "手続", "申請", "持ち物", "持物", "必要なもの",
	"必要な物", "必要書類", "何が必要", "なにが必要", "何を持って", "なにを持って",
	"renew"}

// wishWords ask for it: a wish, a request, a "how".
var wishWords = []string{"したい", "したくて", "しようと", "したいん", "しなきゃ", "しないと",
	"教えて", "おしえて", "知りたい", "しりたい", "調べたい", "確認したい", "どうすれば",
	"どうしたら", "どうやって", "方法", "やり方", "相談", "お願い", "おねがい", "案内", "ください", "下さい", "ちょうだい", "くれ",
	"i want", "i'd like", "i would like", "i need", "need to", "have to", "how do i", "how can i", "can i", "help"}

// subjectWords name a subject the FAQ answers; a text holding one is a
// question about it. Spelled after Normalize (katakana folded to hiragana).
var subjectWords = []string{"期間", "いつ", "何日", "何月", "期限", "有効", "切れ", "失効", "過ぎ",
	"手数料", "料金", "費用", "お金", "いくら", "無料", "有料", "時間", "何時", "土曜", "日曜",
	"土日", "休日", "休み", "祝日", "場所", "どこ", "窓口", "電話", "予約", "暗証番号", "ぱすわーど",
	"pin", "郵便局", "こんびに", "e-tax", "etax", "いーたっくす", "すまほ", "顔認証", "代理",
	"紛失", "なくし", "失くし", "再交付", "通知", "届", "照会", "15歳", "子ども", "子供", "後見",
	"住所", "引っ越", "引越", "転居", "転入", "氏名", "名字", "混雑", "混ん", "待ち",
	"事務所", "本庁", "出張所", "支所", "市役所", "区役所", "役場",
	"更新後", "更新した後", "更新したあと", "更新のあと", "更新の後", "終わったら", "済んだら", "あとに", "後に",
	"expir", "valid", "when", "how much", "cost", "fee", "free", "what time", "hours", "open", "saturday",
	"sunday", "weekend", "phone", "call", "book", "reserv", "appointment", "password", "proxy", "instead",
	"lost", "post office", "konbini", "convenience", "smartphone", "face", "notice", "letter", "envelope",
	"moved", "child", "kid", "wait", "crowd", "how many times", "e-tax", "forgot", "where", "after", "bring"}

// isNounPhrase reports whether n is just a name of the procedure
// (「電子証明書の更新」, 「更新手続き」), without a question.
func isNounPhrase(n string) bool {
	n = strings.TrimRight(n, ".!?。！？ ")
	return !strings.ContainsAny(n, "?か") && (strings.HasSuffix(n, "更新") ||
		strings.HasSuffix(n, "発行") || strings.HasSuffix(n, "手続き") || strings.HasSuffix(n, "手続"))
}

// IsQuestion reports whether text is written as a question: a question
// mark, a final か (ですか, ますか, かな), a question word (どこ, いつ, いくら,
// 何回…) or an English question. A question is never read as a bare yes.
func IsQuestion(text string) bool {
	n := strings.TrimRight(Normalize(text), " .!~ー")
	if strings.Trim(n, " ?!.,~ー") == "" {
		return false // 「？？？」 asks nothing in particular
	}
	if head, rest, ok := strings.Cut(n, "?"); ok && echoesTopic(head) && strings.TrimSpace(rest) != "" {
		// 「通知? どっかいった」: the question asked, repeated, then the answer.
		return IsQuestion(rest)
	}
	if strings.Contains(n, "?") || containsAny(n, questionWords...) {
		return true
	}
	if k, ok := romaji.Text(n); ok && k != n {
		return IsQuestion(k) // "mochimono wa nan desu ka": なんですか
	}
	// Any sentence may be the question: 「昼休みでもできますか。12時台に行きたいのですが。」
	for _, sentence := range strings.FieldsFunc(n, func(r rune) bool { return r == '.' || r == '!' }) {
		sentence = strings.TrimRight(sentence, " ~ー")
		for _, end := range questionEnds {
			if strings.HasSuffix(sentence, end) {
				return true
			}
		}
	}
	return false
}

// questionWords ask; spelled after Normalize.
var questionWords = []string{"どこ", "いつ", "いくら", "何時", "なんじ", "何回", "なんかい", "何日", "何が",
	"なにが", "何を", "なにを", "何で", "どう", "どれ", "どっち", "どちら", "だれが", "誰が", "なぜ",
	"教えて", "おしえて", "知りたい", "しりたい", "ほんと", "本当",
	"how ", "what ", "where ", "when ", "can i", "do i", "does ", "is it", "is there", "should i", "which "}

// questionEnds end a question without a mark.
var questionEnds = []string{"か", "かな", "かね", "かい", "のか", "んか", "っけ", "かしら", "ますか",
	"ですか", "でしょうか", "だろうか", "んですか", "んの", "るの", "いの", "ないの", "るん", "ん?",
	// Spoken across Japan: かのう, かいな, じゃろか, やろか, ええん (いいの).
	"かのう", "かの", "かいな", "じゃろか", "じゃろうか", "やろか", "やろうか", "ええん", "いいん", "ええんか",
	// A wish put as a request: ネットで予約したいんですが.
	"たいんですが", "たいのですが", "たいんだけど", "たいんですけど", "たいのですけど", "たいんやけど", "たいんじゃけど"}

// Supposes reports whether text states its facts as suppositions (代理人なら,
// 照会書がない場合, 引っ越したら): a question built on them says nothing of
// the resident's own situation.
func Supposes(text string) bool {
	return containsAny(notHedges.Replace(Normalize(text)), "なら", "たら", "場合", "ばあい", "れば", "としたら", "とすると", "だと", "でも", "if ", "what if")
}

// NoGuardian reports whether text says the holder has no guardian (後見人は
// ついていません): then the adult-ward procedure is not theirs.
func NoGuardian(text string) bool {
	return containsAny(Normalize(text), "後見人はついて", "後見人はつい", "後見人はいない", "後見人はいません", "後見人はおら", "後見人がいない",
		"後見人がいません", "後見人はつけて", "後見人はなし", "後見はついて", "後見人は付いて")
}

// echoesTopic reports whether head, what comes before a question mark, is
// only the word the bot's question asked about, repeated (通知, 封筒,
// 住所): a resident's "the notice?" before their answer.
func echoesTopic(head string) bool {
	toks := lex(strings.TrimSpace(head))
	return len(toks) == 1 && (toks[0].kind == kNoticeTopic || toks[0].kind == kAddrTopic) &&
		toks[0].start == 0 && toks[0].end == len(strings.TrimSpace(head))
}

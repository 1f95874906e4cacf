package understand

import "github.com/madoguchi/madoguchi/bot"
import "strings"

// polarity is a yes/no answer: 0 when the text gives none.
type polarity int8

const (
	yes polarity = 1
	no  polarity = -1
)

// hedges make a clause a question, a condition or a guess, whose
// "ある" or "ない" is no answer: 届いたら, ないなら, 照会書がない場合, あるかも,
// 持っているかどうか, あれば.
var hedges = []string{"たら", "なら", "れば", "場合", "かも", "かどうか", "ですか", "ますか",
	"でしょう", "はず", "たぶん", "多分"}

var notHedges = strings.NewReplacer("たらな", "_", "たらず", "_", "たらん", "_", "たらへん", "_", "ならな", "_",
	"ならず", "_", "見たら", "_", "みたら", "_", "探したら", "_", "さがしたら", "_", "確認したら", "_",
	"かくにんしたら", "_", "開けたら", "_", "あけたら", "_", "ないかな", "ない", "ないかなー", "ない")

// yesNo reads has_notice and address_change from the tokens of p.
//
// The rules, in the order a Japanese answer is built:
//   - Clauses (split at punctuation, spaces, けど, ので…) are read one by
//     one. A clause with わからない, a hedge or a question mark answers
//     nothing: 「あるかわからない」 is not a yes.
//   - Each clause starts on the asked slot's topic; 照会書, 通知… switch it
//     to the notice, 住所, 名字… to the basic information, and 引っ越し,
//     結婚… both switch to it and say it changed. Other slots are only
//     answered after such a word: 「照会書はあります」 answers has_notice
//     whatever is asked, a bare 「あります」 only when has_notice is asked.
//   - Within a clause the last polar word decides (持って|い|ません is a
//     no); across clauses the last clause decides (あったけどなくした).
//   - はい and いいえ answer only the asked slot, and only when no content
//     word does: in 「いいえ、持ってます」 the content wins, so it is a yes.
//
// bare reports that the asked slot was answered by はい or いいえ alone,
// which the caller drops when the message states another slot: in
// 「あ、ちがう、行くのは嫁です」 the いいえ corrects the visitor.
func yesNo(p string, toks []token, asking string) (notice, addr polarity, bare bool) {
	content := map[string]polarity{}
	var inter polarity
	start := 0
	cur, dk := asking, false
	clause := map[string]polarity{}
	var clauseInter polarity
	flush := func(end int, q bool) {
		if !dk && !q && !hedged(p[start:end]) {
			for topic, v := range clause {
				content[topic] = v
			}
			if clauseInter != 0 {
				inter = clauseInter
			}
		}
		cur, dk, clauseInter, start = asking, false, 0, end
		clear(clause)
	}
	set := func(topic string, v polarity) {
		if topic == bot.SlotHasNotice || topic == bot.SlotAddressChange {
			clause[topic] = v
		}
	}
	for _, t := range toks {
		switch t.kind {
		case kBoundary, kQuestion:
			flush(t.end, t.kind == kQuestion)
		case kDontKnow:
			dk = true
		case kNoticeTopic:
			cur = bot.SlotHasNotice
		case kAddrTopic:
			cur = bot.SlotAddressChange
		case kOtherTopic:
			cur = ""
		case kAddrEvent:
			cur = bot.SlotAddressChange
			set(cur, yes)
		case kYes, kNo:
			set(cur, pick(t.kind == kYes))
		case kNoticeYes, kNoticeNo:
			cur = own(cur, asking, bot.SlotHasNotice)
			set(cur, pick(t.kind == kNoticeYes))
		case kAddrYes, kAddrNo:
			cur = own(cur, asking, bot.SlotAddressChange)
			set(cur, pick(t.kind == kAddrYes))
		case kIntYes, kIntNo:
			clauseInter = pick(t.kind == kIntYes)
		}
	}
	flush(len(p), false)
	if (asking == bot.SlotHasNotice || asking == bot.SlotAddressChange) && content[asking] == 0 {
		content[asking] = inter
		bare = inter != 0
	}
	return content[bot.SlotHasNotice], content[bot.SlotAddressChange], bare
}

// own returns the topic after a word that speaks only of slot: slot when
// the topic is slot, or is still the question asked and that question is
// one asked after both yes/no slots (「変わってない」 typed while the expiry
// date is asked corrects the address change); else none, so that the negation in
// 「持ってない」 said about an address change answers neither slot, and a word
// after カード (another topic) answers nothing.
func own(cur, asking, slot string) string {
	switch {
	case cur == slot:
		return cur
	case cur == asking && asking != "" && asking != bot.SlotHasNotice && asking != bot.SlotAddressChange &&
		asking != bot.SlotAgeGroup && asking != bot.SlotVisitor:
		return slot
	}
	return ""
}

func pick(b bool) polarity {
	if b {
		return yes
	}
	return no
}

// hedged reports whether a clause asks, supposes or guesses; a clause
// ending in the question particle か or かな (ありますか, あるかなー) counts
// too; かな inside a clause does not, as it also spells 届かない.
func hedged(clause string) bool {
	c := strings.TrimRight(clause, " ,.!?")
	// たら and なら also end negative stems: 見当たらない, ならない.
	c = notHedges.Replace(c)
	c = strings.TrimRight(c, "ーあ")
	return strings.HasSuffix(c, "か") || strings.HasSuffix(c, "かな") || containsAny(c, hedges...)
}

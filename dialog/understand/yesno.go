package understand

import (
	"slices"
	"strings"

	"github.com/madoguchi/madoguchi/bot"
)

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

var notHedges = strings.NewReplacer("どうすれば", "_", "どうしたら", "_", "どうやったら", "_", "どしたら", "_", "たらしい", "_", "たみたい", "_", "たらな", "_", "たらず", "_", "たらん", "_", "たらへん", "_", "ならな", "_",
	"ならず", "_", "見たら", "_", "みたら", "_", "探したら", "_", "さがしたら", "_", "確認したら", "_",
	"かくにんしたら", "_", "開けたら", "_", "あけたら", "_",
	"それなら", "_", "聞いたら", "_", "きいたら", "_", "訊いたら", "_", "尋ねたら", "_", "調べたら", "_", "しらべたら", "_", "それだったら", "_", "だったら", "_", "でしたら", "_", "とかも", "_", "なんかも", "_", "はずっと", "_", "なら手元", "_手元", "なら持って", "_持って", "ならあり", "_あり", "ならある", "_ある", "はずーっと", "_", "ないかな", "ない", "ないかなー", "ない")

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
	other := false   // the clause's topic is another thing (電話番号, カード)
	nothing := false // the clause says なにも, なんも (nothing)
	clause := map[string]polarity{}
	var clauseInter polarity
	// A changed name is a change whatever the address (結婚して名字が変わり
	// ました、住所はそのまま): names says the clause speaks of the name,
	// nameChanged that a clause said it changed (and none since that it did
	// not).
	names, nameChanged := false, false
	// lastDK says the last clause that said anything of the asked slot said
	// "I don't know" (見た記憶ないけど…ちょっとわからん): that is the answer.
	lastDK := false
	flush := func(end int, q, soft bool) {
		if (soft || q) && len(clause) == 0 && clauseInter == 0 && !dk && cur != asking && strings.TrimSpace(p[start:end]) != "" &&
			!strings.Contains(p[start:end], "か?") {
			// 「照会書、ありました」「ふうとう あります」「通知? 持ってない」: a
			// topic alone before a comma, a space or a bare question mark
			// (the resident repeating the question) carries into what follows.
			return
		}
		if dk && !q {
			// Not when the clause names what is not known (期限はわからん).
			lastDK = (cur == asking || cur == "") && !containsAny(p[start:end], unknownElse...)
		} else if len(clause) > 0 {
			lastDK = false
		}
		if !dk && !q && (!hedged(p[start:end]) || addressGuess(p[start:end], clause)) {
			for topic, v := range clause {
				content[topic] = v
			}
			if v := clause[bot.SlotAddressChange]; names && v != 0 {
				nameChanged = v == yes
			}
			if clauseInter != 0 {
				inter = clauseInter
			}
		}
		cur, dk, clauseInter, start, other, nothing, names = asking, false, 0, end, false, false, false
		clear(clause)
	}
	set := func(topic string, v polarity) {
		if nothing {
			v = no // 「なんも変わってね」: なにも asks for a negative, however the verb ends
		}
		if topic == bot.SlotHasNotice || topic == bot.SlotAddressChange {
			clause[topic] = v
		}
	}
	for _, t := range toks {
		switch t.kind {
		case kBoundary, kQuestion:
			flush(t.end, t.kind == kQuestion, t.kind == kBoundary)
		case kDontKnow:
			dk = true
		case kNoticeTopic:
			cur, other = bot.SlotHasNotice, false
		case kAddrTopic:
			cur, other = bot.SlotAddressChange, false
			names = names || containsAny(p[t.start:t.end], nameWords...)
		case kOtherTopic:
			cur, other = "", true
		case kAddrEvent:
			cur, other = bot.SlotAddressChange, false
			names = names || containsAny(p[t.start:t.end], nameEvents...)
			after := p[t.end:min(len(p), t.end+60)]
			switch {
			case containsAny(after, beforeTheCard...):
				set(cur, no) // 引っ越したのはカードを作る前: nothing changed since
			case containsAny(after[:min(len(after), 24)], plannedMove...):
				// 引っ越し前に済ませたい: not moved yet; what the address is
				// now is said, if at all, elsewhere (まだ今の家です)
			case (strings.HasPrefix(after, "の") || strings.HasPrefix(after, "しの")) && containsAny(after[:min(len(after), 30)], movingMess...):
				// 引っ越しのゴタゴタで: the move explains a lost paper; whether the
				// address changed since the card is not said
			default:
				set(cur, yes)
			}
		case kYes, kNo:
			if t.kind == kNo && slices.Contains(nothingWords, p[t.start:t.end]) && !strings.HasPrefix(p[t.end:], "かも") {
				nothing = true
			}
			set(cur, pick(t.kind == kYes))
		case kNoticeYes, kNoticeNo:
			if t.kind == kNoticeNo && p[t.start:t.end] == "まだ" && containsAny(p[t.end:min(len(p), t.end+24)], "書", "記入", "封") {
				continue // まだ母が書いとらん: the form is at hand, not yet filled in
			}
			if noticeOnly(p[t.start:t.end]) && (cur == bot.SlotAddressChange || (cur == asking && asking == bot.SlotAddressChange)) {
				// 引っ越しで届いてない, or 届いてました typed while the address
				// change is asked: 届い speaks of the notice only.
				cur = bot.SlotHasNotice
			}
			cur = own(cur, asking, bot.SlotHasNotice)
			set(cur, pick(t.kind == kNoticeYes))
		case kAddrYes, kAddrNo:
			if t.val == "topic" {
				cur = bot.SlotAddressChange // 住所は一緒, ずっと同じ: the word says its topic
			}
			if other && t.kind == kAddrYes && asking == bot.SlotAddressChange && containsAny(p[t.end:min(len(p), t.end+24)], "だけ", "のみ") {
				// 電話番号が変わっただけ: only something else changed
				clause[bot.SlotAddressChange] = no
				continue
			}
			cur = own(cur, asking, bot.SlotAddressChange)
			set(cur, pick(t.kind == kAddrYes))
		case kIntYes, kIntNo:
			clauseInter = pick(t.kind == kIntYes)
		}
	}
	flush(len(p), false, false)
	if lastDK && (asking == bot.SlotHasNotice || asking == bot.SlotAddressChange) {
		content[asking] = 0
	}
	if nameChanged && content[bot.SlotAddressChange] == no {
		content[bot.SlotAddressChange] = yes
	}
	if (asking == bot.SlotHasNotice || asking == bot.SlotAddressChange) && content[asking] == 0 {
		content[asking] = inter
		bare = inter != 0
	}
	return content[bot.SlotHasNotice], content[bot.SlotAddressChange], bare
}

// unknownElse name another slot's fact, which a わからない is then about.
var unknownElse = []string{"期限", "日付", "日にち", "いつまで", "何日", "年齢", "歳", "区", "expir", "date",
	// Someone else asked, who does not know (妻にも聞いたけど知らないと).
	"聞いた", "聞いて", "きいた", "きいて", "知らないと", "わからないと", "知らんと", "わからんと"}

// nameWords and nameEvents speak of the name (one of the basic four
// pieces of information, with the address).
var (
	nameWords  = []string{"名字", "苗字", "氏名", "名前", "姓"}
	nameEvents = []string{"結婚", "離婚", "改姓", "改名", "入籍", "養子縁組", "旧姓", "名字が戻", "苗字が戻", "嫁い", "とつい"}
)

// nothingWords say "nothing" (何も): the predicate after them is negative
// in meaning, even where a dialect's negation is not read (変わってね).
var nothingWords = []string{"なにも", "何も", "なんも", "なーんも", "なんにも"}

// noticeOnly reports whether a notice word can speak of nothing but a
// paper (届いた, 見つかった, 捨てた), unlike 持って, まだ or 来た, which a
// move or a person may also do.
func noticeOnly(w string) bool {
	for _, pre := range []string{"届", "とど", "見つ", "みつ", "受け取", "うけと", "なくし", "無くし", "失くし", "紛失", "捨て",
		"すて", "見当たら", "みあたら", "どっか", "どこか", "ごみ", "ゴミ", "封", "のりづけ", "糊付け"} {
		if strings.HasPrefix(w, pre) {
			return true
		}
	}
	return false
}

// movingMess, after 引っ越しの, make the move the reason a paper was lost.
var movingMess = []string{"ごたごた", "ばたばた", "段ぼーる", "だんぼーる", "荷物", "にもつ", "準備",
	"じゅんび", "片付け", "片づけ", "かたづけ", "作業", "どさくさ"}

// plannedMove, just after a move, make it one still to come: 引っ越し前に.
// (A move still to come alone, 今度引っ越す予定, stays a change: the
// resident may file it at the visit; 引っ越し前に済ませたい says it is not
// yet.)
var plannedMove = []string{"し前", "す前", "の前に", "前に", "する前"}

// beforeTheCard, after a move or a marriage, date it before the card was
// made: no change since the certificate was issued.
var beforeTheCard = []string{"作る前", "つくる前", "作った前", "作成前", "作成する前", "発行前", "発行する前", "発行される前",
	"発行してもらう前", "取る前", "とる前", "もらう前", "申請する前", "申請前", "交付前", "受け取る前", "受けとる前"}

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

// addressGuess reports whether a hedged clause is a resident's belief
// about their own address (変わってないはず, たぶん変わってない): that is an
// answer, as a clerk takes it, while たぶんある said of the notice is not
// (the paper is to be found first). Only はず and たぶん are such beliefs;
// a condition or a question stays a hedge.
func addressGuess(clause string, content map[string]polarity) bool {
	if len(content) != 1 || content[bot.SlotAddressChange] == 0 {
		return false
	}
	c := strings.NewReplacer("はず", "", "たぶん", "", "多分", "", "と思う", "", "と思います", "").Replace(clause)
	return !hedged(c)
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

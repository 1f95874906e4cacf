package dialog

import (
	"strings"

	"github.com/madoguchi/madoguchi/dialog/understand"
)

// readMoveAtVisit reads a free answer to the move_at_visit question (is
// the 転入届・転居届 filed at the same visit?): true for a move filed then,
// false for one filed earlier or later, a change of name or a plain no;
// nil when the text says neither. An answer about the past wins over a
// yes in the same message (「はい、もう出しました」 filed it already).
func readMoveAtVisit(text string) *bool {
	// A later sentence corrects an earlier one: 「転居届はもう出した…と思っ
	// たらまだでした。当日一緒に出します」.
	var last *bool
	for _, sentence := range strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune("。．.!！?？…\n", r) }) {
		if v := readMoveAtVisitSentence(sentence); v != nil {
			last = v
		}
	}
	return last
}

// readMoveAtVisitSentence is readMoveAtVisit for one sentence.
func readMoveAtVisitSentence(text string) *bool {
	n := understand.Normalize(text)
	if containsAny(n, moveUndecided...) {
		return nil
	}
	no, yes := false, true
	switch {
	case containsAny(n, moveEarlier...), containsAny(n, moveNo...):
		return &no
	case containsAny(n, moveYes...):
		return &yes
	}
	return nil
}

// statedMoveAtVisit reads move_at_visit from a message that was not asked
// it but names the filing itself with its day (「転入届も同じ日に出します」,
// 「転居届はもう出しました」); nil when the text names no filing or no day.
func statedMoveAtVisit(text string) *bool {
	n := understand.Normalize(text)
	if !containsAny(n, moveFilings...) || containsAny(n, moveUndecided...) {
		return nil // no filing named, or 転入届をいつ出すかまだ決めてなくて: not said yet
	}
	n = wishes.Replace(n)
	no, yes := false, true
	switch {
	case containsAny(n, "もう出", "もうだ", "既に出", "すでに出", "出しました", "だしました", "出してあ", "だしてあ", "出してま", "だしてま",
		"出してる", "だしてる", "出した", "だした", "届出済", "提出済", "済ませ", "すませ", "先に出",
		"先に別", "別の日", "べつの日", "後日", "当日じゃな", "当日ではな", "同じ日じゃな", "同じ日ではな"):
		return &no
	case containsAny(n, "同じ日", "おなじ日", "同日", "同時", "一緒に出", "いっしょに出", "届と一緒", "届といっしょ", "あわせて", "併せて", "合わせて", "same day", "same time",
		"ついでに", "出すとき", "出す時", "出しに行く日", "出しに行くとき"):
		return &yes
	}
	return nil
}

// wishes are taken out before the filing's day is read: 済ませたい (want to
// get it done) is a wish, not a filing done.
var wishes = strings.NewReplacer("済ませたい", "", "すませたい", "", "済ませます", "", "すませます", "")

// moveFilings name the filing of a move.
var moveFilings = []string{"転入届", "転居届", "転入の届", "転居の届", "引っ越しの届", "引越しの届", "住所変更の届", "moving-in", "moving in notification",
	"tenyu", "tennyu", "tenkyo", "tennyuu", "moving notice", "change of address"}

// moveUndecided say when the filing is made is not decided yet.
var moveUndecided = []string{"決めてな", "決めていな", "決まってな", "決まっていな", "未定", "まだ決", "わからな", "わかんな", "not decided", "not sure"}

// The words of readMoveAtVisit, in Normalize's form (katakana folded to
// hiragana).
var (
	// moveEarlier: filed before (or after) the visit, or not a move at all.
	moveEarlier = []string{"もう", "既に", "すでに", "済", "前に", "先に", "出した", "だした", "出しました", "だしました",
		"届け出た", "届出た", "提出した", "終わっ", "おわっ", "あとで", "後で", "後日", "別の日", "べつの日",
		"名前", "なまえ", "氏名", "名字", "苗字", "みょうじ", "結婚", "けっこん", "離婚"}
	moveNo = []string{"いいえ", "いや", "いえ", "ちがう", "違う", "しない", "しません", "出さない", "ださない", "出しません",
		"だしません", "じゃない", "ではない", "ではありません"}
	moveYes = []string{"はい", "うん", "ええ", "そう", "同じ日", "おなじ日", "同日", "同時", "どうじ", "一緒", "いっしょ",
		"あわせて", "併せて", "合わせて", "今日", "きょう", "これから", "same day", "same time", "at the same", "yes", "together", "出します", "だします", "出す", "だす", "届け出る", "する", "します"}
)

func containsAny(s string, words ...string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

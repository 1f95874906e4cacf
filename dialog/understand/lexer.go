package understand

import (
	"sort"
	"unicode/utf8"
)

// kind is what a lexicon word means to the rules that read the token stream.
type kind uint8

const (
	kSkip        kind = iota // a word that only hides a shorter one: 本人確認 is not 本人, 大丈夫 not 夫
	kBoundary                // space or punctuation: ends a clause
	kQuestion                // "?": ends a clause that asked rather than answered
	kYes                     // "there is": ある, あり
	kNo                      // "there is not" or any negation: ない, なし, ません
	kNoticeYes               // about the notice only: 持って, 届い, 手元に
	kNoticeNo                // about the notice only: なくし, 紛失, まだ
	kAddrYes                 // about the basic information only: 変わっ, 変更
	kAddrNo                  // about the basic information only: 同じ, そのまま
	kIntYes                  // はい, うん: only answers the asked slot
	kIntNo                   // いいえ, いや: only answers the asked slot
	kNoticeTopic             // 照会書, 通知: what follows is about the notice
	kAddrTopic               // 住所, 名字: what follows is about the basic information
	kAddrEvent               // 引っ越し, 結婚: the basic information changed
	kOtherTopic              // カード, 保険証: what follows is about neither yes/no slot
	kAge                     // val is a bot.AgeGroup
	kSelf                    // 本人, 私
	kLegalRep                // 親, 後見人, 法定代理人
	kProxy                   // 代理人, 知人, 家族
	kSpouse                  // 夫, 妻: a proxy, or the other parent of a child holder
	kChild                   // 娘, 息子: a proxy, or a holder whose parent comes
	kGo                      // 行きます, 伺う: someone comes to the counter
	kNotGo                   // 行けない: someone does not come (and 行け is no kGo)
	kTogether                // 一緒, 連れて: the holder comes along
	kRequest                 // 頼む: someone else is asked to go
	kDontKnow                // わからない, 不明, スキップ
	kReset                   // 最初から
	kBack                    // 戻る
)

// token is one lexicon word found in the text, at p[start:end].
type token struct {
	kind       kind
	val        string
	start, end int
}

type entry struct {
	kind kind
	val  string
}

var (
	lexicon = map[string]entry{}  // normalised word → meaning
	byFirst = map[rune][]string{} // non-ASCII words by first rune, longest first
)

// word adds words to the lexicon; they are normalised like the text, so a
// list may spell them in katakana or full width. A word listed twice keeps
// its first meaning, which makes an accidental duplicate harmless.
func word(k kind, val string, words ...string) {
	for _, w := range words {
		w = Normalize(w)
		if _, dup := lexicon[w]; dup || w == "" {
			continue
		}
		lexicon[w] = entry{k, val}
		if w[0] >= 0x80 {
			r, _ := utf8.DecodeRuneInString(w)
			byFirst[r] = append(byFirst[r], w)
		}
	}
}

// sortLexicon orders each first-rune list longest first, so that lex takes
// the longest word at every position: なくしてない before なくし before ない.
func sortLexicon() {
	for _, ws := range byFirst {
		sort.Slice(ws, func(i, j int) bool { return len(ws[i]) > len(ws[j]) })
	}
}

// lex splits normalised text into lexicon words, longest match first, left
// to right. ASCII letters are read as whole words (so "no" in "nobody" is no
// answer); characters that start no word are skipped.
func lex(p string) []token {
	toks := make([]token, 0, 8)
	for i := 0; i < len(p); {
		c := p[i]
		switch {
		case c >= 'a' && c <= 'z':
			j := i
			for j < len(p) && p[j] >= 'a' && p[j] <= 'z' {
				j++
			}
			if e, ok := lexicon[p[i:j]]; ok {
				toks = append(toks, token{e.kind, e.val, i, j})
			}
			i = j
			continue
		case c == '?':
			toks = append(toks, token{kQuestion, "", i, i + 1})
		case c == ' ' || c == ',' || c == '.' || c == '!' || c == ';' || c == ':':
			toks = append(toks, token{kBoundary, "", i, i + 1})
		case c >= 0x80:
			r, size := utf8.DecodeRuneInString(p[i:])
			for _, w := range byFirst[r] {
				if len(p)-i >= len(w) && p[i:i+len(w)] == w {
					e := lexicon[w]
					toks = append(toks, token{e.kind, e.val, i, i + len(w)})
					size = len(w)
					break
				}
			}
			i += size
			continue
		}
		i++
	}
	return topicNone(p, toks)
}

// topicNone reads はなし right after a topic word as は + なし (通知書はなし:
// there is no notice), not as the kana spelling of 話 that the lexicon
// skips (はなしが長くて).
func topicNone(p string, toks []token) []token {
	for i := 1; i < len(toks); i++ {
		t, prev := toks[i], toks[i-1]
		if t.kind == kSkip && p[t.start:t.end] == "はなし" && prev.end == t.start &&
			(prev.kind == kNoticeTopic || prev.kind == kAddrTopic || prev.kind == kOtherTopic) {
			toks[i] = token{kind: kNo, start: t.start + len("は"), end: t.end}
		}
	}
	return toks
}

// init builds the lexicon once; the first registration of a word wins.
func init() {
	answerWords()
	peopleWords()
	sortLexicon()
}

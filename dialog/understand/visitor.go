package understand

import (
	"strings"

	"github.com/madoguchi/madoguchi/bot"
)

// holderMarks, after a person and の (or に), make that person the card
// holder rather than the one who comes: 娘の分, 母の代わり, 妻のカード.
var holderMarks = []string{"の分", "のぶん", "の代わり", "のかわり", "の代理", "のため", "のを",
	"のかーど", "の更新", "の証明書", "の電子証明書", "の手続", "のまいなんばー", "の申請",
	"に代わって", "にかわって"}

// notComing, between a person and the next, says that person does not
// come: 本人は行けないので妻が行く.
var notComing = []string{"ではな", "じゃな", "でなく", "以外", "行けな", "行かな", "来られな",
	"来れな", "行けま", "来られま", "いけな", "いかな", "いけま", "こられな", "これな", "無理", "むり",
	"できな"}

var honorifics = []string{"さん", "さま", "様", "ちゃん", "くん", "君", "氏"}

// visitor reads who comes to the counter.
//
// Unless visitor is asked, only a message about coming (行きます, 頼む,
// 一緒に) answers it, so that 「私は持ってます」 does not set it.
//
// Each person named is the holder (娘の分, 母の代わりに), a modifier (私の
// 妻: skipped), someone who does not come (本人は行けない: skipped) or a
// candidate; the last candidate comes, since a correction comes last
// (本人じゃなくて妻が行きます), except that one followed by a word of coming
// (行きます, 頼む) is not displaced by one that is not. Then:
//   - with 一緒, 連れて… the holder comes along, so it is self;
//   - a proxy asked (知人に頼む) with no one named is a proxy;
//   - nobody named but 行きます is the writer: self;
//   - the writer (or their spouse) coming for a child or an adult ward is
//     the legal representative (娘の分を私が); the writer coming for anyone
//     else is a proxy (母の代わりに私が).
//
// 親, 母 and 父 are read as legal_rep as the contract lists them; for an
// adult holder a parent is in fact a proxy, which the dialog can tell from
// age_group.
func visitor(p string, toks []token, asking string) bot.Visitor {
	var goes, together, request bool
	for _, t := range toks {
		goes = goes || t.kind == kGo
		together = together || t.kind == kTogether
		request = request || t.kind == kRequest
	}
	if asking != bot.SlotVisitor && !goes && !together && !request {
		return ""
	}
	var who, holder kind // kSkip (0) is nobody: no person word has it
	strong := false      // who is followed by a word of coming
	for i, t := range toks {
		if !isPerson(t) {
			continue
		}
		rest := strings.TrimLeft(p[t.end:], " ")
		for _, h := range honorifics {
			rest = strings.TrimPrefix(rest, h)
		}
		next, coming := len(p), false
		for _, u := range toks[i+1:] {
			if isPerson(u) {
				next = u.start
				break
			}
			coming = coming || u.kind == kGo || u.kind == kRequest || u.kind == kTogether
		}
		switch {
		case hasAnyPrefix(rest, holderMarks):
			holder = holderKind(t)
		case t.kind == kAge:
		case strings.HasPrefix(rest, "の") && !hasAnyPrefix(rest, []string{"の人", "の方", "のかた"}):
		case containsAny(p[t.end:next], notComing...):
		case strong && !coming:
			// 私が行きます、子どもは14歳です: the one who comes stays.
		case t.kind == kSelf && i > 0 && isPerson(toks[i-1]) && p[toks[i-1].end:t.start] == "の":
			who, strong = toks[i-1].kind, coming // 後見人の私: the writer in that role
		default:
			who, strong = t.kind, coming
		}
	}
	switch {
	case together && (who != 0 || holder != 0):
		return bot.VisitorSelf
	case who == 0 && request:
		return bot.VisitorProxy
	case who == 0 && (goes || together) && (holder != 0 || asking == bot.SlotVisitor):
		who = kSelf
	}
	if (who == kSelf || who == kSpouse) && (holder == kChild || holder == kAge) {
		return bot.VisitorLegalRep
	}
	if who == kSelf && holder != 0 && holder != kSelf {
		return bot.VisitorProxy
	}
	switch who {
	case kSelf:
		return bot.VisitorSelf
	case kLegalRep:
		return bot.VisitorLegalRep
	case kProxy, kSpouse, kChild:
		return bot.VisitorProxy
	}
	return ""
}

// isPerson reports whether t names a person: one who may come, or, for an
// adult ward (被後見人の代わりに), one who may only be the holder.
func isPerson(t token) bool {
	switch t.kind {
	case kSelf, kLegalRep, kProxy, kSpouse, kChild:
		return true
	}
	return t.kind == kAge && t.val == string(bot.AgeAdultWard)
}

// holderKind is what a holder mention says about the visitor: a child or
// an adult ward needs a legal representative (kChild, kAge); the writer
// themselves (本人の代わりに) adds nothing (kSelf); anyone else is an adult
// for whom the writer is a proxy (kProxy).
func holderKind(t token) kind {
	switch t.kind {
	case kChild, kAge, kSelf:
		return t.kind
	}
	return kProxy
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, pre := range prefixes {
		if strings.HasPrefix(s, pre) {
			return true
		}
	}
	return false
}

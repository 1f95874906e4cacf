package understand

import (
	"regexp"
	"slices"
	"strings"

	"github.com/madoguchi/madoguchi/bot"
)

// holderMarks, after a person and の (or に), make that person the card
// holder rather than the one who comes: 娘の分, 母の代わり, 妻のカード.
var holderMarks = []string{"の分", "のぶん", "の代わり", "のかわり", "の代理", "のため", "のを",
	"のじゃ", "のです", "のなんです", "のなんじゃ", "のなんや", "のや",
	"のかーど", "の更新", "の証明書", "の電子証明書", "の手続", "のまいなんばー", "の申請",
	"に代わって", "にかわって"}

// notComing, between a person and the next, says that person does not
// come: 本人は行けないので妻が行く.
var notComing = []string{"ではな", "じゃな", "でなく", "以外", "行けな", "行かな", "来られな",
	"来れな", "行けません", "来られま", "いけな", "いかな", "いけません", "こられな", "これな", "無理", "むり",
	"できな", "別の日", "べつの日", "別日", "後日", "自分の分は"}

// incapacity, after a person, says that person cannot come, and so is the
// holder another goes for: 母は入院中なので私が行きます.
var incapacity = []string{"入院", "にゅういん", "施設に入", "施設にい", "施設で", "しせつに", "ホームに入", "ほーむに",
	"学校", "がっこう", "授業", "部活", "塾", "幼稚園", "ようちえん", "保育園", "ほいくえん", "school",
	"hospital", "sick", "busy", "can't", "cannot", "can not", "unable", "won't", "bedridden", "nursing",
	"でいさーびす", "しょーとすてい", "通院", "国に帰", "くにに帰", "くににかえ", "帰国", "きこく",
	"里帰り", "出張", "しゅっちょう", "寝たきり", "ねたきり", "足が悪", "あしがわる", "腰が悪", "体調", "動けな", "うごけな", "外出でき",
	"病気", "びょうき", "具合が悪", "認知症", "にんちしょう", "介護", "かいご", "療養", "単身赴任",
	"仕事で", "しごとで", "忙し", "いそがし", "歩けな", "あるけな", "寝込", "外出が難し", "外出がむずかし", "遠方", "海外", "入所", "行けな", "行かれな", "来られな",
	"いけな", "いけません", "行けません", "行けへん", "いけへん", "行けん", "いけん", "行かれへん"}

// insteadWords say that whoever is named goes in someone else's place: the
// writer who goes 代わりに is not the holder.
var insteadWords = []string{"代わり", "かわり", "代理", "だいり", "代行", "代って", "かわって", "instead of me", "instead of my",
	"instead of him", "instead of her", "instead of them", "go instead", "going instead", "come instead", "for me",
	"on my behalf", "on behalf"}

// aloneWords say that the one who goes does so without the holder.
var aloneWords = []string{"一人で", "ひとりで", "1人で", "単独", "だけで", "のみで", "抜きで", "ぬきで",
	"私だけ", "わたしだけ", "自分だけ", "僕だけ", "ぼくだけ", "俺だけ", "おれだけ", "うちだけ", "わしだけ", "親だけ",
	"母だけ", "父だけ", "ままだけ", "ぱぱだけ", "夫だけ", "妻だけ", "主人だけ", "私ひとり", "私一人", "わたしひとり",
	"ひとり 行", "ひとり行", "一人 行", "一人行", "私 ひとり", "わたし ひとり",
	"only me", "just me", "by myself", "alone", "on my own", "without him", "without her", "without my", "without the child",
	"without them", "without our",
	"本人なし", "本人は行かず", "連れていかず", "連れて行かず", "連れずに", "つれずに", "つれていかず"}

// notTogether deny that the holder comes along: 連れて行けません.
var notTogether = []string{"連れて行けん", "連れていけん", "つれていけん", "連れて行かれん", "連れていかれん",
	"つれていかへん", "連れていかへん", "連れて行かへん", "連れてかへん", "つれてかへん", "連れていかん", "つれていかん",
	"連れて行かん", "連れてかない", "つれてかない", "連れてかん", "連れて行けへん", "連れていけへん", "つれていけへん", "連れて行けな", "連れていけな", "連れて行かな", "連れていかな", "連れて行きません",
	"連れていきません", "連れて行けません", "連れていけません", "連れていかず", "連れて行かず", "つれていかず",
	"つれていけな", "つれていかな", "つれていきません", "つれていけません", "連れずに", "つれずに", "抜きで",
	"ぬきで", "同伴しな", "同伴せず", "一緒には行けな", "一緒に行けな", "いっしょに行けな", "いっしょにいけな",
	"一緒には行かな", "一緒に行かな", "連れてこな", "連れて来な", "連れて来られな", "連れてこれな"}

// undecided say who goes is not settled yet.
var undecided = []string{"相談して", "相談してから", "決めます", "決める", "決めたい", "未定", "まだ決", "検討中", "考え中", "かんがえちゅう",
	"not sure who", "haven't decided", "not decided"}

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
//
// age, the holder's age group when known (from this message or earlier),
// tells a legal representative from an agent: for a holder under 15 or an
// adult ward, the parent or guardian (or the writer, who is then the
// parent) going alone is the legal_rep; for anyone else a person other
// than the holder is a proxy.
func visitor(p string, toks []token, asking string, age bot.AgeGroup, holderOther bool) bot.Visitor {
	if containsAny(p, undecided...) {
		return "" // 家族と相談して決めます: nobody is chosen yet
	}
	v := readVisitor(p, toks, asking, holderOther)
	alone := containsAny(p, aloneWords...)
	needsRep := age == bot.AgeUnder15 || age == bot.AgeAdultWard
	switch {
	case v.who == "":
		return ""
	case age == bot.AgeAdult && v.who == bot.VisitorLegalRep:
		return bot.VisitorProxy
	case needsRep && v.who == bot.VisitorSelf && alone && !v.holderGoes:
		// 「一人で行きます」 from the parent of a child: the holder stays home.
		return bot.VisitorLegalRep
	case needsRep && v.who == bot.VisitorProxy && v.byFamily:
		return bot.VisitorLegalRep
	}
	return v.who
}

// visitorReading is what readVisitor finds: who goes, whether the holder
// is with them, and whether the one who goes is the writer or the other
// parent (who is the legal representative of a child holder).
type visitorReading struct {
	who        bot.Visitor
	holderGoes bool
	byFamily   bool
}

func readVisitor(p string, toks []token, asking string, holderOther bool) visitorReading {
	var r visitorReading
	r.who = readVisitorKind(p, toks, asking, holderOther, &r)
	return r
}

func readVisitorKind(p string, toks []token, asking string, holderOther bool, r *visitorReading) bot.Visitor {
	var goes, together, request bool
	for i, t := range toks {
		goes = goes || t.kind == kGo
		together = together || t.kind == kTogether && !withAThing(p, toks, i) && !movedTogether(toks, i)
		request = request || t.kind == kRequest
	}
	if containsAny(p, notTogether...) {
		together = false
	}
	together = together || twoComing(p, toks)
	if asking != bot.SlotVisitor && !goes && !together && !request {
		return ""
	}
	var who, holder kind           // kSkip (0) is nobody: no person word has it
	strong := false                // who is followed by a word of coming
	whoEnd := 0                    // where who's word ends
	var whoWord, holderWord string // who's word, and the holder's where an age names them
	var writerRole kind            // the writer's role where they give it (叔母の成年後見人です)
	for i, t := range toks {
		if !isPerson(t) {
			continue
		}
		rest := strings.TrimLeft(p[t.end:], " ")
		for _, h := range honorifics {
			rest = strings.TrimPrefix(rest, h)
		}
		rest = skipAside(rest)
		next, coming, clauseEnded := len(p), false, false
		for _, u := range toks[i+1:] {
			if isPerson(u) {
				next = u.start
				break
			}
			if u.kind == kBoundary && (p[u.start:u.end] == "ので" || p[u.start:u.end] == ".") {
				clauseEnded = true // 叔母が施設に移ったので…行きます: the coming is another clause's
			}
			coming = coming || !clauseEnded && (u.kind == kGo || u.kind == kRequest || u.kind == kTogether)
		}
		switch {
		case hasAnyPrefix(rest, holderMarks):
			holder = holderKind(t)
		case ageBefore.MatchString(p[:t.start]) && hasAnyPrefix(rest, []string{"です", "だ", "や", "じゃ", "で", ".", ","}):
			// 16歳の息子です: the writer speaks of the holder
			holder, holderWord = holderKind(t), p[t.start:t.end]
		case t.kind == kAge:
		case strings.HasPrefix(rest, "の") && i+1 < len(toks) && guardianOf(p, toks[i+1]) && t.kind != kSelf:
			// 叔母の成年後見人です: the writer is the holder's legal representative
			holder, holderWord, writerRole = holderKind(t), p[t.start:t.end], kLegalRep
		case strings.HasPrefix(rest, "の") && !hasAnyPrefix(rest, []string{"の人", "の方", "のかた", "のみ", "のほう"}):
		case nextIsWardMark(toks[i+1:], p, t.end):
			holder = holderKind(t) // 母は後見人がついとる: the ward holds the card
		case !coming && !strong && describesAge(p[t.end:next]):
			holder = holderKind(t) // 子どもは小5です, 娘 6さい: that person holds the card
		case containsAny(p[t.end:next], notTogether...):
			holder = holderKind(t) // 息子は連れて行きません: the holder stays home
		case containsAny(strings.ReplaceAll(p[t.end:next], " ", ""), incapacity...):
			if holder == 0 || holder == kSelf {
				holder = holderKind(t) // 母は入院中なので: the one who cannot come holds the card
			}
		case containsAny(p[t.end:next], notComing...):
		case strong && !coming:
			// 私が行きます、子どもは14歳です: the one who comes stays.
		case t.kind == kSelf && i > 0 && isPerson(toks[i-1]) && p[toks[i-1].end:t.start] == "の":
			who, strong = toks[i-1].kind, coming // 後見人の私: the writer in that role
		case t.kind == kSelf && coming && who != 0 && who != kSelf && !strong && topicAt(p, whoEnd):
			// 母は来月転入します。私が手続きします: the one spoken of, who does
			// not come, holds the card; the writer comes for them.
			holder, who, strong = holderKind(token{kind: who}), kSelf, true
		default:
			who, strong, whoEnd, whoWord = t.kind, coming, t.end, p[t.start:t.end]
		}
	}
	if holderWord != "" && whoWord == holderWord && !together {
		if strong {
			// 16歳の息子です。息子ひとりで行かせます: the holder spoken of comes.
			r.holderGoes = true
			return bot.VisitorSelf
		}
		if goes {
			// 叔母の成年後見人です。叔母が施設に移ったので…行きます: the holder
			// does not come; the writer, in the role they gave, does.
			who, strong = writerRole, true
			if who == 0 {
				who = kSelf
			}
		}
	}
	if who == 0 && holder == kSelf && asking == bot.SlotVisitor && !together {
		// 本人は行けないです: someone else goes, who is not said.
		r.byFamily = true
		return bot.VisitorProxy
	}
	instead := containsAny(p, insteadWords...)
	if who == kSelf && holder == 0 && instead {
		// 私が代わりに行きます: the writer goes in the holder's place.
		holder = kProxy
	}
	r.byFamily = who == kSelf || who == kSpouse || who == kLegalRep
	switch {
	case together && (who != 0 || holder != 0):
		r.holderGoes = true
		return bot.VisitorSelf
	case who == 0 && request:
		return bot.VisitorProxy
	case who == 0 && (goes || together) && (holder != 0 || asking == bot.SlotVisitor):
		who = kSelf
	}
	if who == kSelf && holder == 0 && holderOther && !together && !slices.Contains(holderSelfWords, whoWord) {
		// 「親父の電子証明書をやりたい」, then 「俺が行く」: the writer goes for
		// the holder an earlier message named.
		holder = kProxy
	}
	if who == kSelf && strong && holder != 0 && holder != kSelf && slices.Contains(holderSelfWords, whoWord) {
		// 息子(16)の分ですが、本人に行かせます: 本人 is the holder named, who comes.
		r.holderGoes = true
		return bot.VisitorSelf
	}
	if (who == kSelf || who == kSpouse) && (holder == kChild || holder == kAge) {
		return bot.VisitorLegalRep
	}
	if who == kSelf && holder == 0 {
		r.holderGoes = !containsAny(p, aloneWords...)
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

// ageBefore ends in an age said of the person word that follows: 16歳の,
// 小3の.
var ageBefore = regexp.MustCompile(`(?:\d{1,3}\s?(?:歳|さい|才)|[小中高]\d)\s?の\s?$`)

// movedTogether reports whether toks[i], a word of togetherness, is said of
// a move rather than of coming: 家族で引っ越してきた.
func movedTogether(toks []token, i int) bool {
	for _, u := range toks[i+1:] {
		switch u.kind {
		case kAddrEvent:
			return true
		case kGo, kRequest, kBoundary:
			return false
		}
	}
	return false
}

// twoComing reports whether two people joined by と come together: 娘と私で
// 行きます, 娘本人と母親の私で行きます.
func twoComing(p string, toks []token) bool {
	for i := 0; i+1 < len(toks); i++ {
		a := toks[i]
		if !isPerson(a) {
			continue
		}
		rest := strings.TrimLeft(p[a.end:], " ")
		rest = strings.TrimPrefix(rest, "本人")
		if !strings.HasPrefix(rest, "と") {
			continue
		}
		for _, b := range toks[i+1:] {
			if b.kind == kBoundary {
				break
			}
			if isPerson(b) && strings.HasPrefix(strings.TrimLeft(p[b.end:], " "), "で") {
				for _, c := range toks[i+2:] {
					if c.start >= b.end && c.kind == kGo {
						return true
					}
				}
			}
		}
	}
	return false
}

// namesOtherHolder reports whether p names the holder as another person
// than the writer: a person word (not 私, not 本人) with a holder mark
// after it (母の分, 親父の電子証明書) or with a legal representative's word
// (叔母の成年後見人).
func namesOtherHolder(p string, toks []token) bool {
	for i, t := range toks {
		if !isPerson(t) || t.kind == kSelf || t.kind == kAge {
			continue
		}
		rest := strings.TrimLeft(p[t.end:], " ")
		for _, h := range honorifics {
			rest = strings.TrimPrefix(rest, h)
		}
		rest = skipAside(rest)
		if hasAnyPrefix(rest, holderMarks) && !strings.HasPrefix(rest, "のため") {
			return true
		}
		if strings.HasPrefix(rest, "の") && i+1 < len(toks) && guardianOf(p, toks[i+1]) {
			return true
		}
	}
	return false
}

// guardianOf reports whether t is a guardian's word that the writer gives
// as their role (成年後見人です, 後見人をしています), as in 叔母の成年後見人です.
func guardianOf(p string, t token) bool {
	if t.kind != kLegalRep || !slices.Contains([]string{"後見人", "成年後見人", "未成年後見人", "保佐人", "補助人", "法定代理人"}, p[t.start:t.end]) {
		return false
	}
	return hasAnyPrefix(strings.TrimLeft(p[t.end:], " "), []string{"です", "をして", "をしており", "を務め", "をつとめ", "をやって", "で", "になって"})
}

// holderSelfWords name the holder as such (本人が行きます): never the writer
// going for someone else.
var holderSelfWords = []string{"本人", "ご本人", "ほんにん", "ごほんにん"}

// withAThing reports whether toks[i], a word of togetherness, joins a thing
// rather than a person: 転入届と一緒に, 夫の電子証明書も一緒に (at the same
// time), where 息子と一緒に and 一緒に行きます join people.
func withAThing(p string, toks []token, i int) bool {
	before := strings.TrimRight(p[:toks[i].start], " ,")
	if hasAnySuffix(before, []string{"日に", "日と", "時に", "ときに", "際に", "ついでに"}) {
		return true // 転居届を出しに行く日に一緒に: at the same time
	}
	for _, particle := range []string{"と", "も"} {
		if joined, ok := strings.CutSuffix(before, particle); ok {
			return hasAnySuffix(joined, things)
		}
	}
	return false
}

// things are what a procedure is done together with: a filing, a form,
// another procedure, or anything said with の (転入届出すのと一緒に, 息子の
// と一緒に: the filing, the son's card).
var things = []string{"の", "届", "書", "手続き", "手続", "更新", "申請", "かーど", "証明", "転入", "転居", "転出", "変更", "引っ越し", "引越し", "ひっこし"}

func hasAnySuffix(s string, suffixes []string) bool {
	for _, suf := range suffixes {
		if strings.HasSuffix(s, suf) {
			return true
		}
	}
	return false
}

// topicAt reports whether the person word ending at end is the topic of
// its clause (母は…), said of someone rather than of who comes.
func topicAt(p string, end int) bool {
	rest := strings.TrimLeft(p[end:], " ")
	for _, h := range honorifics {
		rest = strings.TrimPrefix(rest, h)
	}
	return strings.HasPrefix(rest, "は") && !strings.HasPrefix(rest, "はい")
}

// nextIsWardMark reports whether the next person word after a person
// (ending at end) is guardianship said of them: 母は後見人がついている.
func nextIsWardMark(rest []token, p string, end int) bool {
	for _, u := range rest {
		if !isPerson(u) {
			continue
		}
		between := strings.Trim(p[end:u.start], " ")
		return u.kind == kAge && (between == "は" || between == "が" || between == "も" || between == "には" || between == "")
	}
	return false
}

// describesAge reports whether the words after a person give that
// person's age or guardianship (は14歳, 小5です, は後見人がついとる), which
// makes them the holder being described rather than the one who comes.
func describesAge(after string) bool {
	after = strings.TrimLeft(after, " ")
	for _, h := range honorifics {
		after = strings.TrimPrefix(after, h)
	}
	after = strings.TrimLeft(after, " はがもって(")
	if after == "" {
		return false
	}
	if ageYears.MatchString(after) && ageYears.FindStringIndex(after)[0] <= 6 {
		return true
	}
	if m := schoolGrade.FindStringIndex(after); m != nil && m[0] == 0 {
		return true
	}
	if m := bareAge.FindStringSubmatch(after); m != nil {
		return true
	}
	return containsAny(after[:min(len(after), 40)], "後見人がつ", "後見人が付", "後見がつ", "後見が付", "後見を受け", "被後見人")
}

// bareAge is an age said as a number right after a person: 娘は8です.
var bareAge = regexp.MustCompile(`^(?:今年で|もう|まだ|いま|今)?\s?\d{1,3}\s?(?:です|だ|や|じゃ|よ|になる|になり)?(?:[ ,.!]|$)`)

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

// skipAside skips a short parenthesis right after a person, an age or a
// name said aside (娘(16)の分, 子ども(6歳)の): what follows it is what is
// said of the person.
func skipAside(rest string) string {
	if !strings.HasPrefix(rest, "(") {
		return rest
	}
	if i := strings.Index(rest, ")"); i > 0 && i <= 16 {
		return strings.TrimLeft(rest[i+1:], " ")
	}
	return rest
}

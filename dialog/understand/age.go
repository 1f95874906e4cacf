package understand

import (
	"regexp"
	"strings"

	"github.com/madoguchi/madoguchi/bot"
)

var (
	// ageYears is an age in years with an optional bound: 35歳, 15歳以上, 14才未満.
	// もうすぐ15歳 is 14 today.
	ageYears = regexp.MustCompile(`(もうすぐ|まもなく|もう少しで|来月|今度)?\s?(\d{1,3})\s?(?:歳|才|さい)\s?(以上|未満|以下|超|より上|より下)?`)
	// ageDecade is an age in decades: 20代, 70代.
	ageDecade = regexp.MustCompile(`(\d{1,3})\s?代`)
	// bareNumber is an answer that is only a number, read as an age when
	// the age is asked: 「35」「14です」.
	bareNumber = regexp.MustCompile(`^(\d{1,3})\s?(?:です|だ|で)?[.!]?$`)
	// schoolGrade is a school year: 小3, 小学3年, 中1, 中学2年生, 高1.
	schoolGrade = regexp.MustCompile(`(小学|小|中学|中|高校|高)\s?([1-6])\s?(?:年生|年)?`)
	// birthYear is a year of birth without the day: 2013年生まれ, 平成24年生,
	// 昭和22年うまれ, s22年生まれ.
	birthYear = regexp.MustCompile(`(昭和|しょうわ|平成|へいせい|令和|れいわ|大正|たいしょう|s|h|r|t)?\s?(\d{1,4})\s?年\s?(?:生まれ|うまれ|生|産まれ)`)
	// number is a run of digits, read as an age only where nothing makes
	// it something else (a unit after it, a date around it).
	number = regexp.MustCompile(`\d+`)
	// personAge is a person stated with a bare number: わしは72, 私は45です,
	// 母も80.
	personAge = regexp.MustCompile(`^(?:さん|様|さま|ちゃん|くん)?\s?(?:は|も|が|\(|ゃ|,)?\s?(?:今年で|もう|いま|今|まだ)?\s?(\d{1,3})`)
	// ageBeforePerson is an age said before a person with の: 88の母.
	ageBeforePerson = regexp.MustCompile(`(?:^|[^\d/.\-:])(\d{1,3})\s?の\s?$`)
	// stillAge is an age said with まだ or もう: まだ12や, もう90じゃ.
	stillAge = regexp.MustCompile(`(?:まだ|もう|今年で|先月|今月|この前|こないだ|去年|最近)\s?(\d{1,3})\s?(?:や|だ|です|じゃ|よ|になる|になり|になっ|なん|$|[ ,.!])`)
	// eraBirth is a birth in a past era, said loosely: 昭和ひとけた生まれ, 大正生まれ.
	eraBirth = regexp.MustCompile(`(昭和|しょうわ|大正|たいしょう|明治|めいじ)\S{0,8}?(?:生まれ|うまれ|生)`)
)

// notAgeAfter are what, right after a number, make it no age: units and
// the parts of a date, a time or a phone number.
const notAgeAfter = "年月日時分円回階区番号人件枚通万千百/.-:~個週歳才代さ"

// maxAge bounds what is read as an age: anything above is a typo or
// another number, and is not found.
const maxAge = 120

// age reads the holder's age group from p: a number of years (15 or over
// is adult), a decade (20代 and up is adult; 10代 straddles 15 and is not
// found), a life stage word (中学生 is under15 as the contract's examples
// have it, 高校生 is adult) or guardianship (成年被後見人). A bound that
// straddles 15 (10歳以上, 20歳未満, 15歳以下) is not found. When several are
// stated the last wins, as residents correct themselves in the same message.
func age(p string, toks []token, asking string, today bot.Date) bot.AgeGroup {
	var group bot.AgeGroup
	last := -1
	note := func(g bot.AgeGroup, at int) {
		if g != "" && at >= last {
			group, last = g, at
		}
	}
	for _, t := range toks {
		if t.kind == kAge {
			note(bot.AgeGroup(t.val), t.start)
		}
	}
	for _, m := range ageYears.FindAllStringSubmatchIndex(p, -1) {
		if m[4] > 0 && isDigit(p[m[4]-1]) {
			continue
		}
		n := atoi(sub(p, m, 2))
		if sub(p, m, 1) != "" && n > 0 {
			n-- // not that age yet
		}
		note(yearsGroup(n, sub(p, m, 3)), m[0])
	}
	for _, m := range ageDecade.FindAllStringSubmatchIndex(p, -1) {
		if n := atoi(sub(p, m, 1)); n%10 == 0 && n >= 20 && n <= maxAge && (m[0] == 0 || !isDigit(p[m[0]-1])) {
			note(bot.AgeAdult, m[0])
		}
	}
	for _, m := range birthYear.FindAllStringSubmatchIndex(p, -1) {
		if y, ok := westernYear(sub(p, m, 1), atoi(sub(p, m, 2))); ok {
			// Born in year y: 15 or over this year at the latest when
			// y is 16 years back, under 15 all year when 14 or fewer;
			// the year between straddles the birthday.
			switch age := today.Year - y; {
			case age >= 16 && age <= maxAge:
				note(bot.AgeAdult, m[0])
			case age >= 0 && age <= 14:
				note(bot.AgeUnder15, m[0])
			}
		}
	}
	for _, m := range schoolGrade.FindAllStringSubmatchIndex(p, -1) {
		grade := atoi(sub(p, m, 2))
		switch stage := sub(p, m, 1); {
		case strings.HasPrefix(stage, "小"):
			note(bot.AgeUnder15, m[0])
		case strings.HasPrefix(stage, "中") && grade <= 3:
			note(bot.AgeUnder15, m[0])
		case strings.HasPrefix(stage, "高") && grade <= 3:
			note(bot.AgeAdult, m[0])
		}
	}
	for _, t := range toks {
		if !isPerson(t) || t.kind == kAge {
			continue
		}
		if m := personAge.FindStringSubmatchIndex(p[t.end:]); m != nil && standaloneNumber(p, t.end+m[2], t.end+m[3]) {
			note(yearsGroup(atoi(p[t.end+m[2]:t.end+m[3]]), ""), t.end+m[2])
		}
	}
	for _, t := range toks {
		if !isPerson(t) || t.kind == kAge {
			continue
		}
		if m := ageBeforePerson.FindStringSubmatchIndex(p[:t.start]); m != nil && !gradeBefore(p[:m[2]]) {
			note(yearsGroup(atoi(p[m[2]:m[3]]), ""), m[2]) // 88の母
		}
	}
	for _, m := range stillAge.FindAllStringSubmatchIndex(p, -1) {
		if m[2] == 0 || !isDigit(p[m[2]-1]) {
			note(yearsGroup(atoi(p[m[2]:m[3]]), ""), m[2])
		}
	}
	for _, m := range eraBirth.FindAllStringIndex(p, -1) {
		note(bot.AgeAdult, m[0])
	}
	if asking == "" && group == "" {
		// The first message may give the age as a sentence of its own
		// (「おらのカードの更新だ。70だ。ひとりで行ぐ」).
		for _, sentence := range strings.FieldsFunc(p, func(r rune) bool { return r == '.' || r == '!' || r == ',' }) {
			if m := bareNumber.FindStringSubmatch(strings.TrimSpace(sentence)); m != nil && strings.TrimSpace(sentence) != strings.TrimSpace(p) {
				note(yearsGroup(atoi(m[1]), ""), 0)
			}
		}
	}
	if asking == bot.SlotAgeGroup {
		if m := bareNumber.FindStringSubmatch(strings.TrimSpace(p)); m != nil {
			note(yearsGroup(atoi(m[1]), ""), 0)
		} else if group == "" {
			// Asked the age, a resident may give a number in a sentence
			// (もう85になります, 今年で80じゃ): one number that nothing makes
			// a date, a count or a time is the age.
			var ages []int
			for _, m := range number.FindAllStringIndex(p, -1) {
				if standaloneNumber(p, m[0], m[1]) {
					ages = append(ages, m[0])
				}
			}
			if len(ages) == 1 {
				n := number.FindString(p[ages[0]:])
				note(yearsGroup(atoi(n), ""), ages[0])
			}
		}
	}
	if containsAny(p, "の成年後見人", "の後見人", "の保佐人", "の補助人", "の成年後見", "成年後見人をし", "成年後見人にな",
		"後見人をしてい", "後見人になって", "成年後見をし", "成年後見をやっ", "後見をしてい", "後見人をやって", "後見人を務め", "後見人をつとめ", "が成年後見人", "が後見人です",
		"が後見人で", "は後見人です") && !strings.Contains(p, "未成年後見") {
		return bot.AgeAdultWard // 息子(30歳)の成年後見人をしています: the holder is the ward
	}
	for _, t := range toks {
		if t.kind == kAge && t.val == string(bot.AgeAdultWard) {
			// An adult ward is an adult by age: 被後見人の方(60代) is
			// still a ward.
			return bot.AgeAdultWard
		}
	}
	return group
}

// gradeBefore reports whether a number follows a school or year word (高1の,
// 中学2年の), and so is no age.
func gradeBefore(before string) bool {
	for _, w := range []string{"高", "中", "小", "学", "年", "校", "第", "no"} {
		if strings.HasSuffix(strings.TrimRight(before, " "), w) {
			return true
		}
	}
	return false
}

// westernYear reads a year of birth, with its era when written.
func westernYear(era string, y int) (int, bool) {
	base := map[string]int{"昭和": 1925, "しょうわ": 1925, "s": 1925, "平成": 1988, "へいせい": 1988, "h": 1988,
		"令和": 2018, "れいわ": 2018, "r": 2018, "大正": 1911, "たいしょう": 1911, "t": 1911}
	if b, ok := base[era]; ok {
		return b + y, y >= 1 && y <= 64
	}
	return y, y >= 1900
}

// standaloneNumber reports whether p[start:end], a run of digits, can be an
// age: at most three digits, not part of a longer number, a date, a time or
// a count.
func standaloneNumber(p string, start, end int) bool {
	if end-start > 3 || (start > 0 && (isDigit(p[start-1]) || strings.ContainsRune("/.-:", rune(p[start-1])))) {
		return false
	}
	if end < len(p) && isDigit(p[end]) {
		return false
	}
	rest := strings.TrimLeft(p[end:], " ")
	for _, r := range notAgeAfter {
		if strings.HasPrefix(rest, string(r)) {
			return false
		}
	}
	return !strings.HasPrefix(rest, "か月") && !strings.HasPrefix(rest, "ヶ月") && !strings.HasPrefix(rest, "かげつ")
}

// yearsGroup maps an age in years, with an optional bound, to a group.
func yearsGroup(n int, bound string) bot.AgeGroup {
	if n < 0 || n > maxAge {
		return ""
	}
	adult := pickGroup(n >= 15)
	switch bound {
	case "以上", "超", "より上":
		if n >= 15 || (bound != "以上" && n == 14) {
			return bot.AgeAdult
		}
		return ""
	case "未満", "より下":
		if n <= 15 {
			return bot.AgeUnder15
		}
		return ""
	case "以下":
		if n < 15 {
			return bot.AgeUnder15
		}
		return ""
	}
	return adult
}

// ageAt returns the age group of someone born on birth, as of today; a
// birth date after today is no one's.
func ageAt(birth, today bot.Date) bot.AgeGroup {
	if birth.After(today) {
		return ""
	}
	years := today.Year - birth.Year
	if today.Month < birth.Month || (today.Month == birth.Month && today.Day < birth.Day) {
		years--
	}
	return yearsGroup(years, "")
}

func pickGroup(adult bool) bot.AgeGroup {
	if adult {
		return bot.AgeAdult
	}
	return bot.AgeUnder15
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

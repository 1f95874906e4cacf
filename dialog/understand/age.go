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
)

// maxAge bounds what is read as an age: anything above is a typo or
// another number, and is not found.
const maxAge = 120

// age reads the holder's age group from p: a number of years (15 or over
// is adult), a decade (20代 and up is adult; 10代 straddles 15 and is not
// found), a life stage word (中学生 is under15 as the contract's examples
// have it, 高校生 is adult) or guardianship (成年被後見人). A bound that
// straddles 15 (10歳以上, 20歳未満, 15歳以下) is not found. When several are
// stated the last wins, as residents correct themselves in the same message.
func age(p string, toks []token, asking string) bot.AgeGroup {
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
	if asking == bot.SlotAgeGroup {
		if m := bareNumber.FindStringSubmatch(strings.TrimSpace(p)); m != nil {
			note(yearsGroup(atoi(m[1]), ""), 0)
		}
	}
	return group
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

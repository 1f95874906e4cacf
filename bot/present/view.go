// Package present is the one presentation of a checklist: what residents
// read, worded and ordered once, in the words of the knowledge's texts
// that the checklist carries (bot.Checklist.Texts). The LINE Flex renderer, the web widget
// (through the "view" field of the API) and the plain-text fallback all
// render a View and add no sentence of their own, so a wording or an
// order changed here changes in every channel.
//
// present imports only bot; bot imports nothing of the module.
package present

import (
	"strconv"
	"strings"

	"github.com/madoguchi/madoguchi/bot"
)

// View is a checklist as residents read it, every text a finished
// sentence or label. Sections come in the order residents should read
// them: Headline, Status, Visits (what to bring), Places (where to go),
// Afterwards, Warnings, Source. Empty sections are empty lists, never
// null, in JSON.
type View struct {
	// Lang is the language of the view's own words (headings, labels,
	// status lines): its texts' (bot.Texts.Lang).
	Lang bot.Lang `json:"lang"`
	// Note says, outside Japanese, that some of the page's facts (the
	// items, the counters, their hours, the warnings) are shown in the
	// page's Japanese for want of a translation (bot.Checklist.Untranslated);
	// "" in Japanese and when every fact is translated.
	Note string `json:"note"`
	// Translation says, outside Japanese, that the checklist is a
	// translation of the municipality's Japanese page and that the Japanese
	// original is what to show at the counter ("" in Japanese).
	Translation string `json:"translation"`
	// Title is the procedure in the page's own word: 電子証明書の更新.
	Title string `json:"title"`
	// Headline says the visits and whether it ends the same day, in plain
	// words; "" when the page does not cover the situation.
	Headline string `json:"headline"`
	// Status is the renewal window in plain words (有効期限が過ぎています：
	// 発行の手続きになります); "" when the expiry date is unknown.
	Status string `json:"status"`
	// Uncovered is set when the page does not speak to this situation:
	// what to do instead (whom to ask is in Places).
	Uncovered string `json:"uncovered"`
	Titles    Titles `json:"titles"`
	// Visits are the things to bring, one group a visit, in visit order.
	Visits []Visit `json:"visits"`
	// Places are the counters, then the contact for questions, so that a
	// checklist ends with whom to call: the last place's Phone is the
	// contact's number, or the knowledge's sentence saying the page names
	// none (then not repeated in Warnings).
	Places     []Place `json:"places"`
	Afterwards []Step  `json:"afterwards"`
	// Warnings are the checklist's notes, in their own section.
	Warnings []string `json:"warnings"`
	Source   string   `json:"source"`
	// Summary is a one-line form for notifications (LINE's altText).
	Summary string `json:"summary"`
}

// Titles are the section titles.
type Titles struct {
	Items      string `json:"items"`
	Places     string `json:"places"`
	Afterwards string `json:"afterwards"`
	Warnings   string `json:"warnings"`
}

// Visit is what to bring on one visit. Title is "" when there is one visit.
type Visit struct {
	Title string `json:"title"`
	Items []Line `json:"items"`
}

// Line is one thing to bring: its text, its note ("" for none) and, for
// an optional one, the label saying so ("" when it is required).
type Line struct {
	Text     string `json:"text"`
	Note     string `json:"note"`
	Optional string `json:"optional"`
}

// Place is a counter or a contact. Each of Hours, Reservation and Phone is
// a labelled line (受付時間：…) or "" when the page gives none, except the
// contact's Phone, which says so when the page names no phone; Tel is the
// number to dial (digits only) or "".
type Place struct {
	Name        string `json:"name"`
	Hours       string `json:"hours"`
	Reservation string `json:"reservation"`
	Phone       string `json:"phone"`
	Tel         string `json:"tel"`
	// TelLabel is the label of a button that dials Tel.
	TelLabel string `json:"tel_label"`
}

// Step is a thing to do afterwards.
type Step struct {
	Title    string `json:"title"`
	Text     string `json:"text"`
	Phone    string `json:"phone"`
	Tel      string `json:"tel"`
	TelLabel string `json:"tel_label"`
}

// Options choose how a View is written.
type Options struct {
	// Calendar is how years are written (Western unless the municipality
	// prefers, or the resident wrote, 令和).
	Calendar Calendar
}

// Present builds the View of c in c's texts (bot.Checklist.Texts). Years
// are written in the era when o says so or when c does (bot.CalendarEra).
func Present(c *bot.Checklist, o Options) View {
	if c.Calendar == bot.CalendarEra {
		o.Calendar = Era
	}
	t := c.Words()
	v := View{
		Lang:  t.Lang,
		Title: ProcedureTitle(c),
		Titles: Titles{
			Items:      t.Get(bot.TextTitleItems),
			Places:     t.Get(bot.TextTitlePlaces),
			Afterwards: t.Get(bot.TextTitleAfterwards),
			Warnings:   t.Get(bot.TextTitleWarnings),
		},
		Visits:     []Visit{},
		Places:     []Place{},
		Afterwards: []Step{},
		Warnings:   []string{},
	}
	if t.Lang != bot.LangJa {
		// A translation says so, and sends the resident to the original.
		v.Translation = t.Get(bot.TextTranslated)
		if c.Untranslated > 0 {
			v.Note = t.Get(bot.TextJapaneseOnly)
		}
	}
	v.Headline = headline(c, t)
	v.Status = status(c, t, o)
	if !c.Covered {
		v.Uncovered = t.Get(bot.TextUncovered)
		if c.Contact != nil && c.Contact.Name != "" {
			v.Uncovered = Sentences(t.Lang, v.Uncovered, t.Get(bot.TextUncoveredAsk))
		}
	}
	visits := max(c.Visits, 1)
	for n := 1; n <= visits; n++ {
		var g Visit
		if c.Visits > 1 {
			g.Title = t.Get(bot.TextVisitTitle, "n", strconv.Itoa(n))
		}
		for _, it := range c.Items {
			if max(it.Visit, 1) != n {
				continue
			}
			l := Line{Text: it.Text, Note: it.Note}
			if it.Optional {
				l.Optional = t.Get(bot.TextOptional)
			}
			g.Items = append(g.Items, l)
		}
		if len(g.Items) > 0 {
			v.Visits = append(v.Visits, g)
		}
	}
	for _, k := range c.Counters {
		v.Places = append(v.Places, place(t, k.Name, k.Hours, k.Reservation, k.Phone))
	}
	if c.Contact != nil && c.Contact.Name != "" {
		p := place(t, c.Contact.Name, "", "", c.Contact.Phone)
		p.Name = t.Get(bot.TextContactPlace, "name", p.Name)
		if p.Phone == "" {
			p.Phone = c.Contact.NoPhone
		}
		v.Places = append(v.Places, p)
	}
	for _, f := range c.Followups {
		s := Step{Title: f.Title, Text: f.Text}
		if f.Phone != "" {
			s.Phone = t.Get(bot.TextPhoneLine, "phone", f.Phone)
			s.Tel, s.TelLabel = tel(t, f.Phone)
		}
		v.Afterwards = append(v.Afterwards, s)
	}
	for _, n := range c.Notes {
		if len(v.Places) == 0 || n != v.Places[len(v.Places)-1].Phone {
			v.Warnings = append(v.Warnings, n) // the contact's no-phone sentence is said once, with it
		}
	}
	if c.Source.Title != "" {
		v.Source = t.Get(bot.TextSource, "title", c.Source.Title)
		if c.Source.Updated != "" {
			v.Source = t.Get(bot.TextSourceUpdated, "title", c.Source.Title, "date", DateString(c.Source.Updated, o.Calendar, t))
		}
	}
	v.Summary = summary(c, t, v)
	return v
}

// ProcedureTitle is the procedure in the page's own word (Akishima calls
// the procedure after expiry 更新), in c's texts: 電子証明書の更新.
func ProcedureTitle(c *bot.Checklist) string {
	return c.Words().Get(bot.TextProcedureTitle, "procedure", ProcedureWord(c))
}

// ProcedureWord is the procedure's word alone, in c's texts: the page's
// own (ProcedureName: 更新, 発行, 新規発行) or the contract's procedure's.
func ProcedureWord(c *bot.Checklist) string {
	t := c.Words()
	switch c.ProcedureName {
	case "":
	case t.Japanese[bot.TextProcRenewal], t.Words[bot.TextProcRenewal]:
		return t.Get(bot.TextProcRenewal)
	case t.Japanese[bot.TextProcIssuance], t.Words[bot.TextProcIssuance]:
		return t.Get(bot.TextProcIssuance)
	case t.Japanese[bot.TextProcNewIssuance], t.Words[bot.TextProcNewIssuance]:
		return t.Get(bot.TextProcNewIssuance)
	default:
		return c.ProcedureName
	}
	if c.Procedure == bot.ProcedureIssuance {
		return t.Get(bot.TextProcIssuance)
	}
	return t.Get(bot.TextProcRenewal)
}

func headline(c *bot.Checklist, t bot.Texts) string {
	visits := VisitsWord(c.Visits, t)
	switch {
	case !c.Covered || c.Visits == 0:
		return ""
	case c.Visits == 1 && c.SameDay:
		return t.Get(bot.TextHeadlineOneSameDay)
	case c.Visits == 1:
		return t.Get(bot.TextHeadlineOne)
	case c.SameDay:
		return t.Get(bot.TextHeadlineSameDay, "visits", visits)
	}
	return t.Get(bot.TextHeadlineTwoDays, "visits", visits)
}

func status(c *bot.Checklist, t bot.Texts, o Options) string {
	proc := ProcedureWord(c)
	switch c.Status {
	case bot.StatusExpired:
		return t.Get(bot.TextStatusExpired, "procedure", proc)
	case bot.StatusTooEarly:
		if c.Window != nil {
			return t.Get(bot.TextStatusTooEarly, "procedure", proc, "date", Date(c.Window.Start, o.Calendar, t))
		}
		return t.Get(bot.TextStatusTooEarlyNoDate, "procedure", proc)
	case bot.StatusInWindow:
		if c.Window != nil {
			return t.Get(bot.TextStatusInWindowUntil, "date", Date(c.Window.End, o.Calendar, t))
		}
		return t.Get(bot.TextStatusInWindow)
	}
	return ""
}

func place(t bot.Texts, name, hours, reservation, phone string) Place {
	p := Place{Name: name}
	if hours != "" {
		p.Hours = t.Get(bot.TextHoursLine, "hours", hours)
	}
	if reservation != "" {
		p.Reservation = t.Get(bot.TextReservationLine, "reservation", reservation)
	}
	if phone != "" {
		p.Phone = t.Get(bot.TextPhoneLine, "phone", phone)
		p.Tel, p.TelLabel = tel(t, phone)
	}
	return p
}

// tel returns the digits to dial for the first number in phone and the
// label of a button that dials it, or "" twice when phone holds no number.
func tel(t bot.Texts, phone string) (digits, label string) {
	n := FirstNumber(phone)
	d := strings.ReplaceAll(n, "-", "")
	if len(d) < 6 {
		return "", ""
	}
	return d, t.Get(bot.TextTelLabel, "number", n)
}

// FirstNumber returns the first phone number written in s ("03-1234-5678
// (代表)" gives "03-1234-5678"), full-width digits made narrow.
func FirstNumber(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '０' && r <= '９' {
			r = '0' + (r - '０')
		}
		if r == '－' || r == '‐' || r == 'ー' {
			r = '-'
		}
		switch {
		case r >= '0' && r <= '9', r == '-' && b.Len() > 0:
			b.WriteRune(r)
		case b.Len() > 0:
			return strings.TrimRight(b.String(), "-")
		}
	}
	return strings.TrimRight(b.String(), "-")
}

func summary(c *bot.Checklist, t bot.Texts, v View) string {
	items := make([]string, len(c.Items))
	for i, it := range c.Items {
		items[i] = it.Text
	}
	s := t.Get(bot.TextAltItems, "title", v.Title, "items", strings.Join(items, t.Get(bot.TextListSeparator)))
	if c.Visits > 1 {
		s += t.Get(bot.TextAltVisits, "visits", VisitsWord(c.Visits, t))
	}
	if len(c.Counters) > 0 {
		s += t.Get(bot.TextAltCounter, "counter", c.Counters[0].Name)
	}
	return s
}

// Marks are the layout marks of a checklist written as text (Text, and
// LINE's Flex card, which has no lists of its own): they are typography,
// not words, and follow the script of the language. Japanese (and
// やさしい日本語) writes ・ for a list, a full-width space to indent, and
// （） 【】 〈〉; English writes • , spaces, ( ) and a colon, never a
// full-width mark against Latin letters.
type Marks struct {
	Bullet        string // before a list line
	Indent        string // before a line under a list line (an item's note)
	OptionalOpen  string // around an item's optional label, after the item
	OptionalClose string
	TitleOpen     string // around the title and the section titles
	TitleClose    string
	GroupOpen     string // around a visit's title
	GroupClose    string
}

// MarksFor returns the layout marks of lang.
func MarksFor(lang bot.Lang) Marks {
	if lang == bot.LangEn {
		return Marks{Bullet: "• ", Indent: "  ", OptionalOpen: " (", OptionalClose: ")", TitleOpen: "■ ", GroupClose: ":"}
	}
	return Marks{Bullet: "・", Indent: "　", OptionalOpen: "（", OptionalClose: "）", TitleOpen: "【", TitleClose: "】", GroupOpen: "〈", GroupClose: "〉"}
}

// Sentences joins sentences of lang into one text: run together in
// Japanese (and やさしい日本語, whose texts space their own words), with a
// space between them in English.
func Sentences(lang bot.Lang, s ...string) string {
	sep := ""
	if lang == bot.LangEn {
		sep = " "
	}
	var kept []string
	for _, x := range s {
		if x != "" {
			kept = append(kept, x)
		}
	}
	return strings.Join(kept, sep)
}

// Item writes a thing to bring as a list line: its text and, for an
// optional one, its label in the marks of lang.
func (l Line) Item(lang bot.Lang) string {
	mk := MarksFor(lang)
	s := mk.Bullet + l.Text
	if l.Optional != "" {
		s += mk.OptionalOpen + l.Optional + mk.OptionalClose
	}
	return s
}

// Text writes v as plain text, section by section: LINE's fallback when
// the Flex form is over its limits, and a reviewer's reading of a View.
func Text(v View) string {
	var b strings.Builder
	mk := MarksFor(v.Lang)
	line := func(s string) {
		if s != "" {
			b.WriteString(s + "\n")
		}
	}
	section := func(title string) { b.WriteString("\n" + mk.TitleOpen + title + mk.TitleClose + "\n") }
	line(mk.TitleOpen + v.Title + mk.TitleClose)
	line(v.Translation)
	line(v.Note)
	line(v.Headline)
	line(v.Status)
	line(v.Uncovered)
	if len(v.Visits) > 0 {
		section(v.Titles.Items)
		for _, g := range v.Visits {
			if g.Title != "" {
				line(mk.GroupOpen + g.Title + mk.GroupClose)
			}
			for _, it := range g.Items {
				line(it.Item(v.Lang))
				if it.Note != "" {
					line(mk.Indent + it.Note)
				}
			}
		}
	}
	if len(v.Places) > 0 {
		section(v.Titles.Places)
		for _, p := range v.Places {
			line(p.Name)
			line(p.Hours)
			line(p.Reservation)
			line(p.Phone)
		}
	}
	if len(v.Afterwards) > 0 {
		section(v.Titles.Afterwards)
		for _, s := range v.Afterwards {
			line(mk.Bullet + s.Title)
			if s.Text != "" {
				line(mk.Indent + s.Text)
			}
			if s.Phone != "" {
				line(mk.Indent + s.Phone)
			}
		}
	}
	if len(v.Warnings) > 0 {
		section(v.Titles.Warnings)
		for _, w := range v.Warnings {
			line(mk.Bullet + w)
		}
	}
	if v.Source != "" {
		b.WriteString("\n" + v.Source + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// VisitsWord is a number of visits as the {visits} of t's texts take it:
// the digits in Japanese (2回 is in the text), and in English the words
// (twice, 3 times), from the knowledge's texts visits_twice and
// visits_times.
func VisitsWord(n int, t bot.Texts) string {
	if n == 2 {
		return t.Get(bot.TextVisitsTwice)
	}
	return t.Get(bot.TextVisitsTimes, "n", strconv.Itoa(n))
}

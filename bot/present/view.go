// Package present is the one presentation of a checklist: what residents
// read, worded and ordered once. The LINE Flex renderer, the web widget
// (through the "view" field of the API) and the plain-text fallback all
// render a View and add no sentence of their own, so a wording or an
// order changed here changes in every channel.
//
// present imports only bot; bot imports nothing of the module.
package present

import (
	"fmt"
	"strings"

	"github.com/madoguchi/madoguchi/bot"
)

// View is a checklist as residents read it, every text a finished
// sentence or label. Sections come in the order residents should read
// them: Headline, Status, Visits (what to bring), Places (where to go),
// Afterwards, Warnings, Source. Empty sections are empty lists, never
// null, in JSON.
type View struct {
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

// Present builds the View of c. Years are written in the era when o says
// so or when c does (bot.CalendarEra).
func Present(c *bot.Checklist, o Options) View {
	if c.Calendar == bot.CalendarEra {
		o.Calendar = Era
	}
	v := View{
		Title: ProcedureTitle(c),
		Titles: Titles{
			Items:      "持ち物",
			Places:     "窓口とお問い合わせ",
			Afterwards: "この後の手続き",
			Warnings:   "ご注意",
		},
		Visits:     []Visit{},
		Places:     []Place{},
		Afterwards: []Step{},
		Warnings:   []string{},
	}
	v.Headline = headline(c)
	v.Status = status(c, o)
	if !c.Covered {
		v.Uncovered = "このページには、あなたの場合の手続きが書かれていません。"
		if c.Contact != nil && c.Contact.Name != "" {
			v.Uncovered += "「お問い合わせ先」に確かめてください。"
		}
	}
	visits := max(c.Visits, 1)
	for n := 1; n <= visits; n++ {
		var g Visit
		if c.Visits > 1 {
			g.Title = fmt.Sprintf("%d回目の来庁で持っていくもの", n)
		}
		for _, it := range c.Items {
			if max(it.Visit, 1) != n {
				continue
			}
			l := Line{Text: it.Text, Note: it.Note}
			if it.Optional {
				l.Optional = "お持ちの場合"
			}
			g.Items = append(g.Items, l)
		}
		if len(g.Items) > 0 {
			v.Visits = append(v.Visits, g)
		}
	}
	for _, k := range c.Counters {
		v.Places = append(v.Places, place(k.Name, k.Hours, k.Reservation, k.Phone))
	}
	if c.Contact != nil && c.Contact.Name != "" {
		p := place(c.Contact.Name, "", "", c.Contact.Phone)
		p.Name = "お問い合わせ先：" + p.Name
		if p.Phone == "" {
			p.Phone = c.Contact.NoPhone
		}
		v.Places = append(v.Places, p)
	}
	for _, f := range c.Followups {
		s := Step{Title: f.Title, Text: f.Text}
		if f.Phone != "" {
			s.Phone = "電話：" + f.Phone
			s.Tel, s.TelLabel = tel(f.Phone)
		}
		v.Afterwards = append(v.Afterwards, s)
	}
	for _, n := range c.Notes {
		if len(v.Places) == 0 || n != v.Places[len(v.Places)-1].Phone {
			v.Warnings = append(v.Warnings, n) // the contact's no-phone sentence is said once, with it
		}
	}
	if c.Source.Title != "" {
		v.Source = "出典：" + c.Source.Title
		if c.Source.Updated != "" {
			v.Source += "（" + DateString(c.Source.Updated, o.Calendar) + "更新）"
		}
	}
	v.Summary = summary(c, v)
	return v
}

// ProcedureTitle is the procedure in the page's own word (Akishima calls
// the procedure after expiry 更新): 電子証明書の更新.
func ProcedureTitle(c *bot.Checklist) string {
	switch {
	case c.ProcedureName != "":
		return "電子証明書の" + c.ProcedureName
	case c.Procedure == bot.ProcedureIssuance:
		return "電子証明書の発行"
	}
	return "電子証明書の更新"
}

// procedureWord is the procedure's word alone: 更新, 発行.
func procedureWord(c *bot.Checklist) string {
	return strings.TrimPrefix(ProcedureTitle(c), "電子証明書の")
}

func headline(c *bot.Checklist) string {
	switch {
	case !c.Covered || c.Visits == 0:
		return ""
	case c.Visits == 1 && c.SameDay:
		return "窓口へ1回お越しください。その日のうちに終わります。"
	case c.Visits == 1:
		return "窓口へ1回お越しください。"
	case c.SameDay:
		return fmt.Sprintf("窓口へ%d回お越しください。同じ日のうちに終わります。", c.Visits)
	}
	return fmt.Sprintf("窓口へ%d回お越しください。1回目の日には終わりません。2回目は別の日です。", c.Visits)
}

func status(c *bot.Checklist, o Options) string {
	switch c.Status {
	case bot.StatusExpired:
		return "有効期限が過ぎています：" + procedureWord(c) + "の手続きになります"
	case bot.StatusTooEarly:
		if c.Window != nil {
			return procedureWord(c) + "は" + Date(c.Window.Start, o.Calendar) + "からできます"
		}
		return "まだ" + procedureWord(c) + "できる期間の前です"
	case bot.StatusInWindow:
		if c.Window != nil {
			return "今は更新できる期間です（" + Date(c.Window.End, o.Calendar) + "まで）"
		}
		return "今は更新できる期間です"
	}
	return ""
}

func place(name, hours, reservation, phone string) Place {
	p := Place{Name: name}
	if hours != "" {
		p.Hours = "受付時間：" + hours
	}
	if reservation != "" {
		p.Reservation = "予約：" + reservation
	}
	if phone != "" {
		p.Phone = "電話：" + phone
		p.Tel, p.TelLabel = tel(phone)
	}
	return p
}

// tel returns the digits to dial for the first number in phone and the
// label of a button that dials it, or "" twice when phone holds no number.
func tel(phone string) (digits, label string) {
	n := FirstNumber(phone)
	d := strings.ReplaceAll(n, "-", "")
	if len(d) < 6 {
		return "", ""
	}
	return d, "電話する " + n
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

func summary(c *bot.Checklist, v View) string {
	var b strings.Builder
	b.WriteString(v.Title + "の持ち物：")
	for i, it := range c.Items {
		if i > 0 {
			b.WriteString("、")
		}
		b.WriteString(it.Text)
	}
	if c.Visits > 1 {
		fmt.Fprintf(&b, "（窓口へ%d回）", c.Visits)
	}
	if len(c.Counters) > 0 {
		b.WriteString(" 窓口：" + c.Counters[0].Name)
	}
	return b.String()
}

// Text writes v as plain text, section by section: LINE's fallback when
// the Flex form is over its limits, and a reviewer's reading of a View.
func Text(v View) string {
	var b strings.Builder
	line := func(s string) {
		if s != "" {
			b.WriteString(s + "\n")
		}
	}
	section := func(title string) { b.WriteString("\n【" + title + "】\n") }
	line("【" + v.Title + "】")
	line(v.Headline)
	line(v.Status)
	line(v.Uncovered)
	if len(v.Visits) > 0 {
		section(v.Titles.Items)
		for _, g := range v.Visits {
			if g.Title != "" {
				line("〈" + g.Title + "〉")
			}
			for _, it := range g.Items {
				t := "・" + it.Text
				if it.Optional != "" {
					t += "（" + it.Optional + "）"
				}
				line(t)
				if it.Note != "" {
					line("　" + it.Note)
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
			line("・" + s.Title)
			if s.Text != "" {
				line("　" + s.Text)
			}
			if s.Phone != "" {
				line("　" + s.Phone)
			}
		}
	}
	if len(v.Warnings) > 0 {
		section(v.Titles.Warnings)
		for _, w := range v.Warnings {
			line("・" + w)
		}
	}
	if v.Source != "" {
		b.WriteString("\n" + v.Source + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

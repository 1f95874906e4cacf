package bot

// Checklist is what the rules engine answers for one resident's situation:
// the body of POST /api/v1/checklist and of a "checklist" chat message.
type Checklist struct {
	Municipality string    `json:"municipality"`
	Procedure    Procedure `json:"procedure"`
	// ProcedureName is the page's own word for the procedure (更新, 発行,
	// 新規発行): Akishima's page calls the procedure after expiry 更新.
	ProcedureName string        `json:"procedure_name"`
	Certificates  []Certificate `json:"certificates"`
	Window        *Window       `json:"window,omitempty"`
	Status        Status        `json:"status,omitempty"`
	// Visits is the number of counter visits needed; 0 when the page does
	// not cover the situation (Covered is false).
	Visits    int        `json:"visits"`
	SameDay   bool       `json:"same_day"`
	Items     []Item     `json:"items"`
	Counters  []Counter  `json:"counters"`
	Followups []Followup `json:"followups"`
	Notes     []string   `json:"notes"`
	Source    Source     `json:"source"`
	// Covered is false when the municipality's page does not speak to this
	// situation; Notes then say so and Contact says whom to ask.
	Covered bool     `json:"covered"`
	Contact *Contact `json:"contact,omitempty"`
	// Rule names the knowledge rule that produced the checklist, for reviewers.
	Rule string `json:"rule"`
	// Calendar is CalendarEra when the dates residents read are to be
	// written in the Japanese era (令和8年3月24日(火)): the municipality
	// prefers it, or the resident wrote 令和. Empty (left out) for the
	// Western year (2026年3月24日(火)). Dates in the JSON stay YYYY-MM-DD.
	Calendar string `json:"calendar,omitempty"`
	// Texts are the words the checklist is presented in (bot/present):
	// the municipality's catalogue in the resident's language. The rules
	// engine sets them; they travel with the checklist (a reply saved for
	// a retry keeps them), but the API does not write them out.
	Texts *Texts `json:"texts,omitempty"`
	// Japanese is the same checklist in Japanese when this one's facts
	// are in another language (the rules engine's ChecklistIn): the
	// page's original, for the resident to show a counter clerk. Like
	// Texts, it travels with the checklist but the API writes it only as
	// the Japanese view (view_ja).
	Japanese *Checklist `json:"japanese,omitempty"`
	// Untranslated counts the facts (items, notes, counters' words,
	// follow-ups, the contact's name) left in Japanese for want of a
	// translation into the checklist's language; 0 in Japanese. The
	// presentation says they are Japanese only when there are some.
	Untranslated int `json:"untranslated,omitempty"`
}

// Words returns c's texts, empty ones when it carries none.
func (c *Checklist) Words() Texts {
	if c.Texts == nil {
		return Texts{Lang: LangJa}
	}
	return *c.Texts
}

// CalendarEra is Checklist.Calendar for dates written in the Japanese era.
const CalendarEra = "era"

// Window is the renewal window: from Start to End (the expiry date), both inclusive.
type Window struct {
	Start Date `json:"start"`
	End   Date `json:"end"`
}

// Item is one thing to bring, for one visit.
type Item struct {
	Text     string `json:"text"`
	Visit    int    `json:"visit"`
	Optional bool   `json:"optional"`
	Note     string `json:"note"`
}

// Counter is a place to go. Phone, Hours and Reservation are empty where the
// page gives none; Notes then say the page is silent.
type Counter struct {
	Name        string `json:"name"`
	Phone       string `json:"phone"`
	Hours       string `json:"hours"`
	Reservation string `json:"reservation"`
}

// Followup is a step to take after the procedure.
type Followup struct {
	Title string `json:"title"`
	Text  string `json:"text"`
	Phone string `json:"phone"`
}

// Source names the municipal page the checklist comes from.
type Source struct {
	Title   string `json:"title"`
	Updated string `json:"updated"`
	PageID  string `json:"page_id,omitempty"`
}

// Contact is whom to ask when the page is silent. Fax and Email are
// empty, and left out, where the page gives none.
type Contact struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
	// NoPhone is, when Phone is empty, the knowledge's sentence saying the
	// page names no phone (練馬区のページには…電話番号の記載がありません。);
	// "" and left out when there is a phone.
	NoPhone string `json:"no_phone,omitempty"`
	Fax     string `json:"fax,omitempty"`
	Email   string `json:"email,omitempty"`
}

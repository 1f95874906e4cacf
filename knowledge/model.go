// Package knowledge holds what the five municipal pages say, as data that
// ward staff can read and edit: one YAML file per municipality plus a national
// layer, embedded in the binary and replaceable by a folder (KNOWLEDGE_DIR).
//
// A knowledge folder holds national.yaml, one <id>.yaml per municipality and
// seeds/<seed>.txt, the text of each municipal page. Every fact carries a
// Source whose quote must appear in its seed, so a reviewer can check it
// against the page. Where a page is silent the knowledge says so (Silent
// texts, NotCovered rules, Silent answers) rather than guessing.
//
// Load decodes and validates a folder; a knowledge base that fails
// validation is never returned.
package knowledge

import (
	"sync"

	"github.com/madoguchi/madoguchi/bot"
)

// KB is a loaded, validated knowledge base.
type KB struct {
	National National
	// Municipalities in display order: by Order, then by id (see
	// MunicipalityFiles: one for each <id>.yaml of the folder).
	Municipalities []*Municipality
	byID           map[string]*Municipality
	derived        sync.Map // key → *derivedValue, see Derived
}

// IDs returns the ids of the municipalities, in display order.
func (kb *KB) IDs() []string {
	ids := make([]string, len(kb.Municipalities))
	for i, m := range kb.Municipalities {
		ids[i] = m.ID
	}
	return ids
}

// Municipality returns the municipality with id, or nil.
func (kb *KB) Municipality(id string) *Municipality { return kb.byID[id] }

// National is national.yaml: what all pages share.
type National struct {
	// Contacts are national contacts such as the マイナンバー総合フリーダイヤル.
	Contacts []Contact `yaml:"contacts"`
	// Topics are the FAQ topics every municipality answers (or declares silent).
	Topics []Topic `yaml:"topics"`
	// Answers are national answers, used for a topic a municipality does not
	// answer itself.
	Answers []Answer `yaml:"answers"`
	// Questions are how the dialog asks for each slot: one per slot.
	Questions []Question `yaml:"questions"`
	// Texts are every sentence and label the code says to residents
	// (greetings, reprompts, section titles, buttons, error messages), by
	// id, with their translations; see Text.
	Texts []Text `yaml:"texts"`
}

// Question is how the dialog asks for one slot: the text, a hint shown
// after an answer it could not read, and the buttons (each sends
// "<slot>=<value>"). A municipality may override Text and Hint where its
// page words things its own way (Yokohama's white envelope); the buttons
// are national.
type Question struct {
	Slot    string   `yaml:"slot"`
	Text    string   `yaml:"text"`
	Hint    string   `yaml:"hint,omitempty"`
	Buttons []Button `yaml:"buttons,omitempty"`
	// Easy and En are the question in やさしい日本語 and in English: its
	// text, hint and (national questions) button labels, in button order.
	Easy *QuestionWords `yaml:"ja-x-easy,omitempty"`
	En   *QuestionWords `yaml:"en,omitempty"`
}

// QuestionWords are a question's words in one language beside Japanese.
type QuestionWords struct {
	Text    string   `yaml:"text"`
	Hint    string   `yaml:"hint,omitempty"`
	Buttons []string `yaml:"buttons,omitempty"`
}

// in returns q's words in lang, nil for Japanese or when not translated.
func (q Question) in(lang bot.Lang) *QuestionWords { return byLang(lang, nil, q.Easy, q.En) }

// Button is one answer offered as a button: Label (at most 20 characters,
// LINE's limit) sends Value for the question's slot.
type Button struct {
	Label string `yaml:"label"`
	Value string `yaml:"value"`
}

// Topic is one FAQ topic: an id shared by all municipalities, a title for
// buttons, and the ways residents ask about it (used to match free questions).
type Topic struct {
	ID    string `yaml:"id"`
	Title string `yaml:"title"`
	// Easy and En are the title in やさしい日本語 and in English (a button:
	// at most 20 characters).
	Easy      *TopicWords `yaml:"ja-x-easy,omitempty"`
	En        *TopicWords `yaml:"en,omitempty"`
	Questions []string    `yaml:"questions"`
	// Keywords are words that, found in a question, all but name the topic
	// (予約 for reservation, 郵便局 for post_office): the matcher weighs a
	// question holding one towards the topic, whatever else it says.
	Keywords []string `yaml:"keywords,omitempty"`
	// Asks are words that say what the resident wants to know (いくら: the
	// fee; 何時: the hours; 何回: the visits), whatever the question is
	// about: 「カードを再発行するといくら？」 asks the fee, not the lost card.
	// They weigh more than Keywords.
	Asks []string `yaml:"asks,omitempty"`
	// Narrower names topics that answer part of this one more precisely
	// (followups: followup_konbini, followup_etax): a question that holds
	// one of a narrower topic's keywords, and scores it nearly as high, is
	// answered by it (「e-Taxで確定申告してます。更新したら何か設定し直す？」
	// is the e-Tax follow-up, not the follow-ups in general).
	Narrower []string `yaml:"narrower,omitempty"`
	// Needs, when given, are words one of which a question must hold to be
	// about the topic at all (スマホ for the smartphone certificate, 顔 for
	// the face-authentication card): without one, what it shares with the
	// topic's phrasings (電話, マイナンバー, 窓口) is by chance.
	Needs []string `yaml:"needs,omitempty"`
}

// TopicWords are a topic's words in one language beside Japanese.
type TopicWords struct {
	Title string `yaml:"title"`
}

// TitleIn returns t's title in lang, the Japanese one where it has none.
func (t Topic) TitleIn(lang bot.Lang) string {
	w := t.Easy
	if lang == bot.LangEn {
		w = t.En
	}
	if lang == bot.LangJa || w == nil || w.Title == "" {
		return t.Title
	}
	return w.Title
}

// Answer answers one Topic. A Silent answer says that the page does not
// cover the topic and whom to ask; it needs no Source.
type Answer struct {
	Topic string `yaml:"topic"`
	Text  string `yaml:"text"`
	// Contact names the contact (of the file's contacts, or national.yaml's)
	// whose number Phone takes on load; a number lives once.
	Contact string  `yaml:"contact,omitempty"`
	Phone   string  `yaml:"phone,omitempty"`
	Silent  bool    `yaml:"silent,omitempty"`
	Source  *Source `yaml:"source,omitempty"`
	// Translations are the fact's words in やさしい日本語 and English.
	Translations `yaml:",inline"`
}

// Municipality is one <id>.yaml.
type Municipality struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	// Order places the municipality in lists (the API, the demo page's
	// tabs): ascending, ties by id; 0 (unset) comes after every ordered one.
	Order int  `yaml:"order,omitempty"`
	Page  Page `yaml:"page"`
	// Contacts are the municipality's phone numbers (with name, fax,
	// e-mail and the quote they come from), each number once: the contact,
	// counters, follow-ups and answers refer to one by its id, so that a
	// changed number is one field. Prose that quotes the page keeps its
	// quote.
	Contacts []Contact `yaml:"contacts,omitempty"`
	// Contact is whom to ask where the page is silent. In YAML it is the
	// id of one of Contacts (or of national.yaml's contacts), or the
	// contact itself; on load it holds the contact, Ref the id.
	Contact Contact `yaml:"contact"`
	// Silent holds, for counter fields the page does not give ("hours",
	// "reservation", "phone"), the note that says so. Required when any
	// counter leaves that field empty; "phone" also when the contact has
	// no phone, and the checklist then ends with it.
	Silent    map[string]string `yaml:"silent,omitempty"`
	Counters  []Counter         `yaml:"counters"`
	Wards     []Ward            `yaml:"wards,omitempty"`
	Items     []ItemDef         `yaml:"items"`
	Rules     []Rule            `yaml:"rules"`
	Notes     []Note            `yaml:"notes,omitempty"`
	Followups []Followup        `yaml:"followups,omitempty"`
	Answers   []Answer          `yaml:"answers,omitempty"`
	// Questions override the national questions' text and hint.
	Questions []Question `yaml:"questions,omitempty"`
	// Texts override national texts in the municipality's own words.
	Texts []Text `yaml:"texts,omitempty"`
	// ProcedureNames give the page's own word for the procedure where it
	// is not 更新 for renewal and 発行 for issuance (Nerima's 新規発行,
	// Akishima's 更新 after expiry); the first whose When matches applies.
	ProcedureNames []ProcedureName `yaml:"procedure_names,omitempty"`
	// Dates says how the municipality writes years for residents, when it
	// prefers the Japanese era (令和) to the Western year; nil for Western.
	Dates *DateStyle `yaml:"dates,omitempty"`
	// Translations translate the Silent texts, under the keys
	// silent.<field> (silent.phone: …).
	Translations `yaml:",inline"`

	file string // the file it was loaded from, for messages
	kb   *KB    // the knowledge it belongs to, for its texts (Words)
}

// File returns the name of the file the municipality was loaded from.
func (m *Municipality) File() string { return m.file }

// ProcedureName is a page's word for the procedure where When matches.
type ProcedureName struct {
	Name   string    `yaml:"name"`
	When   Condition `yaml:"when,omitempty"`
	Source *Source   `yaml:"source"`
}

// DateStyle is how a municipality writes years: Calendar is "era" (令和8年)
// or "western" (2026年), with the page text showing it.
type DateStyle struct {
	Calendar string  `yaml:"calendar"`
	Source   *Source `yaml:"source"`
}

// Calendars are the values DateStyle.Calendar may take.
const (
	CalendarWestern = "western"
	CalendarEra     = "era"
)

// Era reports whether m prefers the Japanese era for the years it shows.
func (m *Municipality) Era() bool { return m.Dates != nil && m.Dates.Calendar == CalendarEra }

// Page describes the municipal page (the seed).
type Page struct {
	Title   string `yaml:"title"`
	Updated string `yaml:"updated"` // YYYY-MM-DD
	PageID  string `yaml:"page_id,omitempty"`
	// Seed names seeds/<seed>.txt, the page's text.
	Seed string `yaml:"seed"`
}

// Contact is a name, a phone number, a fax number and an e-mail address
// (each empty when the page gives none).
type Contact struct {
	// Ref is the id this contact was referred to by (contact: shimin),
	// "" when it was written out.
	Ref    string  `yaml:"-"`
	ID     string  `yaml:"id,omitempty"`
	Name   string  `yaml:"name"`
	Phone  string  `yaml:"phone,omitempty"`
	Fax    string  `yaml:"fax,omitempty"`
	Email  string  `yaml:"email,omitempty"`
	Source *Source `yaml:"source,omitempty"`
	// Translations are the fact's words in やさしい日本語 and English.
	Translations `yaml:",inline"`
}

// Counter is a place where the procedure is done. Empty Phone, Hours or
// Reservation mean the page does not say; Municipality.Silent explains.
// A PerWard counter (Yokohama) is replaced, when the ward is known, by the
// ward's own counter name and reservation rule.
type Counter struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	// Contact names the contact whose number Phone takes on load.
	Contact     string  `yaml:"contact,omitempty"`
	Phone       string  `yaml:"phone,omitempty"`
	Hours       string  `yaml:"hours,omitempty"`
	Reservation string  `yaml:"reservation,omitempty"`
	PerWard     bool    `yaml:"per_ward,omitempty"`
	Source      *Source `yaml:"source"`
	// Also quotes further sentences the texts rest on (hours, reservation).
	Also []Source `yaml:"also,omitempty"`
	// Translations are the fact's words in やさしい日本語 and English.
	Translations `yaml:",inline"`
}

// Ward is one ward of a municipality with wards (Yokohama's 18): its
// counter and its reservation rule. The ward slot takes the ids of the
// municipality's wards, and the dialog understands a ward by its name, the
// name without 区, its readings and its id.
type Ward struct {
	ID   string `yaml:"id"` // romanised (aoba), lower-case ASCII letters
	Name string `yaml:"name"`
	// Readings are how the name is read, in hiragana (あおば), beside the
	// one the dialog derives from the romanised id; needed only where the
	// id does not spell the reading.
	Readings            []string `yaml:"readings,omitempty"`
	Counter             string   `yaml:"counter"`
	Reservation         string   `yaml:"reservation"`
	ReservationRequired bool     `yaml:"reservation_required"`
	Source              *Source  `yaml:"source"`
	// Also quotes further sentences the reservation text rests on.
	Also []Source `yaml:"also,omitempty"`
	// Translations are the fact's words in やさしい日本語 and English.
	Translations `yaml:",inline"`
}

// ItemDef defines a thing to bring, referenced by id from rules.
type ItemDef struct {
	ID     string  `yaml:"id"`
	Text   string  `yaml:"text"`
	Note   string  `yaml:"note,omitempty"`
	Source *Source `yaml:"source"`
	// Translations are the fact's words in やさしい日本語 and English.
	Translations `yaml:",inline"`
}

// Rule maps a situation to the visits it needs. Rules are tried in file
// order and the first whose When matches applies; validation checks that
// every combination of age_group × visitor × has_notice × address_change ×
// move_at_visit × procedure is matched by some rule.
//
// A rule with NotCovered set applies where the page does not speak to the
// situation: it has no visits, and the checklist carries the NotCovered text
// and the municipality's contact.
type Rule struct {
	ID     string    `yaml:"id"`
	When   Condition `yaml:"when"`
	Visits []Visit   `yaml:"visits,omitempty"`
	// SameDay defaults to true for one visit and false for more.
	SameDay *bool `yaml:"same_day,omitempty"`
	// Certificates overrides the engine's default (signing and user for
	// adults; user only for under15 and adult_ward).
	Certificates []bot.Certificate `yaml:"certificates,omitempty"`
	NotCovered   string            `yaml:"not_covered,omitempty"`
	Source       *Source           `yaml:"source"`
	// Translations are the fact's words in やさしい日本語 and English.
	Translations `yaml:",inline"`
}

// Visit is one trip to the counter and what to bring on it.
type Visit struct {
	Items []ItemRef `yaml:"items"`
}

// ItemRef refers to an ItemDef. In YAML it is either the item id alone
// ("card") or a map {item: card, optional: true, note: "…"}.
type ItemRef struct {
	Item     string `yaml:"item"`
	Optional bool   `yaml:"optional,omitempty"`
	Note     string `yaml:"note,omitempty"` // overrides the ItemDef's note
	// Translations are the fact's words in やさしい日本語 and English.
	Translations `yaml:",inline"`
}

// Condition restricts when a rule, note or follow-up applies. Each field
// lists the values it matches; an empty field matches anything. Status
// values are too_early, in_window, expired and unknown (no expiry date given).
type Condition struct {
	AgeGroup      []bot.AgeGroup `yaml:"age_group,omitempty"`
	Visitor       []bot.Visitor  `yaml:"visitor,omitempty"`
	HasNotice     []bool         `yaml:"has_notice,omitempty"`
	AddressChange []bool         `yaml:"address_change,omitempty"`
	// MoveAtVisit: a 転入届 or 転居届 is filed at the same visit (only ever
	// true with an address change).
	MoveAtVisit []bool          `yaml:"move_at_visit,omitempty"`
	Procedure   []bot.Procedure `yaml:"procedure,omitempty"`
	Status      []string        `yaml:"status,omitempty"`
}

// Note is a remark added to a checklist when its When matches.
//
// Text may hold {window_start} and {window_end}, replaced by the renewal
// window's first and last day (「2025年9月2日」); only a note whose When
// requires a known status (too_early, in_window or expired) may use them.
type Note struct {
	ID     string    `yaml:"id"`
	Text   string    `yaml:"text"`
	When   Condition `yaml:"when,omitempty"`
	Source *Source   `yaml:"source"`
	// Also quotes further sentences the text joins to Source's.
	Also []Source `yaml:"also,omitempty"`
	// Translations are the fact's words in やさしい日本語 and English.
	Translations `yaml:",inline"`
}

// Followup is a step to take after the procedure, added when When matches.
type Followup struct {
	ID    string `yaml:"id"`
	Title string `yaml:"title"`
	Text  string `yaml:"text"`
	// Contact names the contact whose number Phone takes on load.
	Contact string    `yaml:"contact,omitempty"`
	Phone   string    `yaml:"phone,omitempty"`
	When    Condition `yaml:"when,omitempty"`
	Source  *Source   `yaml:"source"`
	// Also quotes further sentences the text joins to Source's.
	Also []Source `yaml:"also,omitempty"`
	// Translations are the fact's words in やさしい日本語 and English.
	Translations `yaml:",inline"`
}

// Source records where a fact comes from: a quote that appears verbatim
// (whitespace aside) in a seed. In YAML it is either the quote alone, taken
// from the file's own seed, or a map {seed: nerima, quote: "…"}. A
// municipality's text that quotes another seed than its own page must say
// where the fact comes from (全国共通 or the other municipality's name), so
// that it never passes for the resident's own municipality's rule.
type Source struct {
	Seed  string `yaml:"seed,omitempty"`
	Quote string `yaml:"quote"`
}

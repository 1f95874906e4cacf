package bot

// The texts the code asks for, by where they are read. Each id's comment-free
// entry in TextPlaceholders lists its {placeholders}; the Japanese words are
// in the knowledge (national.yaml, texts:).
const (
	// The conversation (dialog).
	TextGreeting          TextID = "greeting"
	TextRecordLost        TextID = "record_lost"
	TextPINWarning        TextID = "pin_warning"
	TextContact           TextID = "contact"
	TextContactPhone      TextID = "contact_phone"
	TextMissContact       TextID = "miss_contact"
	TextMissHint          TextID = "miss_hint"
	TextMissSuggest       TextID = "miss_suggest"
	TextNoEarlierQuestion TextID = "no_earlier_question"
	TextFAQMenu           TextID = "faq_menu"
	TextFAQUnanswerable   TextID = "faq_unanswerable"
	TextFAQWardCounter    TextID = "faq_ward_counter"
	TextFAQNational       TextID = "faq_national"
	TextFAQOtherPage      TextID = "faq_other_page"
	TextUnsureContact     TextID = "unsure_contact"
	TextUnsureSuggest     TextID = "unsure_suggest"
	TextChecklistFailed   TextID = "checklist_failed"
	TextAfterChecklist    TextID = "after_checklist"
	TextSummaryUncovered  TextID = "summary_uncovered"
	TextSummary           TextID = "summary"
	TextSummaryVisits     TextID = "summary_visits"
	TextSummarySameDay    TextID = "summary_same_day"
	TextAckVisitorSelf    TextID = "ack_visitor_self"
	TextAckVisitorProxy   TextID = "ack_visitor_proxy"
	TextAckVisitorLegal   TextID = "ack_visitor_legal_rep"
	TextAckAgeAdult       TextID = "ack_age_adult"
	TextAckAgeUnder15     TextID = "ack_age_under15"
	TextAckAgeAdultWard   TextID = "ack_age_adult_ward"
	TextAckNoticeYes      TextID = "ack_notice_yes"
	TextAckNoticeNo       TextID = "ack_notice_no"
	TextAckAddressYes     TextID = "ack_address_yes"
	TextAckAddressNo      TextID = "ack_address_no"
	TextAckExpiry         TextID = "ack_expiry"
	TextAckWard           TextID = "ack_ward"
	TextWardMore          TextID = "ward_more"
	TextWardUnknown       TextID = "ward_unknown"
	TextJapaneseOnly      TextID = "japanese_only"
	// A number of visits as {visits} takes it (present.VisitsWord).
	TextVisitsTwice TextID = "visits_twice"
	TextVisitsTimes TextID = "visits_times"
	TextTranslated  TextID = "translated"

	// The read-back of the answers before the checklist, and 答えを直す.
	TextReadback               TextID = "readback"
	TextReadbackSep            TextID = "readback_sep"
	TextReadbackHint           TextID = "readback_hint"
	TextReadbackAgeAdult       TextID = "readback_age_adult"
	TextReadbackAgeUnder15     TextID = "readback_age_under15"
	TextReadbackAgeAdultWard   TextID = "readback_age_adult_ward"
	TextReadbackVisitorSelf    TextID = "readback_visitor_self"
	TextReadbackVisitorSelfRep TextID = "readback_visitor_self_rep"
	TextReadbackVisitorProxy   TextID = "readback_visitor_proxy"
	TextReadbackVisitorLegal   TextID = "readback_visitor_legal_rep"
	TextReadbackNoticeYes      TextID = "readback_notice_yes"
	TextReadbackNoticeNo       TextID = "readback_notice_no"
	TextReadbackAddressYes     TextID = "readback_address_yes"
	TextReadbackAddressNo      TextID = "readback_address_no"
	TextReadbackMoveAtVisit    TextID = "readback_move_at_visit"
	TextReadbackExpiry         TextID = "readback_expiry"
	TextReadbackWard           TextID = "readback_ward"
	TextFixWhich               TextID = "fix_which"
	TextFixAgeGroup            TextID = "fix_age_group"
	TextFixVisitor             TextID = "fix_visitor"
	TextFixNotice              TextID = "fix_notice"
	TextFixAddress             TextID = "fix_address"
	TextFixMoveAtVisit         TextID = "fix_move_at_visit"
	TextFixExpiry              TextID = "fix_expiry"
	TextFixWard                TextID = "fix_ward"

	// The commands' buttons (Commands).
	TextCommandStart TextID = "command_start"
	TextCommandReset TextID = "command_reset"
	TextCommandBack  TextID = "command_back"
	TextCommandFAQ   TextID = "command_faq"
	TextCommandFix   TextID = "command_fix"
	// TextCommandLanguage names the language command; TextLanguageWhich asks
	// which language, TextLangName* are its buttons (each language's own
	// name), TextLanguageChanged confirms the choice in the new language.
	TextCommandLanguage TextID = "command_language"
	TextLanguageWhich   TextID = "language_which"
	TextLanguageChanged TextID = "language_changed"
	TextLangNameJa      TextID = "lang_name_ja"
	TextLangNameEasy    TextID = "lang_name_ja_x_easy"
	TextLangNameEn      TextID = "lang_name_en"
	// TextCommandShowJapanese is also a LINE button's label: at most 20
	// characters in every language.
	TextCommandShowJapanese TextID = "command_show_japanese"
	// TextShownInJapanese comes before the checklist given again in
	// Japanese (CommandShowJapanese), in the conversation's language.
	TextShownInJapanese TextID = "shown_in_japanese"

	// The procedure's words: the page's own word (ProcedureName) is one of
	// these, or the contract's procedure gives renewal or issuance.
	TextProcRenewal     TextID = "procedure_renewal"
	TextProcIssuance    TextID = "procedure_issuance"
	TextProcNewIssuance TextID = "procedure_new_issuance"

	// The checklist's one presentation (bot/present).
	TextProcedureTitle       TextID = "procedure_title"
	TextTitleItems           TextID = "title_items"
	TextTitlePlaces          TextID = "title_places"
	TextTitleAfterwards      TextID = "title_afterwards"
	TextTitleWarnings        TextID = "title_warnings"
	TextUncovered            TextID = "uncovered"
	TextUncoveredAsk         TextID = "uncovered_ask"
	TextVisitTitle           TextID = "visit_title"
	TextOptional             TextID = "optional"
	TextContactPlace         TextID = "contact_place"
	TextHoursLine            TextID = "label_hours"
	TextReservationLine      TextID = "label_reservation"
	TextPhoneLine            TextID = "label_phone"
	TextTelLabel             TextID = "tel_label"
	TextSource               TextID = "source"
	TextSourceUpdated        TextID = "source_updated"
	TextHeadlineOneSameDay   TextID = "headline_one_same_day"
	TextHeadlineOne          TextID = "headline_one"
	TextHeadlineSameDay      TextID = "headline_same_day"
	TextHeadlineTwoDays      TextID = "headline_two_days"
	TextStatusExpired        TextID = "status_expired"
	TextStatusTooEarly       TextID = "status_too_early"
	TextStatusTooEarlyNoDate TextID = "status_too_early_undated"
	TextStatusInWindowUntil  TextID = "status_in_window_until"
	TextStatusInWindow       TextID = "status_in_window"
	TextAltItems             TextID = "alt_items"
	TextAltVisits            TextID = "alt_visits"
	TextAltCounter           TextID = "alt_counter"
	TextListSeparator        TextID = "list_separator"

	// Dates (bot/present.Date): {year}{month}{day}日({weekday}).
	TextDate         TextID = "date"
	TextYear         TextID = "year"
	TextYearEra      TextID = "year_era"
	TextYearEraFirst TextID = "year_era_first"
	TextEraReiwa     TextID = "era_reiwa"
	TextEraHeisei    TextID = "era_heisei"

	// LINE.
	TextLINEThanks   TextID = "line_thanks"
	TextLINEGuidance TextID = "line_guidance"
	TextLINEGroup    TextID = "line_group"
	TextLINESorry    TextID = "line_sorry"
)

// WidgetTexts lists the texts of the web widget (widget.js), which gets
// them from the server (GET /api/v1/texts) rather than holding any.
var WidgetTexts = []TextID{
	"widget_title", "widget_launcher", "widget_launcher_label", "widget_reset_label",
	"widget_close", "widget_close_label", "widget_clear", "widget_clear_label",
	"widget_history_label", "widget_choices_label", "widget_form_label", "widget_input_label",
	"widget_placeholder", "widget_send", "widget_send_label", "widget_hint", "widget_you",
	"widget_checklist_shown", "widget_card_label", "widget_print", "widget_print_label",
	"widget_busy_label", "widget_retry", "widget_wait_later", "widget_wait_seconds",
	"widget_wait_minutes", "widget_rate_limited", "widget_overloaded", "widget_forbidden",
	"widget_unavailable", "widget_invalid", "widget_network", "widget_restarting",
	"widget_cleared", "widget_cleared_announce", "widget_show_translation", "widget_card_lang_label",
	TextCommandStart, TextCommandReset, TextCommandBack, TextCommandFAQ, TextCommandFix, TextCommandShowJapanese, TextCommandLanguage,
}

// TextPlaceholders lists every text the code asks for, with the names of
// the {placeholders} it takes (none: an empty list). The knowledge's
// national texts must give exactly these ids, and every translation and
// municipal override exactly these placeholders.
var TextPlaceholders = map[TextID][]string{
	TextGreeting: {"municipality"}, TextRecordLost: {}, TextPINWarning: {},
	TextContact: {"name"}, TextContactPhone: {"name", "phone"},
	TextMissContact: {"contact"}, TextMissHint: {"hint"}, TextMissSuggest: {},
	TextNoEarlierQuestion: {}, TextFAQMenu: {}, TextFAQUnanswerable: {"contact"},
	TextFAQWardCounter: {"ward", "counter", "reservation"}, TextFAQNational: {"municipality", "answer"},
	TextFAQOtherPage: {"answer", "other"}, TextUnsureContact: {"contact"}, TextUnsureSuggest: {},
	TextChecklistFailed: {"contact"}, TextAfterChecklist: {}, TextSummaryUncovered: {"municipality"},
	TextSummary: {"municipality", "procedure"}, TextSummaryVisits: {"visits"}, TextSummarySameDay: {},
	TextAckVisitorSelf: {}, TextAckVisitorProxy: {}, TextAckVisitorLegal: {},
	TextAckAgeAdult: {}, TextAckAgeUnder15: {}, TextAckAgeAdultWard: {},
	TextAckNoticeYes: {}, TextAckNoticeNo: {}, TextAckAddressYes: {}, TextAckAddressNo: {},
	TextAckExpiry: {"date"}, TextAckWard: {"ward"}, TextWardMore: {}, TextWardUnknown: {},
	TextJapaneseOnly: {}, TextTranslated: {}, TextShownInJapanese: {}, TextVisitsTwice: {}, TextVisitsTimes: {"n"},
	TextReadback: {"situation"}, TextReadbackSep: {}, TextReadbackHint: {},
	TextReadbackAgeAdult: {}, TextReadbackAgeUnder15: {}, TextReadbackAgeAdultWard: {},
	TextReadbackVisitorSelf: {}, TextReadbackVisitorSelfRep: {}, TextReadbackVisitorProxy: {},
	TextReadbackVisitorLegal: {}, TextReadbackNoticeYes: {}, TextReadbackNoticeNo: {},
	TextReadbackAddressYes: {}, TextReadbackAddressNo: {}, TextReadbackMoveAtVisit: {},
	TextReadbackExpiry: {"date"}, TextReadbackWard: {"ward"},
	TextFixWhich: {}, TextFixAgeGroup: {}, TextFixVisitor: {}, TextFixNotice: {}, TextFixAddress: {},
	TextFixMoveAtVisit: {}, TextFixExpiry: {}, TextFixWard: {},

	TextCommandStart: {}, TextCommandReset: {}, TextCommandBack: {}, TextCommandFAQ: {}, TextCommandFix: {}, TextCommandShowJapanese: {}, TextCommandLanguage: {},
	TextLanguageWhich: {}, TextLanguageChanged: {}, TextLangNameJa: {}, TextLangNameEasy: {}, TextLangNameEn: {},
	TextProcRenewal: {}, TextProcIssuance: {}, TextProcNewIssuance: {},

	TextProcedureTitle: {"procedure"}, TextTitleItems: {}, TextTitlePlaces: {}, TextTitleAfterwards: {},
	TextTitleWarnings: {}, TextUncovered: {}, TextUncoveredAsk: {}, TextVisitTitle: {"n"},
	TextOptional: {}, TextContactPlace: {"name"}, TextHoursLine: {"hours"},
	TextReservationLine: {"reservation"}, TextPhoneLine: {"phone"}, TextTelLabel: {"number"},
	TextSource: {"title"}, TextSourceUpdated: {"title", "date"},
	TextHeadlineOneSameDay: {}, TextHeadlineOne: {}, TextHeadlineSameDay: {"visits"},
	TextHeadlineTwoDays: {"visits"}, TextStatusExpired: {"procedure"},
	TextStatusTooEarly: {"procedure", "date"}, TextStatusTooEarlyNoDate: {"procedure"},
	TextStatusInWindowUntil: {"date"}, TextStatusInWindow: {},
	TextAltItems: {"title", "items"}, TextAltVisits: {"visits"}, TextAltCounter: {"counter"},
	TextListSeparator: {},

	TextDate: {"year", "month", "day", "weekday"}, TextYear: {"n"}, TextYearEra: {"era", "n"},
	TextYearEraFirst: {"era"}, TextEraReiwa: {}, TextEraHeisei: {},

	TextLINEThanks: {}, TextLINEGuidance: {}, TextLINEGroup: {}, TextLINESorry: {},

	"widget_title": {}, "widget_launcher": {}, "widget_launcher_label": {}, "widget_reset_label": {},
	"widget_close": {}, "widget_close_label": {}, "widget_clear": {}, "widget_clear_label": {},
	"widget_history_label": {}, "widget_choices_label": {}, "widget_form_label": {}, "widget_input_label": {},
	"widget_placeholder": {}, "widget_send": {}, "widget_send_label": {}, "widget_hint": {}, "widget_you": {},
	"widget_checklist_shown": {}, "widget_card_label": {}, "widget_print": {}, "widget_print_label": {},
	"widget_busy_label": {}, "widget_retry": {}, "widget_wait_later": {}, "widget_wait_seconds": {"n"},
	"widget_wait_minutes": {"n"}, "widget_rate_limited": {"wait"}, "widget_overloaded": {"wait"},
	"widget_forbidden": {}, "widget_unavailable": {}, "widget_invalid": {}, "widget_network": {},
	"widget_restarting": {}, "widget_cleared": {}, "widget_cleared_announce": {},
	"widget_show_translation": {}, "widget_card_lang_label": {},
}

// MonthText is the text of month m (1 to 12): 3月, March.
func MonthText(m int) TextID { return TextID("month_" + itoa(m)) }

// WeekdayText is the text of weekday d (0 Sunday to 6 Saturday): 火,
// Tuesday.
func WeekdayText(d int) TextID { return TextID("weekday_" + itoa(d)) }

func itoa(n int) string {
	if n >= 10 {
		return itoa(n/10) + string(rune('0'+n%10))
	}
	return string(rune('0' + n))
}

func init() {
	for m := 1; m <= 12; m++ {
		TextPlaceholders[MonthText(m)] = []string{}
	}
	for d := 0; d <= 6; d++ {
		TextPlaceholders[WeekdayText(d)] = []string{}
	}
}

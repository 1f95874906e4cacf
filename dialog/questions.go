package dialog

import (
	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/knowledge"
)

// question is how the dialog asks for one slot: the text, a hint shown
// after an answer it could not read, and the buttons.
type question struct {
	slot    string
	text    string
	hint    string
	buttons []bot.QuickReply
}

var questions = map[string]question{
	bot.SlotAgeGroup: {bot.SlotAgeGroup,
		"電子証明書をお持ちの方(カードの名義人)の年齢を教えてください。",
		"「35歳」「中学生」「15歳以上」のようにお答えいただくか、ボタンを押してください。",
		[]bot.QuickReply{{Label: "15歳以上", Postback: "age_group=adult"}, {Label: "15歳未満", Postback: "age_group=under15"}, {Label: "成年被後見人", Postback: "age_group=adult_ward"}}},
	bot.SlotVisitor: {bot.SlotVisitor,
		"窓口にはどなたが行かれますか。",
		"「本人」「母が行きます」「夫が行きます」のようにお答えいただくか、ボタンを押してください。",
		[]bot.QuickReply{{Label: "本人", Postback: "visitor=self"}, {Label: "法定代理人(親権者・後見人)", Postback: "visitor=legal_rep"}, {Label: "代理人(家族など)", Postback: "visitor=proxy"}}},
	bot.SlotHasNotice: {bot.SlotHasNotice,
		"有効期限通知書に同封されている「照会書兼回答書」はお手元にありますか。",
		"「はい」「ない」のようにお答えいただくか、ボタンを押してください。",
		[]bot.QuickReply{{Label: "ある", Postback: "has_notice=true"}, {Label: "ない", Postback: "has_notice=false"}}},
	bot.SlotAddressChange: {bot.SlotAddressChange,
		"電子証明書を発行したあとに、住所・氏名・生年月日・性別のいずれかが変わりましたか(転入・転居の届出を同時にする場合も含みます)。",
		"「変わった」「変わっていない」のようにお答えいただくか、ボタンを押してください。",
		[]bot.QuickReply{{Label: "変わった", Postback: "address_change=true"}, {Label: "変わっていない", Postback: "address_change=false"}}},
	bot.SlotExpiryDate: {bot.SlotExpiryDate,
		"電子証明書の有効期限がわかれば教えてください(例: 2026年3月24日、令和8年3月24日)。わからなければ「わからない」で大丈夫です。",
		"「2026/3/24」「令和8年3月24日」のように日付でお答えいただくか、「わからない」を押してください。",
		[]bot.QuickReply{{Label: "わからない", Postback: "expiry_date=unknown"}}},
	bot.SlotWard: {bot.SlotWard,
		"お住まいの区を教えてください(例: 青葉区)。",
		"「青葉区」「鶴見」のように区の名前でお答えいただくか、ボタンを押してください。",
		nil},
}

// wardButtonsPerPage keeps the ward buttons within LINE's 13 quick replies,
// leaving room for "その他の区" and "わからない".
const wardButtonsPerPage = 11

// wardButtons returns the ward buttons of page (0 or 1).
func wardButtons(m *knowledge.Municipality, page int) []bot.QuickReply {
	var out []bot.QuickReply
	from := page * wardButtonsPerPage
	for i := from; i < len(m.Wards) && i < from+wardButtonsPerPage; i++ {
		out = append(out, bot.QuickReply{Label: m.Wards[i].Name, Postback: "ward=" + m.Wards[i].ID})
	}
	if page == 0 && len(m.Wards) > wardButtonsPerPage {
		out = append(out, bot.QuickReply{Label: "その他の区", Postback: "ward=more"})
	}
	return append(out, bot.QuickReply{Label: "わからない", Postback: "ward=unknown"})
}

// nextSlot returns the next slot to ask for in m, or "" when the slots are
// enough for the checklist. It asks only what the answer depends on: the
// form question only where the municipality's rules give a different
// checklist with and without it, and never of a holder who comes in person
// (the form decides how a proxy proceeds; a holder is asked at the counter
// anyway, and an unknown notice counts as "not at hand", which every page
// accepts for the holder); the ward only where there are wards.
func nextSlot(m *knowledge.Municipality, st *State) string {
	s := st.Slots
	switch {
	case s.AgeGroup == "":
		return bot.SlotAgeGroup
	case s.Visitor == "":
		return bot.SlotVisitor
	case s.HasNotice == nil && s.Visitor != bot.VisitorSelf && !skipped(st, bot.SlotHasNotice) && noticeMatters(m, s):
		return bot.SlotHasNotice
	case s.AddressChange == nil && !skipped(st, bot.SlotAddressChange):
		return bot.SlotAddressChange
	case s.ExpiryDate == nil && !skipped(st, bot.SlotExpiryDate):
		return bot.SlotExpiryDate
	case len(m.Wards) > 0 && s.Ward == "" && !skipped(st, bot.SlotWard):
		return bot.SlotWard
	}
	return ""
}

// noticeMatters reports whether having the 照会書兼回答書 changes which rule
// applies, for any value of the slots not yet known.
func noticeMatters(m *knowledge.Municipality, s bot.Slots) bool {
	for _, addr := range boolsOr(s.AddressChange) {
		for _, proc := range bot.Procedures {
			sit := knowledge.Situation{AgeGroup: s.AgeGroup, Visitor: s.Visitor, AddressChange: addr, Procedure: proc}
			if addr && proc == bot.ProcedureRenewal {
				continue // an address change always means issuance
			}
			for _, status := range []string{knowledge.StatusUnknown, string(bot.StatusTooEarly), string(bot.StatusInWindow), string(bot.StatusExpired)} {
				sit.Status = status
				sit.HasNotice = true
				with := m.RuleFor(sit)
				sit.HasNotice = false
				without := m.RuleFor(sit)
				if with != without {
					return true
				}
			}
		}
	}
	return false
}

func boolsOr(p *bool) []bool {
	if p != nil {
		return []bool{*p}
	}
	return []bool{false, true}
}

func skipped(st *State, slot string) bool {
	for _, s := range st.Skipped {
		if s == slot {
			return true
		}
	}
	return false
}

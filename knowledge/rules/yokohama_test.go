package rules_test

import (
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/bot"
)

// What Yokohama's items read as, in the knowledge.
const (
	yokohamaCard         = "本人(更新対象者)のマイナンバーカード"
	yokohamaNotice       = "マイナンバーカード電子証明書 有効期限のお知らせ(白い封筒)"
	yokohamaPINs         = "マイナンバーカードの暗証番号(窓口で確認します)"
	yokohamaForm         = "照会書兼回答書(「マイナンバーカード電子証明書 有効期限のお知らせ」の裏面)"
	yokohamaMailedForm   = "署名又は記名押印のある照会書兼回答書(文書照会の際に同封したもの)"
	yokohamaProxyPhotoID = "任意代理人の、官公署が発行した顔写真付きの本人確認書類(マイナンバーカード、運転免許証、パスポートなど)"
	yokohamaProxyID      = "任意代理人の本人確認書類(マイナンバーカード、運転免許証、健康保険証など)"
	yokohamaGuardianID   = "成年後見人の、官公署が発行した顔写真付きの本人確認書類(マイナンバーカード、運転免許証、パスポートなど)"
	yokohamaRegistry     = "登記事項証明書"
	yokohamaDial         = "0120-769-706"

	// What every checklist that sends a resident to book says of the
	// booking dial, and of a white envelope that did not come.
	yokohamaDialHours       = "月曜日から金曜日の午前8時30分から午後8時"
	yokohamaDialWeekend     = "土・日曜日、祝日、休日及び年末年始(12/29~1/3)の午前9時から午後5時30分"
	yokohamaDialBusy        = "更新のお知らせが到達した日とその翌日は電話が大変混み合います"
	yokohamaNoWhiteEnvelope = "白い封筒が届いていない場合は、お住まいの区の区役所戸籍課にお問い合わせください"
)

func TestYokohamaChecklists(t *testing.T) {
	proxyTwice := [][]string{
		{yokohamaCard, yokohamaNotice + optionalMark, yokohamaProxyID},
		{yokohamaCard, yokohamaNotice + optionalMark, yokohamaMailedForm, yokohamaProxyPhotoID},
	}
	runPageCases(t, "yokohama", []pageCase{
		// 本人による手続: the お知らせ only when it came.
		{name: "holder with the notice", rule: "yokohama_self", procedure: bot.ProcedureRenewal, certificates: bothCerts,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, HasNotice: bot.Bool(true), ExpiryDate: pageInWindow, Ward: "aoba"},
			visits: [][]string{{yokohamaCard, yokohamaNotice, yokohamaPINs}}, sameDay: true},
		{name: "holder whose notice did not come", rule: "yokohama_self_no_notice", procedure: bot.ProcedureRenewal,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, HasNotice: bot.Bool(false), ExpiryDate: pageInWindow},
			visits: [][]string{{yokohamaCard, yokohamaNotice + optionalMark, yokohamaPINs}}, sameDay: true},
		{name: "holder after expiry can still renew", rule: "yokohama_self", procedure: bot.ProcedureIssuance, certificates: bothCerts,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, HasNotice: bot.Bool(true), ExpiryDate: pageExpired},
			visits: [][]string{{yokohamaCard, yokohamaNotice, yokohamaPINs}}, sameDay: true,
			notes: []string{"有効期限が切れた後でも更新手続は可能"}},
		{name: "holder before the window shortens the new validity", rule: "yokohama_self",
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, HasNotice: bot.Bool(true), ExpiryDate: pageTooEarly},
			visits: [][]string{{yokohamaCard, yokohamaNotice, yokohamaPINs}}, sameDay: true,
			notes: []string{"新たな電子証明書の有効期間が短くなります"}},

		// 任意代理人: the form means the same day, without it a 文書照会 and two visits.
		{name: "proxy with the form is issued the same day", rule: "yokohama_proxy_with_form", procedure: bot.ProcedureRenewal,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(true), ExpiryDate: pageInWindow},
			visits: [][]string{{yokohamaCard, yokohamaForm, yokohamaProxyPhotoID}}, sameDay: true,
			notes: []string{"文書照会による再度の来庁", "住民票上の記載と一致", "複写させていただきます"}},
		{name: "proxy with the form after expiry is issued the same day", rule: "yokohama_proxy_with_form", procedure: bot.ProcedureIssuance,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(true), ExpiryDate: pageExpired},
			visits: [][]string{{yokohamaCard, yokohamaForm, yokohamaProxyPhotoID}}, sameDay: true},
		{name: "proxy without the form comes twice", rule: "yokohama_proxy_two_visits", procedure: bot.ProcedureRenewal,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(false), ExpiryDate: pageInWindow},
			visits: proxyTwice, sameDay: false},

		// 成年後見人: the signing certificate only with the holder present.
		{name: "guardian alone renews the user certificate", rule: "yokohama_guardian", certificates: userCert,
			slots:  bot.Slots{AgeGroup: bot.AgeAdultWard, Visitor: bot.VisitorLegalRep, HasNotice: bot.Bool(true)},
			visits: [][]string{{yokohamaCard, yokohamaNotice, yokohamaGuardianID, yokohamaRegistry, yokohamaPINs}}, sameDay: true,
			notes: []string{"必ず更新対象者本人も窓口に同行する必要があります"}},
		{name: "guardian without the notice", rule: "yokohama_guardian_no_notice", certificates: userCert,
			slots:  bot.Slots{AgeGroup: bot.AgeAdultWard, Visitor: bot.VisitorLegalRep, HasNotice: bot.Bool(false)},
			visits: [][]string{{yokohamaCard, yokohamaNotice + optionalMark, yokohamaGuardianID, yokohamaRegistry, yokohamaPINs}}, sameDay: true},
		{name: "guardian with the holder renews both", rule: "yokohama_ward_with_holder", certificates: bothCerts,
			slots:  bot.Slots{AgeGroup: bot.AgeAdultWard, Visitor: bot.VisitorSelf, HasNotice: bot.Bool(true)},
			visits: [][]string{{yokohamaCard, yokohamaNotice, yokohamaGuardianID, yokohamaRegistry, yokohamaPINs}}, sameDay: true,
			notes: []string{"成年後見人の方にお願いしています"}},
		{name: "guardian with the holder, no notice", rule: "yokohama_ward_with_holder_no_notice", certificates: bothCerts,
			slots:  bot.Slots{AgeGroup: bot.AgeAdultWard, Visitor: bot.VisitorSelf},
			visits: [][]string{{yokohamaCard, yokohamaNotice + optionalMark, yokohamaGuardianID, yokohamaRegistry, yokohamaPINs}}, sameDay: true},

		// What the page does not describe.
		{name: "a child with a parent is not covered", rule: "yokohama_under15",
			slots: bot.Slots{AgeGroup: bot.AgeUnder15, Visitor: bot.VisitorSelf, HasNotice: bot.Bool(true)},
			notes: []string{"15歳未満の方", yokohamaDial}},
		{name: "a parent alone for a child is not covered", rule: "yokohama_under15",
			slots: bot.Slots{AgeGroup: bot.AgeUnder15, Visitor: bot.VisitorLegalRep},
			notes: []string{"15歳未満の方"}},
		{name: "a proxy for a child is not covered", rule: "yokohama_under15",
			slots: bot.Slots{AgeGroup: bot.AgeUnder15, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(true)},
			notes: []string{"15歳未満の方"}},
		{name: "an address change is not covered", rule: "yokohama_address_change",
			slots: bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, HasNotice: bot.Bool(true), AddressChange: bot.Bool(true)},
			notes: []string{"住所・氏名などの変更"}},
		{name: "a proxy for an adult ward is not covered", rule: "yokohama_ward_proxy",
			slots: bot.Slots{AgeGroup: bot.AgeAdultWard, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(true)},
			notes: []string{"任意代理人による手続の記載はありません"}},
		{name: "an adult's other legal representative is not covered", rule: "yokohama_adult_legal_rep",
			slots: bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorLegalRep, HasNotice: bot.Bool(true)},
			notes: []string{"法定代理人による手続の記載がありません"}},
	})
}

func TestYokohamaNotCoveredGivesTheDedicatedLine(t *testing.T) {
	m := pageMunicipality(t, "yokohama")
	c := pageChecklist(t, m, bot.Slots{AgeGroup: bot.AgeUnder15, Visitor: bot.VisitorLegalRep})
	if c.Covered || c.Visits != 0 || c.SameDay || len(c.Items) != 0 {
		t.Fatalf("under 15: covered=%v visits=%d same_day=%v items=%v, want an empty uncovered checklist", c.Covered, c.Visits, c.SameDay, c.Items)
	}
	if c.Contact == nil || c.Contact.Name != "横浜市マイナンバーカード専用ダイヤル" || c.Contact.Phone != yokohamaDial {
		t.Errorf("contact = %+v, want the 専用ダイヤル %s", c.Contact, yokohamaDial)
	}
	// Notes on how a covered procedure goes would mislead here.
	for _, part := range []string{"複写させていただきます", "暗証番号の再設定"} {
		if pageHasNote(c, part) {
			t.Errorf("uncovered checklist carries a procedure note containing %q: %q", part, c.Notes)
		}
	}
}

// TestYokohamaWardCounters checks each ward's counter and reservation rule:
// 青葉区 and 西区 take walk-ins, the other 16 wards need a reservation.
func TestYokohamaWardCounters(t *testing.T) {
	m := pageMunicipality(t, "yokohama")
	wards := []struct {
		id, name string
		walkIn   bool
	}{
		{"aoba", "青葉区", true}, {"asahi", "旭区", false}, {"hodogaya", "保土ヶ谷区", false},
		{"isogo", "磯子区", false}, {"izumi", "泉区", false}, {"kanagawa", "神奈川区", false},
		{"kanazawa", "金沢区", false}, {"kohoku", "港北区", false}, {"konan", "港南区", false},
		{"midori", "緑区", false}, {"minami", "南区", false}, {"naka", "中区", false},
		{"nishi", "西区", true}, {"sakae", "栄区", false}, {"seya", "瀬谷区", false},
		{"totsuka", "戸塚区", false}, {"tsurumi", "鶴見区", false}, {"tsuzuki", "都筑区", false},
	}
	if len(wards) != len(m.Wards) {
		t.Fatalf("table has %d wards, yokohama.yaml %d", len(wards), len(m.Wards))
	}
	for _, w := range wards {
		t.Run(w.id, func(t *testing.T) {
			c := pageChecklist(t, m, bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, HasNotice: bot.Bool(true), Ward: w.id})
			if len(c.Counters) != 1 {
				t.Fatalf("counters = %+v, want the ward's one", c.Counters)
			}
			k := c.Counters[0]
			if want := w.name + "役所戸籍課登録担当"; k.Name != want {
				t.Errorf("counter = %q, want %q", k.Name, want)
			}
			if w.walkIn {
				if !strings.Contains(k.Reservation, "予約は不要") || strings.Contains(k.Reservation, yokohamaDial) {
					t.Errorf("reservation = %q, want walk-in", k.Reservation)
				}
				// The missing white envelope matters for booking only (it
				// holds the 予約ID): not a word of it to a walk-in ward, even
				// when the resident has no notice.
				for _, notice := range []bool{false, true} {
					c := pageChecklist(t, m, bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, HasNotice: bot.Bool(notice), Ward: w.id})
					if all := strings.Join(c.Notes, "") + c.Counters[0].Reservation; strings.Contains(all, "白い封筒が届いていない") {
						t.Errorf("notice %v: a walk-in ward is told of the missing white envelope: %q", notice, all)
					}
				}
			} else {
				for _, part := range []string{"事前予約が必要", yokohamaDial, "045-550-5454", "045-350-8484", "前日の午後5時まで", "予約ID",
					yokohamaDialHours, yokohamaDialWeekend, yokohamaDialBusy, yokohamaNoWhiteEnvelope} {
					if !strings.Contains(k.Reservation, part) {
						t.Errorf("reservation = %q, want it to contain %q", k.Reservation, part)
					}
				}
			}
			if !strings.Contains(k.Hours, "午前8時45分から午後5時まで") || !strings.Contains(k.Hours, "第2・第4土曜日午前9時から正午まで") {
				t.Errorf("hours = %q", k.Hours)
			}
			if ward := m.Ward(w.id); ward == nil || ward.ReservationRequired == w.walkIn {
				t.Errorf("ward %s: reservation_required wrong or ward missing: %+v", w.id, ward)
			}
		})
	}
}

func TestYokohamaCounterWithoutWard(t *testing.T) {
	m := pageMunicipality(t, "yokohama")
	c := pageChecklist(t, m, bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf})
	if len(c.Counters) != 1 || c.Counters[0].Name != "お住まいの区の区役所戸籍課登録担当" {
		t.Fatalf("counters = %+v, want the generic ward counter", c.Counters)
	}
	r := c.Counters[0].Reservation
	for _, part := range []string{"青葉区・西区は予約不要", yokohamaDial, yokohamaDialHours, yokohamaDialWeekend, yokohamaDialBusy, yokohamaNoWhiteEnvelope} {
		if !strings.Contains(r, part) {
			t.Errorf("reservation = %q, want it to contain %q (the ward may need a booking)", r, part)
		}
	}
	if !pageHasNote(c, "区役所戸籍課の電話番号の記載がありません") {
		t.Errorf("notes %q do not say the page gives no ward phone", c.Notes)
	}
	wantSource(t, c, "2020-09-14", "136-738-610")
}

// TestYokohamaEverySituation checks what holds across the page: it covers
// only holders of 15 or over without an address change who come themselves
// or send a 任意代理人, and 成年被後見人 whose 成年後見人 comes; each covered
// checklist brings the holder's card on every visit.
func TestYokohamaEverySituation(t *testing.T) {
	covered := func(s bot.Slots) bool {
		return !*s.AddressChange && (s.AgeGroup == bot.AgeAdult && s.Visitor != bot.VisitorLegalRep ||
			s.AgeGroup == bot.AgeAdultWard && s.Visitor != bot.VisitorProxy)
	}
	runSituations(t, "yokohama", covered, func(s bot.Slots, c bot.Checklist) {
		// The page's two contacts: the 専用ダイヤル (with its fax), and the
		// 窓口サービス課 for the page's wording.
		wantNotes(t, c, "このページの表記に関するお問い合わせ", "045-671-2176")
		if c.Contact == nil || c.Contact.Fax != "045-350-8484" {
			t.Errorf("%v: contact %+v, want the 専用ダイヤル's fax 045-350-8484", s, c.Contact)
		}
		for v := 1; v <= c.Visits; v++ {
			found := false
			for _, it := range c.Items {
				found = found || it.Visit == v && it.Text == yokohamaCard && !it.Optional
			}
			if !found {
				t.Errorf("%v: visit %d does not bring the holder's card: %+v", s, v, c.Items)
			}
		}
		if !c.Covered && !pageHasNote(c, yokohamaDial) {
			t.Errorf("%v: not covered, yet no note gives the 専用ダイヤル: %q", s, c.Notes)
		}
	})
}

// TestCalendarFromThePage: Yokohama's page writes its dates in 令和, so its
// checklists ask for the era calendar; the other pages write Western years.
func TestCalendarFromThePage(t *testing.T) {
	s := bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, HasNotice: bot.Bool(true)}
	for id, want := range map[string]string{"yokohama": bot.CalendarEra, "akishima": "", "edogawa": "", "nerima": "", "akitakata": ""} {
		if c := pageChecklist(t, pageMunicipality(t, id), s); c.Calendar != want {
			t.Errorf("%s: calendar %q, want %q", id, c.Calendar, want)
		}
	}
}

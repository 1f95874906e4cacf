package rules_test

import (
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/bot"
)

// What Akishima's items read as, in the knowledge. The helpers are in
// pages_test.go.
const (
	akiNotice     = "地方公共団体情報システム機構から郵送された有効期限通知書(青い封筒)"
	akiCard       = "お持ちのマイナンバーカード"
	akiPINs       = "マイナンバーカードや電子証明書の暗証番号が分かるもの"
	akiForm       = "照会書兼回答書"
	akiHolderCard = "本人のマイナンバーカード"
	akiAgentID    = "代理人の本人確認書類(官公署の発行する顔写真付きの本人確認書類が1点必須)"
)

func TestAkishimaChecklists(t *testing.T) {
	agentOnce := [][]string{{akiForm, akiHolderCard, akiAgentID}}
	runPageCases(t, "akishima", []pageCase{
		// 本人が更新手続きを行う場合.
		{name: "holder with the blue envelope", rule: "self-with-notice", procedure: bot.ProcedureRenewal, certificates: bothCerts,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, HasNotice: bot.Bool(true), ExpiryDate: pageInWindow},
			visits: [][]string{{akiNotice, akiCard, akiPINs}}, sameDay: true,
			notes: []string{"午前10時から午後3時頃まで"}},
		{name: "holder without the notice can still renew", rule: "self-without-notice", procedure: bot.ProcedureRenewal,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, HasNotice: bot.Bool(false), ExpiryDate: pageInWindow},
			visits: [][]string{{akiCard, akiPINs}}, sameDay: true,
			notes: []string{"有効期限通知書が届かなくても更新手続きを行うことが可能です"}},
		{name: "holder after expiry renews the same way", rule: "self-with-notice", procedure: bot.ProcedureIssuance,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, HasNotice: bot.Bool(true), ExpiryDate: pageExpired},
			visits: [][]string{{akiNotice, akiCard, akiPINs}}, sameDay: true,
			notes: []string{"有効期限後であっても", "生年月日の隣に印字されている有効期限"}},
		// The window: the first day as a date (the day after the date three
		// months before, as the status says), and how the page words it.
		{name: "holder before the window is told the first day, as a date", rule: "self-without-notice",
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, ExpiryDate: pageTooEarly},
			visits: [][]string{{akiCard, akiPINs}}, sameDay: true,
			notes: []string{"2025年9月2日(火)からできます", "有効期限2025年12月1日(月)", "昭島市のページでは「有効期限の3か月前から」", "全国共通の制度では"}},

		// 代理人が更新手続きを行う場合: with the sealed 照会書兼回答書.
		{name: "proxy with the form comes once", rule: "agent-with-form", procedure: bot.ProcedureRenewal,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(true), ExpiryDate: pageInWindow},
			visits: agentOnce, sameDay: true,
			notes: []string{"同一世帯のかたも代理人となります", "暗証番号が間違っている場合", "複数回ご来庁いただくことになります",
				"ご本人が暗証番号をお忘れの場合、代理人はお手続きできません"}},
		{name: "a parent of a holder aged 15+ is a 代理人", rule: "agent-with-form",
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorLegalRep, HasNotice: bot.Bool(true)},
			visits: agentOnce, sameDay: true, notes: []string{"同一世帯のかたも代理人となります"}},
		{name: "proxy with the form after expiry", rule: "agent-with-form", procedure: bot.ProcedureIssuance,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(true), ExpiryDate: pageExpired},
			visits: agentOnce, sameDay: true},

		// Where the page is silent.
		{name: "proxy without the form is not described, and cannot proceed without the PIN", rule: "agent-without-form",
			slots: bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(false)},
			notes: []string{"照会書兼回答書をお持ちでない場合", "042-544-4120", "ご本人が暗証番号をお忘れの場合、代理人はお手続きできません"}},
		{name: "parent of a holder aged 15+ without the form is not described", rule: "agent-without-form",
			slots: bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorLegalRep},
			notes: []string{"照会書兼回答書をお持ちでない場合"}},
		{name: "child with the parent is not described", rule: "minor-not-covered",
			slots: bot.Slots{AgeGroup: bot.AgeUnder15, Visitor: bot.VisitorSelf, HasNotice: bot.Bool(true)},
			notes: []string{"15歳未満または成年被後見人の場合の手続きの記載がありません", "042-544-4120"}},
		{name: "guardian alone is not described", rule: "minor-not-covered",
			slots: bot.Slots{AgeGroup: bot.AgeAdultWard, Visitor: bot.VisitorLegalRep, HasNotice: bot.Bool(true)},
			notes: []string{"記載がありません"}},
		{name: "proxy for a child is not described", rule: "minor-not-covered",
			slots: bot.Slots{AgeGroup: bot.AgeUnder15, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(true)},
			notes: []string{"記載がありません"}},
		{name: "holder after a move is not described", rule: "address-change-not-covered", procedure: bot.ProcedureIssuance,
			slots: bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, AddressChange: bot.Bool(true)},
			notes: []string{"住所・氏名などの変更", "042-544-4120"}},
	})
}

func TestAkishimaItemNotes(t *testing.T) {
	m := pageMunicipality(t, "akishima")
	self := pageChecklist(t, m, bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf})
	if note := pageItemNote(t, self, akiPINs); !strings.Contains(note, "暗証番号を再設定した上で更新手続きを行います") {
		t.Errorf("PIN note = %q, want the reset at the counter", note)
	}
	agent := pageChecklist(t, m, bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(true)})
	note := pageItemNote(t, agent, akiForm)
	for _, part := range []string{"有効期限通知書(青い封筒)の中に入っています", "必ずのりづけしてください", "暗証番号をお忘れの場合"} {
		if !strings.Contains(note, part) {
			t.Errorf("form note = %q, want it to contain %q", note, part)
		}
	}
}

func TestAkishimaCountersAndFollowups(t *testing.T) {
	m := pageMunicipality(t, "akishima")
	c := pageChecklist(t, m, bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf})
	if len(c.Counters) != 2 {
		t.Fatalf("counters = %+v, want 本庁 and 東部出張所", c.Counters)
	}
	honcho, tobu := c.Counters[0], c.Counters[1]
	if !strings.Contains(honcho.Name, "市民課市民係") || honcho.Phone != "042-544-4120" {
		t.Errorf("main counter = %+v, want 市民課市民係 042-544-4120", honcho)
	}
	if tobu.Name != "東部出張所" || tobu.Phone != "" {
		t.Errorf("branch = %+v, want 東部出張所 without a phone", tobu)
	}
	for _, k := range c.Counters {
		if !strings.Contains(k.Hours, "午前8時30分から午後5時15分まで") {
			t.Errorf("%s hours = %q, want weekdays 午前8時30分から午後5時15分まで", k.Name, k.Hours)
		}
	}
	// The weekend counter, by phone reservation, is the main office's only.
	if !strings.Contains(honcho.Hours, "午前9時30分から午後3時30分まで") || !strings.Contains(honcho.Reservation, "電話による完全予約制") {
		t.Errorf("main office = %+v, want the weekend counter by phone reservation", honcho)
	}
	if strings.Contains(tobu.Hours, "午前9時30分") || !strings.Contains(tobu.Hours, "土曜日・日曜日の受付はありません") {
		t.Errorf("branch hours = %q, want weekdays only", tobu.Hours)
	}
	// The page's お問い合わせ先: phone, fax and the mail form.
	if c.Contact == nil || c.Contact.Phone != "042-544-4120" || c.Contact.Fax != "042-544-5115" {
		t.Errorf("contact = %+v, want 042-544-4120 and fax 042-544-5115", c.Contact)
	}
	wantNotes(t, c, "ファックス042-544-5115", "「メールでお問い合わせ」")
	if !pageHasNote(c, "東部出張所の電話番号の記載がありません") {
		t.Errorf("notes %q do not say the branch has no phone on the page", c.Notes)
	}
	if len(c.Followups) != 1 || !strings.Contains(c.Followups[0].Text, "e-TaxやeLTax") || !strings.Contains(c.Followups[0].Text, "各ホームページをご確認ください") {
		t.Errorf("followups = %+v, want e-Tax/eLTax: see each site", c.Followups)
	}
	wantSource(t, c, "2020-06-10", "")
}

// TestAkishimaAfterExpiryIsRenewal: the page calls the procedure after
// expiry 更新 (有効期限後でも更新手続きは可能です), so the checklist does too,
// while procedure stays the contract's issuance.
func TestAkishimaAfterExpiryIsRenewal(t *testing.T) {
	m := pageMunicipality(t, "akishima")
	for _, s := range []bot.Slots{
		{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, HasNotice: bot.Bool(true), ExpiryDate: pageExpired},
		{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(true), ExpiryDate: pageExpired},
	} {
		c := pageChecklist(t, m, s)
		if c.Procedure != bot.ProcedureIssuance || c.ProcedureName != "更新" {
			t.Errorf("%v: procedure %s named %q, want issuance named 更新", s, c.Procedure, c.ProcedureName)
		}
		wantNotes(t, c, "有効期限後の手続きも「更新手続き」と案内されています")
	}
	if c := pageChecklist(t, m, bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, ExpiryDate: pageInWindow}); c.ProcedureName != "更新" {
		t.Errorf("in the window: procedure named %q, want 更新", c.ProcedureName)
	}
}

// TestAkishimaEverySituation checks what holds across the page: it covers a
// holder aged 15+ without an address change who comes in person, or whose
// 代理人 brings the form; every covered checklist finishes in one visit with
// the card.
func TestAkishimaEverySituation(t *testing.T) {
	covered := func(s bot.Slots) bool {
		return s.AgeGroup == bot.AgeAdult && !*s.AddressChange && (s.Visitor == bot.VisitorSelf || *s.HasNotice)
	}
	runSituations(t, "akishima", covered, func(s bot.Slots, c bot.Checklist) {
		if s.AgeGroup == bot.AgeAdult && s.Visitor != bot.VisitorSelf && !pageHasNote(c, "ご本人が暗証番号をお忘れの場合、代理人はお手続きできません") {
			t.Errorf("%v: an agent is not told that a forgotten PIN stops the procedure: %q", s, c.Notes)
		}
		if !c.Covered {
			if c.Contact == nil || c.Contact.Phone != "042-544-4120" {
				t.Errorf("%v: not covered, contact = %+v, want 市民課市民係", s, c.Contact)
			}
			return
		}
		if c.Visits != 1 || !c.SameDay {
			t.Errorf("%v: visits=%d same_day=%v, want one visit", s, c.Visits, c.SameDay)
		}
		if !pageLastVisitHas(c, akiCard) && !pageLastVisitHas(c, akiHolderCard) {
			t.Errorf("%v: no card: %+v", s, c.Items)
		}
	})
}

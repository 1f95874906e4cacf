package rules_test

import (
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/bot"
)

// What Akitakata's items read as, in the knowledge. The helpers are in
// pages_test.go.
const (
	katCard       = "マイナンバーカード"
	katPINMemo    = "暗証番号を控えた用紙など" + optionalMark
	katHolderCard = "本人のマイナンバーカード"
	katLegalRepID = "法定代理人の本人確認書類(運転免許証、マイナンバーカードなど官公署が発行した顔写真のあるものに限る)"
	katProof      = "法定代理権を確認できる書類(戸籍謄本、登記事項証明書等)"
	katForm       = "照会書兼回答書(有効期限通知書に同封されています)"
	katResentForm = "本人宛に再送付された照会書兼回答書"
	katAgentID    = "代理人の本人確認書類(運転免許証、マイナンバーカードなど官公署が発行した顔写真のあるものに限る)"
)

func TestAkitakataChecklists(t *testing.T) {
	self := [][]string{{katCard, katPINMemo}}
	legalRep := [][]string{{katHolderCard, katLegalRepID, katProof}}
	agentOnce := [][]string{{katForm, katHolderCard, katAgentID}}
	agentResend := [][]string{{katHolderCard, katAgentID}, {katResentForm, katHolderCard, katAgentID}}
	runPageCases(t, "akitakata", []pageCase{
		// 発行・更新に必要な持ち物: the card; the PIN memo is recommended.
		{name: "holder in the window", rule: "self", procedure: bot.ProcedureRenewal, certificates: bothCerts,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, HasNotice: bot.Bool(true), ExpiryDate: pageInWindow},
			visits: self, sameDay: true, notes: []string{"(土・日・祝日を除き)3日以上"}},
		{name: "holder after expiry needs issuance", rule: "self", procedure: bot.ProcedureIssuance, certificates: bothCerts,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, ExpiryDate: pageExpired},
			visits: self, sameDay: true, notes: []string{"発行手続きが必要です", "対面の本人確認書類としては有効です"}},
		{name: "holder before the window", rule: "self", procedure: bot.ProcedureRenewal,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, ExpiryDate: pageTooEarly},
			visits: self, sameDay: true, notes: []string{"有効期限満了日の3か月前の翌日以降"}},
		{name: "holder after a move: signing only", rule: "self", procedure: bot.ProcedureIssuance, certificates: signingCert,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, AddressChange: bot.Bool(true)},
			visits: self, sameDay: true, notes: []string{"署名用電子証明書のみが失効し"}},

		// 15歳未満・成年被後見人: the legal representative's procedure.
		{name: "parent for a child", rule: "minor-legal-rep", procedure: bot.ProcedureRenewal, certificates: userCert,
			slots:  bot.Slots{AgeGroup: bot.AgeUnder15, Visitor: bot.VisitorLegalRep, ExpiryDate: pageInWindow},
			visits: legalRep, sameDay: true,
			notes: []string{"原則、署名用電子証明書を発行しておりません", "すべて原本に限ります"}},
		{name: "child with the parent", rule: "minor-legal-rep", certificates: userCert,
			slots:  bot.Slots{AgeGroup: bot.AgeUnder15, Visitor: bot.VisitorSelf},
			visits: legalRep, sameDay: true},
		{name: "guardian for an adult ward after expiry", rule: "minor-legal-rep", procedure: bot.ProcedureIssuance, certificates: userCert,
			slots:  bot.Slots{AgeGroup: bot.AgeAdultWard, Visitor: bot.VisitorLegalRep, ExpiryDate: pageExpired},
			visits: legalRep, sameDay: true},

		// 代理人による手続きの場合.
		{name: "proxy with the form comes once", rule: "proxy-with-form", procedure: bot.ProcedureRenewal,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(true), ExpiryDate: pageInWindow},
			visits: agentOnce, sameDay: true, notes: []string{"本人宛に再度、文書照会させていただきます"}},
		{name: "proxy whose form is lost: the form is re-sent, then a second visit", rule: "proxy-without-form",
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(false), ExpiryDate: pageInWindow},
			visits: agentResend, sameDay: false, notes: []string{"本人宛に照会書兼回答書を再送付する手続き"}},
		{name: "proxy after expiry without a form", rule: "proxy-without-form", procedure: bot.ProcedureIssuance,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, ExpiryDate: pageExpired},
			visits: agentResend, sameDay: false, notes: []string{"既に失効している場合、有効期限通知書は送付されません"}},

		// Where the page is silent.
		{name: "proxy for a child is not described", rule: "minor-proxy",
			slots: bot.Slots{AgeGroup: bot.AgeUnder15, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(true)},
			notes: []string{"任意代理人が手続きする場合の記載がありません", "0826-42-5616"}},
		{name: "proxy for an adult ward is not described", rule: "minor-proxy",
			slots: bot.Slots{AgeGroup: bot.AgeAdultWard, Visitor: bot.VisitorProxy},
			notes: []string{"記載がありません"}},
		{name: "legal representative of a holder aged 15+ is not described", rule: "adult-legal-rep",
			slots: bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorLegalRep, HasNotice: bot.Bool(true)},
			notes: []string{"法定代理人(親など)が行う場合の記載がありません", "0826-42-5616"}},
	})
}

func TestAkitakataItemNotes(t *testing.T) {
	runItemNoteCases(t, "akitakata", []itemNoteCase{
		{"no photo needed", bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf}, katCard, []string{"顔写真は不要です"}},
		{"forgotten PINs are reset at the counter", bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf}, "暗証番号を控えた用紙など",
			[]string{"窓口で再設定できます", "顔認証マイナンバーカードの場合、暗証番号の設定はありません"}},
		{"no family register extract for a parent registered in the city", bot.Slots{AgeGroup: bot.AgeUnder15, Visitor: bot.VisitorLegalRep}, katProof,
			[]string{"親権者の場合で、当市に本籍のある場合は省略可"}},
		{"a proxy's ID is a photo ID from a public office, first visit too", bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(false)}, katAgentID,
			[]string{"官公署が発行した顔写真のあるものに限ります", "健康保険証など、顔写真のない書類は使えません", "原本"}},
		{"the legal representative's too", bot.Slots{AgeGroup: bot.AgeUnder15, Visitor: bot.VisitorLegalRep}, katLegalRepID,
			[]string{"官公署が発行した顔写真のあるものに限ります"}},
		{"the form is filled in and sealed by the holder", bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(true)}, katForm,
			[]string{"全項目をカード名義人本人が記入し", "顔認証マイナンバーカードを希望する場合"}},
	})
}

func TestAkitakataCountersAndFollowups(t *testing.T) {
	m := pageMunicipality(t, "akitakata")
	c := pageChecklist(t, m, bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf})
	if len(c.Counters) != 2 {
		t.Fatalf("counters = %+v, want 本庁市民課 and 各支所窓口係", c.Counters)
	}
	if k := c.Counters[0]; k.Name != "本庁市民課" || k.Phone != "0826-42-5616" {
		t.Errorf("main counter = %+v", k)
	}
	if k := c.Counters[1]; k.Name != "各支所窓口係" || k.Phone != "" {
		t.Errorf("branches = %+v, want no phone", k)
	}
	for _, k := range c.Counters {
		if k.Hours != "" || k.Reservation != "" {
			t.Errorf("%s hours %q, reservation %q: the page gives neither", k.Name, k.Hours, k.Reservation)
		}
	}
	wantNotes(t, c, "受付時間の記載がありません", "予約の要否の記載がありません", "各支所窓口係の電話番号の記載がありません")
	if len(c.Followups) != 1 || !strings.Contains(c.Followups[0].Text, "各サービスの提供元にお問い合わせください") {
		t.Errorf("followups = %+v, want: ask each service provider", c.Followups)
	}
	wantSource(t, c, "2024-01-11", "")
}

// TestAkitakataEverySituation checks what holds across the page: it covers
// the holder aged 15+ and their 代理人, and the legal representative of an
// under-15 or adult-ward holder; every covered checklist brings the card on
// its last visit, and only a 代理人 without the form comes twice.
func TestAkitakataEverySituation(t *testing.T) {
	covered := func(s bot.Slots) bool {
		adult := s.AgeGroup == bot.AgeAdult
		return (adult && s.Visitor != bot.VisitorLegalRep) || (!adult && s.Visitor != bot.VisitorProxy)
	}
	runSituations(t, "akitakata", covered, func(s bot.Slots, c bot.Checklist) {
		// The page's other causes of revocation, and issuance of a
		// certificate declined at card issuance, in every checklist.
		wantNotes(t, c, "任意で失効申請をされた場合", "マイナンバーカードそのものが失効した場合", "本人が死亡した場合",
			"交付申請時に電子証明書を希望していない場合", "持ち物は更新と同じです")
		if !c.Covered {
			return
		}
		for _, it := range c.Items {
			if strings.Contains(it.Text, "代理人の本人確認書類") && !strings.Contains(it.Text+it.Note, "官公署が発行した顔写真のあるもの") {
				t.Errorf("%v: %q is not limited to a photo ID from a public office", s, it.Text)
			}
		}
		if !pageLastVisitHas(c, katCard) && !pageLastVisitHas(c, katHolderCard) {
			t.Errorf("%v: the last visit does not bring the card: %+v", s, c.Items)
		}
		twice := s.Visitor == bot.VisitorProxy && !*s.HasNotice
		if (c.Visits == 2) != twice || c.SameDay == twice {
			t.Errorf("%v: visits=%d same_day=%v, want two visits only for a proxy without the form", s, c.Visits, c.SameDay)
		}
	})
}

package rules_test

import (
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/bot"
)

// What Edogawa's items read as, in the knowledge.
const (
	edoCard       = "本人のマイナンバーカード"
	edoHolderID   = "本人のマイナンバーカード以外の本人確認書類"
	edoLegalRepID = "法定代理人の本人確認書類"
	edoProof      = "法定代理人であることを証明できる書類(戸籍全部事項証明書(戸籍謄本)や登記事項証明書)"
	edoForm       = "照会書兼回答書"
	edoProxyID    = "任意代理人の本人確認書類"
	edoAgentID    = "代理人の本人確認書類"
	edoPINLetter  = "暗証番号を記載した委任状"
	edoRequest    = "任意代理人による申請(1回目の来庁)"
)

func TestEdogawaChecklists(t *testing.T) {
	minorTogether := [][]string{{edoCard, edoHolderID, edoLegalRepID, edoProof}}
	proxyOnce := [][]string{{edoForm, edoCard, edoProxyID}}
	proxyTwice := [][]string{{edoRequest}, {edoCard, edoHolderID, edoProxyID, edoForm}}
	runPageCases(t, "edogawa", []pageCase{
		// 本人が来庁する場合 (15歳以上): the page's list is lost; the card, and a
		// note that sends the resident to the counter for the rest.
		{name: "holder in the window", rule: "adult-self", procedure: bot.ProcedureRenewal, certificates: bothCerts,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, HasNotice: bot.Bool(true), ExpiryDate: pageInWindow},
			visits: [][]string{{edoCard}}, sameDay: true,
			notes: []string{"持ち物の一覧が掲載されていません", "03-5662-9200", "更新に係る手数料は無料です"}},
		{name: "holder before the window loses a year", rule: "adult-self", procedure: bot.ProcedureRenewal,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, ExpiryDate: pageTooEarly},
			visits: [][]string{{edoCard}}, sameDay: true, notes: []string{"新たな電子証明書の有効期間が1年短くなります"}},
		{name: "holder after expiry needs issuance", rule: "adult-self", procedure: bot.ProcedureIssuance, certificates: bothCerts,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, ExpiryDate: pageExpired},
			visits: [][]string{{edoCard}}, sameDay: true,
			notes: []string{"電子証明書が失効します", "電子証明書の発行の手続きを行ってください", "発行に係る手数料は無料です"}},
		{name: "holder after a move: signing only", rule: "adult-self", procedure: bot.ProcedureIssuance, certificates: signingCert,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, AddressChange: bot.Bool(true)},
			visits: [][]string{{edoCard}}, sameDay: true, notes: []string{"署名用電子証明書(英数字6~16桁)のみが失効し"}},

		// 本人が15歳未満または成年被後見人: holder and legal representative together.
		{name: "child with the parent", rule: "minor-self", procedure: bot.ProcedureRenewal, certificates: userCert,
			slots:  bot.Slots{AgeGroup: bot.AgeUnder15, Visitor: bot.VisitorSelf, ExpiryDate: pageInWindow},
			visits: minorTogether, sameDay: true, notes: []string{"原則として搭載されません"}},
		{name: "adult ward with the guardian after expiry", rule: "minor-self", procedure: bot.ProcedureIssuance, certificates: userCert,
			slots:  bot.Slots{AgeGroup: bot.AgeAdultWard, Visitor: bot.VisitorSelf, ExpiryDate: pageExpired},
			visits: minorTogether, sameDay: true},

		// 任意代理人, renewal.
		{name: "proxy with the form comes once", rule: "proxy-renewal-with-form", procedure: bot.ProcedureRenewal,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(true), ExpiryDate: pageInWindow},
			visits: proxyOnce, sameDay: true, notes: []string{"暗証番号の照合ができない場合", "即日の手続きは行うことができません"}},
		{name: "proxy without the form comes twice", rule: "proxy-renewal-without-form", procedure: bot.ProcedureRenewal,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(false), ExpiryDate: pageInWindow},
			visits: proxyTwice, sameDay: false, notes: []string{"2回来庁していただく必要があります"}},
		{name: "proxy for an adult ward with the form", rule: "proxy-renewal-with-form",
			slots:  bot.Slots{AgeGroup: bot.AgeAdultWard, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(true)},
			visits: proxyOnce, sameDay: true},

		// 任意代理人, issuance: the ward always mails the form first.
		{name: "proxy with the form after expiry comes twice", rule: "proxy-issuance", procedure: bot.ProcedureIssuance,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(true), ExpiryDate: pageExpired},
			visits: proxyTwice, sameDay: false, notes: []string{"発行に係る手数料は無料です"}},
		{name: "proxy after a move filed earlier is told the same-day route is only at the move", rule: "proxy-issuance", procedure: bot.ProcedureIssuance,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(true), AddressChange: bot.Bool(true)},
			visits: proxyTwice, sameDay: false,
			notes: []string{"転入届・転居届の届出とあわせて(同じ来庁で)", "届出をすでに済ませた場合"}},

		// 法定代理人 alone for a minor or adult ward: the page sends them to
		// the 任意代理人 section.
		{name: "parent alone with the form", rule: "proxy-renewal-with-form", certificates: userCert,
			slots:  bot.Slots{AgeGroup: bot.AgeUnder15, Visitor: bot.VisitorLegalRep, HasNotice: bot.Bool(true), ExpiryDate: pageInWindow},
			visits: proxyOnce, sameDay: true,
			notes: []string{"任意代理人が来庁する場合の手続きとなります", "暗証番号の照合ができない場合"}},
		{name: "parent alone without the form comes twice", rule: "proxy-renewal-without-form",
			slots:  bot.Slots{AgeGroup: bot.AgeUnder15, Visitor: bot.VisitorLegalRep, HasNotice: bot.Bool(false)},
			visits: proxyTwice, sameDay: false},
		{name: "guardian alone after expiry comes twice", rule: "proxy-issuance",
			slots:  bot.Slots{AgeGroup: bot.AgeAdultWard, Visitor: bot.VisitorLegalRep, ExpiryDate: pageExpired},
			visits: proxyTwice, sameDay: false},

		// 転入届・転居届 filed at the same visit: the same-day route is the
		// checklist itself (rule, one visit, same day), its conditions and
		// 「必要書類が不足した場合…」 the notes.
		{name: "parent filing a move for a child at the visit finishes the same day", rule: "moving-same-day-minor", procedure: bot.ProcedureIssuance,
			slots:  bot.Slots{AgeGroup: bot.AgeUnder15, Visitor: bot.VisitorLegalRep, AddressChange: bot.Bool(true), MoveAtVisit: bot.Bool(true)},
			visits: [][]string{{edoPINLetter, edoCard, edoAgentID, edoProof}}, sameDay: true,
			notes: []string{"転入届・転居届の届出とあわせて", "必要書類が不足した場合、即日の手続きができないことがあります"}},
		{name: "a move filed at the visit is an address change", rule: "moving-same-day-minor", procedure: bot.ProcedureIssuance,
			slots:  bot.Slots{AgeGroup: bot.AgeAdultWard, Visitor: bot.VisitorLegalRep, MoveAtVisit: bot.Bool(true)},
			visits: [][]string{{edoPINLetter, edoCard, edoAgentID, edoProof}}, sameDay: true},
		{name: "legal representative of an adult filing a move at the visit", rule: "moving-same-day-adult", procedure: bot.ProcedureIssuance,
			certificates: signingCert,
			slots:        bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorLegalRep, AddressChange: bot.Bool(true), MoveAtVisit: bot.Bool(true)},
			visits:       [][]string{{edoPINLetter, edoCard, edoAgentID}}, sameDay: true,
			notes: []string{"本人と同一の世帯員または本人の法定代理人", "必要書類が不足した場合、即日の手続きができないことがあります"}},
		{name: "household member filing a move at the visit finishes the same day", rule: "moving-same-day-adult", procedure: bot.ProcedureIssuance,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(false), AddressChange: bot.Bool(true), MoveAtVisit: bot.Bool(true)},
			visits: [][]string{{edoPINLetter, edoCard, edoAgentID}}, sameDay: true,
			notes: []string{"必要書類が不足した場合、即日の手続きができないことがあります", "同一の世帯員でない場合(任意代理人)は、この即日の手続きの対象外"}},
		{name: "household member after expiry filing a move at the visit", rule: "moving-same-day-adult", procedure: bot.ProcedureIssuance,
			certificates: bothCerts,
			slots:        bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, AddressChange: bot.Bool(true), MoveAtVisit: bot.Bool(true), ExpiryDate: pageExpired},
			visits:       [][]string{{edoPINLetter, edoCard, edoAgentID}}, sameDay: true},

		// A move filed earlier, or a change of name: not the same-day route.
		{name: "parent after a move filed earlier comes twice", rule: "proxy-issuance", procedure: bot.ProcedureIssuance,
			slots:  bot.Slots{AgeGroup: bot.AgeUnder15, Visitor: bot.VisitorLegalRep, AddressChange: bot.Bool(true), MoveAtVisit: bot.Bool(false)},
			visits: proxyTwice, sameDay: false,
			notes: []string{"届出をすでに済ませた場合や、氏名などの住所以外の変更の場合", "任意代理人が来庁する場合の手続き"}},
		{name: "household member after a change of name comes twice", rule: "proxy-issuance", procedure: bot.ProcedureIssuance,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(true), AddressChange: bot.Bool(true), MoveAtVisit: bot.Bool(false)},
			visits: proxyTwice, sameDay: false,
			notes: []string{"2回来庁していただく必要があります", "届出をすでに済ませた場合"}},
		{name: "legal representative of an adult after a move filed earlier is not described", rule: "adult-legal-rep",
			slots: bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorLegalRep, AddressChange: bot.Bool(true), MoveAtVisit: bot.Bool(false)},
			notes: []string{"転入届・転居届の届出とあわせて手続きする場合を除きます"}},
		{name: "a child's household member filing a move is not the legal representative", rule: "proxy-issuance",
			slots:  bot.Slots{AgeGroup: bot.AgeUnder15, Visitor: bot.VisitorProxy, AddressChange: bot.Bool(true), MoveAtVisit: bot.Bool(true)},
			visits: proxyTwice, sameDay: false,
			notes: []string{"法定代理人であることを証明できる書類", "2回の来庁"}},

		// 法定代理人 of a holder aged 15+ otherwise: not described.
		{name: "legal representative of an adult is not described", rule: "adult-legal-rep",
			slots: bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorLegalRep, HasNotice: bot.Bool(true), ExpiryDate: pageInWindow},
			notes: []string{"法定代理人(親など)が代わりに行う場合の記載がありません"}},
		{name: "legal representative of an adult after expiry is not described", rule: "adult-legal-rep",
			slots: bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorLegalRep, ExpiryDate: pageExpired},
			notes: []string{"記載がありません"}},
	})
}

func TestEdogawaItemNotes(t *testing.T) {
	runItemNoteCases(t, "edogawa", []itemNoteCase{
		{"the holder's ID is one of A~F",
			bot.Slots{AgeGroup: bot.AgeUnder15, Visitor: bot.VisitorSelf}, edoHolderID, []string{"A~F1点"}},
		{"the legal representative's ID is one of A~B or two of C~F",
			bot.Slots{AgeGroup: bot.AgeUnder15, Visitor: bot.VisitorSelf}, edoLegalRepID, []string{"A~B1点、またはC~F2点"}},
		{"no family register extract when it is in Edogawa or the parent heads the household",
			bot.Slots{AgeGroup: bot.AgeAdultWard, Visitor: bot.VisitorSelf}, edoProof,
			[]string{"本籍地が江戸川区の場合", "同一世帯の世帯主かつ親子関係にある場合"}},
		{"the proxy's ID is one of A~B",
			bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(true)}, edoProxyID, []string{"A~B1点"}},
		{"the form is sealed by the holder",
			bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(true)}, edoForm,
			[]string{"暗証番号が代理人に知られないよう封筒に入れて封を"}},
		{"the first visit mails the form and says its list is not on the page",
			bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy}, edoRequest,
			[]string{"郵送(転送不要)", "1回目の来庁時に必要なものは、このページの本文に記載がありません"}},
		{"the issuance first visit speaks of issuance",
			bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, ExpiryDate: pageExpired}, edoRequest,
			[]string{"発行の申請を受け付けた後に"}},
		{"the 委任状 holds the PINs, sealed",
			bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorLegalRep, AddressChange: bot.Bool(true), MoveAtVisit: bot.Bool(true)}, edoPINLetter,
			[]string{"封をしてお持ちください"}},
	})
}

func TestEdogawaCountersAndFollowups(t *testing.T) {
	m := pageMunicipality(t, "edogawa")
	c := pageChecklist(t, m, bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf})
	want := []struct{ name, phone string }{
		{"マイナンバーカード専用窓口(本庁舎)", "03-5662-9200"},
		{"マイナンバーカード専用窓口(葛西)", "03-5662-9200"},
		{"マイナンバーカード専用窓口(小岩)", "03-5662-9200"},
		{"小松川事務所戸籍住民係", "03-3683-5184"},
		{"東部事務所戸籍住民係", "03-3679-1125"},
		{"鹿骨事務所戸籍住民係", "03-3678-6115"},
	}
	if len(c.Counters) != len(want) {
		t.Fatalf("counters = %+v, want the six of the page", c.Counters)
	}
	for i, w := range want {
		k := c.Counters[i]
		if k.Name != w.name || k.Phone != w.phone {
			t.Errorf("counter %d = %s %s, want %s %s", i, k.Name, k.Phone, w.name, w.phone)
		}
		if k.Hours != "" || k.Reservation != "" {
			t.Errorf("%s hours %q, reservation %q: the page gives neither", k.Name, k.Hours, k.Reservation)
		}
	}
	wantNotes(t, c, "受付時間の記載がありません", "予約の要否の記載がありません")
	var konbini, etax bool
	for _, f := range c.Followups {
		konbini = konbini || strings.Contains(f.Text, "再度利用登録を行う必要があります") && strings.Contains(f.Text, "本籍地の戸籍証明書取得方法")
		etax = etax || (strings.Contains(f.Text, "所轄税務署への登録(変更)申請") && f.Phone == "0570-01-5901")
	}
	if !konbini || !etax {
		t.Errorf("followups %+v: want the コンビニ交付 re-registration with its 本籍地 reference, and e-Tax (0570-01-5901)", c.Followups)
	}
	wantSource(t, c, "2024-04-01", "51394")
	if c.Contact == nil || c.Contact.Phone != "03-5662-9200" {
		t.Errorf("contact = %+v, want the マイナンバーカード専用窓口", c.Contact)
	}
}

// TestEdogawaEverySituation checks what holds across the page: only a
// 法定代理人 for a holder aged 15+ outside the 転入・転居 same-day path is
// left uncovered; every covered checklist brings the card on its last
// visit; a proxy finishes the same day only with the form, renewing, or
// (a household member of a holder aged 15+) with the move filed at the
// visit; and an address change without the move filed at the visit never
// takes the same-day route.
func TestEdogawaEverySituation(t *testing.T) {
	covered := func(s bot.Slots) bool {
		return !(s.AgeGroup == bot.AgeAdult && s.Visitor == bot.VisitorLegalRep && !s.MovesAtVisit())
	}
	runSituations(t, "edogawa", covered, func(s bot.Slots, c bot.Checklist) {
		if !c.Covered {
			if c.Visits != 0 || len(c.Items) != 0 || c.SameDay {
				t.Errorf("%v: not covered but visits=%d items=%d same_day=%v", s, c.Visits, len(c.Items), c.SameDay)
			}
			return
		}
		if !pageLastVisitHas(c, edoCard) {
			t.Errorf("%v: the last visit does not bring the holder's card: %+v", s, c.Items)
		}
		moving := strings.HasPrefix(c.Rule, "moving-same-day")
		if want := s.MovesAtVisit() && s.Visitor != bot.VisitorSelf &&
			(s.AgeGroup == bot.AgeAdult || s.Visitor == bot.VisitorLegalRep); moving != want {
			t.Errorf("%v: rule %s, same-day route of a move filed at the visit %v, want %v", s, c.Rule, moving, want)
		}
		if moving && (c.Visits != 1 || !c.SameDay || !pageHasNote(c, "必要書類が不足した場合、即日の手続きができないことがあります")) {
			t.Errorf("%v: same-day route with visits=%d same_day=%v notes %q", s, c.Visits, c.SameDay, c.Notes)
		}
		if s.Visitor == bot.VisitorProxy {
			oneVisit := *s.HasNotice && c.Procedure == bot.ProcedureRenewal || moving
			if c.SameDay != oneVisit || (c.Visits == 1) != oneVisit {
				t.Errorf("%v: proxy visits=%d same_day=%v, want one visit only with the form, renewing, or with the move at the visit", s, c.Visits, c.SameDay)
			}
		}
		if c.SameDay && c.Visits > 1 {
			t.Errorf("%v: same day and two visits at once", s)
		}
	})
}

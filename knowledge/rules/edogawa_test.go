package rules_test

import (
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/madoguchi/madoguchi/knowledge/rules"
)

// The tests of edogawa_test.go, akishima_test.go and akitakata_test.go run
// the engine over the embedded knowledge and check that each checklist says
// what the municipal page says. Their shared helpers are below, prefixed
// muni so they cannot collide with the other page tests of the package.

var (
	muniKBOnce sync.Once
	muniKBVal  *knowledge.KB
	muniKBErr  error
)

// muniOf returns municipality id of the embedded knowledge, failing the
// test when the knowledge does not load.
func muniOf(tb testing.TB, id string) *knowledge.Municipality {
	tb.Helper()
	muniKBOnce.Do(func() { muniKBVal, muniKBErr = knowledge.LoadEmbedded() })
	if muniKBErr != nil {
		tb.Fatalf("embedded knowledge does not load: %v", muniKBErr)
	}
	m := muniKBVal.Municipality(id)
	if m == nil {
		tb.Fatalf("embedded knowledge has no municipality %q", id)
	}
	return m
}

// muniToday is the day the tables run on; the expiry dates sit around it.
const muniToday = "2025-05-01"

var (
	muniInWindow = muniDate("2025-07-07") // window opened 2025-04-08
	muniExpired  = muniDate("2025-04-30")
	muniTooEarly = muniDate("2025-12-01") // window opens 2025-09-02
)

func muniDate(s string) *bot.Date {
	d, err := bot.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return &d
}

// muniOptional ends, in muniCase.visits, the text of an optional item.
const muniOptional = "(任意)"

var (
	muniBoth    = []bot.Certificate{bot.CertSigning, bot.CertUser}
	muniUser    = []bot.Certificate{bot.CertUser}
	muniSigning = []bot.Certificate{bot.CertSigning}
)

// muniCase is one resident's situation and the checklist the page implies.
type muniCase struct {
	name         string
	slots        bot.Slots
	rule         string
	procedure    bot.Procedure     // checked when set
	certificates []bot.Certificate // checked when set
	// visits lists the item texts of each visit in order, optional ones
	// ending in muniOptional; nil when the page does not cover the case.
	visits  [][]string
	sameDay bool
	// notes are substrings that some note of the checklist must contain.
	notes []string
}

// muniChecklist runs the engine for m on muniToday.
func muniChecklist(tb testing.TB, m *knowledge.Municipality, s bot.Slots) bot.Checklist {
	tb.Helper()
	c, err := rules.Checklist(m, s, *muniDate(muniToday))
	if err != nil {
		tb.Fatalf("Checklist(%s, %v): %v", m.ID, s, err)
	}
	return c
}

// muniVisitTexts groups c's item texts by visit, marking optional ones.
func muniVisitTexts(c bot.Checklist) [][]string {
	if c.Visits == 0 {
		return nil
	}
	out := make([][]string, c.Visits)
	for i := range out {
		out[i] = []string{}
	}
	for _, it := range c.Items {
		text := it.Text
		if it.Optional {
			text += muniOptional
		}
		out[it.Visit-1] = append(out[it.Visit-1], text)
	}
	return out
}

// muniHasNote reports whether some note of c contains part.
func muniHasNote(c bot.Checklist, part string) bool {
	for _, n := range c.Notes {
		if strings.Contains(n, part) {
			return true
		}
	}
	return false
}

// runMuniCases checks each case against municipality id.
func runMuniCases(t *testing.T, id string, cases []muniCase) {
	t.Helper()
	m := muniOf(t, id)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Helper()
			c := muniChecklist(t, m, tc.slots)
			if c.Rule != tc.rule {
				t.Errorf("rule = %s, want %s", c.Rule, tc.rule)
			}
			if covered := tc.visits != nil; c.Covered != covered {
				t.Errorf("covered = %v, want %v", c.Covered, covered)
			}
			if tc.procedure != "" && c.Procedure != tc.procedure {
				t.Errorf("procedure = %s, want %s", c.Procedure, tc.procedure)
			}
			if tc.certificates != nil && !reflect.DeepEqual(c.Certificates, tc.certificates) {
				t.Errorf("certificates = %v, want %v", c.Certificates, tc.certificates)
			}
			if c.Visits != len(tc.visits) {
				t.Errorf("visits = %d, want %d", c.Visits, len(tc.visits))
			}
			if got := muniVisitTexts(c); !reflect.DeepEqual(got, tc.visits) {
				t.Errorf("items per visit:\n got %q\nwant %q", got, tc.visits)
			}
			if c.SameDay != tc.sameDay {
				t.Errorf("same_day = %v, want %v", c.SameDay, tc.sameDay)
			}
			for _, n := range tc.notes {
				if !muniHasNote(c, n) {
					t.Errorf("no note containing %q in %q", n, c.Notes)
				}
			}
		})
	}
}

// muniItemNote returns the note of the first item of c whose text is text.
func muniItemNote(tb testing.TB, c bot.Checklist, text string) string {
	tb.Helper()
	for _, it := range c.Items {
		if it.Text == text {
			return it.Note
		}
	}
	tb.Fatalf("no item %q in %+v", text, c.Items)
	return ""
}

// muniSituations lists every combination of the slots the rules look at,
// without an expiry date and with an expired one.
func muniSituations() []bot.Slots {
	var out []bot.Slots
	for _, a := range bot.AgeGroups {
		for _, v := range bot.Visitors {
			for _, n := range []bool{false, true} {
				for _, ac := range []bool{false, true} {
					for _, e := range []*bot.Date{nil, muniExpired} {
						out = append(out, bot.Slots{AgeGroup: a, Visitor: v,
							HasNotice: bot.Bool(n), AddressChange: bot.Bool(ac), ExpiryDate: e})
					}
				}
			}
		}
	}
	return out
}

// muniLastVisitHas reports whether c's last visit lists the required item text.
func muniLastVisitHas(c bot.Checklist, text string) bool {
	for _, it := range c.Items {
		if it.Visit == c.Visits && it.Text == text && !it.Optional {
			return true
		}
	}
	return false
}

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
	runMuniCases(t, "edogawa", []muniCase{
		// 本人が来庁する場合 (15歳以上): the page's list is lost; the card, and a
		// note that sends the resident to the counter for the rest.
		{name: "holder in the window", rule: "adult-self", procedure: bot.ProcedureRenewal, certificates: muniBoth,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, HasNotice: bot.Bool(true), ExpiryDate: muniInWindow},
			visits: [][]string{{edoCard}}, sameDay: true,
			notes: []string{"持ち物の一覧が掲載されていません", "03-5662-9200", "更新に係る手数料は無料です"}},
		{name: "holder before the window loses a year", rule: "adult-self", procedure: bot.ProcedureRenewal,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, ExpiryDate: muniTooEarly},
			visits: [][]string{{edoCard}}, sameDay: true, notes: []string{"新たな電子証明書の有効期間が1年短くなります"}},
		{name: "holder after expiry needs issuance", rule: "adult-self", procedure: bot.ProcedureIssuance, certificates: muniBoth,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, ExpiryDate: muniExpired},
			visits: [][]string{{edoCard}}, sameDay: true,
			notes: []string{"電子証明書が失効します", "電子証明書の発行の手続きを行ってください", "発行に係る手数料は無料です"}},
		{name: "holder after a move: signing only", rule: "adult-self", procedure: bot.ProcedureIssuance, certificates: muniSigning,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, AddressChange: bot.Bool(true)},
			visits: [][]string{{edoCard}}, sameDay: true, notes: []string{"署名用電子証明書(英数字6~16桁)のみが失効し"}},

		// 本人が15歳未満または成年被後見人: holder and legal representative together.
		{name: "child with the parent", rule: "minor-self", procedure: bot.ProcedureRenewal, certificates: muniUser,
			slots:  bot.Slots{AgeGroup: bot.AgeUnder15, Visitor: bot.VisitorSelf, ExpiryDate: muniInWindow},
			visits: minorTogether, sameDay: true, notes: []string{"原則として搭載されません"}},
		{name: "adult ward with the guardian after expiry", rule: "minor-self", procedure: bot.ProcedureIssuance, certificates: muniUser,
			slots:  bot.Slots{AgeGroup: bot.AgeAdultWard, Visitor: bot.VisitorSelf, ExpiryDate: muniExpired},
			visits: minorTogether, sameDay: true},

		// 任意代理人, renewal.
		{name: "proxy with the form comes once", rule: "proxy-renewal-with-form", procedure: bot.ProcedureRenewal,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(true), ExpiryDate: muniInWindow},
			visits: proxyOnce, sameDay: true, notes: []string{"暗証番号の照合ができない場合", "即日の手続きは行うことができません"}},
		{name: "proxy without the form comes twice", rule: "proxy-renewal-without-form", procedure: bot.ProcedureRenewal,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(false), ExpiryDate: muniInWindow},
			visits: proxyTwice, sameDay: false, notes: []string{"2回来庁していただく必要があります"}},
		{name: "proxy for an adult ward with the form", rule: "proxy-renewal-with-form",
			slots:  bot.Slots{AgeGroup: bot.AgeAdultWard, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(true)},
			visits: proxyOnce, sameDay: true},

		// 任意代理人, issuance: the ward always mails the form first.
		{name: "proxy with the form after expiry comes twice", rule: "proxy-issuance", procedure: bot.ProcedureIssuance,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(true), ExpiryDate: muniExpired},
			visits: proxyTwice, sameDay: false, notes: []string{"発行に係る手数料は無料です"}},
		{name: "proxy after a move is told of the household same-day path", rule: "proxy-issuance", procedure: bot.ProcedureIssuance,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(true), AddressChange: bot.Bool(true)},
			visits: proxyTwice, sameDay: false,
			notes: []string{"同一の世帯員で、転入届・転居届の届出とあわせて", "ご本人へ文書照会することなく即日の手続きが可能です"}},

		// 法定代理人 alone for a minor or adult ward: the page sends them to
		// the 任意代理人 section.
		{name: "parent alone with the form", rule: "proxy-renewal-with-form", certificates: muniUser,
			slots:  bot.Slots{AgeGroup: bot.AgeUnder15, Visitor: bot.VisitorLegalRep, HasNotice: bot.Bool(true), ExpiryDate: muniInWindow},
			visits: proxyOnce, sameDay: true,
			notes: []string{"任意代理人が来庁する場合の手続きとなります", "暗証番号の照合ができない場合"}},
		{name: "parent alone without the form comes twice", rule: "proxy-renewal-without-form",
			slots:  bot.Slots{AgeGroup: bot.AgeUnder15, Visitor: bot.VisitorLegalRep, HasNotice: bot.Bool(false)},
			visits: proxyTwice, sameDay: false},
		{name: "guardian alone after expiry comes twice", rule: "proxy-issuance",
			slots:  bot.Slots{AgeGroup: bot.AgeAdultWard, Visitor: bot.VisitorLegalRep, ExpiryDate: muniExpired},
			visits: proxyTwice, sameDay: false},

		// 転入届・転居届 filed with the issuance: the same-day path.
		{name: "parent filing a move for a child finishes the same day", rule: "rep-moving-same-day-minor", procedure: bot.ProcedureIssuance,
			slots:  bot.Slots{AgeGroup: bot.AgeUnder15, Visitor: bot.VisitorLegalRep, AddressChange: bot.Bool(true)},
			visits: [][]string{{edoPINLetter, edoCard, edoAgentID, edoProof}}, sameDay: true,
			notes: []string{"転入届・転居届の届出とあわせて", "必要書類が不足した場合"}},
		{name: "legal representative of an adult filing a move", rule: "rep-moving-same-day-adult", procedure: bot.ProcedureIssuance,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorLegalRep, AddressChange: bot.Bool(true)},
			visits: [][]string{{edoPINLetter, edoCard, edoAgentID}}, sameDay: true,
			notes: []string{"本人と同一の世帯員または本人の法定代理人"}},

		// 法定代理人 of a holder aged 15+ otherwise: not described.
		{name: "legal representative of an adult is not described", rule: "adult-legal-rep",
			slots: bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorLegalRep, HasNotice: bot.Bool(true), ExpiryDate: muniInWindow},
			notes: []string{"法定代理人(親など)が代わりに行う場合の記載がありません"}},
		{name: "legal representative of an adult after expiry is not described", rule: "adult-legal-rep",
			slots: bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorLegalRep, ExpiryDate: muniExpired},
			notes: []string{"記載がありません"}},
	})
}

func TestEdogawaItemNotes(t *testing.T) {
	m := muniOf(t, "edogawa")
	cases := []struct {
		name  string
		slots bot.Slots
		item  string
		note  []string
	}{
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
			bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, ExpiryDate: muniExpired}, edoRequest,
			[]string{"発行の申請を受け付けた後に"}},
		{"the 委任状 holds the PINs, sealed",
			bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorLegalRep, AddressChange: bot.Bool(true)}, edoPINLetter,
			[]string{"封をしてお持ちください"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			note := muniItemNote(t, muniChecklist(t, m, tc.slots), tc.item)
			for _, part := range tc.note {
				if !strings.Contains(note, part) {
					t.Errorf("note of %q = %q, want it to contain %q", tc.item, note, part)
				}
			}
		})
	}
}

func TestEdogawaCountersAndFollowups(t *testing.T) {
	m := muniOf(t, "edogawa")
	c := muniChecklist(t, m, bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf})
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
	for _, part := range []string{"受付時間の記載がありません", "予約の要否の記載がありません"} {
		if !muniHasNote(c, part) {
			t.Errorf("notes %q do not say %q", c.Notes, part)
		}
	}
	var konbini, etax bool
	for _, f := range c.Followups {
		konbini = konbini || strings.Contains(f.Text, "再度利用登録を行う必要があります")
		etax = etax || (strings.Contains(f.Text, "所轄税務署への登録(変更)申請") && f.Phone == "0570-01-5901")
	}
	if !konbini || !etax {
		t.Errorf("followups %+v: want the コンビニ交付 re-registration and e-Tax (0570-01-5901)", c.Followups)
	}
	if c.Source.Updated != "2024-04-01" || c.Source.PageID != "51394" {
		t.Errorf("source = %+v", c.Source)
	}
	if c.Contact == nil || c.Contact.Phone != "03-5662-9200" {
		t.Errorf("contact = %+v, want the マイナンバーカード専用窓口", c.Contact)
	}
}

// TestEdogawaEverySituation checks what holds across the page: only a
// 法定代理人 for a holder aged 15+ outside the 転入・転居 same-day path is
// left uncovered; every covered checklist brings the card on its last
// visit; and a proxy finishes the same day only with the form, renewing.
func TestEdogawaEverySituation(t *testing.T) {
	m := muniOf(t, "edogawa")
	for _, s := range muniSituations() {
		c := muniChecklist(t, m, s)
		sameDayMove := s.Visitor == bot.VisitorLegalRep && *s.AddressChange
		uncovered := s.AgeGroup == bot.AgeAdult && s.Visitor == bot.VisitorLegalRep && !sameDayMove
		if c.Covered == uncovered {
			t.Errorf("%v: covered = %v, want %v", s, c.Covered, !uncovered)
			continue
		}
		if !c.Covered {
			if c.Visits != 0 || len(c.Items) != 0 || c.SameDay {
				t.Errorf("%v: not covered but visits=%d items=%d same_day=%v", s, c.Visits, len(c.Items), c.SameDay)
			}
			continue
		}
		if !muniLastVisitHas(c, edoCard) {
			t.Errorf("%v: the last visit does not bring the holder's card: %+v", s, c.Items)
		}
		if s.Visitor == bot.VisitorProxy {
			oneVisit := *s.HasNotice && c.Procedure == bot.ProcedureRenewal
			if c.SameDay != oneVisit || (c.Visits == 1) != oneVisit {
				t.Errorf("%v: proxy visits=%d same_day=%v, want one visit only with the form, renewing", s, c.Visits, c.SameDay)
			}
		}
	}
}

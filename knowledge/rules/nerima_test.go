package rules_test

import (
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/madoguchi/madoguchi/knowledge/rules"
)

// The page tests (nerima_test.go, yokohama_test.go) run the engine over the
// real knowledge and check that each checklist says what the municipal page
// says. They use the embedded knowledge, or the folder KNOWLEDGE_DIR names,
// so staff can check an edited folder with the same tests.

var (
	pageKBOnce sync.Once
	pageKB     *knowledge.KB
	pageKBErr  error
)

// pageMunicipality returns municipality id from the knowledge base, failing
// the test when the base does not load.
func pageMunicipality(tb testing.TB, id string) *knowledge.Municipality {
	tb.Helper()
	pageKBOnce.Do(func() {
		if dir := os.Getenv("KNOWLEDGE_DIR"); dir != "" {
			pageKB, pageKBErr = knowledge.LoadDir(dir)
			return
		}
		pageKB, pageKBErr = knowledge.LoadEmbedded()
	})
	if pageKBErr != nil {
		tb.Fatalf("knowledge does not load: %v", pageKBErr)
	}
	m := pageKB.Municipality(id)
	if m == nil {
		tb.Fatalf("knowledge has no municipality %q", id)
	}
	return m
}

// pageToday is the day every page test runs on; the expiry dates below sit
// around it.
const pageToday = "2025-05-01"

var (
	pageInWindow = pageDate("2025-07-07") // window opened 2025-04-08
	pageExpired  = pageDate("2025-04-30")
	pageTooEarly = pageDate("2025-12-01") // window opens 2025-09-02
)

// pageDate parses a date literal of the tables.
func pageDate(s string) *bot.Date {
	d, err := bot.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return &d
}

// optionalMark ends the text of an item the resident may leave at home, in
// pageCase.visits.
const optionalMark = "(任意)"

// pageCase is one resident's situation and the checklist the page implies.
type pageCase struct {
	name         string
	slots        bot.Slots
	rule         string
	procedure    bot.Procedure
	certificates []bot.Certificate
	// visits lists the item texts of each visit, in order, optional ones
	// ending in optionalMark; nil when the page does not cover the case.
	visits  [][]string
	sameDay bool
	// notes are substrings that some note of the checklist must contain.
	notes []string
}

// pageChecklist runs the engine for m on pageToday.
func pageChecklist(tb testing.TB, m *knowledge.Municipality, s bot.Slots) bot.Checklist {
	tb.Helper()
	c, err := rules.Checklist(m, s, *pageDate(pageToday))
	if err != nil {
		tb.Fatalf("Checklist(%s, %v): %v", m.ID, s, err)
	}
	return c
}

// pageVisits groups c's item texts by visit, marking optional ones.
func pageVisits(c bot.Checklist) [][]string {
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
			text += optionalMark
		}
		out[it.Visit-1] = append(out[it.Visit-1], text)
	}
	return out
}

// checkPageCase compares c with want.
func checkPageCase(tb testing.TB, c bot.Checklist, want pageCase) {
	tb.Helper()
	if c.Rule != want.rule {
		tb.Errorf("rule = %s, want %s", c.Rule, want.rule)
	}
	if covered := want.visits != nil; c.Covered != covered {
		tb.Errorf("covered = %v, want %v", c.Covered, covered)
	}
	if want.procedure != "" && c.Procedure != want.procedure {
		tb.Errorf("procedure = %s, want %s", c.Procedure, want.procedure)
	}
	if want.certificates != nil && !reflect.DeepEqual(c.Certificates, want.certificates) {
		tb.Errorf("certificates = %v, want %v", c.Certificates, want.certificates)
	}
	if c.Visits != len(want.visits) {
		tb.Errorf("visits = %d, want %d", c.Visits, len(want.visits))
	}
	if got := pageVisits(c); !reflect.DeepEqual(got, want.visits) {
		tb.Errorf("items per visit:\n got %q\nwant %q", got, want.visits)
	}
	if c.SameDay != want.sameDay {
		tb.Errorf("same_day = %v, want %v", c.SameDay, want.sameDay)
	}
	for _, n := range want.notes {
		if !pageHasNote(c, n) {
			tb.Errorf("no note containing %q in %q", n, c.Notes)
		}
	}
}

// pageHasNote reports whether some note of c contains part.
func pageHasNote(c bot.Checklist, part string) bool {
	for _, n := range c.Notes {
		if strings.Contains(n, part) {
			return true
		}
	}
	return false
}

// runPageCases checks every case against municipality id.
func runPageCases(t *testing.T, id string, cases []pageCase) {
	t.Helper()
	m := pageMunicipality(t, id)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkPageCase(t, pageChecklist(t, m, tc.slots), tc)
		})
	}
}

// What Nerima's items read as, in the knowledge.
const (
	nerimaCard          = "本人の有効なマイナンバーカード"
	nerimaPINMemo       = "暗証番号を控えたメモ" + optionalMark
	nerimaNotice        = "有効期限通知書(J-LISから郵送されたもの)" + optionalMark
	nerimaLegalRepID    = "窓口に来所する法定代理人の方の本人確認書類"
	nerimaKoseki        = "親権者または未成年後見人であることを確認できる戸籍証明(戸籍謄本・戸籍抄本)"
	nerimaRegistry      = "成年後見人であることを確認できる登記事項証明書(6か月以内に取得したもの)"
	nerimaForm          = "照会書兼回答書(有効期限通知書に同封されているもの)"
	nerimaMailedForm    = "照会書兼回答書(1回目の来所で本人の自宅に郵送したもの)"
	nerimaProxyID       = "代理人の本人確認書類"
	nerimaNotCoveredFor = "法定代理人以外の代理人"
)

var (
	bothCerts = []bot.Certificate{bot.CertSigning, bot.CertUser}
	userCert  = []bot.Certificate{bot.CertUser}
)

func TestNerimaChecklists(t *testing.T) {
	selfVisit := [][]string{{nerimaCard, nerimaPINMemo, nerimaNotice}}
	proxyTwice := [][]string{
		{nerimaProxyID, nerimaCard + optionalMark},
		{nerimaMailedForm, nerimaCard, nerimaProxyID, nerimaNotice},
	}
	runPageCases(t, "nerima", []pageCase{
		// (ア) the holder comes.
		{name: "holder in the window", rule: "nerima_self", procedure: bot.ProcedureRenewal, certificates: bothCerts,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, HasNotice: bot.Bool(true), ExpiryDate: pageInWindow},
			visits: selfVisit, sameDay: true},
		{name: "holder without the notice", rule: "nerima_self", procedure: bot.ProcedureRenewal,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, HasNotice: bot.Bool(false), ExpiryDate: pageInWindow},
			visits: selfVisit, sameDay: true},
		{name: "holder after expiry gets a new issuance", rule: "nerima_self", procedure: bot.ProcedureIssuance, certificates: bothCerts,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, ExpiryDate: pageExpired},
			visits: selfVisit, sameDay: true, notes: []string{"「新規発行」の手続きができます"}},
		{name: "holder before the window is told when it opens", rule: "nerima_self", procedure: bot.ProcedureRenewal,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, ExpiryDate: pageTooEarly},
			visits: selfVisit, sameDay: true, notes: []string{"有効期限まで3か月未満となった日"}},
		{name: "holder after a move", rule: "nerima_self", procedure: bot.ProcedureIssuance,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, AddressChange: bot.Bool(true)},
			visits: selfVisit, sameDay: true},

		// (ウ)(1) a proxy with the sealed form, within the validity period.
		{name: "proxy with the form comes once", rule: "nerima_proxy_with_form", procedure: bot.ProcedureRenewal, certificates: bothCerts,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(true), ExpiryDate: pageInWindow},
			visits: [][]string{{nerimaForm, nerimaCard, nerimaProxyID, nerimaNotice}}, sameDay: true,
			notes: []string{"暗証番号が異なっていると当日中の手続きができません"}},
		// (注釈2): anyone but the holder, household included, follows (ウ).
		{name: "an adult's legal representative is a proxy", rule: "nerima_proxy_with_form",
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorLegalRep, HasNotice: bot.Bool(true)},
			visits: [][]string{{nerimaForm, nerimaCard, nerimaProxyID, nerimaNotice}}, sameDay: true},

		// (ウ)(2) every other proxy case: two visits.
		{name: "proxy without the form comes twice", rule: "nerima_proxy_two_visits", procedure: bot.ProcedureRenewal,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(false), ExpiryDate: pageInWindow},
			visits: proxyTwice, sameDay: false},
		{name: "proxy with the form after expiry comes twice", rule: "nerima_proxy_two_visits", procedure: bot.ProcedureIssuance,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(true), ExpiryDate: pageExpired},
			visits: proxyTwice, sameDay: false},
		{name: "proxy with the form after a move comes twice", rule: "nerima_proxy_two_visits", procedure: bot.ProcedureIssuance,
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(true), AddressChange: bot.Bool(true)},
			visits: proxyTwice, sameDay: false},
		{name: "an adult's legal representative without the form comes twice", rule: "nerima_proxy_two_visits",
			slots:  bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorLegalRep},
			visits: proxyTwice, sameDay: false},

		// (イ) under 15: the 親権者 or 未成年後見人, user certificate only.
		{name: "parent for a child", rule: "nerima_minor_legal_rep", certificates: userCert,
			slots:  bot.Slots{AgeGroup: bot.AgeUnder15, Visitor: bot.VisitorLegalRep, HasNotice: bot.Bool(true)},
			visits: [][]string{{nerimaCard, nerimaLegalRepID, nerimaKoseki, nerimaPINMemo, nerimaNotice}}, sameDay: true},
		{name: "child with the parent", rule: "nerima_minor_legal_rep", certificates: userCert,
			slots:  bot.Slots{AgeGroup: bot.AgeUnder15, Visitor: bot.VisitorSelf, ExpiryDate: pageExpired},
			visits: [][]string{{nerimaCard, nerimaLegalRepID, nerimaKoseki, nerimaPINMemo, nerimaNotice}}, sameDay: true,
			notes: []string{"法定代理人が同行した上で、本人による申請ができます"}},

		// (イ) 成年被後見人: the 成年後見人 with a 登記事項証明書 under six months old.
		{name: "guardian for an adult ward", rule: "nerima_ward_guardian", certificates: userCert,
			slots:  bot.Slots{AgeGroup: bot.AgeAdultWard, Visitor: bot.VisitorLegalRep},
			visits: [][]string{{nerimaCard, nerimaLegalRepID, nerimaRegistry, nerimaPINMemo, nerimaNotice}}, sameDay: true},
		{name: "adult ward with the guardian", rule: "nerima_ward_guardian", certificates: userCert,
			slots:  bot.Slots{AgeGroup: bot.AgeAdultWard, Visitor: bot.VisitorSelf, HasNotice: bot.Bool(true)},
			visits: [][]string{{nerimaCard, nerimaLegalRepID, nerimaRegistry, nerimaPINMemo, nerimaNotice}}, sameDay: true},

		// (注釈1) keeps them out of (ウ), and (イ) names only the 法定代理人.
		{name: "proxy for a child is not described", rule: "nerima_minor_or_ward_proxy",
			slots: bot.Slots{AgeGroup: bot.AgeUnder15, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(true)},
			notes: []string{nerimaNotCoveredFor}},
		{name: "proxy for an adult ward is not described", rule: "nerima_minor_or_ward_proxy",
			slots: bot.Slots{AgeGroup: bot.AgeAdultWard, Visitor: bot.VisitorProxy},
			notes: []string{nerimaNotCoveredFor}},
	})
}

func TestNerimaItemNotes(t *testing.T) {
	m := pageMunicipality(t, "nerima")
	cases := []struct {
		name  string
		slots bot.Slots
		item  string
		note  []string
	}{
		{"a family register in Nerima needs no extract",
			bot.Slots{AgeGroup: bot.AgeUnder15, Visitor: bot.VisitorLegalRep}, nerimaKoseki,
			[]string{"練馬区の戸籍で確認できる場合は不要", "平日の午後4時頃まで"}},
		{"a 保佐人 or 補助人 also shows the 代理行為目録",
			bot.Slots{AgeGroup: bot.AgeAdultWard, Visitor: bot.VisitorLegalRep}, nerimaRegistry,
			[]string{"代理行為目録"}},
		{"the holder's PINs can be reset at the counter",
			bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf}, "暗証番号を控えたメモ",
			[]string{"窓口で再設定できます", "顔認証マイナンバーカードの場合は暗証番号は必要ありません"}},
		{"the legal representative's PIN memo lists signing only for holders of one",
			bot.Slots{AgeGroup: bot.AgeUnder15, Visitor: bot.VisitorLegalRep}, "暗証番号を控えたメモ",
			[]string{"署名用電子証明書をお持ちの方のみ"}},
		{"the proxy's first visit can do without the card",
			bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy}, nerimaCard,
			[]string{"1回目の来所時はお持ちいただかなくても"}},
		{"the form must be sealed",
			bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(true)}, nerimaForm,
			[]string{"封入封緘"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := pageChecklist(t, m, tc.slots)
			var notes []string
			for _, it := range c.Items {
				if it.Text == tc.item {
					notes = append(notes, it.Note)
				}
			}
			if len(notes) == 0 {
				t.Fatalf("no item %q in %+v", tc.item, c.Items)
			}
			// The first occurrence: the visit the note is about.
			for _, part := range tc.note {
				if !strings.Contains(notes[0], part) {
					t.Errorf("note of %q = %q, want it to contain %q", tc.item, notes[0], part)
				}
			}
		})
	}
}

func TestNerimaCounters(t *testing.T) {
	m := pageMunicipality(t, "nerima")
	c := pageChecklist(t, m, bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf})
	want := []string{"練馬区民事務所", "早宮区民事務所", "光が丘区民事務所", "石神井区民事務所", "大泉区民事務所", "関区民事務所"}
	if len(c.Counters) != len(want) {
		t.Fatalf("counters = %+v, want the six 区民事務所", c.Counters)
	}
	for i, k := range c.Counters {
		if !strings.HasPrefix(k.Name, want[i]) {
			t.Errorf("counter %d = %q, want %s", i, k.Name, want[i])
		}
		if !strings.Contains(k.Hours, "平日 午前8時30分~午後6時30分") {
			t.Errorf("%s hours = %q, want weekdays 8:30 to 18:30", k.Name, k.Hours)
		}
		// Saturdays only at the 練馬区民事務所.
		if sat := strings.Contains(k.Hours, "土曜日 午前9時~午後4時"); sat != (i == 0) {
			t.Errorf("%s hours = %q: Saturday hours %v, want %v", k.Name, k.Hours, sat, i == 0)
		}
		if !strings.Contains(k.Reservation, "予約制ではありません") {
			t.Errorf("%s reservation = %q, want none", k.Name, k.Reservation)
		}
		if k.Phone != "" {
			t.Errorf("%s phone = %q, but the page gives none", k.Name, k.Phone)
		}
	}
	if !pageHasNote(c, "電話番号の記載がありません") {
		t.Errorf("notes %q do not say the page gives no phone", c.Notes)
	}
	if c.Source.Updated != "2025-02-20" || c.Source.PageID != "986-588-616" {
		t.Errorf("source = %+v", c.Source)
	}
}

// TestNerimaEverySituation runs every situation the slots can describe and
// checks what holds across the page: only a 任意代理人 for an under-15 or
// 成年被後見人 holder is left uncovered, and every covered checklist brings
// the holder's card on its last visit.
func TestNerimaEverySituation(t *testing.T) {
	m := pageMunicipality(t, "nerima")
	for _, s := range pageSituations() {
		c := pageChecklist(t, m, s)
		uncovered := s.AgeGroup != bot.AgeAdult && s.Visitor == bot.VisitorProxy
		if c.Covered == uncovered {
			t.Errorf("%v: covered = %v, want %v", s, c.Covered, !uncovered)
			continue
		}
		if c.Covered && !pageLastVisitHas(c, nerimaCard) {
			t.Errorf("%v: the last visit does not bring the holder's card: %+v", s, c.Items)
		}
	}
}

// pageSituations lists every combination of the slots the rules look at,
// without an expiry date and with an expired one.
func pageSituations() []bot.Slots {
	var out []bot.Slots
	for _, a := range bot.AgeGroups {
		for _, v := range bot.Visitors {
			for _, n := range []bool{false, true} {
				for _, ac := range []bool{false, true} {
					for _, e := range []*bot.Date{nil, pageExpired} {
						out = append(out, bot.Slots{AgeGroup: a, Visitor: v, HasNotice: bot.Bool(n), AddressChange: bot.Bool(ac), ExpiryDate: e})
					}
				}
			}
		}
	}
	return out
}

// pageLastVisitHas reports whether c's last visit lists a required item text.
func pageLastVisitHas(c bot.Checklist, text string) bool {
	for _, it := range c.Items {
		if it.Visit == c.Visits && it.Text == text && !it.Optional {
			return true
		}
	}
	return false
}

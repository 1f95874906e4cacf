package rules_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/madoguchi/madoguchi/knowledge/rules"
)

// town is a small hand-made municipality that exercises every engine path
// without depending on the real knowledge files.
func town() *knowledge.Municipality {
	src := &knowledge.Source{Quote: "q"}
	return &knowledge.Municipality{
		ID: "town", Name: "町", Page: knowledge.Page{Title: "電子証明書", Updated: "2024-04-01", PageID: "1"},
		Contact: knowledge.Contact{Name: "町民課", Phone: "0120-000-000"},
		Silent:  map[string]string{"hours": "受付時間は記載がありません。"},
		Counters: []knowledge.Counter{
			{ID: "main", Name: "町役場", Phone: "03-1234-5678", Reservation: "不要", Source: src},
			{ID: "ward", Name: "お住まいの区の区役所", Hours: "平日", Reservation: "区による", PerWard: true, Source: src},
		},
		Wards: []knowledge.Ward{
			{ID: "aoba", Name: "青葉区", Counter: "青葉区役所", Reservation: "予約不要", Source: src},
			{ID: "tsurumi", Name: "鶴見区", Counter: "鶴見区役所", Reservation: "事前予約が必要", ReservationRequired: true, Source: src},
		},
		Items: []knowledge.ItemDef{
			{ID: "card", Text: "本人のマイナンバーカード", Source: src},
			{ID: "memo", Text: "暗証番号のメモ", Note: "あると便利", Source: src},
			{ID: "form", Text: "照会書兼回答書", Source: src},
			{ID: "id", Text: "代理人の本人確認書類", Source: src},
		},
		Rules: []knowledge.Rule{
			{ID: "proxy-form", When: knowledge.Condition{Visitor: []bot.Visitor{bot.VisitorProxy}, HasNotice: []bool{true}, Procedure: []bot.Procedure{bot.ProcedureRenewal}},
				Visits: []knowledge.Visit{{Items: []knowledge.ItemRef{{Item: "form"}, {Item: "card"}, {Item: "id"}}}}, Source: src},
			{ID: "proxy", When: knowledge.Condition{Visitor: []bot.Visitor{bot.VisitorProxy}},
				Visits: []knowledge.Visit{{Items: []knowledge.ItemRef{{Item: "id"}}}, {Items: []knowledge.ItemRef{{Item: "form"}, {Item: "card"}, {Item: "id"}}}}, Source: src},
			{ID: "minor", When: knowledge.Condition{AgeGroup: []bot.AgeGroup{bot.AgeUnder15}}, NotCovered: "記載がありません。", Source: src},
			{ID: "self", When: knowledge.Condition{}, Visits: []knowledge.Visit{{Items: []knowledge.ItemRef{{Item: "card"}, {Item: "memo", Optional: true, Note: "なくても可"}}}}, Source: src},
		},
		Notes: []knowledge.Note{
			{ID: "early", Text: "早すぎます", When: knowledge.Condition{Status: []string{"too_early"}}, Source: src},
			{ID: "nodate", Text: "期限不明", When: knowledge.Condition{Status: []string{"unknown"}}, Source: src},
			{ID: "always", Text: "いつも", Source: src},
		},
		Followups: []knowledge.Followup{
			{ID: "etax", Title: "e-Tax", Text: "再登録", Phone: "0570-01-5901", Source: src},
			{ID: "issued", Title: "発行後", Text: "発行のとき", When: knowledge.Condition{Procedure: []bot.Procedure{bot.ProcedureIssuance}}, Source: src},
		},
	}
}

func check(tb testing.TB, s bot.Slots, today string) bot.Checklist {
	tb.Helper()
	c, err := rules.Checklist(town(), s, date(tb, today))
	if err != nil {
		tb.Fatalf("Checklist(%v): %v", s, err)
	}
	return c
}

func texts(items []bot.Item, visit int) []string {
	out := []string{}
	for _, it := range items {
		if it.Visit == visit {
			out = append(out, it.Text)
		}
	}
	return out
}

func TestChecklistFirstMatchingRuleWins(t *testing.T) {
	c := check(t, bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(true)}, "2025-05-01")
	if c.Rule != "proxy-form" || c.Visits != 1 || !c.SameDay {
		t.Fatalf("proxy with form: rule=%s visits=%d same_day=%v, want proxy-form 1 true", c.Rule, c.Visits, c.SameDay)
	}
	c = check(t, bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(false)}, "2025-05-01")
	if c.Rule != "proxy" || c.Visits != 2 || c.SameDay {
		t.Fatalf("proxy without form: rule=%s visits=%d same_day=%v, want proxy 2 false", c.Rule, c.Visits, c.SameDay)
	}
	if got, want := texts(c.Items, 1), []string{"代理人の本人確認書類"}; !reflect.DeepEqual(got, want) {
		t.Errorf("visit 1 = %v, want %v", got, want)
	}
	if got, want := texts(c.Items, 2), []string{"照会書兼回答書", "本人のマイナンバーカード", "代理人の本人確認書類"}; !reflect.DeepEqual(got, want) {
		t.Errorf("visit 2 = %v, want %v", got, want)
	}
}

func TestChecklistExpiredProxyWithFormIsIssuance(t *testing.T) {
	// The form only helps a renewal here, so after expiry the proxy comes twice.
	c := check(t, bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(true), ExpiryDate: ptr(date(t, "2025-04-30"))}, "2025-05-01")
	if c.Procedure != bot.ProcedureIssuance || c.Status != bot.StatusExpired || c.Rule != "proxy" {
		t.Fatalf("procedure=%s status=%s rule=%s, want issuance expired proxy", c.Procedure, c.Status, c.Rule)
	}
	if !hasFollowup(c, "発行後") {
		t.Errorf("issuance follow-up missing: %+v", c.Followups)
	}
}

func TestChecklistItemsCarryOptionalAndNotes(t *testing.T) {
	c := check(t, bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf}, "2025-05-01")
	want := []bot.Item{
		{Text: "本人のマイナンバーカード", Visit: 1},
		{Text: "暗証番号のメモ", Visit: 1, Optional: true, Note: "なくても可"},
	}
	if !reflect.DeepEqual(c.Items, want) {
		t.Fatalf("items = %+v, want %+v", c.Items, want)
	}
	if c.Window != nil || c.Status != "" {
		t.Errorf("no expiry given, yet window=%v status=%q", c.Window, c.Status)
	}
	if !reflect.DeepEqual(c.Notes, []string{"期限不明", "いつも", "受付時間は記載がありません。"}) {
		t.Errorf("notes = %q", c.Notes)
	}
	if !reflect.DeepEqual(c.Certificates, []bot.Certificate{bot.CertSigning, bot.CertUser}) {
		t.Errorf("certificates = %v", c.Certificates)
	}
	if c.Source != (bot.Source{Title: "電子証明書", Updated: "2024-04-01", PageID: "1"}) {
		t.Errorf("source = %+v", c.Source)
	}
}

func TestChecklistWindowAndStatus(t *testing.T) {
	c := check(t, bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, ExpiryDate: ptr(date(t, "2025-07-07"))}, "2025-01-10")
	if c.Window == nil || c.Window.Start.String() != "2025-04-08" || c.Window.End.String() != "2025-07-07" {
		t.Fatalf("window = %+v", c.Window)
	}
	if c.Status != bot.StatusTooEarly || c.Procedure != bot.ProcedureRenewal {
		t.Errorf("status=%s procedure=%s, want too_early renewal", c.Status, c.Procedure)
	}
	if c.Notes[0] != "早すぎます" {
		t.Errorf("too-early note missing: %q", c.Notes)
	}
	c = check(t, bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, ExpiryDate: ptr(date(t, "2025-07-07"))}, "2025-07-07")
	if c.Status != bot.StatusInWindow || c.Procedure != bot.ProcedureRenewal {
		t.Errorf("on the expiry day: status=%s procedure=%s, want in_window renewal", c.Status, c.Procedure)
	}
	c = check(t, bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, ExpiryDate: ptr(date(t, "2025-07-07"))}, "2025-07-08")
	if c.Status != bot.StatusExpired || c.Procedure != bot.ProcedureIssuance {
		t.Errorf("the day after: status=%s procedure=%s, want expired issuance", c.Status, c.Procedure)
	}
}

func TestChecklistCertificates(t *testing.T) {
	cases := []struct {
		name  string
		slots bot.Slots
		today string
		want  []bot.Certificate
		proc  bot.Procedure
	}{
		{"minor holds the user certificate only", bot.Slots{AgeGroup: bot.AgeAdultWard, Visitor: bot.VisitorSelf}, "2025-05-01", []bot.Certificate{bot.CertUser}, bot.ProcedureRenewal},
		{"address change revokes only signing", bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, AddressChange: bot.Bool(true)}, "2025-05-01", []bot.Certificate{bot.CertSigning}, bot.ProcedureIssuance},
		{"address change in the window renews both", bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, AddressChange: bot.Bool(true), ExpiryDate: ptr(date(t, "2025-06-01"))}, "2025-05-01", []bot.Certificate{bot.CertSigning, bot.CertUser}, bot.ProcedureIssuance},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := check(t, c.slots, c.today)
			if !reflect.DeepEqual(got.Certificates, c.want) || got.Procedure != c.proc {
				t.Errorf("certificates=%v procedure=%s, want %v %s", got.Certificates, got.Procedure, c.want, c.proc)
			}
		})
	}
}

func TestChecklistNotCovered(t *testing.T) {
	c := check(t, bot.Slots{AgeGroup: bot.AgeUnder15, Visitor: bot.VisitorSelf}, "2025-05-01")
	if c.Covered || c.Visits != 0 || c.SameDay || len(c.Items) != 0 {
		t.Fatalf("covered=%v visits=%d same_day=%v items=%v, want an uncovered empty checklist", c.Covered, c.Visits, c.SameDay, c.Items)
	}
	if c.Notes[0] != "記載がありません。" || c.Contact == nil || c.Contact.Phone != "0120-000-000" {
		t.Errorf("notes=%q contact=%+v, want the not-covered note first and the contact", c.Notes, c.Contact)
	}
}

func TestChecklistWardCounter(t *testing.T) {
	for _, c := range []struct{ ward, name, reservation string }{
		{"", "お住まいの区の区役所", "区による"},
		{"aoba", "青葉区役所", "予約不要"},
		{"tsurumi", "鶴見区役所", "事前予約が必要"},
	} {
		got := check(t, bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, Ward: c.ward}, "2025-05-01").Counters
		if got[0].Name != "町役場" || got[1].Name != c.name || got[1].Reservation != c.reservation {
			t.Errorf("ward %q: counters = %+v", c.ward, got)
		}
	}
}

func TestChecklistInvalidSlots(t *testing.T) {
	noWards := town()
	noWards.Wards = nil
	cases := []struct {
		name  string
		m     *knowledge.Municipality
		slots bot.Slots
		field string
	}{
		{"age_group missing", town(), bot.Slots{Visitor: bot.VisitorSelf}, "age_group"},
		{"visitor missing", town(), bot.Slots{AgeGroup: bot.AgeAdult}, "visitor"},
		{"unknown age_group", town(), bot.Slots{AgeGroup: "child", Visitor: bot.VisitorSelf}, "age_group"},
		{"unknown visitor", town(), bot.Slots{AgeGroup: bot.AgeAdult, Visitor: "friend"}, "visitor"},
		{"unknown ward", town(), bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, Ward: "shibuya"}, "ward"},
		{"ward outside yokohama", noWards, bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, Ward: "aoba"}, "ward"},
		{"ward the municipality does not have", town(), bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, Ward: "shibuya"}, "ward"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := rules.Checklist(c.m, c.slots, date(t, "2025-05-01"))
			var be *bot.Error
			if !errors.As(err, &be) || be.Code != bot.CodeInvalid || be.Field != c.field {
				t.Fatalf("err = %v, want CodeInvalid on %s", err, c.field)
			}
		})
	}
}

func hasFollowup(c bot.Checklist, title string) bool {
	for _, f := range c.Followups {
		if f.Title == title {
			return true
		}
	}
	return false
}

func ptr[T any](v T) *T { return &v }

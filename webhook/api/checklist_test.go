package api_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/bot/present"
	"github.com/madoguchi/madoguchi/internal/kbtest"
	"github.com/madoguchi/madoguchi/knowledge/rules"
	"github.com/madoguchi/madoguchi/webhook/api"
)

func TestChecklistErrors(t *testing.T) {
	h := newServer(t, api.Deps{Catalog: catalogOf(kb(t)), Clock: fixedClock})
	const p = "/api/v1/checklist"
	ok := `"municipality":"edogawa","age_group":"adult","visitor":"self"`
	checkErrors(t, h, []errorCase{
		{name: "empty body", path: p, body: ``, status: 400, code: "invalid", inMsg: "empty"},
		{name: "malformed JSON", path: p, body: `{"municipality":"edogawa",`, status: 400, code: "invalid", inMsg: "malformed JSON"},
		{name: "syntax error offset", path: p, body: `{"municipality" "edogawa"}`, status: 400, code: "invalid", inMsg: "byte offset 16"},
		{name: "array body", path: p, body: `[]`, status: 400, code: "invalid", inMsg: "JSON object"},
		{name: "trailing data", path: p, body: `{` + ok + `} {}`, status: 400, code: "invalid", inMsg: "after the JSON object"},
		{name: "unknown field", path: p, body: `{` + ok + `,"agegroup":"adult"}`, status: 400, code: "invalid", field: "agegroup", inMsg: "unknown field"},
		{name: "wrong type", path: p, body: `{` + ok + `,"has_notice":"yes"}`, status: 400, code: "invalid", field: "has_notice", inMsg: "boolean"},
		{name: "number for string", path: p, body: `{"municipality":1}`, status: 400, code: "invalid", field: "municipality", inMsg: "string"},
		{name: "unknown lang", path: p, body: `{` + ok + `,"lang":"zh"}`, status: 400, code: "invalid", field: "lang", inMsg: "ja-x-easy"},
		{name: "missing municipality", path: p, body: `{"age_group":"adult","visitor":"self"}`, status: 400, code: "invalid", field: "municipality", inMsg: "required"},
		{name: "missing age_group", path: p, body: `{"municipality":"edogawa","visitor":"self"}`, status: 400, code: "invalid", field: "age_group", inMsg: "required"},
		{name: "missing visitor", path: p, body: `{"municipality":"edogawa","age_group":"adult"}`, status: 400, code: "invalid", field: "visitor", inMsg: "required"},
		{name: "null visitor", path: p, body: `{"municipality":"edogawa","age_group":"adult","visitor":null}`, status: 400, code: "invalid", field: "visitor", inMsg: "required"},
		{name: "wrong age_group", path: p, body: `{"municipality":"edogawa","age_group":"child","visitor":"self"}`, status: 400, code: "invalid", field: "age_group", inMsg: `"child"`},
		{name: "wrong visitor", path: p, body: `{"municipality":"edogawa","age_group":"adult","visitor":"family"}`, status: 400, code: "invalid", field: "visitor", inMsg: "self, legal_rep, proxy"},
		{name: "upper-case enum", path: p, body: `{"municipality":"edogawa","age_group":"ADULT","visitor":"self"}`, status: 400, code: "invalid", field: "age_group"},
		{name: "wrong ward", path: p, body: `{"municipality":"yokohama","age_group":"adult","visitor":"self","ward":"shibuya"}`, status: 400, code: "invalid", field: "ward", inMsg: "shibuya"},
		{name: "ward outside Yokohama", path: p, body: `{` + ok + `,"ward":"aoba"}`, status: 400, code: "invalid", field: "ward"},
		{name: "nonexistent expiry date", path: p, body: `{` + ok + `,"expiry_date":"2025-02-30"}`, status: 400, code: "invalid", field: "expiry_date", inMsg: "2025-02-30"},
		{name: "emoji expiry date", path: p, body: `{` + ok + `,"expiry_date":"🎉"}`, status: 400, code: "invalid", field: "expiry_date", inMsg: "YYYY-MM-DD"},
		{name: "slashed expiry date", path: p, body: `{` + ok + `,"expiry_date":"2025/07/07"}`, status: 400, code: "invalid", field: "expiry_date"},
		{name: "number expiry date", path: p, body: `{` + ok + `,"expiry_date":20250707}`, status: 400, code: "invalid", field: "expiry_date", inMsg: "string"},
		{name: "year 0 expiry date", path: p, body: `{` + ok + `,"expiry_date":"0000-01-01"}`, status: 400, code: "invalid", field: "expiry_date", inMsg: "from 2000-01-01 to 2099-12-31"},
		{name: "expiry date before 2000", path: p, body: `{` + ok + `,"expiry_date":"1999-12-31"}`, status: 400, code: "invalid", field: "expiry_date", inMsg: "2000-01-01"},
		{name: "expiry date after 2099", path: p, body: `{` + ok + `,"expiry_date":"2100-01-01"}`, status: 400, code: "invalid", field: "expiry_date", inMsg: "2099-12-31"},
		{name: "year 9999 today", path: p, body: `{` + ok + `,"today":"9999-12-31"}`, status: 400, code: "invalid", field: "today", inMsg: "2099-12-31"},
		{name: "year 0 today", path: p, body: `{` + ok + `,"today":"0000-01-01"}`, status: 400, code: "invalid", field: "today"},
		{name: "field name in capitals", path: p, body: `{"Municipality":"edogawa","age_group":"adult","visitor":"self"}`, status: 400, code: "invalid", field: "Municipality", inMsg: "case-sensitive"},
		{name: "duplicate field", path: p, body: `{` + ok + `,"visitor":"proxy"}`, status: 400, code: "invalid", field: "visitor", inMsg: "duplicate"},
		{name: "invalid UTF-8", path: p, body: "{\"municipality\":\"yokohama\",\"age_group\":\"adult\",\"visitor\":\"self\",\"ward\":\"ao\xffba\"}", status: 400, code: "invalid", field: "ward", inMsg: "UTF-8"},
		{name: "emoji today", path: p, body: `{` + ok + `,"today":"🎉"}`, status: 400, code: "invalid", field: "today"},
		{name: "13th month today", path: p, body: `{` + ok + `,"today":"2025-13-01"}`, status: 400, code: "invalid", field: "today"},
		{name: "wrong type move_at_visit", path: p, body: `{` + ok + `,"move_at_visit":"yes"}`, status: 400, code: "invalid", field: "move_at_visit", inMsg: "boolean"},
		{name: "move at the visit without an address change", path: p, body: `{` + ok + `,"address_change":false,"move_at_visit":true}`, status: 400, code: "invalid", field: "move_at_visit", inMsg: "address_change"},
		{name: "unknown municipality", path: p, body: `{"municipality":"tokyo","age_group":"adult","visitor":"self"}`, status: 404, code: "not_found", field: "municipality", inMsg: "tokyo"},
		{name: "municipality id in capitals", path: p, body: `{"municipality":"EDOGAWA","age_group":"adult","visitor":"self"}`, status: 404, code: "not_found", field: "municipality"},
		{name: "4 MB body", path: p, body: `{"municipality":"` + strings.Repeat("a", 4<<20) + `"}`, status: 413, code: "too_large"},
	})
}

// checklistFor posts body and decodes the checklist, failing on non-200.
func checklistFor(t *testing.T, h http.Handler, reqBody string) bot.Checklist {
	t.Helper()
	w := do(t, h, http.MethodPost, "/api/v1/checklist", reqBody)
	if w.Code != http.StatusOK {
		t.Fatalf("POST %s = %d %s", reqBody, w.Code, w.Body)
	}
	// The body is the checklist plus its one presentation, "view", which
	// must be present.Present's of that very checklist.
	var body struct {
		bot.Checklist
		View present.View `json:"view"`
	}
	decodeStrict(t, w, &body)
	if body.Texts != nil {
		t.Errorf("POST %s: the body writes out the checklist's texts (they are in the view)", reqBody)
	}
	// The view is in the municipality's texts (Japanese: no lang asked).
	words := kbtest.Texts(t, body.Municipality, bot.LangJa)
	body.Texts = &words
	if want := present.Present(&body.Checklist, present.Options{}); !reflect.DeepEqual(body.View, want) {
		t.Errorf("POST %s: view %+v, want present.Present's %+v", reqBody, body.View, want)
	}
	body.Texts = nil
	if body.View.Title == "" || body.View.Visits == nil || body.View.Warnings == nil {
		t.Errorf("POST %s: view without a title or with null lists: %+v", reqBody, body.View)
	}
	return body.Checklist
}

func TestChecklistIsTheRulesEngines(t *testing.T) {
	k := kb(t)
	h := newServer(t, api.Deps{Catalog: catalogOf(k), Clock: fixedClock})
	tests := []struct {
		body  string
		slots bot.Slots
		today bot.Date
	}{
		{
			body:  `{"municipality":"edogawa","age_group":"adult","visitor":"proxy","has_notice":false,"address_change":false,"expiry_date":"2025-07-07","today":"2025-05-01","ward":""}`,
			slots: bot.Slots{AgeGroup: "adult", Visitor: "proxy", HasNotice: bot.Bool(false), AddressChange: bot.Bool(false), ExpiryDate: &bot.Date{Year: 2025, Month: 7, Day: 7}},
			today: bot.NewDate(2025, 5, 1),
		},
		{ // defaults: no notice, no address change, today from the clock in Japan
			body:  `{"municipality":"nerima","age_group":"under15","visitor":"legal_rep"}`,
			slots: bot.Slots{AgeGroup: "under15", Visitor: "legal_rep", HasNotice: bot.Bool(false), AddressChange: bot.Bool(false)},
			today: bot.NewDate(2025, 5, 1),
		},
		{
			body:  `{"municipality":"yokohama","age_group":"adult","visitor":"self","has_notice":true,"ward":"tsurumi","expiry_date":"2025-05-29","today":"2025-02-28"}`,
			slots: bot.Slots{AgeGroup: "adult", Visitor: "self", HasNotice: bot.Bool(true), AddressChange: bot.Bool(false), Ward: "tsurumi", ExpiryDate: &bot.Date{Year: 2025, Month: 5, Day: 29}},
			today: bot.NewDate(2025, 2, 28),
		},
		{
			body:  `{"municipality":"akitakata","age_group":"adult_ward","visitor":"legal_rep","address_change":true,"expiry_date":"","today":null}`,
			slots: bot.Slots{AgeGroup: "adult_ward", Visitor: "legal_rep", HasNotice: bot.Bool(false), AddressChange: bot.Bool(true)},
			today: bot.NewDate(2025, 5, 1),
		},
		{ // a move filed at the visit: an address change even when address_change is absent
			body:  `{"municipality":"edogawa","age_group":"under15","visitor":"legal_rep","move_at_visit":true}`,
			slots: bot.Slots{AgeGroup: "under15", Visitor: "legal_rep", HasNotice: bot.Bool(false), AddressChange: bot.Bool(true), MoveAtVisit: bot.Bool(true)},
			today: bot.NewDate(2025, 5, 1),
		},
	}
	for _, tt := range tests {
		var req struct{ Municipality string }
		_ = json.Unmarshal([]byte(tt.body), &req)
		want, err := rules.Checklist(k.Municipality(req.Municipality), tt.slots, tt.today)
		if err != nil {
			t.Fatalf("rules.Checklist(%s): %v", tt.slots, err)
		}
		got := checklistFor(t, h, tt.body)
		want.Texts = nil // the API writes the words out in the view alone
		gb, _ := json.Marshal(got)
		wb, _ := json.Marshal(want)
		if string(gb) != string(wb) {
			t.Errorf("POST %s\n got %s\nwant %s", tt.body, gb, wb)
		}
	}
}

func TestChecklistContract(t *testing.T) {
	h := newServer(t, api.Deps{Catalog: catalogOf(kb(t)), Clock: fixedClock})

	// The contract's own example: Edogawa, a proxy without the form.
	c := checklistFor(t, h, `{"municipality":"edogawa","age_group":"adult","visitor":"proxy","has_notice":false,"address_change":false,"expiry_date":"2025-07-07","today":"2025-05-01","ward":""}`)
	if c.Municipality != "edogawa" || c.Procedure != bot.ProcedureRenewal || c.Visits != 2 || c.SameDay ||
		c.Window == nil || c.Window.Start.String() != "2025-04-08" || c.Window.End.String() != "2025-07-07" || c.Status != bot.StatusInWindow {
		t.Errorf("edogawa proxy without the form = %+v", c)
	}
	if c.Source.Updated != "2024-04-01" || len(c.Counters) == 0 || len(c.Items) == 0 {
		t.Errorf("edogawa: source %+v, %d counters, %d items", c.Source, len(c.Counters), len(c.Items))
	}

	// today defaults to the date in Japan: 2025-04-07 23:59 JST is still too early.
	h2 := newServer(t, api.Deps{Catalog: catalogOf(kb(t)), Clock: func() time.Time { return time.Date(2025, 4, 7, 14, 59, 0, 0, time.UTC) }})
	if c := checklistFor(t, h2, `{"municipality":"edogawa","age_group":"adult","visitor":"self","expiry_date":"2025-07-07"}`); c.Status != bot.StatusTooEarly {
		t.Errorf("2025-04-07 23:59 JST: status = %q, want too_early", c.Status)
	}
	h3 := newServer(t, api.Deps{Catalog: catalogOf(kb(t)), Clock: func() time.Time { return time.Date(2025, 4, 7, 15, 0, 0, 0, time.UTC) }})
	if c := checklistFor(t, h3, `{"municipality":"edogawa","age_group":"adult","visitor":"self","expiry_date":"2025-07-07"}`); c.Status != bot.StatusInWindow {
		t.Errorf("2025-04-08 00:00 JST: status = %q, want in_window", c.Status)
	}

	// Yokohama: Aoba takes walk-ins, Tsurumi needs a reservation.
	aoba := checklistFor(t, h, `{"municipality":"yokohama","age_group":"adult","visitor":"self","ward":"aoba"}`)
	tsurumi := checklistFor(t, h, `{"municipality":"yokohama","age_group":"adult","visitor":"self","ward":"tsurumi"}`)
	if len(aoba.Counters) != 1 || !strings.Contains(aoba.Counters[0].Name, "青葉") || !strings.Contains(aoba.Counters[0].Reservation, "不要") {
		t.Errorf("aoba counters = %+v", aoba.Counters)
	}
	if len(tsurumi.Counters) != 1 || !strings.Contains(tsurumi.Counters[0].Name, "鶴見") || !strings.Contains(tsurumi.Counters[0].Reservation, "予約が必要") {
		t.Errorf("tsurumi counters = %+v", tsurumi.Counters)
	}

	// Edogawa: the same-day route of a move filed at the visit is the
	// checklist itself; the same address change with the move filed
	// earlier takes two visits.
	same := checklistFor(t, h, `{"municipality":"edogawa","age_group":"adult","visitor":"proxy","address_change":true,"move_at_visit":true}`)
	earlier := checklistFor(t, h, `{"municipality":"edogawa","age_group":"adult","visitor":"proxy","address_change":true,"move_at_visit":false}`)
	unsaid := checklistFor(t, h, `{"municipality":"edogawa","age_group":"adult","visitor":"proxy","address_change":true}`)
	if same.Visits != 1 || !same.SameDay || same.Procedure != bot.ProcedureIssuance || len(same.Items) == 0 || same.Items[0].Text != "暗証番号を記載した委任状" {
		t.Errorf("edogawa move at the visit = %+v, want one visit, same day, the 委任状 first", same)
	}
	if earlier.Visits != 2 || earlier.SameDay || unsaid.Visits != 2 || unsaid.Rule != earlier.Rule {
		t.Errorf("edogawa move filed earlier: visits %d same_day %v; unsaid: visits %d rule %s", earlier.Visits, earlier.SameDay, unsaid.Visits, unsaid.Rule)
	}

	// Akishima after expiry: the contract's issuance, named 更新 as the
	// page does; the contact carries the page's fax number.
	aki := checklistFor(t, h, `{"municipality":"akishima","age_group":"adult","visitor":"self","expiry_date":"2025-04-30","today":"2025-05-01"}`)
	if aki.Procedure != bot.ProcedureIssuance || aki.ProcedureName != "更新" || aki.Contact == nil || aki.Contact.Fax != "042-544-5115" {
		t.Errorf("akishima after expiry: procedure %s named %q, contact %+v", aki.Procedure, aki.ProcedureName, aki.Contact)
	}
	w := do(t, h, http.MethodPost, "/api/v1/checklist", `{"municipality":"akishima","age_group":"adult","visitor":"self","expiry_date":"2025-12-01","today":"2025-05-01"}`)
	if body := w.Body.String(); !strings.Contains(body, `"procedure_name":"更新"`) || !strings.Contains(body, `"start":"2025-09-02"`) || !strings.Contains(body, "2025年9月2日(火)から") {
		t.Errorf("akishima too early: %s", body)
	}

	// Nerima, under 15: no signing certificate.
	n := checklistFor(t, h, `{"municipality":"nerima","age_group":"under15","visitor":"legal_rep"}`)
	for _, cert := range n.Certificates {
		if cert == bot.CertSigning {
			t.Errorf("nerima under15 certificates = %v, want no signing", n.Certificates)
		}
	}
	if n.Window != nil || n.Status != "" {
		t.Errorf("nerima without expiry_date: window %v status %q, want none", n.Window, n.Status)
	}
}

// TestChecklistNeverFails posts every combination of the slots to every
// municipality: whatever a client sends within the contract gets a 200
// (where the page is silent, a checklist that says so), never a 500.
func TestChecklistNeverFails(t *testing.T) {
	k := kb(t)
	h := newServer(t, api.Deps{Catalog: catalogOf(k), Clock: fixedClock})
	expiries := []string{"", "2025-07-07", "2025-05-01", "2025-04-30", "2030-01-31", "2024-02-29"}
	for _, m := range k.Municipalities {
		for _, age := range bot.AgeGroups {
			for _, visitor := range bot.Visitors {
				for _, notice := range []bool{false, true} {
					for _, addr := range []bool{false, true} {
						for i, exp := range expiries {
							ward := "" // the rules engine refuses a ward elsewhere, as a 400
							if m.ID == "yokohama" {
								ward = m.Wards[i%len(m.Wards)].ID
							}
							for _, move := range []any{nil, false, addr} {
								body, _ := json.Marshal(map[string]any{"municipality": m.ID, "age_group": age, "visitor": visitor,
									"has_notice": notice, "address_change": addr, "move_at_visit": move, "expiry_date": exp, "ward": ward})
								w := do(t, h, http.MethodPost, "/api/v1/checklist", string(body))
								if w.Code != http.StatusOK {
									t.Errorf("POST %s = %d %s", body, w.Code, w.Body)
								}
							}
						}
					}
				}
			}
		}
	}
}

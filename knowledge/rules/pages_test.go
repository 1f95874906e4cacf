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

// The page tests (akishima_test.go, akitakata_test.go, edogawa_test.go,
// nerima_test.go, yokohama_test.go) run the engine over the real knowledge
// and check that each checklist says what the municipal page says. Their
// shared helpers are here. They use the embedded knowledge, or the folder
// KNOWLEDGE_DIR names, so staff can check an edited folder with the same
// tests.

var (
	pageKBOnce sync.Once
	pageKB     *knowledge.KB
	pageKBErr  error
)

// pageMunicipality returns municipality id from the knowledge base, loaded
// once for the whole package, failing the test when the base does not load
// or lacks the municipality.
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

// pageDate parses a date literal of the tables, panicking on a bad one: the
// tables are package variables, built before any test can fail.
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

// The certificate sets a checklist can renew or issue, for
// pageCase.certificates.
var (
	bothCerts   = []bot.Certificate{bot.CertSigning, bot.CertUser}
	userCert    = []bot.Certificate{bot.CertUser}
	signingCert = []bot.Certificate{bot.CertSigning}
)

// pageCase is one resident's situation and the checklist the page implies.
type pageCase struct {
	name         string
	slots        bot.Slots
	rule         string
	procedure    bot.Procedure     // checked when set
	certificates []bot.Certificate // checked when set
	// visits lists the item texts of each visit, in order, optional ones
	// ending in optionalMark; nil when the page does not cover the case.
	visits  [][]string
	sameDay bool
	// notes are substrings that some note of the checklist must contain.
	notes []string
}

// pageChecklist runs the engine for m on pageToday, failing the test on an
// error.
func pageChecklist(tb testing.TB, m *knowledge.Municipality, s bot.Slots) bot.Checklist {
	tb.Helper()
	c, err := rules.Checklist(m, s, *pageDate(pageToday))
	if err != nil {
		tb.Fatalf("Checklist(%s, %v): %v", m.ID, s, err)
	}
	return c
}

// pageVisits groups c's item texts by visit, marking optional ones with
// optionalMark; nil when c has no visit.
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

// checkPageCase compares c with want, reporting every difference.
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
	wantNotes(tb, c, want.notes...)
}

// runPageCases checks every case against municipality id, each in a subtest
// of its name.
func runPageCases(t *testing.T, id string, cases []pageCase) {
	t.Helper()
	m := pageMunicipality(t, id)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkPageCase(t, pageChecklist(t, m, tc.slots), tc)
		})
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

// wantNotes reports an error for each of parts that no note of c contains.
func wantNotes(tb testing.TB, c bot.Checklist, parts ...string) {
	tb.Helper()
	for _, part := range parts {
		if !pageHasNote(c, part) {
			tb.Errorf("no note containing %q in %q", part, c.Notes)
		}
	}
}

// pageItemNote returns the note of the first item of c whose text is text,
// failing the test when c has no such item.
func pageItemNote(tb testing.TB, c bot.Checklist, text string) string {
	tb.Helper()
	for _, it := range c.Items {
		if it.Text == text {
			return it.Note
		}
	}
	tb.Fatalf("no item %q in %+v", text, c.Items)
	return ""
}

// itemNoteCase is a situation and what the note of one of its items says.
type itemNoteCase struct {
	name  string
	slots bot.Slots
	item  string // the item's text; the first item of that text is checked
	note  []string
}

// runItemNoteCases checks, for each case against municipality id, that the
// note of the item contains every part of tc.note.
func runItemNoteCases(t *testing.T, id string, cases []itemNoteCase) {
	t.Helper()
	m := pageMunicipality(t, id)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			note := pageItemNote(t, pageChecklist(t, m, tc.slots), tc.item)
			for _, part := range tc.note {
				if !strings.Contains(note, part) {
					t.Errorf("note of %q = %q, want it to contain %q", tc.item, note, part)
				}
			}
		})
	}
}

// pageSituations lists every combination of the slots the rules look at,
// without an expiry date and with an expired one; an address change comes
// with the move filed at the visit, filed earlier, and unknown.
func pageSituations() []bot.Slots {
	var out []bot.Slots
	for _, a := range bot.AgeGroups {
		for _, v := range bot.Visitors {
			for _, n := range []bool{false, true} {
				for _, ac := range []bool{false, true} {
					moves := []*bool{nil}
					if ac {
						moves = []*bool{nil, bot.Bool(false), bot.Bool(true)}
					}
					for _, mv := range moves {
						for _, e := range []*bot.Date{nil, pageExpired} {
							out = append(out, bot.Slots{AgeGroup: a, Visitor: v, HasNotice: bot.Bool(n),
								AddressChange: bot.Bool(ac), MoveAtVisit: mv, ExpiryDate: e})
						}
					}
				}
			}
		}
	}
	return out
}

// runSituations runs municipality id's checklist for every one of
// pageSituations, reports those whose coverage differs from covered(s), and
// hands the others to check.
func runSituations(t *testing.T, id string, covered func(s bot.Slots) bool, check func(s bot.Slots, c bot.Checklist)) {
	t.Helper()
	m := pageMunicipality(t, id)
	for _, s := range pageSituations() {
		c := pageChecklist(t, m, s)
		if want := covered(s); c.Covered != want {
			t.Errorf("%v: covered = %v, want %v (rule %s)", s, c.Covered, want, c.Rule)
			continue
		}
		check(s, c)
	}
}

// pageLastVisitHas reports whether c's last visit lists the required (not
// optional) item text.
func pageLastVisitHas(c bot.Checklist, text string) bool {
	for _, it := range c.Items {
		if it.Visit == c.Visits && it.Text == text && !it.Optional {
			return true
		}
	}
	return false
}

// wantSource reports an error unless c cites the page of the given update
// date and, when pageID is not empty, the given page id.
func wantSource(tb testing.TB, c bot.Checklist, updated, pageID string) {
	tb.Helper()
	if c.Source.Updated != updated || (pageID != "" && c.Source.PageID != pageID) {
		tb.Errorf("source = %+v, want updated %s, page id %q", c.Source, updated, pageID)
	}
}

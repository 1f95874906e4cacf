package admin

import (
	"fmt"
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/internal/textdiff"
	"github.com/madoguchi/madoguchi/knowledge"
	"testing/fstest"
)

func TestSetCountersKeepsTheRest(t *testing.T) {
	base := knowledge.Embedded()
	src, err := fsRead(base, "edogawa.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cs, err := readCounters(src)
	if err != nil || len(cs) < 2 || cs[0].Values["phone"] != "03-5662-9200" {
		t.Fatalf("counters %+v, %v", cs, err)
	}
	// Unchanged values leave the text as it is.
	same, err := setCounters(src, map[int]map[string]string{0: cs[0].Values})
	if err != nil || same != src {
		t.Fatalf("an edit changing nothing rewrote the YAML (%v)", err)
	}
	out, err := setCounters(src, map[int]map[string]string{1: {"hours": "平日 8時30分から17時"}})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := readCounters(out)
	if got[1].Values["hours"] != "平日 8時30分から17時" || got[0].Values["phone"] != cs[0].Values["phone"] {
		t.Fatalf("after the edit: %+v", got[:2])
	}
	// Only the edit changes: one line added, the rest byte for byte.
	diff := textdiff.Lines(src, out)
	var changed []string
	for _, l := range diff {
		if l.Op == "+" || l.Op == "-" {
			changed = append(changed, l.String())
		}
	}
	if len(changed) != 1 || changed[0] != `+    hours: "平日 8時30分から17時"` {
		t.Fatalf("changed lines %q", changed)
	}
	// A value changed in place, and one removed.
	out2, err := setCounters(out, map[int]map[string]string{0: {"name": "専用窓口(本庁舎)", "phone": ""}, 1: {"hours": "平日"}})
	if err != nil {
		t.Fatal(err)
	}
	got2, _ := readCounters(out2)
	// Counters 0 to 2 refer to one contact (contact: senyo): its number,
	// removed, is gone from all three; counter 3 has a contact of its own.
	if got2[0].Values["name"] != "専用窓口(本庁舎)" || got2[0].Values["phone"] != "" || got2[1].Values["hours"] != "平日" ||
		got2[2].Values["phone"] != "" || got2[3].Values["phone"] != cs[3].Values["phone"] || cs[3].Values["phone"] == "" {
		t.Fatalf("after the second edit: %+v", got2[:3])
	}
	if n := len(strings.Split(out2, "\n")) - len(strings.Split(out, "\n")); n != -1 {
		t.Fatalf("the second edit changed the line count by %d", n)
	}
	// The edited YAML still loads (the rest is intact), with the new hours.
	fsys := fstest.MapFS{}
	for _, f := range []string{"national.yaml", "akishima.yaml", "akitakata.yaml", "nerima.yaml", "yokohama.yaml",
		"seeds/edogawa.txt", "seeds/akishima.txt", "seeds/akitakata.txt", "seeds/nerima.txt", "seeds/yokohama.txt"} {
		b, _ := fsRead(base, f)
		fsys[f] = &fstest.MapFile{Data: []byte(b)}
	}
	fsys["edogawa.yaml"] = &fstest.MapFile{Data: []byte(out)}
	kb, err := knowledge.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if kb.Municipality("edogawa").Counters[1].Hours != "平日 8時30分から17時" {
		t.Fatal("hours not loaded")
	}
}

// TestSetCountersEditsTheSharedContact: a counter's phone that refers to a
// contact is changed at the contact, one line, and every counter referring
// to it shows the new number.
func TestSetCountersEditsTheSharedContact(t *testing.T) {
	src, err := fsRead(knowledge.Embedded(), "edogawa.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cs, _ := readCounters(src)
	edits := map[int]map[string]string{}
	for i, c := range cs {
		edits[i] = c.Values // the whole form, as posted
	}
	edits[1] = map[string]string{"name": cs[1].Values["name"], "phone": "03-5662-9999"}
	out, err := setCounters(src, edits)
	if err != nil {
		t.Fatal(err)
	}
	var changed []string
	for _, l := range textdiff.Lines(src, out) {
		if l.Op == "+" || l.Op == "-" {
			changed = append(changed, l.String())
		}
	}
	if len(changed) != 2 || changed[1] != `+    phone: "03-5662-9999"` {
		t.Fatalf("changed lines %q, want the contact's phone line only", changed)
	}
	got, _ := readCounters(out)
	for i := 0; i < 3; i++ {
		if got[i].Values["phone"] != "03-5662-9999" {
			t.Errorf("counter %d phone %q, want the shared contact's new number", i, got[i].Values["phone"])
		}
	}
}

// TestFollowQuotes: a changed number moves into the quotes the new page
// says it in, and only those; prose still naming it is reported.
func TestFollowQuotes(t *testing.T) {
	src := "contacts:\n  - id: k\n    phone: 03-1111-2222\n    source: \"小松川(電話:03-1111-2222)\"\n" +
		"counters:\n  - source: \"小松川(電話:03-1111-2222)\"\n  - source: \"別の文(電話:03-1111-2222)\"\n" +
		"note: \"電話 03-1111-2222 へ\"\n"
	oldPage := "小松川(電話:03-1111-2222)\n別の文(電話:03-1111-2222)\n"
	newPage := "小松川(電話:03-9999-0000)\n別の文(電話:03-1111-2222)\n"
	got, stale := followQuotes(src, oldPage, newPage, map[string]string{"03-1111-2222": "03-9999-0000"})
	want := "contacts:\n  - id: k\n    phone: 03-1111-2222\n    source: \"小松川(電話:03-9999-0000)\"\n" +
		"counters:\n  - source: \"小松川(電話:03-9999-0000)\"\n  - source: \"別の文(電話:03-1111-2222)\"\n" +
		"note: \"電話 03-1111-2222 へ\"\n"
	if got != want {
		t.Errorf("followQuotes =\n%s\nwant\n%s", got, want)
	}
	// The phone line itself is the form's to set (setCounters ran before);
	// here it is reported with the quote still on the page and the prose.
	if fmt.Sprint(stale) != "[3 7 8]" {
		t.Errorf("stale lines %v, want [3 7 8]", stale)
	}
}

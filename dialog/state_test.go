package dialog_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/dialog"
)

func fullState() dialog.State {
	yes, no := true, false
	d := bot.NewDate(2027, time.March, 3)
	inner := dialog.State{Version: 1, Slots: bot.Slots{AgeGroup: bot.AgeAdult, HasNotice: &no},
		Asking: "visitor", History: []string{"age_group"}, Turns: 1}
	return dialog.State{
		Version: 1,
		Slots: bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: &yes,
			AddressChange: &yes, MoveAtVisit: &no, ExpiryDate: &d, Ward: "aoba"},
		Asking: "expiry_date", Skipped: []string{"expiry_date"}, History: []string{"age_group", "visitor"},
		Misses: 1, Done: true, Turns: 4, Updated: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC),
		Recent: []string{"e1", "e2"}, Before: &inner,
	}
}

// Every field that refers to memory (a slice or a pointer, in State and in
// its Slots) must be copied, also fields added after this test was written.
func TestCloneSharesNothing(t *testing.T) {
	orig := fullState()
	c := orig.Clone()
	if !reflect.DeepEqual(orig, c) {
		t.Fatalf("clone differs:\n%+v\n%+v", orig, c)
	}
	// A Before has no Before or Recent of its own: nil is fine below it.
	var walk func(path string, a, b reflect.Value, nested bool)
	walk = func(path string, a, b reflect.Value, nested bool) {
		switch a.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map:
			if a.IsNil() {
				if !nested {
					t.Errorf("%s is nil in fullState: set it so that this test covers it", path)
				}
				return
			}
			if a.Pointer() == b.Pointer() {
				t.Errorf("%s is shared between a State and its Clone", path)
			}
			if a.Kind() == reflect.Pointer {
				walk(path, a.Elem(), b.Elem(), true)
			}
		case reflect.Struct:
			if a.Type() == reflect.TypeFor[time.Time]() {
				return
			}
			for i := range a.NumField() {
				walk(path+"."+a.Type().Field(i).Name, a.Field(i), b.Field(i), nested)
			}
		}
	}
	walk("State", reflect.ValueOf(orig), reflect.ValueOf(c), false)

	before, _ := json.Marshal(orig)
	*c.Slots.HasNotice = false
	*c.Slots.ExpiryDate = bot.NewDate(2030, time.January, 1)
	c.History[0], c.Skipped[0], c.Recent[0] = "x", "x", "x"
	c.Before.History[0] = "x"
	*c.Before.Slots.HasNotice = true
	after, _ := json.Marshal(orig)
	if string(before) != string(after) {
		t.Errorf("changing the clone changed the original:\n%s\n%s", before, after)
	}
}

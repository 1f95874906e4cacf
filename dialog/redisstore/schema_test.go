package redisstore_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/dialog"
	"github.com/madoguchi/madoguchi/dialog/redisstore"
)

// TestStoredVersions loads values as older, newer and broken releases left
// them (testdata/), then saves a turn over them.
func TestStoredVersions(t *testing.T) {
	expiry := bot.NewDate(2025, 7, 7)
	earlier := time.Date(2025, 4, 30, 18, 0, 0, 0, bot.Japan)
	tests := []struct {
		file string
		// want is what fn sees; ignored when corrupt or newer.
		want    dialog.State
		corrupt bool // discarded: fn sees a zero State, a warning is logged
		newer   bool // refused with ErrNewerSchema and left as it is
	}{
		{file: "v0.json", want: dialog.State{
			Version: 1,
			Slots: bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, HasNotice: bot.Bool(true),
				AddressChange: bot.Bool(false), ExpiryDate: &expiry},
			Asking:  "ward",
			Skipped: []string{"ward"},
			History: []string{"age_group", "visitor", "has_notice", "address_change", "expiry_date"},
			Misses:  1, Turns: 6, Updated: earlier,
		}},
		{file: "v0_minimal.json", want: dialog.State{
			Version: 1,
			Slots:   bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf},
			Asking:  "has_notice",
		}},
		{file: "v0_explicit.json", want: dialog.State{
			Version: 1,
			Slots:   bot.Slots{AgeGroup: bot.AgeUnder15, Visitor: bot.VisitorLegalRep, HasNotice: bot.Bool(false)},
			Turns:   2,
		}},
		{file: "v1.json", want: dialog.State{
			Version: 1,
			Slots:   bot.Slots{AgeGroup: bot.AgeAdultWard, Visitor: bot.VisitorProxy, Ward: "aoba"},
			Asking:  "has_notice",
			History: []string{"age_group", "visitor", "ward"},
			Turns:   3, Updated: earlier,
		}},
		{file: "future.json", newer: true},
		{file: "corrupt_truncated.json", corrupt: true},
		{file: "corrupt_type.json", corrupt: true},
		{file: "corrupt_date.json", corrupt: true},
		{file: "corrupt_version.json", corrupt: true},
		{file: "corrupt_array.json", corrupt: true},
		{file: "corrupt_null.json", corrupt: true},
	}
	// Behind a hint, the Store has cached a value of its own before the
	// fixture replaced it: the stale hint must not hide what is stored.
	for _, hinted := range []bool{false, true} {
		for _, tt := range tests {
			name := tt.file
			if hinted {
				name += "/behind_a_hint"
			}
			t.Run(name, func(t *testing.T) {
				ctx := context.Background()
				fixture, err := os.ReadFile(filepath.Join("testdata", tt.file))
				if err != nil {
					t.Fatal(err)
				}
				var log bytes.Buffer
				opts := redisstore.Options{Logger: slog.New(slog.NewTextHandler(&log, nil))}
				if hinted {
					opts.CacheSize = 10
				}
				e := newEnv(t, opts)
				k := key("U4af4980629" + strings.TrimSuffix(tt.file, ".json"))
				if hinted {
					update(t, e.store, k, step("hint"))
				}
				e.put(t, k, string(fixture))

				// seen is the state fn last ran on other than the hint.
				var seen *dialog.State
				saved, err := e.store.Update(ctx, k, func(s *dialog.State) error {
					if !hinted || !slices.Equal(s.History, []string{"hint"}) {
						seen = new(*s)
					}
					s.Turns++
					return nil
				})
				if tt.newer {
					if !errors.Is(err, redisstore.ErrNewerSchema) || !errors.Is(err, dialog.ErrUnavailable) {
						t.Errorf("Update = %v, want ErrNewerSchema and dialog.ErrUnavailable", err)
					}
					if seen != nil {
						t.Errorf("fn ran on a newer state: %+v", *seen)
					}
					if raw, _ := e.raw(t, k); raw != string(fixture) {
						t.Errorf("newer state overwritten: %s", raw)
					}
					if h, ok := e.store.Hint(k); ok {
						t.Errorf("hint %s kept for a state this release cannot read", h)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				want := tt.want
				if tt.corrupt {
					want = dialog.State{}
				}
				if seen == nil {
					t.Fatal("fn never ran on the stored state")
				}
				if !seen.Updated.Equal(want.Updated) {
					t.Errorf("fn saw updated=%v, want %v", seen.Updated, want.Updated)
				}
				seen.Updated = want.Updated
				if !reflect.DeepEqual(*seen, want) {
					t.Errorf("fn saw\n%+v\nwant\n%+v", *seen, want)
				}
				got := e.read(t, k)
				got.Updated = saved.Updated
				if !reflect.DeepEqual(got, saved) || got.Version != dialog.SchemaVersion || got.Turns != want.Turns+1 {
					t.Errorf("after saving, read %+v, want %+v at v%d", got, saved, dialog.SchemaVersion)
				}

				logged := log.String()
				if n := strings.Count(logged, "corrupt"); tt.corrupt && n != 1 || !tt.corrupt && n != 0 {
					t.Errorf("corrupt=%v but log is %q", tt.corrupt, logged)
				}
				for _, secret := range []string{k.User, "age_group", "adult", "2025-02-30", "three"} {
					if strings.Contains(logged, secret) {
						t.Errorf("log holds %q: %s", secret, logged)
					}
				}
			})
		}
	}
}

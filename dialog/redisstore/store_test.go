package redisstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/dialog"
	"github.com/madoguchi/madoguchi/dialog/redisstore"
)

// TestStoreContract checks the promises of dialog.Store, on the Redis that
// redistest chose (run once with TEST_REDIS_URL and once without).
func TestStoreContract(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		run  func(t *testing.T, e env, k dialog.Key)
	}{
		{"missing key gives a zero state", func(t *testing.T, e env, k dialog.Key) {
			var seen dialog.State
			saved, err := e.store.Update(ctx, k, func(s *dialog.State) error { seen = *s; return nil })
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(seen, dialog.State{}) {
				t.Errorf("fn saw %+v, want the zero State", seen)
			}
			if saved.Version != dialog.SchemaVersion || !saved.Updated.Equal(now) {
				t.Errorf("saved v=%d updated=%v, want v=%d updated=%v", saved.Version, saved.Updated, dialog.SchemaVersion, now)
			}
		}},
		{"update then read back", func(t *testing.T, e env, k dialog.Key) {
			expiry := bot.NewDate(2025, 7, 7)
			want := dialog.State{
				Slots:   bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(false), ExpiryDate: &expiry},
				Asking:  "address_change",
				History: []string{"age_group", "visitor", "has_notice", "expiry_date"},
				Turns:   4,
			}
			saved, err := e.store.Update(ctx, k, func(s *dialog.State) error { *s = want; return nil })
			if err != nil {
				t.Fatal(err)
			}
			want.Version, want.Updated = dialog.SchemaVersion, now
			if !reflect.DeepEqual(saved, want) {
				t.Errorf("Update returned %+v, want %+v", saved, want)
			}
			got := e.read(t, k)
			if !got.Updated.Equal(now) {
				t.Errorf("read back updated=%v, want %v", got.Updated, now)
			}
			got.Updated = now
			if !reflect.DeepEqual(got, want) {
				t.Errorf("read back %+v, want %+v", got, want)
			}
			raw, _ := e.raw(t, k)
			var head struct{ V int }
			if err := json.Unmarshal([]byte(raw), &head); err != nil || head.V != dialog.SchemaVersion {
				t.Errorf("stored %s: want JSON with v=%d (err %v)", raw, dialog.SchemaVersion, err)
			}
		}},
		{"ttl is set and renewed", func(t *testing.T, e env, k dialog.Key) {
			if _, err := e.store.Update(ctx, k, func(s *dialog.State) error { s.Turns++; return nil }); err != nil {
				t.Fatal(err)
			}
			if d := e.pttl(t, k); d <= time.Hour-time.Minute || d > time.Hour {
				t.Fatalf("PTTL after first update = %v, want about 1h", d)
			}
			if err := e.client.PExpire(ctx, e.redisKey(k), 5*time.Second).Err(); err != nil {
				t.Fatal(err)
			}
			if _, err := e.store.Update(ctx, k, func(s *dialog.State) error { s.Turns++; return nil }); err != nil {
				t.Fatal(err)
			}
			if d := e.pttl(t, k); d <= time.Hour-time.Minute {
				t.Errorf("PTTL after second update = %v, want renewed to about 1h", d)
			}
		}},
		{"delete removes the state", func(t *testing.T, e env, k dialog.Key) {
			if _, err := e.store.Update(ctx, k, func(s *dialog.State) error { s.Turns = 3; return nil }); err != nil {
				t.Fatal(err)
			}
			if err := e.store.Delete(ctx, k); err != nil {
				t.Fatal(err)
			}
			if raw, ok := e.raw(t, k); ok {
				t.Errorf("key still holds %s after Delete", raw)
			}
			if got := e.read(t, k); got.Turns != 0 {
				t.Errorf("after Delete fn saw turns=%d, want a zero State", got.Turns)
			}
		}},
		{"delete of a missing key is no error", func(t *testing.T, e env, k dialog.Key) {
			if err := e.store.Delete(ctx, k); err != nil {
				t.Errorf("Delete of a missing key: %v", err)
			}
		}},
		{"fn error aborts without writing", func(t *testing.T, e env, k dialog.Key) {
			boom := errors.New("boom")
			if _, err := e.store.Update(ctx, k, func(s *dialog.State) error { s.Turns = 1; return boom }); err != boom {
				t.Fatalf("Update on a missing key returned %v, want fn's error as is", err)
			}
			if raw, ok := e.raw(t, k); ok {
				t.Fatalf("failed first Update wrote %s", raw)
			}
			if _, err := e.store.Update(ctx, k, func(s *dialog.State) error { s.Turns = 1; return nil }); err != nil {
				t.Fatal(err)
			}
			before, _ := e.raw(t, k)
			if err := e.client.PExpire(ctx, e.redisKey(k), time.Minute).Err(); err != nil {
				t.Fatal(err)
			}
			if _, err := e.store.Update(ctx, k, func(s *dialog.State) error { s.Turns = 99; return boom }); err != boom {
				t.Fatalf("Update returned %v, want fn's error as is", err)
			}
			if after, _ := e.raw(t, k); after != before {
				t.Errorf("failed Update changed the value from %s to %s", before, after)
			}
			if d := e.pttl(t, k); d > time.Minute {
				t.Errorf("failed Update renewed the TTL to %v", d)
			}
		}},
		{"conversations do not share state", func(t *testing.T, e env, k dialog.Key) {
			others := []dialog.Key{
				{Channel: bot.ChannelLINE, Municipality: k.Municipality, User: k.User},
				{Channel: k.Channel, Municipality: "edogawa", User: k.User},
				{Channel: k.Channel, Municipality: k.Municipality, User: k.User + "x"},
				{Channel: k.Channel, Municipality: k.Municipality + ":" + k.User, User: ""},
			}
			if _, err := e.store.Update(ctx, k, func(s *dialog.State) error { s.Turns = 7; return nil }); err != nil {
				t.Fatal(err)
			}
			for _, o := range others {
				if got := e.read(t, o); got.Turns != 0 {
					t.Errorf("%+v sees turns=%d written for %+v", o, got.Turns, k)
				}
			}
		}},
	}
	for _, cache := range []int{0, 100} {
		t.Run("cache="+strconv.Itoa(cache), func(t *testing.T) {
			e := newEnv(t, redisstore.Options{TTL: time.Hour, CacheSize: cache})
			for i, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					tt.run(t, e, key("session-"+string(rune('a'+i))+"-0123456789"))
				})
			}
		})
	}
}

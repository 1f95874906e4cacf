package dialog_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/dialog"
)

func TestMemoryStore(t *testing.T) {
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	s := &dialog.MemoryStore{Max: 2, TTL: time.Hour, Clock: func() time.Time { return now }}
	ctx := context.Background()
	key := func(u string) dialog.Key {
		return dialog.Key{Channel: bot.ChannelWeb, Municipality: "edogawa", User: u}
	}

	st, err := s.Update(ctx, key("a"), func(st *dialog.State) error { st.Turns++; st.History = append(st.History, "age_group"); return nil })
	if err != nil || st.Turns != 1 {
		t.Fatalf("first update: %+v, %v", st, err)
	}
	// fn's changes are not kept when it fails, even those to shared slices.
	boom := errors.New("boom")
	if _, err := s.Update(ctx, key("a"), func(st *dialog.State) error { st.Turns = 99; st.History[0] = "x"; return boom }); !errors.Is(err, boom) {
		t.Fatalf("failing fn: %v", err)
	}
	st, _ = s.Update(ctx, key("a"), func(st *dialog.State) error { st.Turns++; return nil })
	if st.Turns != 2 || st.History[0] != "age_group" {
		t.Fatalf("after a failed fn: %+v", st)
	}
	// Keys are apart; the least recently updated goes beyond Max.
	now = now.Add(time.Minute)
	s.Update(ctx, key("b"), func(st *dialog.State) error { st.Turns = 5; return nil })
	now = now.Add(time.Minute)
	s.Update(ctx, key("c"), func(st *dialog.State) error { st.Turns = 7; return nil })
	if st, _ := s.Update(ctx, key("a"), func(*dialog.State) error { return nil }); st.Turns != 0 {
		t.Fatalf("a was not evicted: %+v", st)
	}
	if st, _ := s.Update(ctx, key("c"), func(*dialog.State) error { return nil }); st.Turns != 7 {
		t.Fatalf("c: %+v", st)
	}
	// A key not updated for TTL is gone; Delete removes one.
	now = now.Add(2 * time.Hour)
	if st, _ := s.Update(ctx, key("c"), func(*dialog.State) error { return nil }); st.Turns != 0 {
		t.Fatalf("c outlived its TTL: %+v", st)
	}
	s.Update(ctx, key("d"), func(st *dialog.State) error { st.Turns = 3; return nil })
	if err := s.Delete(ctx, key("d")); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.Update(ctx, key("d"), func(*dialog.State) error { return nil }); st.Turns != 0 {
		t.Fatalf("d after Delete: %+v", st)
	}
}

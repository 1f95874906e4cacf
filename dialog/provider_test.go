package dialog_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/dialog"
	"github.com/madoguchi/madoguchi/dialog/redisstore"
	"github.com/madoguchi/madoguchi/internal/kbtest"
	"github.com/madoguchi/madoguchi/internal/redistest"
	"github.com/madoguchi/madoguchi/knowledge"
)

// versionB is the embedded knowledge with changes that show in every
// turn of a conversation in Nerima, and that come from different parts of
// the knowledge: the municipality's name (greeting, summary), a national
// question texts and the page's date (in the checklist). Slots are read
// the same in both versions, so a conversation goes the same way.
func versionB(tb testing.TB) *knowledge.KB {
	f := kbtest.Copy(tb)
	kbtest.Replace(tb, f, "nerima.yaml", "name: 練馬区\n", "name: 練馬区(B版)\n", 1)
	kbtest.Replace(tb, f, "nerima.yaml", `updated: "2025-02-20"`, `updated: "2025-02-21"`, 1)
	for _, q := range loadKB(tb).National.Questions {
		kbtest.Replace(tb, f, "national.yaml", "text: "+q.Text, "text: 【B版】"+q.Text, 1)
	}
	return kbtest.Load(tb, f)
}

func providerEngine(tb testing.TB, p *knowledge.Provider) *dialog.Engine {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	store := redisstore.New(redistest.Client(tb), redisstore.Options{Prefix: redistest.Prefix(tb) + fmt.Sprintf("%p:", p), Logger: logger})
	return dialog.New(dialog.Config{Knowledge: p, Store: store, Logger: logger})
}

// script runs a Nerima conversation to its checklist on e for user,
// pressing each question's first button, and returns what was sent and
// each reply, JSON-encoded.
func script(tb testing.TB, e *dialog.Engine, user string) ([]bot.Message, []string) {
	tb.Helper()
	today := bot.Date{Year: 2025, Month: 5, Day: 1}
	msg := bot.Message{Channel: bot.ChannelWeb, Municipality: "nerima", User: user, Text: "更新したい", Today: &today}
	var sent []bot.Message
	var replies []string
	for i := 0; i < 12; i++ {
		r, err := e.Respond(context.Background(), msg)
		if err != nil {
			tb.Fatalf("turn %d: %v", i, err)
		}
		sent = append(sent, msg)
		replies = append(replies, encode(tb, r))
		if r.Done {
			return sent, replies
		}
		if len(r.QuickReplies) == 0 {
			tb.Fatalf("turn %d: no button to press: %s", i, replies[i])
		}
		msg.Text, msg.Postback = "", r.QuickReplies[0].Postback
	}
	tb.Fatalf("no checklist after 12 turns: %v", replies)
	return nil, nil
}

func encode(tb testing.TB, r bot.Reply) string {
	b, err := json.Marshal(r)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// TestTurnsUseOneKnowledgeVersion runs conversations concurrently while the
// provider swaps between two versions many times: every reply must be
// exactly the reply of one version (never a greeting of one and a
// question of the other), and no turn fails. Run it with -race.
func TestTurnsUseOneKnowledgeVersion(t *testing.T) {
	a, b := loadKB(t), versionB(t)
	// The replies of each version alone, for the same messages.
	sent, wantA := script(t, providerEngine(t, knowledge.NewProvider(a)), "reference-a")
	eb := providerEngine(t, knowledge.NewProvider(b))
	var wantB []string
	for _, msg := range sent {
		msg.User = "reference-b"
		r, err := eb.Respond(context.Background(), msg)
		if err != nil {
			t.Fatal(err)
		}
		wantB = append(wantB, encode(t, r))
	}
	if len(wantB) != len(wantA) || len(wantA) < 4 {
		t.Fatalf("the versions' conversations differ in length: %d and %d turns", len(wantA), len(wantB))
	}
	for i := range wantA {
		if wantA[i] == wantB[i] {
			t.Fatalf("turn %d is the same in both versions, so it shows nothing: %s", i, wantA[i])
		}
	}

	p := knowledge.NewProvider(a)
	e := providerEngine(t, p)

	// A swap takes effect for the next turn.
	p.Set(b)
	if r, _ := e.Respond(context.Background(), withUser(sent[0], "swap-b")); encode(t, r) != wantB[0] {
		t.Fatalf("after Set(b): %s, want %s", encode(t, r), wantB[0])
	}
	p.Set(a)
	if r, _ := e.Respond(context.Background(), withUser(sent[0], "swap-a")); encode(t, r) != wantA[0] {
		t.Fatalf("after Set(a): %s, want %s", encode(t, r), wantA[0])
	}

	const workers, rounds, swaps = 8, 20, 500
	stop := make(chan struct{})
	var swapper sync.WaitGroup
	swapper.Add(1)
	go func() {
		defer swapper.Done()
		// At least swaps swaps, and on until every conversation ended.
		for i := 0; ; i++ {
			if i >= swaps {
				select {
				case <-stop:
					return
				default:
				}
			}
			if i%2 == 0 {
				p.Set(b)
			} else {
				p.Set(a)
			}
		}
	}()
	var wg sync.WaitGroup
	var mu sync.Mutex
	seen := map[string]int{}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := 0; c < rounds; c++ {
				if !runVersioned(t, e, sent, wantA, wantB, fmt.Sprintf("conversation-%d-%d", w, c), &mu, seen) {
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	swapper.Wait()
	t.Logf("%d turns: %d on version a, %d on version b; provider version %d", workers*rounds*len(sent), seen["a"], seen["b"], p.Version())
}

// runVersioned runs the messages sent as user, checking that each reply is
// version a's or version b's; it reports false on a failure.
func runVersioned(t *testing.T, e *dialog.Engine, sent []bot.Message, wantA, wantB []string, user string, mu *sync.Mutex, seen map[string]int) bool {
	for i, msg := range sent {
		r, err := e.Respond(context.Background(), withUser(msg, user))
		if err != nil {
			t.Errorf("%s turn %d: %v", user, i, err)
			return false
		}
		version := ""
		switch got := encode(t, r); got {
		case wantA[i]:
			version = "a"
		case wantB[i]:
			version = "b"
		default:
			t.Errorf("%s turn %d mixes versions or is wrong:\n got %s\nwant %s\n  or %s", user, i, got, wantA[i], wantB[i])
			return false
		}
		mu.Lock()
		seen[version]++
		mu.Unlock()
	}
	return true
}

func withUser(m bot.Message, user string) bot.Message {
	m.User = user
	return m
}

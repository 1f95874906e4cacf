package dialog_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.yaml.in/yaml/v3"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/dialog"
	"github.com/madoguchi/madoguchi/dialog/redisstore"
	"github.com/madoguchi/madoguchi/internal/redistest"
	"github.com/madoguchi/madoguchi/knowledge"
)

// story is one conversation written as data (testdata/stories/*.yaml):
// what the resident sends, turn by turn, and what the bot must answer.
type story struct {
	Name         string `yaml:"name"`
	Municipality string `yaml:"municipality"`
	// Municipalities runs the same story in each (instead of Municipality),
	// for flows that do not depend on a municipality's rules.
	Municipalities []string `yaml:"municipalities"`
	Today          string   `yaml:"today"`
	Turns          []struct {
		Text     string `yaml:"text"`
		Postback string `yaml:"postback"`
		Expect   expect `yaml:"expect"`
	} `yaml:"turns"`
}

// expect lists what one reply must show; omitted fields are not checked.
type expect struct {
	Asking      *string           `yaml:"asking"` // "" for none
	Done        *bool             `yaml:"done"`
	Slots       map[string]string `yaml:"slots"` // "-" for unset
	Says        []string          `yaml:"says"`  // substrings of the texts
	NotSays     []string          `yaml:"not_says"`
	Buttons     []string          `yaml:"buttons"` // labels that must be offered
	NotButtons  []string          `yaml:"not_buttons"`
	Visits      *int              `yaml:"visits"`
	SameDay     *bool             `yaml:"same_day"`
	Covered     *bool             `yaml:"covered"`
	Procedure   string            `yaml:"procedure"`
	Items       []string          `yaml:"items"` // "N:text" — text must be among visit N's items
	NotItems    []string          `yaml:"not_items"`
	Reservation string            `yaml:"reservation"` // substring of the first counter's reservation
}

func loadKB(tb testing.TB) *knowledge.KB {
	tb.Helper()
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		tb.Fatalf("load knowledge: %v", err)
	}
	return kb
}

// newEngine returns an engine on the test Redis (real when TEST_REDIS_URL
// is set, else miniredis), logging to logs (discarded when nil), and the
// client and key prefix its state lives under.
func newEngine(tb testing.TB, logs io.Writer) (*dialog.Engine, redis.UniversalClient, string) {
	tb.Helper()
	client := redistest.Client(tb)
	e, prefix := newEngineOn(tb, client, logs, redisstore.Options{})
	return e, client, prefix
}

// newEngineOn is newEngine on a client of the test's choosing, with the
// Store options opts (Prefix and Logger filled in).
func newEngineOn(tb testing.TB, client redis.UniversalClient, logs io.Writer, opts redisstore.Options) (*dialog.Engine, string) {
	tb.Helper()
	if logs == nil {
		logs = io.Discard
	}
	prefix := redistest.Prefix(tb)
	logger := slog.New(slog.NewTextHandler(logs, nil))
	opts.Prefix, opts.Logger = prefix, logger
	store := redisstore.New(client, opts)
	return dialog.New(dialog.Config{KB: loadKB(tb), Store: store, Logger: logger}), prefix
}

func TestStories(t *testing.T) {
	e, _, _ := newEngine(t, nil)
	runStories(t, e)
}

// TestStoriesOnCluster runs every story on a real three-master Redis
// Cluster, through a Store with a state cache (as cmd/server's), so the
// conversations' keys spread over the nodes.
func TestStoriesOnCluster(t *testing.T) {
	c := redistest.StartCluster(t, 3)
	client := c.Client(t)
	e, _ := newEngineOn(t, client, nil, redisstore.Options{CacheSize: 100})
	runStories(t, e)
	var holding atomic.Int32
	err := client.ForEachMaster(context.Background(), func(ctx context.Context, m *redis.Client) error {
		n, err := m.DBSize(ctx).Result()
		if n > 0 {
			holding.Add(1)
		}
		return err
	})
	if err != nil || holding.Load() < 2 {
		t.Errorf("conversations on %d of 3 nodes (%v): the cluster was not exercised", holding.Load(), err)
	}
}

// runStories runs every story of testdata/stories on e.
func runStories(t *testing.T, e *dialog.Engine) {
	files, err := filepath.Glob("testdata/stories/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no stories: %v", err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var s story
		dec := yaml.NewDecoder(strings.NewReader(string(data)))
		dec.KnownFields(true)
		if err := dec.Decode(&s); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		munis := s.Municipalities
		if len(munis) == 0 {
			munis = []string{s.Municipality}
		}
		for _, m := range munis {
			s.Municipality = m
			t.Run(name+"/"+m, func(t *testing.T) {
				runStory(t, e, s, name+"-"+m)
			})
		}
	}
}

func runStory(t *testing.T, e *dialog.Engine, s story, user string) {
	today, err := bot.ParseDate(s.Today)
	if err != nil {
		t.Fatalf("story today: %v", err)
	}
	user = "story-" + user
	for i, turn := range s.Turns {
		msg := bot.Message{Channel: bot.ChannelWeb, Municipality: s.Municipality, User: user,
			Text: turn.Text, Postback: turn.Postback, Time: time.Now(), Today: &today}
		r, err := e.Respond(context.Background(), msg)
		if err != nil {
			t.Fatalf("turn %d (%q%q): %v", i+1, turn.Text, turn.Postback, err)
		}
		checkReply(t, i+1, turn.Text+turn.Postback, turn.Expect, r)
	}
}

func checkReply(t *testing.T, n int, said string, x expect, r bot.Reply) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf("turn %d (%q): "+format+"\nreply texts: %q\nslots: %v", append(append([]any{n, said}, args...), texts(r), r.Slots)...)
	}
	if x.Asking != nil && r.Asking != *x.Asking {
		fail("asking = %q, want %q", r.Asking, *x.Asking)
	}
	if x.Done != nil && r.Done != *x.Done {
		fail("done = %v, want %v", r.Done, *x.Done)
	}
	for k, v := range x.Slots {
		if got := slotValue(r.Slots, k); got != v {
			fail("slot %s = %q, want %q", k, got, v)
		}
	}
	all := strings.Join(texts(r), "\n")
	for _, s := range x.Says {
		if !strings.Contains(all, s) {
			fail("reply does not say %q", s)
		}
	}
	for _, s := range x.NotSays {
		if strings.Contains(all, s) {
			fail("reply says %q, which it must not", s)
		}
	}
	for _, b := range x.Buttons {
		if !slices.ContainsFunc(r.QuickReplies, func(q bot.QuickReply) bool { return q.Label == b }) {
			fail("no button %q among %v", b, r.QuickReplies)
		}
	}
	for _, b := range x.NotButtons {
		if slices.ContainsFunc(r.QuickReplies, func(q bot.QuickReply) bool { return q.Label == b }) {
			fail("button %q offered, which it must not be", b)
		}
	}
	c := checklistOf(r)
	needChecklist := x.Visits != nil || x.SameDay != nil || x.Covered != nil || x.Procedure != "" || len(x.Items) > 0 || len(x.NotItems) > 0 || x.Reservation != ""
	if needChecklist && c == nil {
		fail("no checklist in the reply")
		return
	}
	if c == nil {
		return
	}
	if x.Visits != nil && c.Visits != *x.Visits {
		fail("visits = %d, want %d", c.Visits, *x.Visits)
	}
	if x.SameDay != nil && c.SameDay != *x.SameDay {
		fail("same_day = %v, want %v", c.SameDay, *x.SameDay)
	}
	if x.Covered != nil && c.Covered != *x.Covered {
		fail("covered = %v, want %v", c.Covered, *x.Covered)
	}
	if x.Procedure != "" && string(c.Procedure) != x.Procedure {
		fail("procedure = %s, want %s", c.Procedure, x.Procedure)
	}
	for _, it := range x.Items {
		if !hasItem(c, it) {
			fail("checklist lacks item %q; items: %+v", it, c.Items)
		}
	}
	for _, it := range x.NotItems {
		if hasItem(c, it) {
			fail("checklist has item %q, which it must not", it)
		}
	}
	if x.Reservation != "" && (len(c.Counters) == 0 || !strings.Contains(c.Counters[0].Reservation, x.Reservation)) {
		fail("first counter's reservation %q does not contain %q", c.Counters, x.Reservation)
	}
}

// hasItem reports whether c has an item for visit N whose text contains
// the text of "N:text".
func hasItem(c *bot.Checklist, spec string) bool {
	visit, text, _ := strings.Cut(spec, ":")
	return slices.ContainsFunc(c.Items, func(it bot.Item) bool {
		return visit == string(rune('0'+it.Visit)) && strings.Contains(it.Text, text)
	})
}

func texts(r bot.Reply) []string {
	var out []string
	for _, m := range r.Messages {
		if m.Type == bot.OutText {
			out = append(out, m.Text)
		}
	}
	return out
}

func checklistOf(r bot.Reply) *bot.Checklist {
	for _, m := range r.Messages {
		if m.Type == bot.OutChecklist {
			return m.Checklist
		}
	}
	return nil
}

// slotValue renders one slot of s as stories write it: "-" for unknown,
// and "?name" for a name that is no slot's, which no expectation matches.
func slotValue(s bot.Slots, name string) string {
	switch name {
	case bot.SlotAgeGroup, bot.SlotVisitor, bot.SlotHasNotice, bot.SlotAddressChange, bot.SlotMoveAtVisit,
		bot.SlotExpiryDate, bot.SlotWard:
	default:
		return "?" + name
	}
	if v := s.Get(name); v != "" {
		return v
	}
	return "-"
}

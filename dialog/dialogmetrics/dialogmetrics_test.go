package dialogmetrics_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/dialog"
	"github.com/madoguchi/madoguchi/dialog/dialogmetrics"
	"github.com/madoguchi/madoguchi/dialog/redisstore"
	"github.com/madoguchi/madoguchi/internal/redistest"
	"github.com/madoguchi/madoguchi/knowledge"
)

// newEngine returns an engine on the embedded knowledge whose observer is
// a dialogmetrics.Metrics registered with the returned registry.
func newEngine(t *testing.T) (*dialog.Engine, *prometheus.Registry) {
	t.Helper()
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	p := knowledge.NewProvider(kb)
	reg := prometheus.NewPedanticRegistry()
	m, err := dialogmetrics.New(reg, p)
	if err != nil {
		t.Fatal(err)
	}
	store := redisstore.New(redistest.Client(t), redisstore.Options{Prefix: redistest.Prefix(t)})
	return dialog.New(dialog.Config{Knowledge: p, Store: store, Observer: m}), reg
}

func turn(t *testing.T, ctx context.Context, e *dialog.Engine, msg bot.Message) bot.Reply {
	t.Helper()
	today := bot.NewDate(2026, time.January, 10)
	msg.Today = &today
	r, err := e.Respond(ctx, msg)
	if err != nil {
		t.Fatalf("Respond(%q, %q): %v", msg.Text, msg.Postback, err)
	}
	return r
}

// TestConversationMetrics runs real conversations and reads the counters
// back from the registry: started once per conversation, finished once
// per first checklist, every checklist by rule and coverage, FAQ outcomes
// by topic, PIN warnings, by channel (a context marked bot.ViaAPI counts
// as api); a repeated LINE message counts nothing.
func TestConversationMetrics(t *testing.T) {
	e, reg := newEngine(t)
	ctx := context.Background()
	api := bot.WithVia(ctx, bot.ViaAPI)

	// Akishima, a child's card: the page does not cover it. The checklist
	// comes at once; a second answer gives another one, not another finish.
	web := bot.Message{Channel: bot.ChannelWeb, Municipality: "akishima", User: "metrics-web-0001"}
	say := func(ctx context.Context, m bot.Message, text string) bot.Reply {
		m.Text = text
		return turn(t, ctx, e, m)
	}
	say(ctx, web, "更新の持ち物を知りたい")
	r := say(ctx, web, "小学生の娘です")
	if !r.Done {
		t.Fatalf("no checklist for an under-15 in Akishima: %+v", r)
	}
	var rule string
	for _, m := range r.Messages {
		if m.Checklist != nil {
			rule = m.Checklist.Rule
		}
	}
	say(ctx, web, "母親の私が行きます")
	say(ctx, web, "手数料はいくらかかりますか")
	say(ctx, web, "1234") // a PIN: warned, not stored

	// The same FAQ topic by button, through the API, on Edogawa.
	apiMsg := bot.Message{Channel: bot.ChannelWeb, Municipality: "edogawa", User: "metrics-api-0001", Postback: "faq=fee"}
	turn(t, api, e, apiMsg)

	// A LINE message, then LINE's retry of it: counted once.
	line := bot.Message{Channel: bot.ChannelLINE, Municipality: "edogawa", User: "Umetrics0001", Text: "電子証明書の更新をしたい", ID: "01HMETRICS0000000000000001"}
	turn(t, ctx, e, line)
	if r := turn(t, ctx, e, line); !r.Repeat {
		t.Fatalf("the retry was applied again: %+v", r)
	}

	// Questions the FAQ cannot place: one near a topic (where), offered
	// as a suggestion; one near none, answered with the contact.
	q := bot.Message{Channel: bot.ChannelWeb, Municipality: "edogawa", User: "metrics-web-0002"}
	say(ctx, q, "電子証明書の更新をしたい")
	say(ctx, q, "犬の登録はどこでできますか？")
	say(ctx, q, "ゴミの出し方は？")

	want := `
# HELP madoguchi_checklists_total Checklists given (corrections after one included), by municipality, procedure, knowledge rule and covered (false: the municipality's page does not cover the situation, the contact was given).
# TYPE madoguchi_checklists_total counter
madoguchi_checklists_total{covered="false",municipality="akishima",procedure="renewal",rule="` + rule + `"} 2
# HELP madoguchi_conversations_finished_total Conversations that reached their checklist (the first one; again after the resident starts over), by municipality, channel and language.
# TYPE madoguchi_conversations_finished_total counter
madoguchi_conversations_finished_total{channel="web",language="ja",municipality="akishima"} 1
# HELP madoguchi_conversations_started_total Conversations begun: first turns on a state the store did not hold (a new resident, or an expired or forgotten conversation), by municipality, channel (line, web, api) and language.
# TYPE madoguchi_conversations_started_total counter
madoguchi_conversations_started_total{channel="api",language="ja",municipality="edogawa"} 1
madoguchi_conversations_started_total{channel="line",language="ja",municipality="edogawa"} 1
madoguchi_conversations_started_total{channel="web",language="ja",municipality="akishima"} 1
madoguchi_conversations_started_total{channel="web",language="ja",municipality="edogawa"} 1
# HELP madoguchi_pin_warnings_total Texts refused because they looked like a PIN (neither stored nor echoed), by municipality and channel.
# TYPE madoguchi_pin_warnings_total counter
madoguchi_pin_warnings_total{channel="web",municipality="akishima"} 1
`
	if rule == "" || strings.Contains(rule, `"`) {
		t.Fatalf("checklist rule %q", rule)
	}
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want),
		"madoguchi_checklists_total", "madoguchi_conversations_finished_total",
		"madoguchi_conversations_started_total", "madoguchi_pin_warnings_total"); err != nil {
		t.Error(err)
	}
	faq := func(muni, topic, outcome string) float64 {
		return counter(t, reg, "madoguchi_faq_total", map[string]string{"municipality": muni, "topic": topic, "outcome": outcome})
	}
	if n := faq("akishima", "fee", "answered"); n != 1 {
		t.Errorf("akishima fee answered = %v, want 1", n)
	}
	if n := faq("edogawa", "fee", "answered"); n != 1 {
		t.Errorf("edogawa fee answered (by button) = %v, want 1", n)
	}
	if n := sumFamily(t, reg, "madoguchi_faq_total", map[string]string{"municipality": "edogawa", "outcome": "answered"}); n != 1 {
		t.Errorf("edogawa answered in all = %v, want 1 (the questions the FAQ cannot place are not answered)", n)
	}
	if n := faq("edogawa", "where", "suggested"); n != 1 {
		t.Errorf("edogawa where suggested = %v, want 1", n)
	}
	if n := faq("edogawa", "none", "unanswered"); n != 1 {
		t.Errorf("edogawa unanswered with no topic = %v, want 1", n)
	}
}

// TestUnknownValuesAreOther feeds events whose values the knowledge does
// not hold: they are counted under "other", never as new label values.
func TestUnknownValuesAreOther(t *testing.T) {
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewPedanticRegistry()
	m, err := dialogmetrics.New(reg, knowledge.NewProvider(kb))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	m.Observe(ctx, dialog.Event{Kind: dialog.EventStarted, Municipality: "atlantis", Channel: "fax", Language: "tlh"})
	m.Observe(ctx, dialog.Event{Kind: dialog.EventChecklist, Municipality: "edogawa", Channel: "web", Language: "ja",
		Checklist: &bot.Checklist{Procedure: "teleport", Rule: "no-such-rule", Covered: true}})
	m.Observe(ctx, dialog.Event{Kind: dialog.EventFAQ, Municipality: "edogawa", Channel: "web", Language: "ja",
		FAQ: "maybe", Topic: "weather"})
	m.Observe(ctx, dialog.Event{Kind: dialog.EventFAQ, Municipality: "edogawa", Channel: "web", Language: "ja",
		FAQ: dialog.FAQUnanswered})
	want := `
# HELP madoguchi_conversations_started_total Conversations begun: first turns on a state the store did not hold (a new resident, or an expired or forgotten conversation), by municipality, channel (line, web, api) and language.
# TYPE madoguchi_conversations_started_total counter
madoguchi_conversations_started_total{channel="other",language="other",municipality="other"} 1
# HELP madoguchi_checklists_total Checklists given (corrections after one included), by municipality, procedure, knowledge rule and covered (false: the municipality's page does not cover the situation, the contact was given).
# TYPE madoguchi_checklists_total counter
madoguchi_checklists_total{covered="true",municipality="edogawa",procedure="other",rule="other"} 1
# HELP madoguchi_faq_total FAQ questions by municipality, topic (none when no topic was found) and outcome: answered, suggested (likely topics offered; topic is the likeliest), unanswered (the contact given instead).
# TYPE madoguchi_faq_total counter
madoguchi_faq_total{municipality="edogawa",outcome="other",topic="other"} 1
madoguchi_faq_total{municipality="edogawa",outcome="unanswered",topic="none"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want),
		"madoguchi_conversations_started_total", "madoguchi_checklists_total", "madoguchi_faq_total"); err != nil {
		t.Error(err)
	}
}

// counter returns the value of the series of family name with exactly labels.
func counter(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) float64 {
	t.Helper()
	return sum(t, reg, name, labels, true)
}

// sumFamily sums the series of family name whose labels include labels.
func sumFamily(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) float64 {
	t.Helper()
	return sum(t, reg, name, labels, false)
}

func sum(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string, exact bool) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var total float64
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	series:
		for _, s := range mf.GetMetric() {
			if exact && len(s.GetLabel()) != len(labels) {
				continue
			}
			for k, v := range labels {
				found := false
				for _, l := range s.GetLabel() {
					found = found || (l.GetName() == k && l.GetValue() == v)
				}
				if !found {
					continue series
				}
			}
			total += s.GetCounter().GetValue()
		}
	}
	return total
}

// BenchmarkObserve measures what a turn's metrics cost the engine: a
// checklist event (the costliest: the rule is looked up in the
// municipality's rules) and an FAQ event.
func BenchmarkObserve(b *testing.B) {
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		b.Fatal(err)
	}
	m, err := dialogmetrics.New(prometheus.NewRegistry(), knowledge.NewProvider(kb))
	if err != nil {
		b.Fatal(err)
	}
	mu := kb.Municipality("yokohama")
	c := &bot.Checklist{Procedure: bot.ProcedureRenewal, Rule: mu.Rules[len(mu.Rules)-1].ID, Covered: true}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		m.Observe(ctx, dialog.Event{Kind: dialog.EventChecklist, Municipality: "yokohama", Channel: "line", Language: "ja", Checklist: c})
		m.Observe(ctx, dialog.Event{Kind: dialog.EventFAQ, Municipality: "yokohama", Channel: "line", Language: "ja", FAQ: dialog.FAQAnswered, Topic: "fee"})
	}
}

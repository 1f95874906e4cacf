// Package dialogmetrics counts what the conversations do for Prometheus:
// it implements dialog.Observer. Label values come from the knowledge
// being served (municipality, rule and topic ids) or from short fixed
// lists (channel, language, procedure, FAQ outcome); anything else is
// counted as "other", so the number of series stays bounded whatever a
// future caller passes.
package dialogmetrics

import (
	"context"
	"slices"
	"strconv"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/dialog"
	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/prometheus/client_golang/prometheus"
)

// Other is the label value of anything outside the bounded set.
const Other = "other"

// None is the topic label of an FAQ question the bot found no topic for.
const None = "none"

// Metrics counts dialog events; it is a dialog.Observer.
type Metrics struct {
	kb         *knowledge.Provider
	started    *prometheus.CounterVec
	finished   *prometheus.CounterVec
	checklists *prometheus.CounterVec
	faq        *prometheus.CounterVec
	pin        *prometheus.CounterVec
}

var _ dialog.Observer = (*Metrics)(nil)

// New creates the metrics, registers them with reg and returns them; kb
// is the knowledge whose ids are accepted as label values.
//
//	madoguchi_conversations_started_total{municipality,channel,language}
//	madoguchi_conversations_finished_total{municipality,channel,language}
//	madoguchi_checklists_total{municipality,procedure,rule,covered}
//	madoguchi_faq_total{municipality,topic,outcome}
//	madoguchi_pin_warnings_total{municipality,channel}
func New(reg prometheus.Registerer, kb *knowledge.Provider) (*Metrics, error) {
	m := &Metrics{kb: kb,
		started: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "madoguchi_conversations_started_total",
			Help: "Conversations begun: first turns on a state the store did not hold (a new resident, or an expired or forgotten conversation), by municipality, channel (line, web, api) and language.",
		}, []string{"municipality", "channel", "language"}),
		finished: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "madoguchi_conversations_finished_total",
			Help: "Conversations that reached their checklist (the first one; again after the resident starts over), by municipality, channel and language.",
		}, []string{"municipality", "channel", "language"}),
		checklists: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "madoguchi_checklists_total",
			Help: "Checklists given (corrections after one included), by municipality, procedure, knowledge rule and covered (false: the municipality's page does not cover the situation, the contact was given).",
		}, []string{"municipality", "procedure", "rule", "covered"}),
		faq: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "madoguchi_faq_total",
			Help: "FAQ questions by municipality, topic (none when no topic was found) and outcome: answered, suggested (likely topics offered; topic is the likeliest), unanswered (the contact given instead).",
		}, []string{"municipality", "topic", "outcome"}),
		pin: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "madoguchi_pin_warnings_total",
			Help: "Texts refused because they looked like a PIN (neither stored nor echoed), by municipality and channel.",
		}, []string{"municipality", "channel"}),
	}
	for _, c := range []prometheus.Collector{m.started, m.finished, m.checklists, m.faq, m.pin} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// Observe counts ev.
func (m *Metrics) Observe(_ context.Context, ev dialog.Event) {
	kb := m.kb.Current()
	mu := kb.Municipality(ev.Municipality)
	muni := Other
	if mu != nil {
		muni = mu.ID
	}
	channel := oneOf(ev.Channel, string(bot.ChannelLINE), string(bot.ChannelWeb), bot.ViaAPI)
	lang := oneOf(ev.Language, dialog.LanguageJapanese)
	switch ev.Kind {
	case dialog.EventStarted:
		m.started.WithLabelValues(muni, channel, lang).Inc()
	case dialog.EventFinished:
		m.finished.WithLabelValues(muni, channel, lang).Inc()
	case dialog.EventChecklist:
		if c := ev.Checklist; c != nil {
			rule := Other
			if mu != nil && slices.ContainsFunc(mu.Rules, func(r knowledge.Rule) bool { return r.ID == c.Rule }) {
				rule = c.Rule
			}
			proc := Other
			if slices.Contains(bot.Procedures, c.Procedure) {
				proc = string(c.Procedure)
			}
			m.checklists.WithLabelValues(muni, proc, rule, strconv.FormatBool(c.Covered)).Inc()
		}
	case dialog.EventFAQ:
		topic := None
		if ev.Topic != "" {
			topic = Other
			if kb.Topic(ev.Topic) != nil {
				topic = ev.Topic
			}
		}
		m.faq.WithLabelValues(muni, topic, oneOf(string(ev.FAQ), string(dialog.FAQAnswered), string(dialog.FAQSuggested), string(dialog.FAQUnanswered))).Inc()
	case dialog.EventPINWarning:
		m.pin.WithLabelValues(muni, channel).Inc()
	}
}

// oneOf returns v when it is one of allowed, else Other.
func oneOf(v string, allowed ...string) string {
	if slices.Contains(allowed, v) {
		return v
	}
	return Other
}

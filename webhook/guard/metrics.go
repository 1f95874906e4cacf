package guard

import (
	"context"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// sessionMetrics counts what the session cap decided, in this process.
type sessionMetrics struct {
	started prometheus.Counter
	refused *prometheus.CounterVec // reason: full | per_ip
}

func newSessionMetrics() *sessionMetrics {
	m := &sessionMetrics{
		started: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "madoguchi_web_sessions_started_total",
			Help: "New web chat sessions admitted by this process.",
		}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "madoguchi_web_sessions_refused_total",
			Help: "New web chat sessions refused by this process: reason full (WEB_SESSIONS_MAX live, 503 unavailable) or per_ip (WEB_SESSIONS_PER_IP, 429 rate_limited).",
		}, []string{"reason"}),
	}
	for _, r := range []string{"full", "per_ip"} {
		m.refused.WithLabelValues(r) // exported as 0 from the start
	}
	return m
}

// liveDesc describes madoguchi_web_sessions_live.
var liveDesc = prometheus.NewDesc("madoguchi_web_sessions_live",
	"Web chat sessions live now (a turn within the last 24 hours), shared by every replica: the count the cap WEB_SESSIONS_MAX applies to.",
	nil, nil)

// maxDesc describes madoguchi_web_sessions_max.
var maxDesc = prometheus.NewDesc("madoguchi_web_sessions_max",
	"The cap on live web chat sessions (WEB_SESSIONS_MAX); absent when there is none.", nil, nil)

// liveTimeout bounds the count read from Redis at each scrape.
const liveTimeout = 500 * time.Millisecond

// Register adds the session cap's metrics to reg:
//
//   - madoguchi_web_sessions_live (gauge): sessions live now, counted in
//     Redis at each scrape (ZCOUNT of the unexpired members, on the
//     server's clock), so every replica reports the same shared figure
//     (aggregate it with max, not sum); absent when Redis does not answer
//     within 500 ms or the guard has no Redis.
//   - madoguchi_web_sessions_max (gauge): WEB_SESSIONS_MAX, absent when off.
//   - madoguchi_web_sessions_started_total and
//     madoguchi_web_sessions_refused_total{reason="full"|"per_ip"}
//     (counters): this process's admissions and refusals of new sessions
//     (sum them over replicas).
//
// Call it at most once per registry.
func (g *Guard) Register(reg prometheus.Registerer) error {
	for _, c := range []prometheus.Collector{g.metrics.started, g.metrics.refused, sessionsCollector{g}} {
		if err := reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}

// sessionsCollector reads the live sessions from Redis at each scrape.
type sessionsCollector struct{ g *Guard }

func (c sessionsCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- liveDesc
	ch <- maxDesc
}

func (c sessionsCollector) Collect(ch chan<- prometheus.Metric) {
	g := c.g
	if g.sessions.Max >= 0 {
		ch <- prometheus.MustNewConstMetric(maxDesc, prometheus.GaugeValue, float64(g.sessions.Max))
	}
	if g.rdb == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), liveTimeout)
	defer cancel()
	// Members' scores are the Redis time (ms) each expires; the local
	// clock stands in for Redis's here (a scrape needs no precision).
	now := strconv.FormatInt(time.Now().UnixMilli(), 10)
	n, err := g.rdb.ZCount(ctx, g.sessions.Key, "("+now, "+inf").Result()
	if err != nil {
		g.log.Warn("web sessions: could not count the live ones for /metrics", "err", err)
		return
	}
	ch <- prometheus.MustNewConstMetric(liveDesc, prometheus.GaugeValue, float64(n))
}

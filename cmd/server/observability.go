package main

import (
	"context"
	"strconv"
	"time"

	"github.com/madoguchi/madoguchi/webhook/line"
	"github.com/prometheus/client_golang/prometheus"
)

// registerServerMetrics registers madoguchi_ready: 1 when /readyz would
// answer 200 at the scrape, else 0 (Redis does not answer, shutting down).
func (m *Main) registerServerMetrics(reg prometheus.Registerer) error {
	return reg.Register(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "madoguchi_ready",
		Help: "1 when the server is ready (what /readyz answers 200 to: Redis answers a PING, a knowledge base is loaded, no shutdown begun), else 0; read at each scrape.",
	}, func() float64 {
		if m.readiness(context.Background()) != nil {
			return 0
		}
		return 1
	}))
}

// QueueStatsTimeout bounds the Redis reads of a scrape's LINE queue
// metrics; past it (or on a Redis error) the scrape has none of them.
const QueueStatsTimeout = time.Second

// queueCollector exports the LINE queue as Redis holds it, read at each
// scrape (so every replica reports the whole queue: take the max across
// them): madoguchi_line_queue_depth and
// madoguchi_line_queue_oldest_age_seconds, by shard.
type queueCollector struct {
	h     *line.Handler
	now   func() time.Time
	depth *prometheus.Desc
	age   *prometheus.Desc
}

func newQueueCollector(h *line.Handler, now func() time.Time) *queueCollector {
	return &queueCollector{h: h, now: now,
		depth: prometheus.NewDesc("madoguchi_line_queue_depth",
			"LINE events recorded (answered 200 to LINE) and not yet finished, by queue shard.", []string{"shard"}, nil),
		age: prometheus.NewDesc("madoguchi_line_queue_oldest_age_seconds",
			"How long the oldest unfinished LINE event of the shard has waited since it reached the webhook; 0 when the shard is empty.", []string{"shard"}, nil),
	}
}

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.depth
	ch <- c.age
}

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), QueueStatsTimeout)
	defer cancel()
	stats, err := c.h.QueueStats(ctx)
	if err != nil {
		return // Redis trouble shows as madoguchi_ready 0
	}
	now := c.now()
	for _, s := range stats {
		shard := strconv.Itoa(s.Shard)
		ch <- prometheus.MustNewConstMetric(c.depth, prometheus.GaugeValue, float64(s.Depth), shard)
		ch <- prometheus.MustNewConstMetric(c.age, prometheus.GaugeValue, s.Age(now).Seconds(), shard)
	}
}

package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/madoguchi/madoguchi/dialog/understand"
	"github.com/madoguchi/madoguchi/knowledge/usage"
	"github.com/madoguchi/madoguchi/webhook/admin"
	"github.com/prometheus/client_golang/prometheus"
)

// parseRetention reads USAGE_RETENTION: "off", or a number of days from 1
// to 3650 written "90d" (or "90").
func parseRetention(v string) (time.Duration, error) {
	if v == "off" {
		return 0, nil
	}
	n, err := strconv.Atoi(strings.TrimSuffix(v, "d"))
	if err != nil || n < 1 || n > 3650 {
		return 0, fmt.Errorf("USAGE_RETENTION must be a number of days from 1 to 3650, such as 90d, or off (got %q)", v)
	}
	return time.Duration(n) * 24 * time.Hour, nil
}

// startUsage builds the usage recorder (keys under REDIS_PREFIX +
// "usage:{<municipality>}:…"), runs its writer until Close, and exports its
// counters as madoguchi_usage_events_total{outcome}. With USAGE_RETENTION
// off it does nothing.
func (m *Main) startUsage(reg prometheus.Registerer) error {
	if m.Config.UsageRetention <= 0 {
		return nil
	}
	u, err := usage.New(usage.Config{Redis: m.Redis, Prefix: m.Config.RedisPrefix, Retention: m.Config.UsageRetention,
		PINLike: understand.LooksLikePIN, Clock: m.Clock, Logger: m.Logger})
	if err != nil {
		return err
	}
	for outcome, read := range map[string]func(usage.Stats) uint64{
		"recorded": func(s usage.Stats) uint64 { return s.Recorded },
		"dropped":  func(s usage.Stats) uint64 { return s.Dropped },
		"failed":   func(s usage.Stats) uint64 { return s.Failed },
	} {
		if err := reg.Register(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name:        "madoguchi_usage_events_total",
			Help:        "Dialog turns handed to the staff's usage figures: recorded in Redis, dropped (the queue was full) or failed (the write failed); a turn never waits for them.",
			ConstLabels: prometheus.Labels{"outcome": outcome},
		}, func() float64 { return float64(read(u.Stats())) })); err != nil {
			return err
		}
	}
	m.usage = u
	m.goBackground("usage", func(ctx context.Context) error { u.Run(ctx); return nil })
	return nil
}

// usageRecorder is what the dialog engine reports turns to: nil (no
// recorder) with USAGE_RETENTION off.
func (m *Main) usageRecorder() usage.Recorder {
	if m.usage == nil {
		return nil
	}
	return m.usage
}

// usageSource is what the console's usage page reads: nil (the page
// answers 404) with USAGE_RETENTION off.
func (m *Main) usageSource() admin.UsageSource {
	if m.usage == nil {
		return nil
	}
	return m.usage
}

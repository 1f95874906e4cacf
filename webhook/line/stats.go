package line

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// ShardStats is what one shard stream of the queue holds: the events
// recorded (answered 200 to LINE) and not yet finished, since a finished
// event is deleted from its stream with its acknowledgement.
type ShardStats struct {
	Shard int
	// Depth is how many events wait in the shard, being handled or not.
	Depth int64
	// Oldest is when the oldest of them reached the webhook; zero when
	// the shard is empty.
	Oldest time.Time
}

// Age returns how long the shard's oldest event has waited at now; zero
// when the shard is empty.
func (s ShardStats) Age(now time.Time) time.Duration {
	if s.Oldest.IsZero() || now.Before(s.Oldest) {
		return 0
	}
	return now.Sub(s.Oldest)
}

// QueueStats reads every shard's depth and oldest event, in one pipeline
// (on a Redis Cluster, one round trip per node), for the metrics. It
// reads what Redis holds, so every instance reports the whole queue, not
// only the shards it leases.
func (h *Handler) QueueStats(ctx context.Context) ([]ShardStats, error) {
	q := h.q
	pipe := q.rdb.Pipeline()
	lens := make([]*redis.IntCmd, len(q.shards))
	firsts := make([]*redis.XMessageSliceCmd, len(q.shards))
	for i, s := range q.shards {
		lens[i] = pipe.XLen(ctx, s.stream)
		firsts[i] = pipe.XRangeN(ctx, s.stream, "-", "+", 1)
	}
	if _, err := pipe.Exec(ctx); err != nil && err != redis.Nil {
		return nil, err
	}
	out := make([]ShardStats, len(q.shards))
	for i, s := range q.shards {
		out[i] = ShardStats{Shard: s.n, Depth: lens[i].Val()}
		if ms := firsts[i].Val(); len(ms) > 0 {
			out[i].Oldest = receivedAt(ms[0])
		}
	}
	return out, nil
}

// receivedAt is when an entry reached the webhook: its "r" field (the
// webhook's clock, in Unix ms), else the time in its stream id (Redis's).
func receivedAt(m redis.XMessage) time.Time {
	if r, _ := m.Values["r"].(string); r != "" {
		if ms, err := strconv.ParseInt(r, 10, 64); err == nil {
			return time.UnixMilli(ms)
		}
	}
	idMs, _, _ := strings.Cut(m.ID, "-")
	if ms, err := strconv.ParseInt(idMs, 10, 64); err == nil {
		return time.UnixMilli(ms)
	}
	return time.Time{}
}

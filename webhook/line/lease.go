package line

import (
	"context"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

var (
	renewScript = redis.NewScript(`if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0`)
	// Release deletes the lease only if it is still ours.
	releaseScript = redis.NewScript(`if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`)
)

// leaseLoop keeps this instance's shard leases: every LeaseTTL/3 it
// renews the leases it holds, gives up those over its fair share, and
// takes free ones up to it. The fair share is the number of shards over
// the number of live instances (those that beat within 3 LeaseTTL), so a
// second replica soon gets half of the shards. On ctx done it stops every
// worker, waits for each to finish its entry, and releases the leases.
func (q *queue) leaseLoop(ctx context.Context) {
	t := time.NewTicker(q.cfg.LeaseTTL / 3)
	defer t.Stop()
	for {
		q.tickLeases(ctx)
		select {
		case <-ctx.Done():
			q.releaseAll()
			return
		case <-t.C:
		}
	}
}

func (q *queue) tickLeases(ctx context.Context) {
	ttl := q.cfg.LeaseTTL
	now := time.Now() // real time: heartbeats are compared across instances
	instances := q.key("instances")
	pipe := q.rdb.Pipeline()
	pipe.ZAdd(ctx, instances, redis.Z{Score: float64(now.UnixMilli()), Member: q.cfg.Consumer})
	pipe.ZRemRangeByScore(ctx, instances, "-inf", strconv.FormatInt(now.Add(-3*ttl).UnixMilli(), 10))
	live := pipe.ZCard(ctx, instances)
	if _, err := pipe.Exec(ctx); err != nil {
		if ctx.Err() == nil {
			q.log.Warn("line queue: heartbeat", "err", err)
		}
	}
	q.readMarker(ctx)
	n := max(int(live.Val()), 1)
	fair := (len(q.shards) + n - 1) / n

	owned := 0
	for _, s := range q.shards {
		if !q.owns(s) {
			continue
		}
		start := time.Now()
		ok, err := renewScript.Run(ctx, q.rdb, []string{s.lease}, q.cfg.Consumer, ttl.Milliseconds()).Int()
		switch {
		case err == nil && ok == 1:
			q.mu.Lock()
			s.validUntil = start.Add(ttl - ttl/10)
			q.mu.Unlock()
			owned++
		case err == nil:
			q.log.Warn("line queue: lease lost", "shard", s.n)
			q.stopShard(s)
		default:
			// Unknown: keep working until the local validity runs out.
			if time.Now().After(q.validUntil(s)) {
				q.stopShard(s)
			} else {
				owned++
			}
		}
	}
	// Over the fair share: hand back the highest shards.
	var over []*shard
	for i := len(q.shards) - 1; i >= 0 && owned > fair; i-- {
		if s := q.shards[i]; q.owns(s) {
			over = append(over, s)
			owned--
		}
	}
	q.giveUp(over)
	if ctx.Err() != nil {
		return
	}
	// Under it: take free shards, starting at a random one to spread.
	off := rand.IntN(len(q.shards))
	for i := 0; i < len(q.shards) && owned < fair; i++ {
		s := q.shards[(off+i)%len(q.shards)]
		if q.owns(s) {
			continue
		}
		start := time.Now()
		ok, err := q.rdb.SetNX(ctx, s.lease, q.cfg.Consumer, ttl).Result()
		if err != nil || !ok {
			continue
		}
		q.startShard(s, start.Add(ttl-ttl/10))
		owned++
	}
}

func (q *queue) owns(s *shard) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return s.state != shardIdle
}

func (q *queue) validUntil(s *shard) time.Time {
	q.mu.Lock()
	defer q.mu.Unlock()
	return s.validUntil
}

// startShard makes s ours: its pending entries are re-read first (by the
// read loop, so that no new entry can overtake them), then new ones.
func (q *queue) startShard(s *shard, validUntil time.Time) {
	q.mu.Lock()
	s.state = shardRecovering
	s.validUntil = validUntil
	s.cursor = ""
	s.ch = make(chan entry, 4*batch)
	s.stop = make(chan struct{})
	s.done = make(chan struct{})
	ch, stop, done := s.ch, s.stop, s.done
	q.mu.Unlock()
	go q.work(s, ch, stop, done)
}

// stopShard stops the worker of s and waits until it has finished the
// entry it holds. Entries still buffered stay pending in Redis.
func (q *queue) stopShard(s *shard) {
	q.mu.Lock()
	if s.state == shardIdle {
		q.mu.Unlock()
		return
	}
	s.state = shardIdle
	stop, done := s.stop, s.done
	q.mu.Unlock()
	close(stop)
	<-done
}

// giveUp hands shards back to other instances: it stops their workers
// (each finishes the entry it holds) and releases their leases.
func (q *queue) giveUp(shards []*shard) {
	if len(shards) == 0 {
		return
	}
	for _, s := range shards {
		q.stopShard(s)
	}
	q.awaitRead()
	for _, s := range shards {
		q.release(s)
	}
}

// awaitRead waits for the read of new entries in flight, if any, to end.
// A read that began while a shard was ours may still be waiting on its
// stream; once it has ended, whatever it took from the shard is pending
// here, where the next holder's takeover claims it, and the next reads
// leave the shard out.
func (q *queue) awaitRead() {
	q.readMu.Lock()
	q.readMu.Unlock() // an empty critical section: a barrier
}

func (q *queue) release(s *shard) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := releaseScript.Run(ctx, q.rdb, []string{s.lease}, q.cfg.Consumer).Err(); err != nil {
		q.log.Warn("line queue: release lease", "shard", s.n, "err", err)
	}
}

func (q *queue) releaseAll() {
	q.mu.Lock()
	var mine []*shard
	for _, s := range q.shards {
		if s.state != shardIdle {
			mine = append(mine, s)
			s.state = shardIdle
			close(s.stop)
		}
	}
	q.mu.Unlock()
	for _, s := range mine {
		<-s.done
	}
	q.awaitRead()
	for _, s := range mine {
		q.release(s)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	q.rdb.ZRem(ctx, q.key("instances"), q.cfg.Consumer)
}

package line

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/redis/go-redis/v9"
)

// renewSource extends the lease KEYS[1] by ARGV[2] ms if it is still
// ours (ARGV[1]); 1 when it did, else 0. tickLeases sends it with EVAL, all
// the leases in one pipeline.
const renewSource = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0`

var (
	// Release deletes the lease only if it is still ours.
	releaseScript = redis.NewScript(`if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`)
	// Beat records this instance's heartbeat (ARGV[1]) at Redis's time,
	// drops the instances whose last beat is older than ARGV[2] ms, and
	// returns how many are left, the oldest of them and its beat's age in
	// ms. Redis's clock, not each host's, so that clock skew between the
	// hosts never makes a live instance look dead or a dead one live.
	beatScript = redis.NewScript(`
local t = redis.call('time')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('zadd', KEYS[1], now, ARGV[1])
redis.call('zremrangebyscore', KEYS[1], '-inf', '(' .. (now - tonumber(ARGV[2])))
local oldest = redis.call('zrange', KEYS[1], 0, 0, 'WITHSCORES')
return {redis.call('zcard', KEYS[1]), oldest[1], now - tonumber(oldest[2])}`)
	// Adopt takes the lease if it is free or held under our own name.
	adoptScript = redis.NewScript(`local v = redis.call('get', KEYS[1]) if v == false or v == ARGV[1] then redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end return 0`)
)

// takeMargin is how long after a lease is due to lapse (or a heartbeat to
// age out) the lease loop looks again: enough for Redis to see it gone.
const takeMargin = 20 * time.Millisecond

// leaseLoop keeps this instance's shard leases: every LeaseTTL/3 it
// beats, renews the leases it holds, gives up those over its fair share,
// and takes free ones up to it. On ctx done it stops every worker, waits
// for each to finish its entry, and releases the leases.
//
// The fair share is the number of shards over the number of live
// instances. Liveness serves only that computation, so an instance counts
// as live for one LeaseTTL after its last beat (by Redis's clock, as the
// leases' expiry is): as long as the leases it renewed just after that
// beat can last, and no longer. A crashed
// instance stops counting when its leases lapse, and its share goes to
// the others then; counted longer, it would keep them at a smaller share
// with its shards free and nobody taking them. So that the takeover
// follows the lapse closely rather than at the next regular tick, the
// loop also looks again just after the oldest other instance's beat ages
// out and, while under its share, just after the soonest of the other
// leases lapses, and every LeaseTTL/10 while the others hold more than
// their share (they give shards up at their next tick: an instance that
// joins takes them within LeaseTTL/10 of their release).
//
// On its first tick an instance also takes the leases held under its own
// Consumer name: the name is unique among running processes, so those
// were left by an earlier process of this name, killed before it could
// release them (a restarted replica that keeps its name); waiting for them
// to lapse would only hold its residents up.
func (q *queue) leaseLoop(ctx context.Context) {
	adopt := true
	for {
		wait := q.tickLeases(ctx, adopt)
		adopt = false
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			q.releaseAll()
			return
		case <-t.C:
		}
	}
}

// tickLeases does one round of leaseLoop (adopt: taking the leases left
// under this instance's name) and returns how long to wait before the
// next: LeaseTTL/3, or less when a takeover is due sooner.
func (q *queue) tickLeases(ctx context.Context, adopt bool) time.Duration {
	ttl := q.cfg.LeaseTTL
	next := ttl / 3
	sooner := func(d time.Duration) { next = max(min(next, d), takeMargin) }
	n := 1
	beat, err := beatScript.Run(ctx, q.rdb, []string{q.key("instances")}, q.cfg.Consumer, ttl.Milliseconds()).Slice()
	if err == nil && len(beat) == 3 {
		live, _ := beat[0].(int64)
		oldest, _ := beat[1].(string)
		age, _ := beat[2].(int64)
		n = max(int(live), 1)
		if oldest != q.cfg.Consumer {
			// When its beat ages out, the fair share grows.
			sooner(ttl - time.Duration(age)*time.Millisecond + takeMargin)
		}
	} else if ctx.Err() == nil {
		q.log.Warn("line queue: heartbeat", "err", err)
	}
	q.readMarker(ctx)
	fair := (len(q.shards) + n - 1) / n

	owned := 0
	held, renewed, start := q.renew(ctx)
	for i, s := range held {
		ok, err := renewed[i].Int()
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
		return next
	}
	// Under it: take free shards, starting at a random one to spread.
	off := rand.IntN(len(q.shards))
	for i := 0; i < len(q.shards) && owned < fair; i++ {
		s := q.shards[(off+i)%len(q.shards)]
		if q.owns(s) {
			continue
		}
		start := time.Now()
		var ok bool
		var err error
		if adopt {
			ok, err = adoptScript.Run(ctx, q.rdb, []string{s.lease}, q.cfg.Consumer, ttl.Milliseconds()).Bool()
		} else {
			ok, err = q.rdb.SetNX(ctx, s.lease, q.cfg.Consumer, ttl).Result()
		}
		if err != nil || !ok {
			continue
		}
		q.startShard(s, start.Add(ttl-ttl/10))
		owned++
	}
	if owned < fair {
		lapse, othersHeld := q.soonestLapse(ctx)
		sooner(lapse)
		if othersHeld > (n-1)*fair {
			// Another instance holds more than its share (this one has just
			// joined, or another left): it gives shards up at its next
			// tick, which may come at any time in the next LeaseTTL/3.
			// Look often until then, so that the shards it frees wait
			// LeaseTTL/10 at most for a holder, not up to LeaseTTL/3.
			sooner(ttl / 10)
		}
	}
	return next
}

// renew sends the renewal of every lease this instance holds in one
// pipeline and returns those shards, each one's answer (1 renewed, 0 no
// longer ours, or an error: unknown) and when the pipeline was sent, which
// the renewed leases are valid from. One round trip, not one a lease:
// renewed one by one under load (each renewal waiting for a pooled
// connection behind the workers' commands) 32 leases took seconds, which
// let the first renewed lapse before the next tick and this instance's
// heartbeat age out, so that another instance took its shards (README,
// "Measured": the soak test's start with two replicas).
func (q *queue) renew(ctx context.Context) (held []*shard, renewed []*redis.Cmd, start time.Time) {
	for _, s := range q.shards {
		if q.owns(s) {
			held = append(held, s)
		}
	}
	start = time.Now()
	if len(held) == 0 {
		return nil, nil, start
	}
	pipe := q.rdb.Pipeline()
	for _, s := range held {
		// EVAL, not EVALSHA: a pipeline cannot load a script missing from
		// Redis's cache and retry.
		renewed = append(renewed, pipe.Eval(ctx, renewSource, []string{s.lease}, q.cfg.Consumer, q.cfg.LeaseTTL.Milliseconds()))
	}
	_, _ = pipe.Exec(ctx) // each command holds its own answer or error
	return held, renewed, start
}

// soonestLapse returns how long until the soonest of the leases this
// instance does not hold lapses, plus takeMargin (a lease already free:
// takeMargin; none held with an expiry, or no answer: a whole LeaseTTL),
// and how many of those leases are held (by other instances; 0 with no
// answer).
func (q *queue) soonestLapse(ctx context.Context) (time.Duration, int) {
	pipe := q.rdb.Pipeline()
	var ttls []*redis.DurationCmd
	for _, s := range q.shards {
		if !q.owns(s) {
			ttls = append(ttls, pipe.PTTL(ctx, s.lease))
		}
	}
	soonest := q.cfg.LeaseTTL
	if len(ttls) == 0 {
		return soonest, 0
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return soonest, 0
	}
	held := 0
	for _, c := range ttls {
		switch d := c.Val(); {
		case d == -2: // no lease: free (the take above lost a race, or failed)
			soonest = 0
		case d >= 0:
			soonest = min(soonest, d)
			held++
		}
	}
	return soonest + takeMargin, held
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
func (q *queue) stopShard(s *shard) { q.stopShards([]*shard{s}) }

// giveUp hands shards back to other instances: it stops their workers
// (each finishes the entry it holds) and releases their leases.
func (q *queue) giveUp(shards []*shard) {
	if len(shards) == 0 {
		return
	}
	stopped := q.stopShards(shards)
	q.awaitRead()
	for _, s := range stopped {
		q.release(s)
	}
}

// stopShards stops the workers of those of shards that are not idle, and
// waits until each has finished the entry it holds; it returns them. The
// workers are all told to stop first, then waited for: stopped one after
// the other, each of the rest went on taking new entries meanwhile, and
// 16 shards given up under load took 1.3 s of the lease loop's tick.
func (q *queue) stopShards(shards []*shard) []*shard {
	var (
		stopped []*shard
		dones   []chan struct{}
	)
	q.mu.Lock()
	for _, s := range shards {
		if s.state != shardIdle {
			s.state = shardIdle
			close(s.stop)
			stopped, dones = append(stopped, s), append(dones, s.done)
		}
	}
	q.mu.Unlock()
	for _, d := range dones {
		<-d
	}
	return stopped
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
	mine := q.stopShards(q.shards)
	q.awaitRead()
	for _, s := range mine {
		q.release(s)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	q.rdb.ZRem(ctx, q.key("instances"), q.cfg.Consumer)
}

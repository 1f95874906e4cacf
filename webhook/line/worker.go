package line

import (
	"cmp"
	"context"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// readLoop is the one goroutine that reads the shard streams of this
// instance. Being the only reader is what keeps order: a shard taken
// over first has its pending entries (its own and, claimed, those of the
// instance that held it before) dispatched in id order, and only then its
// new entries. A shard whose buffer is nearly full is left out of the
// next read, so one slow chat never holds up the others.
//
// A read waits up to block for new entries, so it must not outlive the
// shard's lease: what it took after the lease passed on would be pending
// here, where the next holder's takeover does not look. A shard is read
// only while its lease is sure to outlast the wait, and giveUp waits for
// the read in flight (readMu) before it releases a lease.
//
// Reading shards one by one (perShard: a Redis Cluster), a read cannot
// wait for new entries, since it would hold up the others; when a read
// finds nothing, the loop sleeps instead, from 1 ms doubling up to
// maxPoll while nothing comes.
func (q *queue) readLoop(ctx context.Context) {
	block := min(time.Second, q.cfg.LeaseTTL/10) // see readNew
	fails := 0
	var idle time.Duration
	for ctx.Err() == nil {
		q.recoverStep(ctx)
		q.readMu.Lock()
		n, err := q.readNew(ctx, block)
		q.readMu.Unlock()
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return
			}
			if strings.Contains(err.Error(), "NOGROUP") {
				_ = q.ensureGroups(ctx)
			}
			fails++
			q.log.Warn("line queue: read", "err", err)
			sleep(ctx.Done(), min(time.Duration(fails)*100*time.Millisecond, 2*time.Second))
		case n < 0:
			sleep(ctx.Done(), 20*time.Millisecond) // no shard to read
		case n == 0 && q.perShard.Load():
			idle = min(max(2*idle, time.Millisecond), maxPoll)
			sleep(ctx.Done(), idle)
		default:
			fails, idle = 0, 0
		}
	}
}

// maxPoll is the longest a queue reading shards one by one (a Redis
// Cluster) sleeps between reads that found nothing: what it adds at most
// to the answer of an event reaching an idle instance. Idle, an instance
// polls 40 times a second, one pipeline per cluster node each time.
const maxPoll = 25 * time.Millisecond

// readNew reads new entries from every ready shard with room in its
// buffer, waiting up to block for some, and dispatches them. It returns
// how many it read, or -1 when there was no shard to read.
func (q *queue) readNew(ctx context.Context, block time.Duration) (int, error) {
	perShard := q.perShard.Load()
	if perShard {
		block = 0
	}
	var keys, ids []string
	targets := map[string]*shard{}
	chans := map[string]chan entry{}
	// The read may take block; the lease must be ours until after that,
	// with a margin for the round trip.
	until := time.Now().Add(block + q.cfg.LeaseTTL/10)
	var valid time.Time // the earliest validUntil of the shards read
	q.mu.Lock()
	for _, s := range q.shards {
		if s.state == shardReady && cap(s.ch)-len(s.ch) >= batch && until.Before(s.validUntil) {
			keys = append(keys, s.stream)
			ids = append(ids, ">")
			targets[s.stream], chans[s.stream] = s, s.ch
			if valid.IsZero() || s.validUntil.Before(valid) {
				valid = s.validUntil
			}
		}
	}
	q.mu.Unlock()
	if len(keys) == 0 {
		return -1, nil
	}
	// The read must also reach Redis in time: go-redis retries a command
	// that meets a dropped connection, and a read sent late (Redis
	// restarting) would take entries after the lease passed on, where the
	// next holder, having claimed what was pending, never looks. Redis
	// takes entries until block after it gets the read, and the lease
	// key outlives validUntil by LeaseTTL/10 at least: the read is
	// abandoned unless it reaches Redis by validUntil+LeaseTTL/20-block.
	// (The eligibility above leaves it 0.15 LeaseTTL, more than block.)
	ctx, cancel := context.WithDeadline(ctx, valid.Add(q.cfg.LeaseTTL/20-block))
	defer cancel()
	var (
		res    []redis.XStream
		failed []string
		err    error
	)
	if perShard {
		res, failed, err = q.readEach(ctx, keys)
	} else {
		res, err = q.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: group, Consumer: q.cfg.Consumer, Streams: append(keys, ids...), Count: batch, Block: block,
		}).Result()
		if err != nil && strings.Contains(err.Error(), "CROSSSLOT") {
			// A server that keeps a Cluster's rules behind one address.
			q.log.Info("line queue: Redis refuses a read across hash slots; reading each shard on its own")
			q.perShard.Store(true)
			res, failed, err = q.readEach(ctx, keys)
		} else if err == redis.Nil {
			res, err = nil, nil
		} else if err != nil {
			res, failed = nil, keys
		}
	}
	n := 0
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, st := range res {
		s, ch := targets[st.Stream], chans[st.Stream]
		for _, m := range st.Messages {
			e, _ := toEntry(s, m)
			ch <- e // room was reserved above, and only this goroutine sends
			n++
		}
		if len(st.Messages) > 0 && s.ch == ch && s.state == shardReady {
			s.cursor = st.Messages[len(st.Messages)-1].ID
		}
	}
	// A read that failed may have been run by Redis, its answer lost (a
	// dropped connection, a timeout): the entries it took are pending on
	// this consumer, and no read of new entries returns them again. The
	// shard re-reads its own pending entries after the last one it
	// dispatched (recoverStep), which are exactly those.
	for _, k := range failed {
		if s := targets[k]; s.ch == chans[k] && s.state == shardReady {
			s.state = shardRecovering
		}
	}
	return n, err
}

// readEach reads new entries from each of streams with a command of its
// own, none waiting, in one pipeline (on a Cluster, one round trip to each
// node, side by side). It returns what the reads that succeeded took, the
// streams whose read failed, and the first error.
func (q *queue) readEach(ctx context.Context, streams []string) ([]redis.XStream, []string, error) {
	pipe := q.rdb.Pipeline()
	cmds := make([]*redis.XStreamSliceCmd, len(streams))
	for i, st := range streams {
		cmds[i] = pipe.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: group, Consumer: q.cfg.Consumer, Streams: []string{st, ">"}, Count: batch, Block: -1,
		})
	}
	_, _ = pipe.Exec(ctx)
	var (
		out    []redis.XStream
		failed []string
		first  error
	)
	for i, c := range cmds {
		res, err := c.Result()
		if err != nil && err != redis.Nil {
			first = cmp.Or(first, err)
			failed = append(failed, streams[i])
			continue
		}
		out = append(out, res...)
	}
	return out, failed, first
}

// recoverStep advances every shard being taken over: it first claims the
// entries pending on other consumers (the previous holder, dead or
// stopped), then dispatches this consumer's pending entries in id order,
// a batch at a time; when none are left the shard is ready.
func (q *queue) recoverStep(ctx context.Context) {
	q.mu.Lock()
	var todo []*shard
	for _, s := range q.shards {
		if s.state == shardRecovering && cap(s.ch)-len(s.ch) >= batch {
			todo = append(todo, s)
		}
	}
	q.mu.Unlock()
	for _, s := range todo {
		q.recoverShard(ctx, s)
	}
}

// recoverShard is recoverStep for one shard. Its reads end with the
// shard's lease: late (Redis restarting), a claim would take entries from
// the next holder.
func (q *queue) recoverShard(ctx context.Context, s *shard) {
	ctx, cancel := context.WithDeadline(ctx, q.validUntil(s))
	defer cancel()
	q.mu.Lock()
	cursor, ch := s.cursor, s.ch
	q.mu.Unlock()
	if cursor == "" {
		if err := q.claimAll(ctx, s); err != nil {
			if ctx.Err() == nil {
				q.log.Warn("line queue: claim", "shard", s.n, "err", err)
			}
			return
		}
		q.pruneConsumers(ctx, s)
		cursor = "0"
	}
	res, err := q.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: group, Consumer: q.cfg.Consumer, Streams: []string{s.stream, cursor}, Count: batch, Block: -1,
	}).Result()
	if err != nil && err != redis.Nil {
		if strings.Contains(err.Error(), "NOGROUP") {
			_ = q.ensureGroups(ctx)
		}
		if ctx.Err() == nil {
			q.log.Warn("line queue: read pending", "shard", s.n, "err", err)
		}
		return
	}
	n := 0
	for _, st := range res {
		for _, m := range st.Messages {
			e, _ := toEntry(s, m)
			e.again = true // pending: read before, here or by the previous holder
			ch <- e
			cursor = m.ID
			n++
		}
	}
	q.mu.Lock()
	if s.ch == ch && s.state == shardRecovering { // not lost meanwhile
		s.cursor = cursor
		if n < batch {
			s.state = shardReady
		}
	}
	q.mu.Unlock()
}

// claimAll moves every entry pending in s on any consumer to this one.
// The lease proves the previous holder silent for LeaseTTL, so no idle
// minimum is needed.
func (q *queue) claimAll(ctx context.Context, s *shard) error {
	start := "0-0"
	for {
		_, next, err := q.rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{
			Stream: s.stream, Group: group, Consumer: q.cfg.Consumer, MinIdle: 0, Start: start, Count: 100,
		}).Result()
		if err != nil {
			if strings.Contains(err.Error(), "NOGROUP") {
				return q.ensureGroups(ctx)
			}
			return err
		}
		if next == "0-0" || next == "" {
			return nil
		}
		start = next
	}
}

// pruneScript deletes from group ARGV[1] of stream KEYS[1] every consumer
// but ARGV[2] that has no entry pending, and returns how many it deleted.
// Atomic, so that no entry is delivered to a consumer between the check
// and its deletion (XGROUP DELCONSUMER drops the consumer's pending
// entries with it).
var pruneScript = redis.NewScript(`
local n = 0
for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
  local name, pending
  for i = 1, #c, 2 do
    if c[i] == 'name' then name = c[i + 1] elseif c[i] == 'pending' then pending = c[i + 1] end
  end
  if name ~= ARGV[2] and pending == 0 then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], name)
    n = n + 1
  end
end
return n
`)

// pruneConsumers deletes, once s's pending entries are all claimed here,
// the group's other consumers of s: each replica that ever held the shard
// left its name there (a restarted replica comes back under a new name),
// and without this the group would list every one of them forever. A live
// replica deleted so loses nothing (it has nothing pending; its name comes
// back if it reads the shard again), and only the lease holder reads a
// shard. A failure is only logged: the next takeover tries again.
func (q *queue) pruneConsumers(ctx context.Context, s *shard) {
	n, err := pruneScript.Run(ctx, q.rdb, []string{s.stream}, group, q.cfg.Consumer).Int()
	if err != nil {
		if ctx.Err() == nil {
			q.log.Warn("line queue: delete the consumers of gone replicas", "shard", s.n, "err", err)
		}
		return
	}
	if n > 0 {
		q.log.Debug("line queue: deleted consumers of other replicas", "shard", s.n, "consumers", n)
	}
}

// work handles the entries of one shard until stop is closed, a batch at
// a time: whatever the read loop has buffered, up to batch entries. A
// batch's entries are grouped by chat; each chat's entries are handled in
// order, different chats side by side (within the instance's
// Concurrency). What is known of each entry beforehand (was it handled
// already, was its reply saved) is read in one round trip for the batch.
// The finished entries are marked done and acknowledged in the same round
// trip as the next batch's look-ups when a next batch is waiting, else at
// once in a round trip of their own: never later than without the
// sharing. If an entry is left unfinished (stopping, or the lease could
// not be confirmed), the later entries of its chat are left too,
// everything buffered after the batch is dropped from memory and the
// shard re-reads its pending entries, so no later entry of a chat
// overtakes an earlier one.
func (q *queue) work(s *shard, ch <-chan entry, stop, done chan struct{}) {
	defer close(done)
	var finished []*entry // the last batch's, not yet acknowledged
	for {
		select {
		case <-stop:
			q.finish(s, finished)
			return
		default:
		}
		b := take(ch, nil)
		if len(b) == 0 {
			// Nothing waiting: acknowledge now rather than hold on.
			q.finish(s, finished)
			finished = nil
			select {
			case <-stop:
				return
			case e := <-ch:
				b = take(ch, []*entry{&e})
			}
		}
		var complete bool
		finished, complete = q.handleBatch(s, b, stop, finished)
		if !complete {
			ch = q.rewind(s)
		}
	}
}

// take adds to b what ch holds buffered, up to batch entries in all,
// without waiting.
func take(ch <-chan entry, b []*entry) []*entry {
	for len(b) < batch {
		select {
		case e := <-ch:
			b = append(b, &e)
		default:
			return b
		}
	}
	return b
}

// rewind puts s back into recovery with a fresh buffer and returns it.
func (q *queue) rewind(s *shard) <-chan entry {
	q.mu.Lock()
	defer q.mu.Unlock()
	if s.state != shardIdle {
		s.state = shardRecovering
		s.cursor = ""
		s.ch = make(chan entry, 4*batch)
	}
	return s.ch
}

// handleBatch handles the entries of b (in stream order) and returns those
// it finished, to be acknowledged by the caller; prev, the previous batch's
// finished entries, are acknowledged with b's look-ups. It reports false
// when it left any entry unfinished, and has then acknowledged everything
// itself, so that the shard can re-read its pending entries at once.
func (q *queue) handleBatch(s *shard, b []*entry, stop <-chan struct{}, prev []*entry) (finished []*entry, complete bool) {
	// Not tied to Run's context: a shutdown lets the batch in hand finish.
	// Tied to the lease: once it may be another's, nothing of the batch
	// must reach Redis or LINE any more.
	ctx, cancel := context.WithTimeout(context.Background(), q.cfg.ReplyTokenTTL+30*time.Second)
	defer cancel()
	ctx, stopLease := q.leaseContext(ctx, s)
	defer stopLease()
	looked := q.retry(s, stop, "prepare", func() error {
		err := q.lookup(ctx, s, prev, b)
		prev = nil // sent with the first attempt, whatever became of it
		return err
	})
	if !looked {
		q.finish(s, prev)
		return nil, false
	}
	var (
		chats []string
		byKey = map[string][]*entry{}
	)
	for _, e := range b {
		if _, ok := byKey[e.chat]; !ok {
			chats = append(chats, e.chat)
		}
		byKey[e.chat] = append(byKey[e.chat], e)
	}
	var (
		wg sync.WaitGroup
		mu sync.Mutex
	)
	complete = true
	incomplete := func() {
		mu.Lock()
		complete = false
		mu.Unlock()
	}
	for _, c := range chats {
		run := func() {
			defer wg.Done()
			for _, e := range byKey[c] {
				if stopped(stop) || !q.handle(ctx, s, e, stop) {
					incomplete()
					return // the chat's later entries wait for this one
				}
				mu.Lock()
				finished = append(finished, e)
				mu.Unlock()
			}
		}
		wg.Add(1)
		select {
		case q.chats <- run:
		case <-stop:
			// A stopping shard starts no new chat; what it leaves stays
			// pending for the next holder.
			wg.Done()
			incomplete()
		}
	}
	wg.Wait()
	if !complete {
		q.finish(s, finished)
		return nil, false
	}
	return finished, true
}

// leaseContext returns a context that parent's end ends, and also the
// passing of s's validUntil without a renewal: then the lease may be
// another instance's, which handles the shard's entries from then on.
// Checking the lease before each attempt is not enough: an attempt that
// stalls (Redis restarting under go-redis's retries, a hung call, a
// paused process) would go on to reply after the next holder answered the
// same event, or a later one.
func (q *queue) leaseContext(parent context.Context, s *shard) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(parent)
	var (
		mu sync.Mutex
		t  *time.Timer
	)
	lapse := func() {
		mu.Lock()
		defer mu.Unlock()
		if d := time.Until(q.validUntil(s)); d > 0 {
			t.Reset(d) // renewed meanwhile
			return
		}
		cancel()
	}
	mu.Lock()
	t = time.AfterFunc(time.Until(q.validUntil(s)), lapse)
	mu.Unlock()
	return ctx, func() {
		mu.Lock()
		t.Stop()
		mu.Unlock()
		cancel()
	}
}

// stopped reports whether stop is closed: a stopping shard starts no new
// event, and the rest of its batch stays pending for the next holder.
func stopped(stop <-chan struct{}) bool {
	select {
	case <-stop:
		return true
	default:
		return false
	}
}

// handle processes e until it is finished, retrying transient failures
// with backoff (the chat's later entries wait: order matters more than
// throughput), and dead-letters it after MaxAttempts. It reports false
// when it left e unfinished (stopping, or the lease unconfirmed).
func (q *queue) handle(ctx context.Context, s *shard, e *entry, stop <-chan struct{}) bool {
	if e.raw == nil { // deleted or foreign entry: nothing to do
		return true
	}
	backoff := 100 * time.Millisecond
	for attempt := 1; ; attempt++ {
		if time.Now().After(q.validUntil(s)) {
			return false // the lease may be another's now: leave the entry pending
		}
		if attempt > 1 {
			e.again = true
			// An attempt that failed may have saved the reply: look again.
			if err := q.lookup(ctx, s, nil, []*entry{e}); err != nil {
				q.log.Warn("line queue: prepare for retry", "shard", s.n, "entry", e.id, "err", err)
			}
		}
		err := q.proc.process(ctx, e)
		if err == nil {
			return true
		}
		e.doneKey, e.dropKeys = "", nil
		if attempt >= q.cfg.MaxAttempts {
			q.log.Error("line queue: giving up on event", "shard", s.n, "entry", e.id, "attempts", attempt, "err", err)
			q.deadLetter(ctx, e, err)
			return true
		}
		q.log.Warn("line queue: event failed, will retry", "shard", s.n, "entry", e.id, "attempt", attempt, "err", err)
		if !sleep(stop, jitter(backoff)) {
			return false
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// retry runs fn until it succeeds, with backoff, and reports false if it
// gave up because the shard is stopping or its lease is unconfirmed.
func (q *queue) retry(s *shard, stop <-chan struct{}, what string, fn func() error) bool {
	backoff := 100 * time.Millisecond
	for {
		if time.Now().After(q.validUntil(s)) {
			return false
		}
		err := fn()
		if err == nil {
			return true
		}
		q.log.Warn("line queue: "+what+" failed, will retry", "shard", s.n, "err", err)
		if !sleep(stop, jitter(backoff)) {
			return false
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// lookup acknowledges done (see ack) and runs the processor's look-ups
// for es, in one round trip. It fails if the look-ups did; a failed
// acknowledgement is only logged.
func (q *queue) lookup(ctx context.Context, s *shard, done, es []*entry) error {
	pipe := q.rdb.Pipeline()
	acked := q.ack(ctx, pipe, s, done)
	read := q.proc.prepare(ctx, pipe, es)
	if pipe.Len() > 0 {
		_, _ = pipe.Exec(ctx) // each part reads its own commands' errors
	}
	acked()
	return read()
}

// finish acknowledges es (see ack) in a round trip of its own.
func (q *queue) finish(s *shard, es []*entry) {
	if len(es) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = q.lookup(ctx, s, es, nil) // no look-ups, so nothing that can fail
}

// ack queues on pipe what finishes es: their done marks (the keys
// process named), then the acknowledgement and deletion of their entries,
// so that the stream holds only unfinished events. Redis runs a
// pipeline's commands in order, so an entry is never acknowledged before
// its done mark is set, and a look-up queued after them sees the marks.
// The returned function, called once pipe has run, logs a failure: the
// entries are then seen again, and skipped as duplicates by their done
// keys or resent from their saved replies.
func (q *queue) ack(ctx context.Context, pipe redis.Pipeliner, s *shard, es []*entry) (check func()) {
	if len(es) == 0 {
		return func() {}
	}
	ids := make([]string, 0, len(es))
	var cmds []redis.Cmder
	for _, e := range es {
		if e.doneKey != "" {
			cmds = append(cmds, pipe.Set(ctx, e.doneKey, "1", q.cfg.DedupTTL))
		}
		if len(e.dropKeys) > 0 { // in the entry's slot, like doneKey
			cmds = append(cmds, pipe.Del(ctx, e.dropKeys...))
		}
		ids = append(ids, e.id)
	}
	cmds = append(cmds, pipe.XAck(ctx, s.stream, group, ids...), pipe.XDel(ctx, s.stream, ids...))
	return func() {
		for _, c := range cmds {
			if err := c.Err(); err != nil {
				q.log.Warn("line queue: ack", "shard", s.n, "entries", len(ids), "err", err)
				return
			}
		}
	}
}

// deadLetter records that an event was given up, for operators. It keeps
// the event's id and type, never its content.
func (q *queue) deadLetter(ctx context.Context, e *entry, cause error) {
	ev := e.ev
	q.rdb.XAdd(ctx, &redis.XAddArgs{
		Stream: q.key("dead"), MaxLen: 10000, Approx: true,
		Values: []any{"m", e.municipality, "id", ev.WebhookEventID, "type", ev.kind(), "err", cause.Error()},
	})
}

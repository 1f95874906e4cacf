package line

import (
	"context"
	"errors"
	"hash/fnv"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/redis/go-redis/v9"
)

// group is the consumer group every shard stream is read through.
const group = "line"

// batch is how many entries one read takes from a shard, the headroom a
// shard's buffer must have before it is read again, and the most entries
// a shard's worker handles together.
const batch = 16

// entry is one recorded webhook event, as read back from a shard stream.
type entry struct {
	id           string // stream entry id
	municipality string
	raw          []byte // nil for an entry that is not a recorded event
	received     time.Time

	// Set by processor.prepare and its read:
	ev    event   // the decoded event
	bad   bool    // raw could not be decoded
	chat  string  // what orders the entry: municipality and chat id
	seen  bool    // handled already (a redelivery, or a second read)
	prior *outbox // the reply an unfinished attempt saved, if any

	// Set by processor.process when it finishes the entry: keys written
	// with its acknowledgement, in the same round trip.
	doneKey string // set for DedupTTL: the event is handled
	dropKey string // deleted: the saved reply is no longer needed
}

// processor handles entries for the queue; Handler is the one in use.
type processor interface {
	// prepare decodes each entry of a batch (ev, bad, chat) and queues on
	// pipe the look-ups that tell whether each was handled already and
	// whether an unfinished attempt saved its reply. Once pipe has run,
	// read sets seen and prior from the answers; it fails if the look-ups
	// did. The queue runs the look-ups of a whole batch, and the
	// acknowledgement of the batch before it, in one round trip. prepare
	// is called again for a single entry before that entry is retried.
	prepare(ctx context.Context, pipe redis.Pipeliner, es []*entry) (read func() error)
	// process handles one prepared entry. It returns nil when the entry is
	// finished (handled, or judged unhandleable), setting doneKey and
	// dropKey for the acknowledgement, and an error when it failed for a
	// reason that may pass (the entry is then tried again, before any
	// later entry of its chat).
	process(ctx context.Context, e *entry) error
}

type shardState int

const (
	shardIdle       shardState = iota // not ours
	shardRecovering                   // ours; re-reading pending entries before new ones
	shardReady                        // ours; reading new entries
)

type shard struct {
	n             int
	stream, lease string

	// Guarded by queue.mu.
	state      shardState
	validUntil time.Time // the lease is surely ours until then
	cursor     string    // recovering: the last pending id dispatched
	ch         chan entry
	stop       chan struct{}
	done       chan struct{}
}

// queue is the durable part: shard streams in Redis, the leases that make
// one instance at a time the reader of a shard, and the per-shard workers.
type queue struct {
	cfg  *Config
	rdb  redis.UniversalClient
	proc processor
	log  *slog.Logger
	// chats takes the work of one chat of a batch (its entries, in order)
	// to one of Concurrency runners, long-lived goroutines: a goroutine
	// per chat and batch grew its stack anew each time (copying it two or
	// three times, 4% of the CPU under load); a runner keeps its grown one
	// from chat to chat, unless the GC shrinks it while idle (2% left).
	// The runners bound the events handled at once by this instance.
	chats chan func()

	mu     sync.Mutex
	shards []*shard
	bykey  map[string]*shard

	// readMu is held by the read loop while a read of new entries is in
	// flight; see readLoop.
	readMu sync.Mutex
}

func newQueue(cfg *Config, proc processor) *queue {
	q := &queue{cfg: cfg, rdb: cfg.Redis, proc: proc, log: cfg.Logger, bykey: map[string]*shard{},
		chats: make(chan func())}
	for i := range cfg.Shards {
		tag := "{" + strings.TrimSuffix(cfg.Prefix, ":") + ":" + strconv.Itoa(i) + "}"
		s := &shard{n: i, stream: cfg.Prefix + "q:" + tag, lease: cfg.Prefix + "lease:" + tag}
		q.shards = append(q.shards, s)
		q.bykey[s.stream] = s
	}
	return q
}

func (q *queue) key(parts ...string) string { return q.cfg.Prefix + strings.Join(parts, ":") }

// shardOf picks the shard of a chat: all events of one user (or group)
// go to one stream, so one worker sees them in order.
func (q *queue) shardOf(municipality, chat string) *shard {
	h := fnv.New32a()
	h.Write([]byte(municipality))
	h.Write([]byte{0})
	h.Write([]byte(chat))
	return q.shards[h.Sum32()%uint32(len(q.shards))]
}

// enqueue records the events of one webhook request, in order, each in
// its chat's shard stream. When it returns nil they are in Redis.
func (q *queue) enqueue(ctx context.Context, municipality string, raws []jsontext.Value, evs []event) error {
	if len(raws) == 0 {
		return nil
	}
	now := strconv.FormatInt(q.cfg.Clock().UnixMilli(), 10)
	pipe := q.rdb.Pipeline()
	for i, raw := range raws {
		s := q.shardOf(municipality, evs[i].Source.chat())
		pipe.XAdd(ctx, &redis.XAddArgs{Stream: s.stream, Values: []any{"m", municipality, "e", string(raw), "r", now}})
	}
	_, err := pipe.Exec(ctx)
	return err
}

// ensureGroups creates the consumer group of every shard stream, starting
// at the beginning so that entries recorded before any worker ran count.
func (q *queue) ensureGroups(ctx context.Context) error {
	pipe := q.rdb.Pipeline()
	for _, s := range q.shards {
		pipe.XGroupCreateMkStream(ctx, s.stream, group, "0")
	}
	_, err := pipe.Exec(ctx)
	if err != nil && !strings.Contains(err.Error(), "BUSYGROUP") {
		return err
	}
	return nil
}

// run works until ctx is done, then stops reading, lets every worker
// finish the entry it holds, releases the leases and returns.
func (q *queue) run(ctx context.Context) error {
	if err := q.ensureGroups(ctx); err != nil {
		q.log.Error("line queue: create consumer groups", "err", err)
	}
	var runners sync.WaitGroup
	for range q.cfg.Concurrency {
		runners.Go(func() {
			for fn := range q.chats {
				fn()
			}
		})
	}
	var wg sync.WaitGroup
	wg.Go(func() { q.readLoop(ctx) })
	q.leaseLoop(ctx) // returns once every shard worker has stopped
	wg.Wait()
	close(q.chats)
	runners.Wait()
	return nil
}

func toEntry(m redis.XMessage) (entry, bool) {
	mun, _ := m.Values["m"].(string)
	raw, _ := m.Values["e"].(string)
	if mun == "" || raw == "" {
		return entry{id: m.ID}, false
	}
	e := entry{id: m.ID, municipality: mun, raw: []byte(raw)}
	if r, _ := m.Values["r"].(string); r != "" {
		if ms, err := strconv.ParseInt(r, 10, 64); err == nil {
			e.received = time.UnixMilli(ms)
		}
	}
	return e, true
}

// sleep waits d or until done is closed; it reports whether d passed.
func sleep(done <-chan struct{}, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
		return false
	case <-t.C:
		return true
	}
}

// jitter returns d plus up to 20%.
func jitter(d time.Duration) time.Duration { return d + time.Duration(rand.Int64N(int64(d)/5+1)) }

var errLeaseLost = errors.New("shard lease lost")

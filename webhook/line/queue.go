package line

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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
	tag          string // its shard's hash tag (see shard.tag)
	municipality string
	raw          []byte // nil for an entry that is not a recorded event
	received     time.Time
	lease        string // its shard's lease key
	// again says the entry may have been handled before, up to its reply,
	// by this instance or another: it was claimed from another consumer,
	// re-read from the pending list, or is being retried (see
	// Handler.usedElsewhere).
	again bool

	// Set by processor.prepare and its read:
	ev    event   // the decoded event
	bad   bool    // raw could not be decoded
	chat  string  // what orders the entry: municipality and chat id
	seen  bool    // handled already (a redelivery, or a second read)
	prior *outbox // the reply an unfinished attempt saved, if any
	tried bool    // an unfinished attempt may have replied (Config.WaitReplicas)

	// Set by processor.process when it finishes the entry: keys written
	// with its acknowledgement, in the same round trip.
	doneKey  string   // set for DedupTTL: the event is handled
	dropKeys []string // deleted: the saved reply and attempt mark, no longer needed
}

// processor handles entries for the queue; Handler is the one in use.
type processor interface {
	// prepare decodes each entry of a batch (ev, bad, chat) and queues on
	// pipe the look-ups that tell whether each was handled already and
	// whether an unfinished attempt saved its reply (or may have replied).
	// Once pipe has run, read sets seen, prior and tried from the answers; it fails if the look-ups
	// did. The queue runs the look-ups of a whole batch, and the
	// acknowledgement of the batch before it, in one round trip. prepare
	// is called again for a single entry before that entry is retried.
	prepare(ctx context.Context, pipe redis.Pipeliner, es []*entry) (read func() error)
	// process handles one prepared entry. It returns nil when the entry is
	// finished (handled, or judged unhandleable), setting doneKey and
	// dropKeys for the acknowledgement, and an error when it failed for a
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
	n int
	// tag is the hash tag of every key of the shard ("{madoguchi:line:3}"):
	// its stream, its lease and its events' done marks and saved replies.
	// On a Redis Cluster they are all in one slot, so a batch's look-ups
	// and acknowledgement go to one node in one round trip, in order.
	tag           string
	stream, lease string

	// Guarded by queue.mu.
	state      shardState
	validUntil time.Time // the lease is surely ours until then
	cursor     string    // the last entry id dispatched to ch ("": none yet, claim first)
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

	// perShard is set when one read cannot span the shards: their streams
	// are in different hash slots, and on a Redis Cluster (or a proxy that
	// answers CROSSSLOT) a multi-key command must stay in one slot. Each
	// shard is then read with a command of its own; see readNew.
	perShard atomic.Bool
	// legacyUntil is when (Unix ms) the queue stops also looking up the
	// done marks and saved replies that versions before the hash-tagged
	// keys wrote (see legacyKey); 0: it never does (a cluster, where no
	// earlier version ever finished an event).
	legacyUntil atomic.Int64
}

func newQueue(cfg *Config, proc processor) *queue {
	q := &queue{cfg: cfg, rdb: cfg.Redis, proc: proc, log: cfg.Logger, bykey: map[string]*shard{},
		chats: make(chan func())}
	if _, ok := cfg.Redis.(*redis.ClusterClient); ok {
		q.perShard.Store(true)
	} else {
		q.legacyUntil.Store(math.MaxInt64) // until readMarker learns better
	}
	for i := range cfg.Shards {
		tag := "{" + strings.TrimSuffix(cfg.Prefix, ":") + ":" + strconv.Itoa(i) + "}"
		s := &shard{n: i, tag: tag, stream: cfg.Prefix + "q:" + tag, lease: cfg.Prefix + "lease:" + tag}
		q.shards = append(q.shards, s)
		q.bykey[s.stream] = s
	}
	return q
}

func (q *queue) key(parts ...string) string { return q.cfg.Prefix + strings.Join(parts, ":") }

// eventKey is the key of one event's done mark (kind "done") or saved
// reply ("out"), in the hash slot of the shard the event was read from
// (tag): <prefix><kind>:{<prefix>:<shard>}:<webhookEventId>. A redelivery
// of the event goes to the same shard (the chat picks it), so it finds
// the mark.
func (q *queue) eventKey(kind, tag, eventID string) string {
	return q.cfg.Prefix + kind + ":" + tag + ":" + eventID
}

// legacyKey is the key versions before eventKey gave the same mark,
// <prefix><kind>:<webhookEventId>, in no particular slot. While a
// deployment may still hold such keys (DedupTTL after the first instance
// with tagged keys started, see readMarker), look-ups read them too.
func (q *queue) legacyKey(kind, eventID string) string { return q.cfg.Prefix + kind + ":" + eventID }

// legacy reports whether look-ups also read the legacy keys.
func (q *queue) legacy() bool { return q.cfg.Clock().UnixMilli() < q.legacyUntil.Load() }

// readMarker learns since when this deployment writes tagged event keys:
// the first instance to start with them records the time in
// <prefix>tagged-since (kept, with no expiry), and every instance looks up
// the legacy keys too until DedupTTL after it, when the last of them has
// expired. Until it has read the marker, an instance looks them up.
func (q *queue) readMarker(ctx context.Context) {
	if q.legacyUntil.Load() != math.MaxInt64 {
		return // known already, or a cluster
	}
	k := q.key("tagged-since")
	now := q.cfg.Clock().UnixMilli()
	pipe := q.rdb.Pipeline()
	pipe.SetNX(ctx, k, now, 0)
	since := pipe.Get(ctx, k)
	if _, err := pipe.Exec(ctx); err != nil {
		return // try again at the next lease tick
	}
	t, err := since.Int64()
	if err != nil {
		return
	}
	q.legacyUntil.Store(t + q.cfg.DedupTTL.Milliseconds())
}

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
// its chat's shard stream. When it returns nil they are in Redis (and,
// with Config.WaitReplicas, on that many replicas).
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
	var wait *redis.Cmd
	if q.cfg.WaitReplicas > 0 {
		wait = pipe.Do(ctx, "WAIT", q.cfg.WaitReplicas, q.cfg.WaitTimeout.Milliseconds())
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return err
	}
	if wait != nil {
		if n, err := wait.Int64(); err != nil || n < int64(q.cfg.WaitReplicas) {
			return fmt.Errorf("%w: %d of %d replicas acknowledged within %v", errNotReplicated, n, q.cfg.WaitReplicas, q.cfg.WaitTimeout)
		}
	}
	return nil
}

// errNotReplicated: the events did not reach Config.WaitReplicas replicas.
var errNotReplicated = errors.New("events not replicated")

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

func toEntry(s *shard, m redis.XMessage) (entry, bool) {
	mun, _ := m.Values["m"].(string)
	raw, _ := m.Values["e"].(string)
	if mun == "" || raw == "" {
		return entry{id: m.ID, tag: s.tag, lease: s.lease}, false
	}
	e := entry{id: m.ID, tag: s.tag, lease: s.lease, municipality: mun, raw: []byte(raw)}
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

// Package line is the LINE channel: the Messaging API webhook, durable
// in-order handling of its events, and LINE-native replies. It only
// translates; the conversation is bot.Responder's.
//
// # Wiring (cmd/server)
//
//	h, err := line.New(line.Config{
//		Channels:    line.ChannelsFromEnv(os.Getenv, ids),
//		Known:       knownMunicipality,
//		Responder:   engine,
//		Redis:       rdb,
//		APIEndpoint: os.Getenv("LINE_API_ENDPOINT"), // "" means https://api.line.me
//		Logger:      logger,
//	})
//	h.Register(router)         // POST /webhook/line/:municipality
//	go h.Run(ctx)              // workers; returns after draining once ctx is done
//
// # The webhook
//
// The body is read through http.MaxBytesReader (413 over MaxBody), the
// X-Line-Signature is checked on the raw bytes with hmac.Equal before
// anything is parsed (400 if missing or wrong), then each event is
// appended to a Redis Stream and 200 is answered. A text message that
// looks like a PIN (understand.LooksLikePIN) is replaced by
// understand.RedactedPIN before its event is appended, so no PIN reaches
// Redis or its files; the dialog reads the marker as a PIN and warns. Nothing else happens
// in the request: LINE never waits on the dialog or on the Messaging API.
//
// # Durability, exactly once, order
//
// Events go to one of Shards streams chosen by a hash of municipality
// and chat (user, group or room), so one chat's events are in one stream,
// in the order they were recorded (sorted by timestamp within a request).
//
// Each shard stream is read by one instance at a time: the holder of the
// shard's lease, a Redis key set with SET NX PX LeaseTTL and renewed every
// LeaseTTL/3 by a compare-and-renew script. Instances beat in a sorted
// set, by Redis's clock, and each takes at most its fair share of shards
// (shards / live instances), so replicas split the work and a newcomer
// gets shards within a few seconds. Liveness is for that share alone: an
// instance counts as live for one LeaseTTL after its last beat, as long
// as the leases it renewed then can last, so a crashed instance's shards are
// taken over just after its leases lapse (the others look again at that
// moment rather than at their next tick), and a dead entry never holds
// the others at a smaller share while its shards lie free. An instance
// restarted under the same Consumer name takes the leases left under
// that name at once. Within an instance one goroutine reads (XREADGROUP
// on every shard it holds) and one worker per shard takes what was read in
// batches of up to 16 entries: it groups a batch by chat and hands each
// chat's entries, to be handled one at a time, to one of the instance's
// Config.Concurrency runner goroutines, so different chats run side by
// side (at most Concurrency events at once per instance). A chat's events are
// therefore handled in order whichever instance received them. A batch
// costs the queue one round trip whatever its size, to learn which of its
// events were handled already (or had their reply saved); the same round
// trip marks the previous batch's events done and acknowledges them. The
// last batch before a pause is acknowledged at once, in a round trip of
// its own.
//
// Entries are read through a consumer group, so an entry read but not
// finished stays in the pending list. When an instance takes a shard it
// first claims every pending entry with XAUTOCLAIM (the lease proves the
// previous holder silent for LeaseTTL) and handles those, in id order,
// before any new entry. Then it deletes the group's other consumers of
// that stream that have nothing pending (one script, XGROUP DELCONSUMER):
// every replica that ever held the shard, restarted ones under new names
// included, would otherwise stay listed forever. For that claim to find everything, an instance
// never reads a shard past its lease: a read that waits for new entries
// is made only while the lease is sure to outlast the wait, and an
// instance giving a shard up (over its fair share, or stopping) lets its
// read in flight end before it releases the lease. Otherwise an entry
// taken by that read would stay pending on it, unseen by the next holder.
// A read of new entries whose answer is lost (a dropped connection, a
// timeout, a Redis restart) may still have been run, leaving what it took
// pending here, where no later read of new entries returns it: the shard
// then re-reads its own pending entries after the last it dispatched.
// A finished entry is XACKed and XDELed: the stream
// holds only unfinished events. A transient failure (Redis, the engine's
// store, the Messaging API) is retried with backoff before the shard moves
// on; after MaxAttempts the event is recorded, without its content, in a
// dead-letter stream.
//
// Exactly once: after an event is handled its webhookEventId is set as a
// done key (DedupTTL); a redelivery or a second read of the entry finds it
// and is skipped. A turn is never applied twice: the event id goes to the
// engine as bot.Message.ID, and the engine answers a retry of the turn it
// last applied from the state before it (Reply.Repeat) instead of running
// it again, in the same state write, so a turn costs no extra round trip to
// be retry-safe. The reply token is single-use, which makes replies
// idempotent; pushes carry an X-Line-Retry-Key derived from the event id,
// which makes them idempotent too. When a retry cannot tell whether an
// interrupted attempt used the token (a repeated turn), it does not push:
// at most once rather than twice. The same holds within an attempt: a
// reply sent whole whose answer was lost (a timeout, a dropped
// connection) may have been delivered, so when its retry finds the token
// used it counts as delivered, and when no answer comes before the
// token's deadline nothing is pushed; only a token refused or expired
// before any such reply falls back to push. A reply that had to go by
// push is saved first (the outbox), so a retry pushes it again rather
// than the token.
//
// A lease can lapse while its holder is still handling an event (a slow
// Redis, a paused process): the next holder claims the entry and handles
// it again, and both may reply. Whichever reply LINE takes second is
// refused as a used token. That refusal, for a token inside its validity
// (before ReplyTokenTTL, under LINE's minute), is read as "the other
// attempt's reply was accepted" whenever another attempt was possible: the
// entry was claimed, re-read or retried, or the shard's lease is now held
// by another instance (read from Redis at the refusal). Nothing is then
// pushed, for a dialog turn and for a reply without one (a sticker's
// guidance) alike. With no other attempt possible, a refused token goes
// by push, as before: this costs nothing on the common path (no write
// before a reply) and never drops an answer on a guess.
//
// Shutdown: when Run's context ends, the reader stops, each worker
// finishes the events in hand (not cancelled) and starts no other, the
// leases are released, and whatever was read but not started stays
// pending for the instance that takes the shard next.
//
// # Replicas and failover
//
// Redis replicates asynchronously: a failover (Sentinel promoting a
// replica) or a restart that lost its last writes rolls back what was
// written last. With Config.WaitReplicas the webhook answers 200 only
// once its events are on that many replicas (XADD and WAIT in one round
// trip; else 503, and LINE redelivers), and before a reply with the token
// is sent, an attempt mark for the event is set and replicated the same
// way. An event handled again after a rollback (its done key, the
// engine's state and its acknowledgement lost) finds the mark: its token
// may be used already, so "Invalid reply token" then means delivered and
// nothing is pushed. The guarantee is whole with one replica, the one a
// failover promotes; with more, a write may reach only a replica that is
// not promoted. While fewer than WaitReplicas replicas are up, webhooks
// are refused and replies wait.
//
// # Redis Cluster
//
// Every key of a shard carries the shard's hash tag ({madoguchi:line:3}):
// its stream, its lease, and its events' done keys and saved replies
// (done:{madoguchi:line:3}:<webhookEventId>; a redelivery goes to the same
// shard, so it finds them). On a Redis Cluster a shard is thus in one
// slot: a batch's look-ups and acknowledgement go to one node in one
// round trip, and run there in order, so an entry is never acknowledged
// before its done key is set. The shards spread over the nodes, so one
// read cannot span them (CROSSSLOT): on a cluster client, or once a server
// refuses a read across slots, the reader reads each shard with a command
// of its own, all in one pipeline (a round trip to each node, side by
// side), and, since such reads cannot wait for new entries, sleeps up to
// 25 ms between reads that found nothing.
//
// Earlier versions kept done keys and saved replies under
// done:<webhookEventId> and out:<webhookEventId>, in no shard's slot. The
// first instance with tagged keys records when it started
// (<prefix>tagged-since); until DedupTTL after that, when the last of
// those keys has expired, every instance looks them up too (in the same
// round trip), so an upgrade answers no event twice.
//
// What an instance does for a shard ends with the lease's validity: a
// batch's Redis calls and Messaging API requests run under a context that
// ends when validUntil passes without a renewal, and a read of new entries
// must reach Redis early enough that Redis cannot hand it an entry after
// the lease key may have expired (go-redis retries a command through a
// Redis restart, and a late read would take entries the next holder,
// having claimed what was pending, never sees). An instance that stalls
// (a hung call, a paused process) therefore sends nothing once the next
// holder may be at work.
//
// Limits: a request already on the wire when the lease lapses may still
// reach LINE; ordering and exactly-once assume that takes less than
// LeaseTTL/10. Every instance must use the same Shards.
//
// # Messaging API requests
//
// Reply and push bodies are this package's own plain structs (wire.go),
// encoded by encoding/json in one pass, once per reply or push: every
// retry sends the same bytes. Every request, the loading animation's
// included, goes through the SDK client's Do, which adds the channel's
// access token.
//
// # Privacy
//
// Logs hold bot.HashUser of user, group and room ids, never the ids or
// message text; the JSON parser's errors (which quote the body) are never
// logged. Unfollow calls Responder.Forget; this package keeps nothing per
// user beyond per-event keys that expire and the user's profile language
// (asked of LINE at a follow, kept under the user's hash for 7 days,
// deleted at an unfollow).
package line

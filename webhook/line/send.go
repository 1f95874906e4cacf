package line

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/redis/go-redis/v9"

	"github.com/madoguchi/madoguchi/bot"
)

// maxAnswer bounds how much of a Messaging API answer is read.
const maxAnswer = 64 << 10

// errNoAnswer marks the failure of a request that was sent whole but got
// no answer (a timeout, a connection dropped): LINE may have acted on it.
var errNoAnswer = errors.New("sent, but no answer came")

// post sends body, JSON, to the Messaging API at path, bound to ctx,
// through api's Do (which adds the channel's token and the SDK's
// User-Agent, and uses the configured http.Client), with retryKey as
// X-Line-Retry-Key unless it is empty. It returns the status, 0 when no
// answer came, and an error unless the status is 2xx; for a non-2xx
// status the error quotes LINE's answer (what invalidToken looks for).
// When no answer came to a request that was written whole, the error
// wraps errNoAnswer (see unanswered); one that was not (a connection
// refused, a failed dial) cannot have reached LINE.
// The answer is always read, up to maxAnswer, and closed, so the
// connection is reused.
func post(ctx context.Context, api *messaging_api.MessagingApiAPI, path string, body []byte, retryKey string) (int, error) {
	var wrote atomic.Bool
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{WroteRequest: func(i httptrace.WroteRequestInfo) {
		if i.Err == nil {
			wrote.Store(true)
		}
	}})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, api.Url(path), bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	if retryKey != "" {
		req.Header.Set("X-Line-Retry-Key", retryKey)
	}
	res, err := api.Do(req)
	if err != nil {
		if wrote.Load() {
			return 0, fmt.Errorf("messaging API %s: %w: %w", path, errNoAnswer, err)
		}
		return 0, err
	}
	defer res.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(res.Body, maxAnswer))
	if res.StatusCode/100 != 2 {
		return res.StatusCode, fmt.Errorf("messaging API %s: status %d: %s", path, res.StatusCode, answer)
	}
	return res.StatusCode, nil
}

// deliver sends a reply that needs no outbox (it is the same every time).
func (h *Handler) deliver(ctx context.Context, ch Channel, ev *event, r bot.Reply, at attempt) (Outcome, error) {
	return h.send(ctx, ch, ev, r, at, at.tried, "", false)
}

// deliverOutbox sends a saved turn reply; see send.
func (h *Handler) deliverOutbox(ctx context.Context, ch Channel, ev *event, at attempt, ob outbox, resend bool) (Outcome, error) {
	return h.send(ctx, ch, ev, ob.Reply, at, resend || at.tried, at.out, ob.Push)
}

// send answers ev with r. While the reply token is fresh it replies,
// retrying 429, 5xx and network errors with backoff until the token's
// deadline. If the token is refused as invalid or the deadline passes, it
// pushes (unless NoPushFallback) with an X-Line-Retry-Key derived from the
// event id, so a retried push is never delivered twice.
//
// resend says an earlier attempt saved this reply and may have used the
// token: a refused or expired token then means "already delivered", and
// nothing is pushed (at most once beats twice for a resident). pushOnly
// says an earlier attempt already found the token unusable.
//
// A reply sent whole whose answer never came (a timeout, a dropped
// connection) may have been delivered; only LINE knows. Its retry tells:
// accepted, the first was not delivered; "Invalid reply token", the first
// used the token, so it was delivered and nothing is pushed. If no answer
// comes at all before the token's deadline, nothing is pushed either and
// the event counts as failed: the push would reach a resident who may
// have the reply already, a second copy that cannot be taken back (and a
// push the municipality pays for), while a resident who got nothing can
// ask again. A token refused or expired before any attempt that may have
// reached LINE still falls back to push.
//
// A token refused while it should still be valid (before its deadline),
// to an attempt that may not be the only one at its event, was used by
// the other attempt: nothing is pushed (see usedElsewhere).
//
// at.mark, when set, is the attempt mark to set before replying (see
// markAttempt).
func (h *Handler) send(ctx context.Context, ch Channel, ev *event, r bot.Reply, at attempt, resend bool, outboxKey string, pushOnly bool) (Outcome, error) {
	mark := at.mark
	msgs := render(r)
	if len(msgs) == 0 {
		return OutcomeSilent, nil
	}
	api, err := h.api(ch.AccessToken)
	if err != nil {
		h.cfg.Logger.Error("line: messaging client", "err", err)
		return OutcomeFailed, nil
	}
	user := bot.HashUser(ev.Source.chat())
	if !pushOnly && ev.ReplyToken != "" {
		deadline := ev.time().Add(h.cfg.ReplyTokenTTL)
		switch {
		case h.cfg.Clock().Before(deadline):
			if mark != "" && !resend {
				if err := h.markAttempt(ctx, mark); err != nil {
					return "", err // nothing sent: try again
				}
			}
			status, unanswered, err := h.replyUntil(ctx, api, ev.ReplyToken, msgs, deadline)
			switch {
			case err == nil:
				return OutcomeReplied, nil
			case invalidToken(status, err) && resend:
				h.cfg.Logger.Warn("line: reply token already used by an earlier attempt; not pushing", "user", user)
				return OutcomeReplied, nil
			case invalidToken(status, err) && unanswered:
				h.cfg.Logger.Warn("line: reply token used by an attempt whose answer was lost; delivered, not pushing", "user", user)
				return OutcomeReplied, nil
			case invalidToken(status, err) && h.cfg.Clock().Before(deadline) && h.usedElsewhere(ctx, at):
				h.cfg.Logger.Warn("line: reply token used by another attempt at this event (its shard changed hands meanwhile); delivered, not pushing", "user", user)
				return OutcomeReplied, nil
			case status >= 400 && status < 500 && status != http.StatusTooManyRequests && !invalidToken(status, err):
				h.cfg.Logger.Error("line: reply refused", "user", user, "status", status)
				return OutcomeFailed, nil
			case unanswered:
				h.cfg.Logger.Warn("line: no answer to a reply before the token's deadline; it may have been delivered, not pushing", "user", user, "status", status)
				return OutcomeFailed, nil
			}
			h.cfg.Logger.Warn("line: reply failed; falling back to push", "user", user, "status", status)
		case resend:
			h.cfg.Logger.Warn("line: reply token expired after an interrupted attempt; not pushing", "user", user)
			return OutcomeFailed, nil
		}
		if outboxKey != "" {
			b, _ := json.Marshal(outbox{Reply: r, Push: true})
			if err := h.cfg.Redis.Set(ctx, outboxKey, b, h.cfg.ReplyTokenTTL+time.Hour).Err(); err != nil {
				return "", err
			}
		}
	}
	if h.cfg.NoPushFallback {
		h.cfg.Logger.Warn("line: reply token unusable and push fallback is off", "user", user)
		return OutcomeFailed, nil
	}
	to := ev.Source.chat()
	if to == "" {
		return OutcomeFailed, nil
	}
	return h.push(ctx, api, to, msgs, retryKey(ev.WebhookEventID))
}

// usedElsewhere reports whether another attempt at the event may have
// used its reply token: one came before this one (at.again: the entry was
// claimed from the shard's previous holder, re-read from the pending list
// or is being retried), or this instance no longer holds the shard's
// lease (another instance holds it, and handles the event too). send asks it of a token
// LINE refused before the token's deadline. A token is single-use and
// valid for a minute (the Messaging API reference), and no one but this
// service has it, so the refusal of a token inside its validity, with
// another attempt possible, means the other attempt's reply was
// accepted: pushing would show the resident the answer twice. Without
// another attempt possible, or when the lease cannot be read, the
// refusal has no other explanation than the token's own end, and the
// reply goes by push as before: an answer is never dropped on a guess.
// (With Config.ReplyTokenTTL set past LINE's minute, "before the
// deadline" no longer means "valid": keep the default, 50 s.)
func (h *Handler) usedElsewhere(ctx context.Context, at attempt) bool {
	if at.again {
		return true
	}
	if at.lease == "" {
		return false
	}
	holder, err := h.cfg.Redis.Get(ctx, at.lease).Result()
	if err != nil {
		if !errors.Is(err, redis.Nil) {
			h.cfg.Logger.Warn("line: read the lease after a refused reply token", "err", err)
		}
		return false // unreadable, or free: no holder handling the event
	}
	return holder != h.cfg.Consumer
}

// markAttempt records, before a reply with the token is sent, that it may
// have been: with Config.WaitReplicas the mark and a Redis WAIT go in one
// round trip, so the mark is on the replicas before the reply leaves. A
// failover or a restart can roll back what an attempt wrote to Redis
// afterwards (the engine's state, the done key) and have the event
// handled again; the mark survives, and tells the retry that the token
// may be used already, so that "Invalid reply token" then means
// delivered, not "push it". It fails, and nothing is sent, when the mark
// did not reach the replicas.
func (h *Handler) markAttempt(ctx context.Context, key string) error {
	pipe := h.cfg.Redis.Pipeline()
	pipe.Set(ctx, key, "1", h.cfg.ReplyTokenTTL+time.Hour)
	wait := pipe.Do(ctx, "WAIT", h.cfg.WaitReplicas, h.cfg.WaitTimeout.Milliseconds())
	if _, err := pipe.Exec(ctx); err != nil {
		return err
	}
	if n, err := wait.Int64(); err != nil || n < int64(h.cfg.WaitReplicas) {
		return fmt.Errorf("attempt mark: %w: %d of %d replicas acknowledged within %v", errNotReplicated, n, h.cfg.WaitReplicas, h.cfg.WaitTimeout)
	}
	return nil
}

// replyUntil replies msgs with token; see send. It returns the last
// status (0: no answer), whether any attempt was sent whole and got no
// answer (it may have used the token), and, unless LINE accepted the
// reply, an error.
func (h *Handler) replyUntil(ctx context.Context, api *messaging_api.MessagingApiAPI, token string, msgs []message, deadline time.Time) (status int, unanswered bool, err error) {
	ctx, cancel := context.WithDeadline(ctx, time.Now().Add(deadline.Sub(h.cfg.Clock())))
	defer cancel()
	body, err := json.Marshal(&replyRequest{ReplyToken: token, Messages: msgs})
	if err != nil {
		return 0, false, err
	}
	backoff := 200 * time.Millisecond
	for {
		status, err = post(ctx, api, "/v2/bot/message/reply", body, "")
		unanswered = unanswered || errors.Is(err, errNoAnswer)
		if err == nil || !retryable(status) || h.cfg.Clock().Add(backoff).After(deadline) {
			return status, unanswered, err
		}
		if !sleep(ctx.Done(), jitter(backoff)) {
			return status, unanswered, err
		}
		backoff = min(2*backoff, 3*time.Second)
	}
}

// push sends msgs to a chat. 409 means LINE already accepted a push with
// this retry key: delivered. Transient failures that outlast the retries
// are returned, and the queue tries the event again later with the same key.
func (h *Handler) push(ctx context.Context, api *messaging_api.MessagingApiAPI, to string, msgs []message, key string) (Outcome, error) {
	body, err := json.Marshal(&pushRequest{To: to, Messages: msgs})
	if err != nil {
		h.cfg.Logger.Error("line: push body", "user", bot.HashUser(to), "err", err)
		return OutcomeFailed, nil
	}
	backoff := 200 * time.Millisecond
	for attempt := 0; attempt < 5; attempt++ {
		var status int
		status, err = post(ctx, api, "/v2/bot/message/push", body, key)
		switch {
		case err == nil, status == http.StatusConflict:
			return OutcomePushed, nil
		case !retryable(status):
			h.cfg.Logger.Error("line: push refused", "user", bot.HashUser(to), "status", status)
			return OutcomeFailed, nil
		}
		if !sleep(ctx.Done(), jitter(backoff)) {
			break
		}
		backoff = min(2*backoff, 3*time.Second)
	}
	return "", err
}

// retryable reports whether a status (0: no answer) may pass on retry.
func retryable(status int) bool {
	return status == 0 || status == http.StatusTooManyRequests || status >= 500
}

func invalidToken(status int, err error) bool {
	return status == http.StatusBadRequest && err != nil && strings.Contains(err.Error(), "Invalid reply token")
}

// retryKey derives the push X-Line-Retry-Key from the event id: the same
// event always pushes with the same UUID (version 4 layout).
func retryKey(eventID string) string {
	sum := sha256.Sum256([]byte("madoguchi/line/push/" + eventID))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	x := hex.EncodeToString(b)
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

// startLoading shows the loading animation if the turn has not ended
// after LoadingAfter. The returned stop waits for a call in flight, so
// the animation never starts after the reply has arrived.
func (h *Handler) startLoading(ch Channel, ev *event) (stop func()) {
	if ev.Source.Type != "user" || ev.Source.UserID == "" {
		return func() {}
	}
	var wg sync.WaitGroup
	wg.Add(1)
	t := time.AfterFunc(h.cfg.LoadingAfter, func() {
		defer wg.Done()
		api, err := h.api(ch.AccessToken)
		if err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		// The SDK's request type has no MarshalJSON: one pass encodes it.
		body, _ := json.Marshal(&messaging_api.ShowLoadingAnimationRequest{ChatId: ev.Source.UserID, LoadingSeconds: 20})
		if status, err := post(ctx, api, "/v2/bot/chat/loading/start", body, ""); err != nil {
			h.cfg.Logger.Warn("line: loading animation", "user", bot.HashUser(ev.Source.UserID), "status", status)
		}
	})
	return func() {
		if !t.Stop() {
			wg.Wait()
		}
	}
}

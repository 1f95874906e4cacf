package main

import (
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// replyTokenTTL is how long after its webhook a reply token is accepted.
// LINE's reference: a reply token can be used once, and must be used
// within one minute of receiving the webhook (past that, it is not
// guaranteed to work). LINE refuses a used token, and one that became
// invalid with time, alike: 400 {"message":"Invalid reply token"}.
const replyTokenTTL = time.Minute

// sent is one webhook event the bot should answer.
type sent struct {
	user    string
	token   string
	at      time.Time // when its webhook request started
	ok      bool      // its webhook got a 2xx
	replied time.Time // when the fake API received its reply (zero: not yet)
	pushed  bool      // answered by push rather than reply
}

// tracker matches the Messaging API calls the bot makes with the events
// sent: a reply by its reply token, a push by its user (the user's oldest
// unanswered event).
type tracker struct {
	token string // the channel access token every call must carry

	mu      sync.Mutex
	all     []*sent
	byToken map[string]*sent
	byUser  map[string][]*sent // unanswered, oldest first
	used    map[string]bool    // reply tokens already used
	// refused counts, by user, the replies refused for a token used
	// already whose push has not come yet: the next push to the user is
	// taken for that event's (a resident sees it twice), not for an
	// unanswered one.
	refused map[string]int
	keys    map[string]bool // X-Line-Retry-Keys seen
	last    time.Time       // last answer received

	replies, pushes, loading     atomic.Int64
	authFailed, badRequest       atomic.Int64
	invalidToken, reusedToken    atomic.Int64
	expiredToken                 atomic.Int64 // refused: older than replyTokenTTL
	pushAfterRefusal             atomic.Int64 // pushes following a reusedToken refusal
	duplicatePush, unmatchedPush atomic.Int64
	other                        atomic.Int64
	answered                     atomic.Int64 // events answered (reply or push)
	expected                     atomic.Int64 // events whose webhook got a 2xx
}

func newTracker(token string) *tracker {
	return &tracker{
		token:   token,
		byToken: map[string]*sent{},
		byUser:  map[string][]*sent{},
		used:    map[string]bool{},
		refused: map[string]int{},
		keys:    map[string]bool{},
	}
}

// add records an event about to be sent.
func (t *tracker) add(s *sent) {
	t.mu.Lock()
	t.all = append(t.all, s)
	t.byToken[s.token] = s
	t.byUser[s.user] = append(t.byUser[s.user], s)
	t.mu.Unlock()
}

// result records how the event's webhook was answered.
func (t *tracker) result(s *sent, ok bool) {
	t.mu.Lock()
	s.ok = ok
	t.mu.Unlock()
	if ok {
		t.expected.Add(1)
	}
}

// missing is the number of accepted events not answered yet.
func (t *tracker) missing() int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	var n int64
	for _, s := range t.all {
		if s.ok && s.replied.IsZero() {
			n++
		}
	}
	return n
}

func (t *tracker) answer(s *sent, now time.Time, pushed bool) {
	s.replied, s.pushed = now, pushed
	if now.After(t.last) {
		t.last = now
	}
	q := t.byUser[s.user]
	for i, x := range q {
		if x == s {
			q = append(q[:i:i], q[i+1:]...)
			break
		}
	}
	if len(q) == 0 {
		delete(t.byUser, s.user)
	} else {
		t.byUser[s.user] = q
	}
	t.answered.Add(1)
}

// ServeHTTP is the fake Messaging API: it answers like LINE and records
// when each answer arrived.
func (t *tracker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	if r.Header.Get("Authorization") != "Bearer "+t.token {
		t.authFailed.Add(1)
		lineError(w, http.StatusUnauthorized, "Authentication failed. Confirm that the access token in the authorization header is valid.")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		t.badRequest.Add(1)
		lineError(w, http.StatusBadRequest, "could not read the body")
		return
	}
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/v2/bot/message/reply":
		t.reply(w, body, now)
	case r.Method == http.MethodPost && r.URL.Path == "/v2/bot/message/push":
		t.push(w, r, body, now)
	case r.Method == http.MethodPost && r.URL.Path == "/v2/bot/chat/loading/start":
		t.loading.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		_, _ = io.WriteString(w, "{}")
	default:
		t.other.Add(1)
		lineError(w, http.StatusNotFound, "Not found")
	}
}

type messagesRequest struct {
	ReplyToken string            `json:"replyToken"`
	To         string            `json:"to"`
	Messages   []json.RawMessage `json:"messages"`
}

func (t *tracker) reply(w http.ResponseWriter, body []byte, now time.Time) {
	var req messagesRequest
	if err := json.Unmarshal(body, &req); err != nil || req.ReplyToken == "" || len(req.Messages) < 1 || len(req.Messages) > 5 {
		t.badRequest.Add(1)
		lineError(w, http.StatusBadRequest, "The request body has 1 error(s)")
		return
	}
	t.mu.Lock()
	s, known := t.byToken[req.ReplyToken]
	used := t.used[req.ReplyToken]
	expired := known && !used && now.Sub(s.at) > replyTokenTTL
	switch {
	case used:
		t.refused[s.user]++
	case known && !expired:
		t.used[req.ReplyToken] = true
		t.answer(s, now, false)
	}
	t.mu.Unlock()
	switch {
	case !known:
		t.invalidToken.Add(1)
		lineError(w, http.StatusBadRequest, "Invalid reply token")
	case used:
		t.reusedToken.Add(1)
		lineError(w, http.StatusBadRequest, "Invalid reply token")
	case expired:
		t.expiredToken.Add(1)
		lineError(w, http.StatusBadRequest, "Invalid reply token")
	default:
		t.replies.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, "{}")
	}
}

func (t *tracker) push(w http.ResponseWriter, r *http.Request, body []byte, now time.Time) {
	var req messagesRequest
	if err := json.Unmarshal(body, &req); err != nil || req.To == "" || len(req.Messages) < 1 || len(req.Messages) > 5 {
		t.badRequest.Add(1)
		lineError(w, http.StatusBadRequest, "The request body has 1 error(s)")
		return
	}
	key := r.Header.Get("X-Line-Retry-Key")
	t.mu.Lock()
	dup := key != "" && t.keys[key]
	matched, again := false, false
	if !dup {
		if key != "" {
			t.keys[key] = true
		}
		if t.refused[req.To] > 0 {
			// The answer to an event whose reply was accepted already.
			t.refused[req.To]--
			again = true
		} else if q := t.byUser[req.To]; len(q) > 0 {
			t.answer(q[0], now, true)
			matched = true
		}
	}
	t.mu.Unlock()
	if dup {
		t.duplicatePush.Add(1)
		lineError(w, http.StatusConflict, "The retry key is already accepted")
		return
	}
	t.pushes.Add(1)
	if again {
		t.pushAfterRefusal.Add(1)
	} else if !matched {
		t.unmatchedPush.Add(1)
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, "{}")
}

func lineError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": msg})
}

package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/madoguchi/madoguchi/internal/redistest"
)

// TestServerOnCluster runs the whole server on a real three-master Redis
// Cluster through the README's Cluster form of REDIS_URL: web chat
// conversations (dialog state and rate limits in the cluster) and LINE
// webhooks from several users, each event answered once, in order.
func TestServerOnCluster(t *testing.T) {
	c := redistest.StartCluster(t, 3)
	api := &fakeLINE{}
	fake := httptest.NewServer(api)
	t.Cleanup(fake.Close)
	_, logs, base := startMain(t, map[string]string{
		"REDIS_URL":                 c.URL(),
		"LINE_CHANNEL_SECRET":       "cluster-secret",
		"LINE_CHANNEL_ACCESS_TOKEN": "cluster-token",
		"LINE_API_ENDPOINT":         fake.URL,
	})
	if !strings.Contains(logs.String(), "Redis connected") {
		t.Fatalf("the server did not connect to the cluster:\n%s", logs)
	}
	checkServing(t, base)

	// Web chat: eight conversations, each to its checklist, pressing the
	// first button offered at every question.
	var wg sync.WaitGroup
	for s := range 8 {
		wg.Go(func() {
			session := fmt.Sprintf("cluster-chat-%02d", s)
			turn := `"text":"更新したい"`
			for i := 0; ; i++ {
				code, body := post(t, base+"/api/v1/chat", `{"municipality":"nerima","session_id":"`+session+`",`+turn+`}`)
				var r struct {
					SessionID    string `json:"session_id"`
					Done         bool   `json:"done"`
					QuickReplies []struct {
						Postback string `json:"postback"`
					} `json:"quick_replies"`
					Messages []chatMessage `json:"messages"`
				}
				if err := json.Unmarshal([]byte(body), &r); code != http.StatusOK || err != nil || r.SessionID != session {
					t.Errorf("%s turn %d: %d %s", session, i+1, code, body)
					return
				}
				if r.Done {
					if !slices.ContainsFunc(r.Messages, func(m chatMessage) bool { return m.Type == "checklist" }) {
						t.Errorf("%s: done without a checklist: %s", session, body)
					}
					return
				}
				if len(r.QuickReplies) == 0 || i == 12 {
					t.Errorf("%s turn %d: no checklist and no button: %s", session, i+1, body)
					return
				}
				turn = `"postback":"` + r.QuickReplies[0].Postback + `"`
			}
		})
	}
	wg.Wait()

	// LINE: five users, four events each, sent concurrently across users.
	const users, per = 5, 4
	texts := []string{"更新したい", "35歳", "本人です", "最初から"}
	now := time.Now().UnixMilli()
	for u := range users {
		wg.Go(func() {
			for i := range per {
				id := fmt.Sprintf("clu%d-%d", u, i)
				body := `{"destination":"Ubot","events":[{"type":"message","message":{"type":"text","id":"m` + id + `","quoteToken":"q","text":"` + texts[i] +
					`"},"webhookEventId":"` + id + `","deliveryContext":{"isRedelivery":false},"timestamp":` + jsonInt(now+int64(i)) +
					`,"source":{"type":"user","userId":"Ucluster` + fmt.Sprint(u) + `"},"replyToken":"rt-` + id + `","mode":"active"}]}`
				if code := signedWebhook(t, base+"/webhook/line/nerima", "cluster-secret", body, ""); code != http.StatusOK {
					t.Errorf("webhook %s: %d", id, code)
				}
			}
		})
	}
	wg.Wait()
	replies := api.waitReplies(t, users*per)
	time.Sleep(300 * time.Millisecond) // a late duplicate would show
	api.mu.Lock()
	replies = append([]string(nil), api.replies...)
	api.mu.Unlock()
	if len(replies) != users*per {
		t.Errorf("%d replies, want %d", len(replies), users*per)
	}
	next := map[int]int{}
	for _, r := range replies {
		var body struct {
			ReplyToken string `json:"replyToken"`
		}
		_ = json.Unmarshal([]byte(r), &body)
		var u, i int
		if _, err := fmt.Sscanf(body.ReplyToken, "rt-clu%d-%d", &u, &i); err != nil {
			t.Errorf("reply token %q", body.ReplyToken)
			continue
		}
		if i != next[u] {
			t.Errorf("user %d: reply to event %d, want %d (in order, once each)", u, i, next[u])
		}
		next[u] = i + 1
	}
}

// chatMessage is a message of a chat answer, as far as the tests look.
type chatMessage struct {
	Type string `json:"type"`
}

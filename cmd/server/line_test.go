package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeLINE records the replies the server sends to the Messaging API.
type fakeLINE struct {
	mu      sync.Mutex
	replies []string // request bodies of /v2/bot/message/reply
	auth    []string
	// refuse, when set, is a reply token whose reply is refused with a
	// 400 that is not "Invalid reply token" (the event fails).
	refuse string
}

func (f *fakeLINE) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.auth = append(f.auth, r.Header.Get("Authorization"))
	if r.URL.Path == "/v2/bot/message/reply" {
		if f.refuse != "" && strings.Contains(string(body), f.refuse) {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"message":"The request body has 1 error(s)"}`)
			return
		}
		f.replies = append(f.replies, string(body))
	}
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, "{}")
}

func (f *fakeLINE) waitReplies(t *testing.T, n int) []string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		f.mu.Lock()
		if len(f.replies) >= n {
			out := append([]string(nil), f.replies...)
			f.mu.Unlock()
			return out
		}
		f.mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("the fake Messaging API got %d replies, want %d", len(f.replies), n)
	return nil
}

func signedWebhook(t *testing.T, url, secret, body, signature string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if signature == "" {
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte(body))
		signature = base64.StdEncoding.EncodeToString(mac.Sum(nil))
	}
	req.Header.Set("X-Line-Signature", signature)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestLINEWebhookEndToEnd runs the whole server as configured from the
// environment: a municipality's own channel, the shared channel for the
// others, and a signed text event answered through the fake API with the
// dialog's first question as quick replies.
func TestLINEWebhookEndToEnd(t *testing.T) {
	api := &fakeLINE{}
	fake := httptest.NewServer(api)
	t.Cleanup(fake.Close)
	_, _, base := startMain(t, map[string]string{
		"LINE_CHANNEL_SECRET_NERIMA":       "nerima-secret",
		"LINE_CHANNEL_ACCESS_TOKEN_NERIMA": "nerima-token",
		"LINE_API_ENDPOINT":                fake.URL,
	})
	now := time.Now().UnixMilli()
	body := `{"destination":"Uxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx","events":[{"type":"message","message":{"type":"text","id":"468789577898262530","quoteToken":"q","text":"電子証明書の更新をしたい"},"webhookEventId":"01H810YECXQQZ37VAXPF6H9E6T","deliveryContext":{"isRedelivery":false},"timestamp":` +
		jsonInt(now) + `,"source":{"type":"user","userId":"U4af4980629000000000000000000000a"},"replyToken":"38ef843bde154d9b91c21320ffd17a0f","mode":"active"}]}`

	if code := signedWebhook(t, base+"/webhook/line/nerima", "wrong-secret", body, ""); code != http.StatusBadRequest {
		t.Fatalf("wrong signature: status %d, want 400", code)
	}
	if code := signedWebhook(t, base+"/webhook/line/edogawa", "nerima-secret", body, ""); code != http.StatusServiceUnavailable {
		t.Fatalf("municipality without a channel: status %d, want 503", code)
	}
	if code := signedWebhook(t, base+"/webhook/line/tokyo", "nerima-secret", body, ""); code != http.StatusNotFound {
		t.Fatalf("unknown municipality: status %d, want 404", code)
	}
	if code := signedWebhook(t, base+"/webhook/line/nerima", "nerima-secret", body, ""); code != http.StatusOK {
		t.Fatalf("signed webhook: status %d, want 200", code)
	}
	replies := api.waitReplies(t, 1)
	var reply struct {
		ReplyToken string `json:"replyToken"`
		Messages   []struct {
			Type       string `json:"type"`
			Text       string `json:"text"`
			QuickReply *struct {
				Items []struct {
					Action struct{ Label, Data string } `json:"action"`
				} `json:"items"`
			} `json:"quickReply"`
		} `json:"messages"`
	}
	if err := json.Unmarshal([]byte(replies[0]), &reply); err != nil {
		t.Fatalf("reply body %s: %v", replies[0], err)
	}
	if reply.ReplyToken != "38ef843bde154d9b91c21320ffd17a0f" || len(reply.Messages) == 0 {
		t.Fatalf("reply = %s", replies[0])
	}
	last := reply.Messages[len(reply.Messages)-1]
	if !strings.Contains(last.Text, "年齢") || last.QuickReply == nil || last.QuickReply.Items[0].Action.Data != "age_group=adult" {
		t.Errorf("the reply does not ask the age with buttons: %s", replies[0])
	}
	api.mu.Lock()
	defer api.mu.Unlock()
	for _, a := range api.auth {
		if a != "Bearer nerima-token" {
			t.Errorf("Authorization = %q, want the Nerima channel's token", a)
		}
	}
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

// TestWidgetAndGuardServed checks the widget, the demo page and the chat
// API's CORS as the server wires them from WIDGET_ORIGINS_<ID>.
func TestWidgetAndGuardServed(t *testing.T) {
	_, _, base := startMain(t, map[string]string{"WIDGET_ORIGINS_NERIMA": "https://www.city.nerima.example"})
	if code, body := get(t, base+"/widget.js"); code != http.StatusOK || !strings.Contains(body, "チャットで相談") {
		t.Fatalf("GET /widget.js: %d, or no launcher label in the script", code)
	}
	if code, body := get(t, base+"/"); code != http.StatusOK || !strings.Contains(body, "widget.js") {
		t.Fatalf("GET /: %d %.200s", code, body)
	}
	chat := func(origin, municipality string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/chat",
			strings.NewReader(`{"municipality":"`+municipality+`","session_id":"widget-session-1","text":"こんにちは"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", origin)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode, res.Header.Get("Access-Control-Allow-Origin")
	}
	if code, allow := chat("https://www.city.nerima.example", "nerima"); code != http.StatusOK || allow != "https://www.city.nerima.example" {
		t.Errorf("chat from Nerima's page: %d, Access-Control-Allow-Origin %q", code, allow)
	}
	if code, _ := chat("https://evil.example", "nerima"); code != http.StatusForbidden {
		t.Errorf("chat from another origin: %d, want 403", code)
	}
	if code, _ := chat("https://www.city.nerima.example", "edogawa"); code != http.StatusForbidden {
		t.Errorf("Nerima's page calling as Edogawa: %d, want 403", code)
	}
}

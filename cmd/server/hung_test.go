package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// hungRedis is a TCP server that accepts connections, reads what is sent
// and never answers: a Redis that hangs. Close drops every connection.
type hungRedis struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func startHungRedis(t *testing.T) *hungRedis {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := &hungRedis{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			h.mu.Lock()
			h.conns = append(h.conns, c)
			h.mu.Unlock()
			go func() { _, _ = c.Read(make([]byte, 64<<10)) }()
		}
	}()
	return h
}

func (h *hungRedis) Close() {
	_ = h.ln.Close()
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, c := range h.conns {
		_ = c.Close()
	}
}

// TestHungRedisAnswersFast checks that with a Redis that accepts
// connections and never answers, a chat turn, a LINE webhook and /readyz
// each answer 503 unavailable within about a second (the deadlines of
// guard.DefaultTimeout, api.DefaultTurnTimeout, line.WebhookRedisTimeout
// and /readyz's own second), not after the Redis client's read timeout
// times its retries (9.8 s before). It prints the latencies measured.
func TestHungRedisAnswersFast(t *testing.T) {
	h := startHungRedis(t)
	defer h.Close() // before the server's Close, so that it is quick
	checkHungRedis(t, "redis://"+h.ln.Addr().String()+"/0", func() {})
}

// TestStoppedRedisAnswersFast is the same with a real redis-server of the
// test's own, stopped with SIGSTOP once the server is ready (the kernel
// still accepts connections for it).
func TestStoppedRedisAnswersFast(t *testing.T) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server is not installed")
	}
	port := freePort(t)
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	defer func() { _ = cmd.Process.Signal(syscall.SIGCONT) }()
	addr := "127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server on %s did not start", addr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	checkHungRedis(t, "redis://"+addr+"/0", func() {
		if err := cmd.Process.Signal(syscall.SIGSTOP); err != nil {
			t.Fatal(err)
		}
	})
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// checkHungRedis starts a server on redisURL with a LINE channel, calls
// hang, then times three rounds of a chat turn, a signed LINE webhook and
// /readyz: each must answer 503 unavailable.
func checkHungRedis(t *testing.T, redisURL string, hang func()) {
	t.Helper()
	fake := httptest.NewServer(&fakeLINE{})
	t.Cleanup(fake.Close)
	_, _, base := startMain(t, map[string]string{
		"REDIS_URL":                 redisURL,
		"LINE_CHANNEL_SECRET":       "hung-secret",
		"LINE_CHANNEL_ACCESS_TOKEN": "hung-token",
		"LINE_API_ENDPOINT":         fake.URL,
	})
	hang()
	client := &http.Client{Timeout: 30 * time.Second}
	do := func(req *http.Request) (int, string, time.Duration) {
		start := time.Now()
		res, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b), time.Since(start)
	}
	var worst time.Duration
	for round := range 3 {
		chat, _ := http.NewRequest(http.MethodPost, base+"/api/v1/chat", strings.NewReader(
			`{"municipality":"nerima","session_id":"hung-redis-`+strconv.Itoa(round)+`","text":"更新したい"}`))
		chat.Header.Set("Content-Type", "application/json")

		body := `{"destination":"Uxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx","events":[{"type":"message","message":{"type":"text","id":"46878957789826253` + strconv.Itoa(round) + `","quoteToken":"q","text":"更新したい"},"webhookEventId":"01H810YECXQQZ37VAXPF6H9E6` + strconv.Itoa(round) + `","deliveryContext":{"isRedelivery":false},"timestamp":` +
			jsonInt(time.Now().UnixMilli()) + `,"source":{"type":"user","userId":"U4af4980629000000000000000000000b"},"replyToken":"38ef843bde154d9b91c21320ffd17a0f","mode":"active"}]}`
		hook, _ := http.NewRequest(http.MethodPost, base+"/webhook/line/nerima", strings.NewReader(body))
		hook.Header.Set("Content-Type", "application/json")
		mac := hmac.New(sha256.New, []byte("hung-secret"))
		mac.Write([]byte(body))
		hook.Header.Set("X-Line-Signature", base64.StdEncoding.EncodeToString(mac.Sum(nil)))

		ready, _ := http.NewRequest(http.MethodGet, base+"/readyz", nil)

		for _, r := range []struct {
			name string
			req  *http.Request
		}{{"chat turn", chat}, {"LINE webhook", hook}, {"/readyz", ready}} {
			code, body, took := do(r.req)
			t.Logf("round %d: %-12s %d in %v", round+1, r.name, code, took.Round(time.Millisecond))
			if code != http.StatusServiceUnavailable || !strings.Contains(body, `"code":"unavailable"`) {
				t.Errorf("%s with Redis hung = %d %s, want 503 unavailable", r.name, code, body)
			}
			worst = max(worst, took)
		}
	}
	t.Logf("slowest answer with Redis hung: %v", worst.Round(time.Millisecond))
	// A generous bound for a loaded machine; the figures above are the measure.
	if worst > 3*time.Second {
		t.Errorf("slowest answer took %v with Redis hung, want about a second", worst)
	}
}

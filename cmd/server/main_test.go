package main

import (
	"cmp"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/madoguchi/madoguchi/internal/testlog"
	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/redis/go-redis/v9"
)

func init() { gin.SetMode(gin.TestMode) }

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// startMain runs a Main on a free port and closes it when the test ends.
func startMain(t testing.TB, vars map[string]string) (*Main, *testlog.Buffer, string) {
	t.Helper()
	vars["PORT"] = "0"
	logs := &testlog.Buffer{}
	m := &Main{Getenv: env(vars), Stderr: logs}
	if err := m.Run(context.Background()); err != nil {
		m.Close()
		t.Fatalf("Run: %v\n%s", err, logs)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return m, logs, "http://" + m.Addr().String()
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestMainEmbeddedRedis(t *testing.T) {
	m, logs, base := startMain(t, map[string]string{})

	first, _, _ := strings.Cut(logs.String(), "\n")
	var line struct{ Level, Msg string }
	if err := json.Unmarshal([]byte(first), &line); err != nil {
		t.Fatalf("first log line %q is not JSON: %v", first, err)
	}
	if line.Level != "WARN" || !strings.Contains(line.Msg, "in memory only") || !strings.Contains(line.Msg, "lost on restart") {
		t.Errorf("first log line = %s, want the in-memory warning", first)
	}

	checkServing(t, base)

	// Redis gone: not ready, still healthy.
	m.embedded.Close()
	if code, body := get(t, base+"/readyz"); code != 503 || !strings.Contains(body, `"code":"unavailable"`) {
		t.Errorf("/readyz with Redis down = %d %s, want 503 unavailable", code, body)
	}
	if code, _ := get(t, base+"/healthz"); code != 200 {
		t.Errorf("/healthz with Redis down = %d, want 200", code)
	}
	code, body := post(t, base+"/api/v1/chat", `{"municipality":"edogawa","session_id":"main-test-down","text":"更新したい"}`)
	if code != 503 || !strings.Contains(body, `"code":"unavailable"`) || !strings.Contains(body, "しばらくしてから") {
		t.Errorf("chat with Redis down = %d %s, want 503 with the friendly message", code, body)
	}
}

func post(t *testing.T, url, body string) (int, string) {
	t.Helper()
	res, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestMainRealRedis(t *testing.T) {
	url := os.Getenv("TEST_REDIS_URL")
	if url == "" {
		t.Skip("TEST_REDIS_URL is not set (.ci/run sets it)")
	}
	_, logs, base := startMain(t, map[string]string{"REDIS_URL": url})
	if strings.Contains(logs.String(), "in memory only") {
		t.Errorf("with REDIS_URL the logs still warn of in-memory state:\n%s", logs)
	}
	checkServing(t, base)
}

// checkServing checks the operations endpoints and one API call.
func checkServing(t *testing.T, base string) {
	t.Helper()
	if code, body := get(t, base+"/healthz"); code != 200 || strings.TrimSpace(body) != `{"status":"ok"}` {
		t.Errorf("/healthz = %d %s", code, body)
	}
	code, body := get(t, base+"/readyz")
	var ready struct {
		Status     string          `json:"status"`
		Durability json.RawMessage `json:"redis_durability"`
	}
	if err := json.Unmarshal([]byte(body), &ready); code != 200 || err != nil || ready.Status != "ok" || len(ready.Durability) == 0 {
		t.Errorf("/readyz = %d %s", code, body)
	}
	if code, body := get(t, base+"/api/v1/municipalities"); code != 200 || !strings.Contains(body, `"id":"edogawa"`) {
		t.Errorf("/api/v1/municipalities = %d %s", code, body)
	}
	if code, body := get(t, base+"/no/such/path"); code != 404 || !strings.Contains(body, `"code":"not_found"`) {
		t.Errorf("/no/such/path = %d %s", code, body)
	}
	// One chat turn through the dialog engine and the Redis store.
	session := "main-test-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	code, body = post(t, base+"/api/v1/chat", `{"municipality":"nerima","session_id":"`+session+`","text":"更新したい"}`)
	var turn struct {
		SessionID string            `json:"session_id"`
		Messages  []json.RawMessage `json:"messages"`
		Asking    string            `json:"asking"`
	}
	if err := json.Unmarshal([]byte(body), &turn); code != 200 || err != nil || turn.SessionID != session || len(turn.Messages) == 0 {
		t.Errorf("chat = %d %s", code, body)
	}

	code, body = get(t, base+"/metrics")
	for _, want := range []string{
		`madoguchi_http_requests_total{method="GET",route="/healthz",status="200"}`,
		`madoguchi_http_requests_total{method="GET",route="unmatched",status="404"}`,
		`madoguchi_http_requests_total{method="POST",route="/api/v1/chat",status="200"}`,
		`madoguchi_http_request_duration_seconds_bucket{method="GET",route="/readyz",status="200"`,
		"go_goroutines",
	} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("/metrics = %d, lacks %s", code, want)
		}
	}
}

func TestRunShutsDownOnSignal(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	logs := &testlog.Buffer{}
	m := &Main{Getenv: env(map[string]string{"PORT": "0", "SHUTDOWN_DELAY": "0"}), Stderr: logs}
	exit := make(chan int, 1)
	go func() { exit <- run(ctx, m) }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), `"msg":"listening"`) {
		if time.Now().After(deadline) {
			t.Fatalf("server did not start:\n%s", logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel() // as SIGTERM does
	select {
	case code := <-exit:
		if code != 0 {
			t.Errorf("run = %d, want 0\n%s", code, logs)
		}
	case <-time.After(ShutdownTimeout + 5*time.Second):
		t.Fatal("run did not return after the context was cancelled")
	}
	if _, err := http.Get("http://" + m.Addr().String() + "/healthz"); err == nil {
		t.Error("server still answers after shutdown")
	}
}

func TestRunRefusesToStart(t *testing.T) {
	broken := t.TempDir()
	if err := os.CopyFS(broken, knowledge.Embedded()); err != nil {
		t.Fatal(err)
	}
	edogawa := filepath.Join(broken, "edogawa.yaml")
	data, err := os.ReadFile(edogawa)
	if err != nil {
		t.Fatal(err)
	}
	// An unknown field on line 1 and a YAML syntax error in another file.
	data = append([]byte("bogus_field: 1\n"), data...)
	if err := os.WriteFile(edogawa, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(broken, "nerima.yaml"), []byte("id: nerima\nname: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		vars map[string]string
		want []string // lines or parts the output must hold
	}{
		{"invalid knowledge", map[string]string{"KNOWLEDGE_DIR": broken},
			[]string{"not starting", "edogawa.yaml:1: ", "bogus_field", "nerima.yaml:"}},
		{"missing knowledge folder", map[string]string{"KNOWLEDGE_DIR": filepath.Join(broken, "nope")},
			[]string{"KNOWLEDGE_DIR", "not a readable folder"}},
		{"bad port", map[string]string{"PORT": "http"}, []string{"PORT must be a port number"}},
		{"bad Redis URL", map[string]string{"REDIS_URL": "redis://user:hunter2@localhost:6379/notadb"}, []string{"REDIS_URL", "invalid database number"}},
		{"Redis URL of another scheme", map[string]string{"REDIS_URL": "http://localhost:6379"}, []string{"redis:// or rediss://"}},
		{"bad LINE endpoint", map[string]string{"LINE_API_ENDPOINT": "api.line.me"}, []string{"LINE_API_ENDPOINT"}},
		{"LINE endpoint with credentials, no scheme", map[string]string{"LINE_API_ENDPOINT": "user:hunter2@api.line.me/?token=hunter2"}, []string{"LINE_API_ENDPOINT"}},
		{"LINE endpoint with credentials, wrong scheme", map[string]string{"LINE_API_ENDPOINT": "ftp://user:hunter2@api.line.me/?access_token=hunter2"}, []string{"LINE_API_ENDPOINT"}},
		{"LINE endpoint with credentials, unparsable", map[string]string{"LINE_API_ENDPOINT": "http://user:hunter2@[::1"}, []string{"LINE_API_ENDPOINT"}},
		{"LINE endpoint with a token, no host", map[string]string{"LINE_API_ENDPOINT": "https:///v2?token=hunter2"}, []string{"LINE_API_ENDPOINT"}},
		{"bad METRICS_ADDR", map[string]string{"METRICS_ADDR": "localhost"}, []string{"METRICS_ADDR"}},
		{"bad SHUTDOWN_DELAY", map[string]string{"SHUTDOWN_DELAY": "5"}, []string{"SHUTDOWN_DELAY"}},
		{"Redis prefix with a hash tag", map[string]string{"REDIS_PREFIX": "app{1}:"}, []string{"REDIS_PREFIX must be"}},
		{"Redis prefix with a space", map[string]string{"REDIS_PREFIX": "my app:"}, []string{"REDIS_PREFIX must be"}},
		{"bad replica count", map[string]string{"REDIS_URL": "redis://localhost:6379", "REDIS_WAIT_REPLICAS": "one"}, []string{"REDIS_WAIT_REPLICAS must be a number"}},
		{"replicas of the embedded Redis", map[string]string{"REDIS_WAIT_REPLICAS": "1"}, []string{"REDIS_WAIT_REPLICAS needs a REDIS_URL"}},
		{"replicas on a cluster", map[string]string{"REDIS_URL": "redis://a:6379?addr=b:6379", "REDIS_WAIT_REPLICAS": "1"}, []string{"not supported with a Redis Cluster"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := &testlog.Buffer{}
			if tt.vars["PORT"] == "" {
				tt.vars["PORT"] = "0"
			}
			m := &Main{Getenv: env(tt.vars), Stderr: out}
			if code := run(context.Background(), m); code != 1 {
				t.Errorf("run = %d, want 1", code)
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if strings.Contains(out.String(), "hunter2") {
				t.Errorf("output holds the Redis password:\n%s", out)
			}
			if strings.Contains(out.String(), `"msg":"listening"`) {
				t.Errorf("server started:\n%s", out)
			}
		})
	}
}

// TestRedisPrefix checks that REDIS_PREFIX starts every key the server
// writes: conversation state, the rate limiter's counters and the LINE
// queue's.
func TestRedisPrefix(t *testing.T) {
	m, _, base := startMain(t, map[string]string{"REDIS_PREFIX": "staging-1:"})
	if code, body := post(t, base+"/api/v1/chat", `{"municipality":"nerima","session_id":"prefix-test-1","text":"更新したい"}`); code != 200 {
		t.Fatalf("chat = %d %s", code, body)
	}
	ctx := context.Background()
	deadline := time.Now().Add(5 * time.Second)
	for {
		keys, err := m.Redis.Keys(ctx, "*").Result()
		if err != nil {
			t.Fatal(err)
		}
		var state, limit, lease bool
		for _, k := range keys {
			// go-redis/redis_rate puts its own "rate:" before every key it
			// is given; the rest is still under the prefix.
			k = strings.TrimPrefix(k, "rate:")
			if !strings.HasPrefix(k, "staging-1:") {
				t.Fatalf("key %q is not under REDIS_PREFIX", k)
			}
			state = state || strings.HasPrefix(k, "staging-1:state:web:nerima:")
			limit = limit || strings.HasPrefix(k, "staging-1:ratelimit:")
			lease = lease || strings.HasPrefix(k, "staging-1:line:lease:")
		}
		if state && limit && lease {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("keys %q: want state, rate limit and LINE lease keys under the prefix", keys)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestOpenRedis(t *testing.T) {
	tests := []struct {
		url     string
		cluster bool
		addr    string
		db      int
		tls     bool
		master  bool
		// protocol is the RESP version asked for; 0 means none, which
		// gives RedisProtocol.
		protocol int
	}{
		{url: "redis://localhost:6379/2", addr: "localhost:6379", db: 2},
		{url: "redis://:pw@cache.internal", addr: "cache.internal:6379"},
		{url: "rediss://user:pw@cache.example:6380/0?dial_timeout=2s", addr: "cache.example:6380", tls: true},
		{url: "redis://s1:26379?master_name=mymaster&addr=s2:26379", master: true},
		{url: "redis://n1:6379?addr=n2:6379&addr=n3:6379", cluster: true},
		{url: "redis://localhost:6379/0?protocol=3", addr: "localhost:6379", protocol: 3},
		{url: "redis://s1:26379?master_name=mymaster&protocol=3", master: true, protocol: 3},
		{url: "redis://n1:6379?addr=n2:6379&protocol=3", cluster: true, protocol: 3},
	}
	for _, tt := range tests {
		c, err := OpenRedis(tt.url)
		if err != nil {
			t.Errorf("OpenRedis(%s): %v", tt.url, err)
			continue
		}
		wantProtocol := cmp.Or(tt.protocol, RedisProtocol)
		switch c := c.(type) {
		case *redis.ClusterClient:
			if !tt.cluster {
				t.Errorf("OpenRedis(%s) is a cluster client", tt.url)
			}
			if p := c.Options().Protocol; p != wantProtocol {
				t.Errorf("OpenRedis(%s) speaks RESP%d, want %d", tt.url, p, wantProtocol)
			}
		case *redis.Client:
			o := c.Options()
			if o.Protocol != wantProtocol {
				t.Errorf("OpenRedis(%s) speaks RESP%d, want %d", tt.url, o.Protocol, wantProtocol)
			}
			if tt.cluster {
				t.Errorf("OpenRedis(%s) is not a cluster client", tt.url)
			} else if !tt.master && (o.Addr != tt.addr || o.DB != tt.db || (o.TLSConfig != nil) != tt.tls) {
				t.Errorf("OpenRedis(%s) = addr %s db %d tls %v", tt.url, o.Addr, o.DB, o.TLSConfig != nil)
			}
		default:
			t.Errorf("OpenRedis(%s) = %T", tt.url, c)
		}
		c.Close()
	}
	for _, bad := range []string{"localhost:6379", "memcache://x", "redis://h/1/2", "redis://h?bogus=1"} {
		if _, err := OpenRedis(bad); err == nil {
			t.Errorf("OpenRedis(%s) = nil error", bad)
		}
	}
}

package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/madoguchi/madoguchi/internal/testlog"
)

func do(t *testing.T, method, url, body string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// TestHeadersAndHEAD checks, as the server is wired: HEAD on every GET
// route answers as GET without a body (it was 404); every answer carries
// nosniff, and every API answer no-store, while the widget's script keeps
// its own caching.
func TestHeadersAndHEAD(t *testing.T) {
	_, _, base := startMain(t, map[string]string{})
	for _, path := range []string{"/healthz", "/readyz", "/metrics", "/api/v1/municipalities", "/widget.js", "/demo.css", "/"} {
		get, getBody := do(t, "GET", base+path, "")
		head, headBody := do(t, "HEAD", base+path, "")
		if head.StatusCode != get.StatusCode || get.StatusCode != 200 || headBody != "" || getBody == "" ||
			head.Header.Get("Content-Type") != get.Header.Get("Content-Type") {
			t.Errorf("%s: GET %d (%s, %d bytes), HEAD %d (%s, %d bytes); want the same status and type, no HEAD body",
				path, get.StatusCode, get.Header.Get("Content-Type"), len(getBody), head.StatusCode, head.Header.Get("Content-Type"), len(headBody))
		}
	}
	if res, _ := do(t, "HEAD", base+"/no/such/path", ""); res.StatusCode != 404 {
		t.Errorf("HEAD of an unknown path = %d, want 404", res.StatusCode)
	}
	for _, tt := range []struct {
		method, path, body, cache string
	}{
		{"GET", "/healthz", "", "no-store"},
		{"GET", "/api/v1/municipalities", "", "no-store"},
		{"POST", "/api/v1/checklist", `{"municipality":"akishima","age_group":"adult","visitor":"self"}`, "no-store"},
		{"POST", "/api/v1/chat", `{"municipality":"nerima","session_id":"headers-test-1","text":"更新したい"}`, "no-store"},
		{"POST", "/api/v1/chat", `{"municipality":"nerima"}`, "no-store"}, // a 400
		{"GET", "/no/such/path", "", "no-store"},
		{"GET", "/widget.js", "", "public, max-age=300"},
	} {
		res, _ := do(t, tt.method, base+tt.path, tt.body)
		if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Cache-Control") != tt.cache {
			t.Errorf("%s %s (%d): X-Content-Type-Options %q, Cache-Control %q; want nosniff, %q",
				tt.method, tt.path, res.StatusCode, res.Header.Get("X-Content-Type-Options"), res.Header.Get("Cache-Control"), tt.cache)
		}
	}
}

// TestMetricsAddr checks that with METRICS_ADDR /metrics is served there,
// and nothing else is, while the API port's /metrics answers 404; without
// it the API port serves /metrics as the contract lists.
func TestMetricsAddr(t *testing.T) {
	m, _, base := startMain(t, map[string]string{"METRICS_ADDR": "127.0.0.1:0"})
	internal := "http://" + m.MetricsAddr().String()
	if res, body := do(t, "GET", base+"/healthz", ""); res.StatusCode != 200 {
		t.Fatalf("/healthz = %d %s", res.StatusCode, body)
	}
	if res, body := do(t, "GET", internal+"/metrics", ""); res.StatusCode != 200 ||
		!strings.Contains(body, `madoguchi_http_requests_total{method="GET",route="/healthz",status="200"}`) {
		t.Errorf("GET %s/metrics = %d, lacks the request counter:\n%.300s", internal, res.StatusCode, body)
	}
	if res, body := do(t, "GET", base+"/metrics", ""); res.StatusCode != 404 || !strings.Contains(body, `"code":"not_found"`) {
		t.Errorf("the API port's /metrics with METRICS_ADDR = %d %s, want the JSON 404", res.StatusCode, body)
	}
	for _, path := range []string{"/", "/healthz", "/api/v1/municipalities", "/metrics/x"} {
		if res, _ := do(t, "GET", internal+path, ""); res.StatusCode != 404 {
			t.Errorf("GET %s on METRICS_ADDR = %d, want 404", path, res.StatusCode)
		}
	}
	if res, _ := do(t, "POST", internal+"/metrics", "{}"); res.StatusCode == 200 {
		t.Errorf("POST /metrics on METRICS_ADDR = 200")
	}

	m2, _, base2 := startMain(t, map[string]string{})
	if m2.MetricsAddr() != nil {
		t.Errorf("MetricsAddr without METRICS_ADDR = %v", m2.MetricsAddr())
	}
	if res, body := do(t, "GET", base2+"/metrics", ""); res.StatusCode != 200 || !strings.Contains(body, "go_goroutines") {
		t.Errorf("/metrics without METRICS_ADDR = %d", res.StatusCode)
	}
}

// TestShutdownDrains checks the graceful shutdown: on SIGTERM (the context
// cancelled) /readyz turns 503 at once while the rest is served for
// SHUTDOWN_DELAY; then the listener closes.
func TestShutdownDrains(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := &testlog.Buffer{}
	m := &Main{Getenv: env(map[string]string{"PORT": "0", "SHUTDOWN_DELAY": "1500ms"}), Stderr: logs}
	exit := make(chan int, 1)
	go func() { exit <- run(ctx, m) }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), `"msg":"listening"`) {
		if time.Now().After(deadline) {
			t.Fatalf("server did not start:\n%s", logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
	base := "http://" + m.Addr().String()
	if res, _ := do(t, "GET", base+"/readyz", ""); res.StatusCode != 200 {
		t.Fatalf("/readyz before SIGTERM = %d", res.StatusCode)
	}
	start := time.Now()
	cancel() // as SIGTERM does
	for {
		res, body := do(t, "GET", base+"/readyz", "")
		if res.StatusCode == 503 && strings.Contains(body, "shutting down") {
			break
		}
		if time.Since(start) > time.Second {
			t.Fatalf("/readyz still %d %s a second after SIGTERM", res.StatusCode, body)
		}
		time.Sleep(5 * time.Millisecond)
	}
	turned := time.Since(start)
	if res, _ := do(t, "GET", base+"/healthz", ""); res.StatusCode != 200 {
		t.Errorf("/healthz while draining = %d, want 200", res.StatusCode)
	}
	if res, body := do(t, "POST", base+"/api/v1/chat", `{"municipality":"nerima","session_id":"drain-test-1","text":"更新したい"}`); res.StatusCode != 200 {
		t.Errorf("a chat turn while draining = %d %s, want 200", res.StatusCode, body)
	}
	select {
	case code := <-exit:
		t.Fatalf("run returned %d %v after SIGTERM, before SHUTDOWN_DELAY", code, time.Since(start))
	default:
	}
	select {
	case code := <-exit:
		if code != 0 {
			t.Errorf("run = %d, want 0", code)
		}
	case <-time.After(ShutdownTimeout + 10*time.Second):
		t.Fatal("run did not return after SHUTDOWN_DELAY")
	}
	closed := time.Since(start)
	t.Logf("/readyz answered 503 %v after SIGTERM; the listener closed after %v (SHUTDOWN_DELAY 1.5s)", turned.Round(time.Millisecond), closed.Round(time.Millisecond))
	if closed < 1500*time.Millisecond {
		t.Errorf("the server closed %v after SIGTERM, before SHUTDOWN_DELAY", closed)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("server still answers after shutdown")
	}
	// A normal shutdown logs no error: operators alert on error lines.
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, `"level":"ERROR"`) {
			t.Errorf("an error logged by a normal shutdown: %s", line)
		}
	}
}

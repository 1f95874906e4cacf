package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
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

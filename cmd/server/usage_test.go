package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestParseRetention(t *testing.T) {
	for v, want := range map[string]time.Duration{"90d": 90 * 24 * time.Hour, "1d": 24 * time.Hour, "30": 30 * 24 * time.Hour, "off": 0} {
		if got, err := parseRetention(v); err != nil || got != want {
			t.Errorf("parseRetention(%q) = %v, %v; want %v", v, got, err, want)
		}
	}
	for _, v := range []string{"0d", "3651d", "90h", "d", "-1d", ""} {
		if _, err := parseRetention(v); err == nil {
			t.Errorf("parseRetention(%q) accepted", v)
		}
	}
}

// consoleGet logs in to the staff console as root and GETs path.
func consoleGet(t *testing.T, base, path string) (int, string) {
	t.Helper()
	// The console's cookie is Secure except over plain HTTP to a loopback name.
	base = strings.Replace(base, "//[::]:", "//127.0.0.1:", 1)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	res, err := c.PostForm(base+"/admin/login", url.Values{"user": {"root"}, "password": {"correct horse battery"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	res, err = c.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b)
}

// TestUsageThroughTheServer chats through the residents' API and reads the
// figures on the console's usage page: the server wires the recorder into
// the dialog engine and the page.
func TestUsageThroughTheServer(t *testing.T) {
	m, _, base := startMain(t, map[string]string{"ADMIN_USER": "root", "ADMIN_PASSWORD": "correct horse battery"})
	for _, body := range []string{
		`{"municipality":"nerima","session_id":"usage-e2e-1","text":"更新したい"}`,
		`{"municipality":"nerima","session_id":"usage-e2e-1","text":"手数料はいくらですか？"}`,
		`{"municipality":"nerima","session_id":"usage-e2e-2","text":"駐車場に屋根はありますか？"}`,
		`{"municipality":"nerima","session_id":"usage-e2e-2","text":"4821の駐車場はありますか？"}`,
	} {
		if code, out := post(t, base+"/api/v1/chat", body); code != http.StatusOK {
			t.Fatalf("chat %s: %d %s", body, code, out)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := m.usage.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	code, page := consoleGet(t, base, "/admin/usage?municipality=nerima&days=30")
	if code != http.StatusOK {
		t.Fatalf("usage page: %d %s", code, page)
	}
	for _, want := range []string{`<tr id="usage-totals"><td>2</td><td>0</td><td>1</td><td>2</td><td>1</td></tr>`, "駐車場に屋根はありますか？", "(fee)"} {
		if !strings.Contains(page, want) {
			t.Errorf("the usage page lacks %q", want)
		}
	}
	if strings.Contains(page, "4821") {
		t.Error("the usage page shows a question with a run of digits")
	}
}

func TestUsageOff(t *testing.T) {
	_, _, base := startMain(t, map[string]string{"ADMIN_USER": "root", "ADMIN_PASSWORD": "correct horse battery", "USAGE_RETENTION": "off"})
	if code, _ := consoleGet(t, base, "/admin/usage?municipality=nerima"); code != http.StatusNotFound {
		t.Errorf("usage page with USAGE_RETENTION off: %d", code)
	}
}

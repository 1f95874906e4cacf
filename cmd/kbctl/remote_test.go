package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/madoguchi/madoguchi/internal/redistest"
	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/madoguchi/madoguchi/webhook/admin"
	"github.com/madoguchi/madoguchi/webhook/httpx"
)

type provider struct{ p atomic.Pointer[knowledge.KB] }

func (p *provider) Current() *knowledge.KB { return p.p.Load() }
func (p *provider) Set(kb *knowledge.KB)   { p.p.Store(kb) }

// server starts the admin API on a Redis of the test's own keys and
// returns kbctl's environment, logged in as the admin.
func server(t *testing.T) func(string) string {
	gin.SetMode(gin.TestMode)
	rdb := redistest.Client(t)
	prefix := redistest.Prefix(t)
	t.Cleanup(func() {
		ctx := context.Background()
		iter := rdb.Scan(ctx, 0, prefix+"*", 500).Iterator()
		for iter.Next(ctx) {
			rdb.Del(ctx, iter.Val())
		}
	})
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	p := &provider{}
	p.Set(kb)
	const pw = "correct horse battery"
	a, err := admin.New(context.Background(), admin.Config{Redis: rdb, Prefix: prefix, Target: p,
		AdminUser: "root", AdminPassword: pw, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	r := httpx.NewEngine(slog.New(slog.DiscardHandler), nil)
	a.Register(r)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	res, err := http.Post(srv.URL+"/admin/api/v1/login", "application/json", strings.NewReader(`{"user":"root","password":"`+pw+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct{ Token string }
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || out.Token == "" {
		t.Fatalf("login: %v", err)
	}
	env := map[string]string{"MADOGUCHI_URL": srv.URL, "MADOGUCHI_TOKEN": out.Token}
	return func(k string) string { return env[k] }
}

func kbctl(t *testing.T, env func(string) string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := remote(args, &stdout, &stderr, env)
	return code, stdout.String(), stderr.String()
}

func TestRemoteRoundTrip(t *testing.T) {
	env := server(t)
	dir := t.TempDir()
	// export: a folder kbctl lint accepts.
	if code, out, errs := kbctl(t, env, "export", dir); code != 0 || !strings.Contains(out, "edogawa version 1") {
		t.Fatalf("export = %d %s %s", code, out, errs)
	}
	if _, err := knowledge.LoadDir(dir); err != nil {
		t.Fatalf("the exported folder does not load: %v", err)
	}
	var lintOut, lintErr bytes.Buffer
	if code := run([]string{"lint", dir}, &lintOut, &lintErr); code != 0 {
		t.Fatalf("lint of the export = %d %s", code, lintOut.String())
	}

	work := t.TempDir()
	if code, _, errs := kbctl(t, env, "pull", "edogawa", work); code != 0 {
		t.Fatalf("pull: %s", errs)
	}
	yf := filepath.Join(work, "edogawa.yaml")
	y, _ := os.ReadFile(yf)
	edited := strings.Replace(string(y), "counters:\n  - id: senyo_honcho\n", "counters:\n  - id: senyo_honcho\n    hours: 平日 午前8時30分から午後5時\n", 1)
	if edited == string(y) {
		t.Fatal("the edit did not apply")
	}
	os.WriteFile(yf, []byte(edited), 0o644)
	if code, out, _ := kbctl(t, env, "diff", "edogawa", work); code != 0 || !strings.Contains(out, "+    hours: 平日 午前8時30分から午後5時") {
		t.Fatalf("diff: %s", out)
	}
	code, out, errs := kbctl(t, env, "push", "edogawa", work)
	if code != 0 || !strings.Contains(out, "of 144 situations change") || !strings.Contains(out, "counters") {
		t.Fatalf("push = %d %s %s", code, out, errs)
	}
	if code, out, errs := kbctl(t, env, "publish", "edogawa", "1", "受付時間"); code != 0 || !strings.Contains(out, "version 2") {
		t.Fatalf("publish = %d %s %s", code, out, errs)
	}
	// The same base again: the server's conflict.
	if code, _, errs := kbctl(t, env, "publish", "edogawa", "1"); code != 1 || !strings.Contains(errs, "conflict") {
		t.Fatalf("stale publish = %d %s", code, errs)
	}
	if code, out, _ := kbctl(t, env, "rollback", "edogawa", "1", "戻す"); code != 0 || !strings.Contains(out, "version 3") {
		t.Fatalf("rollback: %s", out)
	}
	if code, out, _ := kbctl(t, env, "versions", "edogawa"); code != 0 || !strings.HasPrefix(out, "3\t") || !strings.Contains(out, "受付時間") {
		t.Fatalf("versions: %s", out)
	}
	// A draft that does not validate prints its problems and exits 1.
	os.WriteFile(filepath.Join(work, "seeds", "edogawa.txt"), []byte("移転しました。"), 0o644)
	if _, err := recordedVersion(work, "edogawa"); err != nil {
		t.Fatal(err)
	}
	recordVersion(work, "edogawa", 3)
	if code, out, _ := kbctl(t, env, "push", "edogawa", work); code != 1 || !strings.Contains(out, "edogawa.yaml:") {
		t.Fatalf("invalid push = %d %s", code, out)
	}
}

func TestRemoteUsage(t *testing.T) {
	if code, _, errs := kbctl(t, func(string) string { return "" }, "versions", "edogawa"); code != 2 || !strings.Contains(errs, "MADOGUCHI_URL") {
		t.Fatalf("without the environment: %d %s", code, errs)
	}
	env := func(k string) string {
		return map[string]string{"MADOGUCHI_URL": "http://127.0.0.1:1", "MADOGUCHI_TOKEN": "x"}[k]
	}
	if code, _, _ := kbctl(t, env, "publish", "edogawa", "x"); code != 2 {
		t.Fatalf("a bad version: %d", code)
	}
}

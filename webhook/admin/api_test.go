package admin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/go-redis/redis_rate/v10"
	"github.com/madoguchi/madoguchi/internal/redistest"
	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/madoguchi/madoguchi/webhook/admin"
	"github.com/madoguchi/madoguchi/webhook/admin/auth"
	"github.com/madoguchi/madoguchi/webhook/httpx"
	"github.com/redis/go-redis/v9"
)

func init() { gin.SetMode(gin.TestMode) }

// keyPrefix is the test's key prefix under wt-admin:, deleted at the end.
func keyPrefix(tb testing.TB, rdb redis.UniversalClient) string {
	tb.Helper()
	p := redistest.Prefix(tb)
	tb.Cleanup(func() {
		ctx := context.Background()
		iter := rdb.Scan(ctx, 0, p+"*", 500).Iterator()
		for iter.Next(ctx) {
			rdb.Del(ctx, iter.Val())
		}
	})
	return p
}

// provider is a trivial versions.Target.
type provider struct{ p atomic.Pointer[knowledge.KB] }

func (p *provider) Current() *knowledge.KB { return p.p.Load() }
func (p *provider) Set(kb *knowledge.KB)   { p.p.Store(kb) }

func newProvider(tb testing.TB) *provider {
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		tb.Fatal(err)
	}
	p := &provider{}
	p.Set(kb)
	return p
}

const pw = "correct horse battery"

type env struct {
	t      *testing.T
	rdb    redis.UniversalClient
	prefix string
	admin  *admin.Admin
	target *provider
	h      http.Handler
}

func newEnv(t *testing.T, mod func(*admin.Config)) *env {
	t.Helper()
	rdb := redistest.Client(t)
	e := &env{t: t, rdb: rdb, prefix: keyPrefix(t, rdb), target: newProvider(t)}
	cfg := admin.Config{Redis: rdb, Prefix: e.prefix, Target: e.target, AdminUser: "root", AdminPassword: pw,
		Logger: slog.New(slog.DiscardHandler)}
	if mod != nil {
		mod(&cfg)
	}
	a, err := admin.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.admin = a
	r := httpx.NewEngine(slog.New(slog.DiscardHandler), nil)
	a.Register(r)
	e.h = r
	return e
}

// account creates an account with roles and returns a token of it.
func (e *env) account(name string, roles map[string]auth.Role) string {
	e.t.Helper()
	if _, err := e.admin.Accounts().CreateAccount(context.Background(), auth.Account{Name: name, Roles: roles}, pw); err != nil {
		e.t.Fatal(err)
	}
	return e.login(name)
}

func (e *env) login(name string) string {
	e.t.Helper()
	res := e.do("POST", "/admin/api/v1/login", "", map[string]string{"user": name, "password": pw})
	if res.Code != 200 {
		e.t.Fatalf("login %s: %d %s", name, res.Code, res.Body)
	}
	var out struct {
		Token     string    `json:"token"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	decodeBody(e.t, res, &out)
	if out.Token == "" || out.ExpiresAt.IsZero() {
		e.t.Fatalf("login answer %s", res.Body)
	}
	return out.Token
}

// do sends body (a string as is, else JSON) with the token.
func (e *env) do(method, path, token string, body any) *httptest.ResponseRecorder {
	e.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, r)
	req.RemoteAddr = "192.0.2.10:1234"
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	res := httptest.NewRecorder()
	e.h.ServeHTTP(res, req)
	return res
}

func decodeBody(tb testing.TB, res *httptest.ResponseRecorder, v any) {
	tb.Helper()
	if err := json.Unmarshal(res.Body.Bytes(), v); err != nil {
		tb.Fatalf("answer %d %q: %v", res.Code, res.Body, err)
	}
}

type errBody struct {
	Error struct {
		Code     string `json:"code"`
		Message  string `json:"message"`
		Field    string `json:"field"`
		Current  int    `json:"current_version"`
		Problems []struct {
			File    string `json:"file"`
			Line    int    `json:"line"`
			Field   string `json:"field"`
			Message string `json:"message"`
		} `json:"problems"`
	} `json:"error"`
}

func wantError(tb testing.TB, res *httptest.ResponseRecorder, status int, code string) errBody {
	tb.Helper()
	var b errBody
	decodeBody(tb, res, &b)
	if res.Code != status || b.Error.Code != code {
		tb.Fatalf("answer %d %s, want %d %s", res.Code, res.Body, status, code)
	}
	return b
}

const oldPhone = "03-5662-9200"

// published returns unit's published knowledge through the API.
func (e *env) published(token, unit string) (version int, yaml, page string) {
	e.t.Helper()
	res := e.do("GET", "/admin/api/v1/municipalities/"+unit+"/knowledge", token, nil)
	if res.Code != 200 {
		e.t.Fatalf("knowledge: %d %s", res.Code, res.Body)
	}
	var v struct {
		Version int    `json:"version"`
		YAML    string `json:"yaml"`
		Page    string `json:"page"`
	}
	decodeBody(e.t, res, &v)
	return v.Version, v.YAML, v.Page
}

func phoneDraft(yaml, page, phone string, base int) map[string]any {
	return map[string]any{"yaml": strings.ReplaceAll(yaml, oldPhone, phone), "page": strings.ReplaceAll(page, oldPhone, phone), "base_version": base}
}

func TestLoginAndBearer(t *testing.T) {
	e := newEnv(t, nil)
	wantError(t, e.do("POST", "/admin/api/v1/login", "", map[string]string{"user": "root", "password": "wrong password"}), 401, "unauthorized")
	wantError(t, e.do("GET", "/admin/api/v1/municipalities", "", nil), 401, "unauthorized")
	wantError(t, e.do("GET", "/admin/api/v1/municipalities", "not-a-token", nil), 401, "unauthorized")
	tok := e.login("root")
	res := e.do("GET", "/admin/api/v1/municipalities", tok, nil)
	if res.Code != 200 || !strings.Contains(res.Body.String(), `"id":"yokohama"`) {
		t.Fatalf("municipalities: %d %s", res.Code, res.Body)
	}
	if strings.Contains(res.Body.String(), "password_hash") {
		t.Fatal("a password hash is sent")
	}
	if res := e.do("POST", "/admin/api/v1/logout", tok, nil); res.Code != 200 {
		t.Fatalf("logout: %d", res.Code)
	}
	wantError(t, e.do("GET", "/admin/api/v1/municipalities", tok, nil), 401, "unauthorized")
}

func TestWeakAdminPasswordRefusesToStart(t *testing.T) {
	rdb := redistest.Client(t)
	_, err := admin.New(context.Background(), admin.Config{Redis: rdb, Prefix: keyPrefix(t, rdb), Target: newProvider(t),
		AdminUser: "root", AdminPassword: "elevenchars", Logger: slog.New(slog.DiscardHandler)})
	if err == nil || !strings.Contains(err.Error(), "12") {
		t.Fatalf("New with an 11-character password = %v", err)
	}
}

func TestLoginThrottled(t *testing.T) {
	e := newEnv(t, func(c *admin.Config) {
		c.Auth.AccountLimit = redis_rate.Limit{Rate: 2, Burst: 2, Period: time.Hour}
	})
	for range 2 {
		wantError(t, e.do("POST", "/admin/api/v1/login", "", map[string]string{"user": "root", "password": "wrong password"}), 401, "unauthorized")
	}
	res := e.do("POST", "/admin/api/v1/login", "", map[string]string{"user": "root", "password": pw})
	wantError(t, res, 429, "rate_limited")
	if ra := res.Header().Get("Retry-After"); ra == "" || ra == "0" {
		t.Fatalf("Retry-After = %q", ra)
	}
}

func TestRoles(t *testing.T) {
	e := newEnv(t, nil)
	editor := e.account("nerima-editor", map[string]auth.Role{"nerima": auth.Editor})
	viewer := e.account("edogawa-viewer", map[string]auth.Role{"edogawa": auth.Viewer})
	_, yaml, page := e.published(viewer, "edogawa")
	// A Nerima editor on Edogawa.
	wantError(t, e.do("PUT", "/admin/api/v1/municipalities/edogawa/draft", editor, phoneDraft(yaml, page, "03-5662-9999", 1)), 403, "forbidden")
	wantError(t, e.do("GET", "/admin/api/v1/municipalities/edogawa/knowledge", editor, nil), 403, "forbidden")
	// A viewer publishing, rolling back, saving.
	wantError(t, e.do("POST", "/admin/api/v1/municipalities/edogawa/publish", viewer, map[string]any{"base_version": 1, "comment": ""}), 403, "forbidden")
	wantError(t, e.do("POST", "/admin/api/v1/municipalities/edogawa/rollback", viewer, map[string]any{"to_version": 1, "comment": ""}), 403, "forbidden")
	wantError(t, e.do("PUT", "/admin/api/v1/municipalities/edogawa/draft", viewer, phoneDraft(yaml, page, "03-5662-9999", 1)), 403, "forbidden")
	// An editor may not publish their own municipality either.
	wantError(t, e.do("POST", "/admin/api/v1/municipalities/nerima/publish", editor, map[string]any{"base_version": 1, "comment": ""}), 403, "forbidden")
	// Only an admin edits national.yaml, reads the audit log, manages accounts.
	wantError(t, e.do("PUT", "/admin/api/v1/municipalities/national/draft", editor, map[string]any{"yaml": "x", "page": "", "base_version": 1}), 403, "forbidden")
	wantError(t, e.do("GET", "/admin/api/v1/audit", editor, nil), 403, "forbidden")
	wantError(t, e.do("GET", "/admin/api/v1/accounts", editor, nil), 403, "forbidden")
}

func TestDraftPublishRollback(t *testing.T) {
	e := newEnv(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = e.admin.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })

	editor := e.account("ed", map[string]auth.Role{"edogawa": auth.Editor})
	publisher := e.account("pub", map[string]auth.Role{"edogawa": auth.Publisher})
	v, yaml, page := e.published(editor, "edogawa")
	if v != 1 {
		t.Fatalf("version %d", v)
	}
	wantError(t, e.do("POST", "/admin/api/v1/municipalities/edogawa/publish", publisher, map[string]any{"base_version": 1, "comment": "x"}), 404, "not_found")

	res := e.do("PUT", "/admin/api/v1/municipalities/edogawa/draft", editor, phoneDraft(yaml, page, "03-5662-9999", 1))
	if res.Code != 200 {
		t.Fatalf("draft: %d %s", res.Code, res.Body)
	}
	var d struct {
		Draft struct {
			BaseVersion int `json:"base_version"`
		} `json:"draft"`
		Situations admin.Preview `json:"situations"`
	}
	decodeBody(t, res, &d)
	if d.Draft.BaseVersion != 1 || d.Situations.Total != 144 || len(d.Situations.Changed) == 0 {
		t.Fatalf("draft answer: base %d, %d of %d situations changed", d.Draft.BaseVersion, len(d.Situations.Changed), d.Situations.Total)
	}
	ch := d.Situations.Changed[0]
	if ch.Label == "" || !strings.Contains(string(ch.Changes[0].After)+string(ch.Changes[len(ch.Changes)-1].After), "9999") {
		t.Fatalf("first change: %+v", ch)
	}
	// Saving does not publish.
	if n, _, _ := e.published(editor, "edogawa"); n != 1 {
		t.Fatalf("a draft published v%d", n)
	}

	res = e.do("POST", "/admin/api/v1/municipalities/edogawa/publish", publisher, map[string]any{"base_version": 1, "comment": "電話番号の変更"})
	if res.Code != 200 || !strings.Contains(res.Body.String(), `"version":2`) {
		t.Fatalf("publish: %d %s", res.Code, res.Body)
	}
	waitFor(t, "the new phone served", func() bool { return edogawaPhone(e.target.Current()) == "03-5662-9999" })
	// The same base again: 409 naming version 2, checked before the (now absent) draft.
	b := wantError(t, e.do("POST", "/admin/api/v1/municipalities/edogawa/publish", publisher, map[string]any{"base_version": 1, "comment": ""}), 409, "conflict")
	if b.Error.Current != 2 {
		t.Fatalf("conflict names v%d", b.Error.Current)
	}

	wantError(t, e.do("POST", "/admin/api/v1/municipalities/edogawa/rollback", publisher, map[string]any{"to_version": 7, "comment": ""}), 404, "not_found")
	res = e.do("POST", "/admin/api/v1/municipalities/edogawa/rollback", publisher, map[string]any{"to_version": 1, "comment": "元に戻す"})
	if res.Code != 200 || !strings.Contains(res.Body.String(), `"version":3`) {
		t.Fatalf("rollback: %d %s", res.Code, res.Body)
	}
	waitFor(t, "the old phone served again", func() bool { return edogawaPhone(e.target.Current()) == oldPhone })

	res = e.do("GET", "/admin/api/v1/municipalities/edogawa/versions", editor, nil)
	var vs struct {
		Versions []struct {
			Version    int    `json:"version"`
			Author     string `json:"author"`
			Comment    string `json:"comment"`
			RollbackOf int    `json:"rollback_of"`
		} `json:"versions"`
	}
	decodeBody(t, res, &vs)
	if len(vs.Versions) != 3 || vs.Versions[0].RollbackOf != 1 || vs.Versions[1].Author != "pub" || vs.Versions[1].Comment != "電話番号の変更" {
		t.Fatalf("versions: %s", res.Body)
	}

	// The audit log has it all, as JSON and CSV.
	root := e.login("root")
	res = e.do("GET", "/admin/api/v1/audit?unit=edogawa", root, nil)
	for _, want := range []string{`"action":"save_draft"`, `"action":"publish"`, `"action":"rollback"`} {
		if !strings.Contains(res.Body.String(), want) {
			t.Errorf("audit lacks %s: %s", want, res.Body)
		}
	}
	res = e.do("GET", "/admin/api/v1/audit?format=csv&action=login", root, nil)
	if res.Code != 200 || !strings.HasPrefix(res.Header().Get("Content-Type"), "text/csv") ||
		!strings.Contains(res.Body.String(), ",pub,login,") || strings.Contains(res.Body.String(), "publish") {
		t.Fatalf("audit CSV: %d %s", res.Code, res.Body)
	}
}

func edogawaPhone(kb *knowledge.KB) string { return kb.Municipality("edogawa").Counters[0].Phone }

func waitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("%s: not within 10 s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestConcurrentPublishesOneConflict(t *testing.T) {
	e := newEnv(t, nil)
	root := e.login("root")
	_, yaml, page := e.published(root, "edogawa")
	if res := e.do("PUT", "/admin/api/v1/municipalities/edogawa/draft", root, phoneDraft(yaml, page, "03-5662-1234", 1)); res.Code != 200 {
		t.Fatalf("draft: %d", res.Code)
	}
	codes := make([]int, 2)
	var wg sync.WaitGroup
	for i := range codes {
		wg.Go(func() {
			codes[i] = e.do("POST", "/admin/api/v1/municipalities/edogawa/publish", root, map[string]any{"base_version": 1, "comment": fmt.Sprint(i)}).Code
		})
	}
	wg.Wait()
	if !(codes[0] == 200 && codes[1] == 409 || codes[0] == 409 && codes[1] == 200) {
		t.Fatalf("codes %v, want one 200 and one 409", codes)
	}
}

// TestBadInput: each bad request gets its error and leaves version 1 published.
func TestBadInput(t *testing.T) {
	e := newEnv(t, nil)
	root := e.login("root")
	_, yaml, page := e.published(root, "edogawa")
	put := func(body any) *httptest.ResponseRecorder {
		return e.do("PUT", "/admin/api/v1/municipalities/edogawa/draft", root, body)
	}
	t.Run("malformed YAML", func(t *testing.T) {
		b := wantError(t, put(map[string]any{"yaml": "id: edogawa\nname: [unclosed\n", "page": page, "base_version": 1}), 422, "invalid")
		if len(b.Error.Problems) == 0 || b.Error.Problems[0].File != "edogawa.yaml" || b.Error.Problems[0].Line == 0 {
			t.Fatalf("problems %+v", b.Error.Problems)
		}
	})
	t.Run("alias bomb", func(t *testing.T) {
		bomb := "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
		prev := "a"
		for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
			bomb += fmt.Sprintf("%s: &%s [*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s]\n", n, n, prev, prev, prev, prev, prev, prev, prev, prev, prev)
			prev = n
		}
		b := wantError(t, put(map[string]any{"yaml": bomb, "page": page, "base_version": 1}), 422, "invalid")
		if len(b.Error.Problems) == 0 {
			t.Fatal("no problem")
		}
	})
	t.Run("invalid UTF-8", func(t *testing.T) {
		body := []byte(`{"yaml":"id: edogawa \xff\xfe","page":"x","base_version":1}`)
		wantError(t, put(body), 400, "invalid")
	})
	t.Run("10 MB", func(t *testing.T) {
		big := strings.Repeat("あ", 10<<20/3)
		wantError(t, put(map[string]any{"yaml": yaml, "page": big, "base_version": 1}), 413, "too_large")
	})
	t.Run("unknown municipality", func(t *testing.T) {
		wantError(t, e.do("PUT", "/admin/api/v1/municipalities/tokyo/draft", root, phoneDraft(yaml, page, "03-5662-9999", 1)), 404, "not_found")
		wantError(t, e.do("GET", "/admin/api/v1/municipalities/tokyo/versions", root, nil), 404, "not_found")
	})
	t.Run("stale base", func(t *testing.T) {
		b := wantError(t, put(phoneDraft(yaml, page, "03-5662-9999", 5)), 409, "conflict")
		if b.Error.Current != 1 {
			t.Fatalf("current %d", b.Error.Current)
		}
		wantError(t, e.do("POST", "/admin/api/v1/municipalities/edogawa/publish", root, map[string]any{"base_version": 0, "comment": ""}), 409, "conflict")
	})
	t.Run("page without the quotes", func(t *testing.T) {
		b := wantError(t, put(map[string]any{"yaml": yaml, "page": "このページは移転しました。", "base_version": 1}), 422, "invalid")
		found := false
		for _, p := range b.Error.Problems {
			found = found || p.File == "edogawa.yaml" && p.Line > 0 && p.Field != "" && strings.Contains(p.Message, "not found")
		}
		if !found {
			t.Fatalf("problems %+v", b.Error.Problems)
		}
	})
	t.Run("unknown field", func(t *testing.T) {
		wantError(t, put(map[string]any{"yaml": yaml, "page": page, "base_version": 1, "Base": 2}), 400, "invalid")
	})
	t.Run("rollback to a missing version", func(t *testing.T) {
		wantError(t, e.do("POST", "/admin/api/v1/municipalities/edogawa/rollback", root, map[string]any{"to_version": 2, "comment": ""}), 404, "not_found")
	})
	if v, _, _ := e.published(root, "edogawa"); v != 1 {
		t.Fatalf("published version %d after bad input", v)
	}
	if _, err := e.admin.Store().GetDraft(context.Background(), "edogawa"); err == nil {
		t.Fatal("a bad draft was saved")
	}
}

func TestTokensAndAccounts(t *testing.T) {
	e := newEnv(t, nil)
	root := e.login("root")
	res := e.do("POST", "/admin/api/v1/accounts", root, map[string]any{"name": "hanako", "password": pw, "admin": false,
		"roles": map[string]string{"nerima": "publisher"}})
	if res.Code != 200 {
		t.Fatalf("create account: %d %s", res.Code, res.Body)
	}
	wantError(t, e.do("POST", "/admin/api/v1/accounts", root, map[string]any{"name": "taro", "password": "short", "admin": false, "roles": map[string]string{}}), 400, "invalid")
	wantError(t, e.do("POST", "/admin/api/v1/accounts", root, map[string]any{"name": "taro", "password": pw, "admin": false, "roles": map[string]string{"nerima": "owner"}}), 400, "invalid")
	h := e.login("hanako")
	res = e.do("POST", "/admin/api/v1/tokens", h, map[string]string{"name": "kbctl"})
	var tok struct {
		Token string `json:"token"`
		ID    string `json:"id"`
	}
	decodeBody(t, res, &tok)
	if res.Code != 200 || tok.Token == "" {
		t.Fatalf("token: %d %s", res.Code, res.Body)
	}
	if res := e.do("GET", "/admin/api/v1/municipalities/nerima/versions", tok.Token, nil); res.Code != 200 {
		t.Fatalf("with the token: %d", res.Code)
	}
	res = e.do("GET", "/admin/api/v1/tokens", h, nil)
	if !strings.Contains(res.Body.String(), tok.ID) || strings.Contains(res.Body.String(), tok.Token) {
		t.Fatalf("tokens list: %s", res.Body)
	}
	if res := e.do("DELETE", "/admin/api/v1/tokens/"+tok.ID, h, nil); res.Code != 200 {
		t.Fatalf("revoke: %d", res.Code)
	}
	wantError(t, e.do("GET", "/admin/api/v1/municipalities/nerima/versions", tok.Token, nil), 401, "unauthorized")
	// Demoted to viewer, hanako may no longer publish.
	if res := e.do("PUT", "/admin/api/v1/accounts/hanako", root, map[string]any{"password": "", "admin": false, "roles": map[string]string{"nerima": "viewer"}}); res.Code != 200 {
		t.Fatalf("update: %d %s", res.Code, res.Body)
	}
	wantError(t, e.do("POST", "/admin/api/v1/municipalities/nerima/publish", h, map[string]any{"base_version": 1, "comment": ""}), 403, "forbidden")
	if res := e.do("DELETE", "/admin/api/v1/accounts/hanako", root, nil); res.Code != 200 {
		t.Fatalf("delete: %d", res.Code)
	}
	wantError(t, e.do("GET", "/admin/api/v1/me", h, nil), 401, "unauthorized")
	res = e.do("GET", "/admin/api/v1/audit", root, nil)
	for _, want := range []string{"account_create", "account_update", "account_delete", "token_create", "token_revoke"} {
		if !strings.Contains(res.Body.String(), want) {
			t.Errorf("audit lacks %s", want)
		}
	}
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestSessionExpires(t *testing.T) {
	clk := &fakeClock{t: time.Now()}
	e := newEnv(t, func(c *admin.Config) { c.Clock = clk.Now })
	tok := e.login("root")
	clk.Add(29 * time.Minute)
	if res := e.do("GET", "/admin/api/v1/me", tok, nil); res.Code != 200 {
		t.Fatalf("after 29 idle minutes: %d", res.Code)
	}
	clk.Add(30 * time.Minute)
	wantError(t, e.do("GET", "/admin/api/v1/me", tok, nil), 401, "unauthorized")
	// However busy, a session ends 12 hours after login.
	tok = e.login("root")
	for range 25 {
		clk.Add(29 * time.Minute)
		e.do("GET", "/admin/api/v1/me", tok, nil)
	}
	wantError(t, e.do("GET", "/admin/api/v1/me", tok, nil), 401, "unauthorized")
}

func TestPersistenceWarning(t *testing.T) {
	rdb := redistest.Client(t)
	vals, err := rdb.ConfigGet(context.Background(), "appendonly").Result()
	if err != nil || vals["appendonly"] == "" {
		t.Skip("this Redis does not answer CONFIG GET appendonly")
	}
	var buf bytes.Buffer
	var mu sync.Mutex
	log := slog.New(slog.NewTextHandler(&lockedWriter{w: &buf, mu: &mu}, nil))
	if _, err := admin.New(context.Background(), admin.Config{Redis: rdb, Prefix: keyPrefix(t, rdb), Target: newProvider(t),
		AdminUser: "root", AdminPassword: pw, Logger: log}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	warned := strings.Contains(buf.String(), "persistence is off")
	mu.Unlock()
	if want := vals["appendonly"] != "yes"; warned != want {
		t.Fatalf("appendonly %s: warned %v", vals["appendonly"], warned)
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestFailedLoginNeverLogsAPasswordTypedAsName(t *testing.T) {
	e := newEnv(t, nil)
	wantError(t, e.do("POST", "/admin/api/v1/login", "", map[string]string{"user": "my secret pass!", "password": "x"}), 401, "unauthorized")
	wantError(t, e.do("POST", "/admin/api/v1/login", "", map[string]string{"user": "root", "password": "wrong password"}), 401, "unauthorized")
	res := e.do("GET", "/admin/api/v1/audit?action=login_failed", e.login("root"), nil)
	body := res.Body.String()
	if strings.Contains(body, "my secret pass") || !strings.Contains(body, "(not an account name)") || !strings.Contains(body, `"actor":"root"`) {
		t.Fatalf("audit: %s", body)
	}
	if strings.Contains(body, "wrong password") {
		t.Fatal("a password in the audit log")
	}
}

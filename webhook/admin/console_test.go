package admin_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/webhook/admin"
	"github.com/madoguchi/madoguchi/webhook/admin/auth"
)

// browser is a console user: its session cookie and the last page's form token.
type browser struct {
	e      *env
	host   string
	cookie *http.Cookie
	csrf   string
}

var csrfField = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

func (b *browser) send(method, path string, form url.Values, header map[string]string) *httptest.ResponseRecorder {
	b.e.t.Helper()
	var req *http.Request
	if form != nil {
		req = httptest.NewRequest(method, "http://"+b.host+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, "http://"+b.host+path, nil)
	}
	req.RemoteAddr = "192.0.2.20:5555"
	if b.cookie != nil {
		req.AddCookie(b.cookie)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res := httptest.NewRecorder()
	b.e.h.ServeHTTP(res, req)
	for _, c := range res.Result().Cookies() {
		if c.Name == admin.CookieName {
			b.cookie = c
		}
	}
	if m := csrfField.FindStringSubmatch(res.Body.String()); m != nil {
		b.csrf = m[1]
	}
	return res
}

func (b *browser) get(path string) *httptest.ResponseRecorder { return b.send("GET", path, nil, nil) }

// post sends form with the page's token.
func (b *browser) post(path string, form url.Values) *httptest.ResponseRecorder {
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", b.csrf)
	return b.send("POST", path, form, nil)
}

func (e *env) browserLogin(host, user string) *browser {
	e.t.Helper()
	b := &browser{e: e, host: host}
	res := b.send("POST", "/admin/login", url.Values{"user": {user}, "password": {pw}}, nil)
	if res.Code != http.StatusSeeOther || b.cookie == nil {
		e.t.Fatalf("login: %d %s", res.Code, res.Body)
	}
	if res := b.get("/admin"); res.Code != 200 {
		e.t.Fatalf("dashboard: %d", res.Code)
	}
	return b
}

func TestConsoleCookie(t *testing.T) {
	e := newEnv(t, nil)
	local := e.browserLogin("localhost:8080", "root")
	if !local.cookie.HttpOnly || local.cookie.SameSite != http.SameSiteStrictMode || local.cookie.Secure {
		t.Fatalf("localhost cookie %+v", local.cookie)
	}
	remote := e.browserLogin("madoguchi.example.jp", "root")
	if !remote.cookie.Secure || !remote.cookie.HttpOnly {
		t.Fatalf("a public host's cookie is not Secure: %+v", remote.cookie)
	}
	// A new session id at every login.
	if local.cookie.Value == remote.cookie.Value {
		t.Fatal("two logins share a session id")
	}
	// Logout ends it: the old cookie sends back to the login page.
	session := local.cookie
	if res := local.post("/admin/logout", nil); res.Code != http.StatusSeeOther || local.cookie.MaxAge >= 0 {
		t.Fatalf("logout: %d, cookie %+v", res.Code, local.cookie)
	}
	local.cookie = session
	if res := local.get("/admin"); res.Code != http.StatusSeeOther || res.Header().Get("Location") != "/admin/login" {
		t.Fatalf("a bad cookie: %d", res.Code)
	}
}

func TestConsoleLoginErrors(t *testing.T) {
	e := newEnv(t, nil)
	b := &browser{e: e, host: "localhost"}
	res := b.send("POST", "/admin/login", url.Values{"user": {"root"}, "password": {"wrong password"}}, nil)
	if res.Code != http.StatusUnauthorized || !strings.Contains(res.Body.String(), "ユーザー名またはパスワードが違います") {
		t.Fatalf("wrong password: %d", res.Code)
	}
	// Unauthenticated pages redirect to the login page.
	if res := b.get("/admin/m/edogawa"); res.Code != http.StatusSeeOther {
		t.Fatalf("no session: %d", res.Code)
	}
}

func TestConsoleCSRF(t *testing.T) {
	e := newEnv(t, nil)
	b := e.browserLogin("localhost", "root")
	// Without the form token.
	res := b.send("POST", "/admin/tokens", url.Values{"name": {"x"}}, nil)
	if res.Code != http.StatusForbidden || !strings.Contains(res.Body.String(), "トークン") {
		t.Fatalf("no form token: %d", res.Code)
	}
	// A cross-site request, token or not.
	res = b.send("POST", "/admin/tokens", url.Values{"name": {"x"}, "csrf": {b.csrf}}, map[string]string{"Sec-Fetch-Site": "cross-site"})
	if res.Code != http.StatusForbidden {
		t.Fatalf("cross-site: %d", res.Code)
	}
	res = b.send("POST", "/admin/login", url.Values{"user": {"root"}, "password": {pw}}, map[string]string{"Origin": "https://evil.example"})
	if res.Code != http.StatusForbidden {
		t.Fatalf("cross-origin login: %d", res.Code)
	}
	// With both, it works.
	b.get("/admin/tokens")
	if res := b.post("/admin/tokens", url.Values{"name": {"kbctl"}}); res.Code != 200 || !strings.Contains(res.Body.String(), "新しいトークン") {
		t.Fatalf("token form: %d", res.Code)
	}
}

// TestConsoleEditPublishRollback walks the everyday edit: change a
// counter's phone through the form with the page text, see the changed
// situations, publish, roll back.
func TestConsoleEditPublishRollback(t *testing.T) {
	e := newEnv(t, nil)
	if _, err := e.admin.Accounts().CreateAccount(t.Context(), auth.Account{Name: "hanako", Roles: map[string]auth.Role{"edogawa": auth.Publisher}}, pw); err != nil {
		t.Fatal(err)
	}
	b := e.browserLogin("localhost", "hanako")
	res := b.get("/admin")
	if !strings.Contains(res.Body.String(), "江戸川区") || strings.Contains(res.Body.String(), "練馬区") {
		t.Fatalf("dashboard shows other municipalities or not hers")
	}
	res = b.get("/admin/m/edogawa")
	body := res.Body.String()
	if res.Code != 200 || !strings.Contains(body, `value="03-5662-9200"`) {
		t.Fatalf("unit page: %d", res.Code)
	}
	_, _, page := e.published(e.login("root"), "edogawa")

	// The phone alone (the page not pasted): it saves, the quotes stay as
	// on the page, and the lines still holding the old number are pointed at.
	form := url.Values{"mode": {"form"}, "base_version": {"1"}, "c0_phone": {"03-5662-9999"}, "page": {page}}
	if res = b.post("/admin/m/edogawa/draft", form); res.Code != http.StatusOK || !strings.Contains(res.Body.String(), "古い電話番号が残っています") {
		t.Fatalf("phone alone: %d %s", res.Code, firstError(res.Body.String()))
	}
	newPage := strings.ReplaceAll(page, oldPhone, "03-5662-9999")
	// The phone in the form and the page: the quotes that held the old
	// number follow the page, the draft saves, and the prose still naming
	// the old number is pointed at.
	form = url.Values{"mode": {"form"}, "base_version": {"1"}, "c0_phone": {"03-5662-9999"},
		"page": {newPage}}
	res = b.post("/admin/m/edogawa/draft", form)
	body = res.Body.String()
	if res.Code != http.StatusOK || !strings.Contains(body, "下書きを保存しました") || !strings.Contains(body, "古い電話番号が残っています") {
		t.Fatalf("phone with the page: %d %s", res.Code, firstError(body))
	}
	d := e.do("GET", "/admin/api/v1/municipalities/edogawa/draft", e.login("root"), nil).Body.String()
	if !strings.Contains(d, `マイナンバーカード専用窓口(本庁舎)(電話:03-5662-9999)`) || strings.Contains(d, `マイナンバーカード専用窓口(本庁舎)(電話:`+oldPhone) {
		t.Fatalf("the draft's quotes did not follow the page: %.300s", d)
	}
	// The hours through the form, on the open draft, save, and the preview
	// lists the situations.
	form = url.Values{"mode": {"form"}, "base_version": {"1"}, "c0_hours": {"平日 午前8時30分から午後5時"}, "page": {newPage}}
	res = b.post("/admin/m/edogawa/draft", form)
	body = res.Body.String()
	if res.Code != 200 || !strings.Contains(body, "下書きを保存しました") || !strings.Contains(body, "回答が変わる状況") {
		t.Fatalf("draft: %d %s", res.Code, firstError(body))
	}
	if !strings.Contains(body, "平日 午前8時30分から午後5時") || !strings.Contains(body, "この下書きを公開する") || !strings.Contains(body, "<td>窓口</td>") {
		t.Fatal("no preview or publish button")
	}
	res = b.post("/admin/m/edogawa/publish", url.Values{"base_version": {"1"}, "comment": {"<script>alert(1)</script>"}})
	if res.Code != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", res.Code, firstError(res.Body.String()))
	}
	if v, _, _ := e.published(e.login("root"), "edogawa"); v != 2 {
		t.Fatalf("published v%d", v)
	}
	res = b.get("/admin/m/edogawa/versions")
	body = res.Body.String()
	if strings.Contains(body, "<script>alert") || !strings.Contains(body, "&lt;script&gt;") {
		t.Fatal("a comment is not escaped")
	}
	if res := b.get("/admin/m/edogawa/versions/2"); res.Code != 200 || !strings.Contains(res.Body.String(), `class="add"`) {
		t.Fatalf("version page: %d", res.Code)
	}
	b.get("/admin/m/edogawa/versions")
	if res := b.post("/admin/m/edogawa/rollback", url.Values{"to_version": {"1"}, "comment": {""}}); res.Code != http.StatusSeeOther {
		t.Fatalf("rollback: %d", res.Code)
	}
	if v, y, _ := e.published(e.login("root"), "edogawa"); v != 3 || strings.Contains(y, "平日 午前8時30分から午後5時") {
		t.Fatalf("after rollback v%d", v)
	}
	// Another municipality: 403.
	if res := b.get("/admin/m/nerima"); res.Code != http.StatusForbidden {
		t.Fatalf("nerima: %d", res.Code)
	}
	// The audit page is for admins; root sees hanako's publish.
	if res := b.get("/admin/audit"); res.Code != http.StatusForbidden {
		t.Fatalf("audit as a publisher: %d", res.Code)
	}
	rb := e.browserLogin("localhost", "root")
	res = rb.get("/admin/audit?actor=hanako&action=publish")
	if res.Code != 200 || !strings.Contains(res.Body.String(), "&lt;script&gt;") {
		t.Fatalf("audit page: %d", res.Code)
	}
	if res := rb.get("/admin/audit.csv?actor=hanako"); res.Code != 200 || !strings.Contains(res.Body.String(), "hanako,rollback,edogawa") {
		t.Fatalf("audit CSV: %d %s", res.Code, res.Body)
	}
}

func TestConsoleInvalidDraftShowsProblems(t *testing.T) {
	e := newEnv(t, nil)
	b := e.browserLogin("localhost", "root")
	b.get("/admin/m/edogawa")
	res := b.post("/admin/m/edogawa/draft", url.Values{"mode": {"yaml"}, "base_version": {"1"}, "yaml": {"id: edogawa\nname: [\n"}, "page": {"x"}})
	if res.Code != http.StatusUnprocessableEntity || !strings.Contains(res.Body.String(), "edogawa.yaml:") {
		t.Fatalf("invalid YAML: %d", res.Code)
	}
	_, y, _ := e.published(e.login("root"), "edogawa")
	res = b.post("/admin/m/edogawa/draft", url.Values{"mode": {"yaml"}, "base_version": {"1"}, "yaml": {y}, "page": {"ページは移転しました。"}})
	if res.Code != http.StatusUnprocessableEntity || !strings.Contains(res.Body.String(), "がページ本文 (edogawa) に見つかりません") {
		t.Fatalf("page without quotes: %d", res.Code)
	}
}

func TestSetupLink(t *testing.T) {
	e := newEnv(t, func(c *admin.Config) { c.AdminUser, c.AdminPassword = "", "" })
	b := &browser{e: e, host: "localhost"}
	res := b.send("POST", "/admin/setup", url.Values{"secret": {"guess"}, "user": {"root"}, "password": {pw}}, nil)
	if res.Code != http.StatusBadRequest {
		t.Fatalf("a guessed setup secret: %d", res.Code)
	}
	if ok, _ := e.admin.Accounts().HasAccounts(t.Context()); ok {
		t.Fatal("an account was created")
	}
}

func firstError(body string) string {
	if i := strings.Index(body, `class="error"`); i >= 0 {
		return body[i:min(len(body), i+400)]
	}
	return ""
}

func TestConsoleAccounts(t *testing.T) {
	e := newEnv(t, nil)
	b := e.browserLogin("localhost", "root")
	if res := b.get("/admin/accounts"); res.Code != 200 {
		t.Fatalf("accounts page: %d", res.Code)
	}
	res := b.post("/admin/accounts", url.Values{"name": {"<b>x</b>"}, "password": {pw}})
	if res.Code != http.StatusBadRequest || strings.Contains(res.Body.String(), "<b>x</b>") {
		t.Fatalf("a bad name: %d", res.Code)
	}
	res = b.post("/admin/accounts", url.Values{"name": {"taro"}, "password": {pw}, "role_nerima": {"editor"}})
	if res.Code != 200 || !strings.Contains(res.Body.String(), "taro を保存しました") {
		t.Fatalf("create: %d %s", res.Code, firstError(res.Body.String()))
	}
	acct, err := e.admin.Accounts().Account(t.Context(), "taro")
	if err != nil || acct.Roles["nerima"] != auth.Editor || acct.Admin {
		t.Fatalf("taro = %+v, %v", acct, err)
	}
	taro := e.browserLogin("localhost", "taro")
	if res := taro.get("/admin/accounts"); res.Code != http.StatusForbidden {
		t.Fatalf("accounts page as an editor: %d", res.Code)
	}
	// Promoted to publisher of Nerima, with a new password: taro's session ends.
	res = b.post("/admin/accounts/taro", url.Values{"role_nerima": {"publisher"}, "password": {"another long password"}})
	if res.Code != 200 {
		t.Fatalf("update: %d", res.Code)
	}
	if acct, _ := e.admin.Accounts().Account(t.Context(), "taro"); acct.Roles["nerima"] != auth.Publisher {
		t.Fatalf("taro = %+v", acct)
	}
	if res := taro.get("/admin"); res.Code != http.StatusSeeOther {
		t.Fatalf("taro's session after the password change: %d", res.Code)
	}
	if res := b.post("/admin/accounts/taro/delete", nil); res.Code != 200 {
		t.Fatalf("delete: %d", res.Code)
	}
	if _, err := e.admin.Accounts().Account(t.Context(), "taro"); err == nil {
		t.Fatal("taro still there")
	}
	if res := b.post("/admin/accounts/root/delete", nil); res.Code != http.StatusBadRequest {
		t.Fatalf("deleting oneself: %d", res.Code)
	}
}

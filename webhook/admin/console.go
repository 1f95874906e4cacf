package admin

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/internal/textdiff"
	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/madoguchi/madoguchi/knowledge/versions"
	"github.com/madoguchi/madoguchi/webhook/admin/audit"
	"github.com/madoguchi/madoguchi/webhook/admin/auth"
)

// The console: server-rendered Japanese pages under /admin.
//
//	GET  /admin/login, POST /admin/login, POST /admin/logout
//	GET  /admin/setup?secret=…, POST /admin/setup    (the first admin, from the logged link)
//	GET  /admin                                      dashboard
//	GET  /admin/m/:id                                a municipality: published, draft, forms
//	POST /admin/m/:id/draft                          save (counters form + page, or the whole YAML)
//	POST /admin/m/:id/publish, POST /admin/m/:id/rollback
//	POST /admin/m/:id/chat                           chat with the open draft (editors and up; draftchat.go)
//	GET  /admin/m/:id/versions, GET /admin/m/:id/versions/:n
//	GET  /admin/audit, GET /admin/audit.csv          (admins)
//	GET  /admin/tokens, POST /admin/tokens, POST /admin/tokens/:tid/revoke
//	GET  /admin/accounts, POST /admin/accounts[/:name], POST /admin/accounts/:name/delete  (admins)
//	GET  /admin/municipalities/new, POST /admin/municipalities  add a municipality (admins; add.go)
//
// The session lives in Redis; the cookie holds only its secret (HttpOnly,
// SameSite=Strict, Secure unless the request is plain HTTP to localhost).
// Every POST passes http.CrossOriginProtection and, once logged in,
// carries a form token derived from the session secret.

//go:embed templates/*.html
var templateFS embed.FS

// CookieName is the console's session cookie.
const CookieName = "madoguchi_admin"

var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"jst":   func(t time.Time) string { return t.In(bot.Japan).Format("2006-01-02 15:04") },
	"field": fieldJA,
	"ja":    jaSides,
	"action": func(a string) string {
		if s, ok := map[string]string{audit.LoginOK: "ログイン", audit.LoginFailed: "ログイン失敗", audit.LoginThrottle: "ログイン制限",
			audit.Logout: "ログアウト", audit.Setup: "最初の管理者の作成", audit.SaveDraft: "下書きの保存", audit.Publish: "公開",
			audit.Rollback: "元に戻す", audit.TokenCreate: "トークン作成", audit.TokenRevoke: "トークン無効化",
			audit.AccountCreate: "アカウント作成", audit.AccountUpdate: "アカウント変更", audit.AccountDelete: "アカウント削除", audit.UnitCreate: "自治体の追加"}[a]; ok {
			return s
		}
		return a
	},
	"msg": problemJA,
}).ParseFS(templateFS, "templates/*.html"))

// page is what every template gets.
type page struct {
	Title   string
	Account *auth.Account
	CSRF    string
	Flash   string
	Error   string
	Data    any
}

func (a *Admin) render(c *gin.Context, status int, name string, p page) {
	if v, ok := c.Get(accountKey); ok {
		acct := v.(auth.Account).Public()
		p.Account = &acct
	}
	if s, ok := c.Get("admin.secret"); ok {
		p.CSRF = csrfToken(s.(string))
	}
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Header("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'")
	c.Header("X-Frame-Options", "DENY")
	c.Status(status)
	if err := pages.ExecuteTemplate(c.Writer, name, p); err != nil {
		a.log.Error("admin: rendering", "page", name, "err", err)
	}
}

// csrfToken is the form token of a session: an HMAC of a fixed label keyed
// by the session secret, so it needs no storage and changes with each login.
func csrfToken(secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("madoguchi admin form"))
	return hex.EncodeToString(m.Sum(nil))
}

// crossOrigin refuses cross-origin state-changing browser requests
// (http.CrossOriginProtection) on every /admin route, the API included.
func (a *Admin) crossOrigin(cop *http.CrossOriginProtection) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := cop.Check(c.Request); err != nil {
			if strings.HasPrefix(c.Request.URL.Path, "/admin/api/") {
				fail(c, http.StatusForbidden, CodeForbidden, "cross-origin request refused")
				return
			}
			a.render(c, http.StatusForbidden, "error.html", page{Title: "エラー", Error: "別のサイトからの送信は受け付けません。"})
			c.Abort()
			return
		}
		c.Next()
	}
}

// localPlainHTTP reports whether r is plain HTTP to localhost, where a
// Secure cookie would not be sent back.
func localPlainHTTP(r *http.Request) bool {
	if r.TLS != nil {
		return false
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

func (a *Admin) setCookie(c *gin.Context, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: CookieName, Value: value, Path: "/admin", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: !localPlainHTTP(c.Request)})
}

// session authenticates the cookie; without a valid one a GET goes to the
// login page and a POST gets 401. A POST must carry the form token.
func (a *Admin) session(c *gin.Context) {
	secret, _ := c.Cookie(CookieName)
	ctx, cancel := a.ctx(c)
	defer cancel()
	_, acct, err := a.auth.Authenticate(ctx, secret)
	if err != nil {
		if !errors.Is(err, auth.ErrUnauthenticated) {
			a.render(c, http.StatusServiceUnavailable, "error.html", page{Title: "エラー", Error: redisDownJA})
			c.Abort()
			return
		}
		if c.Request.Method == http.MethodGet {
			c.Redirect(http.StatusSeeOther, "/admin/login")
			c.Abort()
			return
		}
		a.render(c, http.StatusUnauthorized, "error.html", page{Title: "エラー", Error: "ログインの有効期限が切れました。もう一度ログインしてください。"})
		c.Abort()
		return
	}
	c.Set(accountKey, acct)
	c.Set("admin.secret", secret)
	if c.Request.Method == http.MethodPost {
		if !hmac.Equal([]byte(c.PostForm("csrf")), []byte(csrfToken(secret))) {
			a.render(c, http.StatusForbidden, "error.html", page{Title: "エラー", Error: "フォームの確認用トークンがありません。ページを読み込み直してから、もう一度送信してください。"})
			c.Abort()
			return
		}
	}
	c.Next()
}

const redisDownJA = "データの保存先 (Redis) に接続できません。しばらくしてからもう一度お試しください。住民の方には、各サーバーが保持している最新の内容が引き続き表示されています。"

func (a *Admin) registerConsole(r gin.IRouter) {
	g := r.Group("/admin")
	g.GET("/login", a.loginPage)
	g.POST("/login", a.loginForm)
	g.GET("/setup", a.setupPage)
	g.POST("/setup", a.setupForm)
	s := g.Group("", a.session)
	s.POST("/logout", a.logoutForm)
	s.GET("", a.dashboard)
	s.GET("/", a.dashboard)
	s.GET("/m/:id", a.unitPage)
	s.POST("/m/:id/draft", a.draftForm)
	s.POST("/m/:id/publish", a.publishForm)
	s.POST("/m/:id/rollback", a.rollbackForm)
	s.GET("/m/:id/versions", a.versionsPage)
	s.GET("/m/:id/versions/:n", a.versionPage)
	s.GET("/usage", a.usagePage)
	s.GET("/audit", a.auditPage)
	s.GET("/audit.csv", a.auditCSV)
	s.GET("/tokens", a.tokensPage)
	s.POST("/tokens", a.tokenForm)
	s.POST("/tokens/:tid/revoke", a.revokeForm)
	s.GET("/accounts", a.accountsPage)
	s.POST("/accounts", a.accountForm)
	s.POST("/accounts/:name", a.accountForm)
	s.POST("/accounts/:name/delete", a.accountDeleteForm)
	s.POST("/m/:id/chat", a.draftChatForm)
	s.GET("/municipalities/new", a.addMunicipalityPage)
	s.POST("/municipalities", a.addMunicipalityForm)
}

func (a *Admin) loginPage(c *gin.Context) {
	a.render(c, http.StatusOK, "login.html", page{Title: "ログイン"})
}

func (a *Admin) loginForm(c *gin.Context) {
	user, pw := c.PostForm("user"), c.PostForm("password")
	ctx, cancel := a.ctx(c)
	defer cancel()
	secret, _, err := a.auth.Login(ctx, user, pw, c.ClientIP())
	var te *auth.ThrottledError
	switch {
	case errors.As(err, &te):
		a.record(ctx, c, audit.Entry{Actor: loginName(user), Action: audit.LoginThrottle})
		secs := int(te.RetryAfter / time.Second)
		c.Header("Retry-After", strconv.Itoa(secs))
		a.render(c, http.StatusTooManyRequests, "login.html", page{Title: "ログイン",
			Error: fmt.Sprintf("パスワードの誤りが続いたため、ログインを一時的に止めています。%d 秒後にもう一度お試しください。", secs)})
	case errors.Is(err, auth.ErrBadCredentials):
		a.record(ctx, c, audit.Entry{Actor: loginName(user), Action: audit.LoginFailed})
		a.render(c, http.StatusUnauthorized, "login.html", page{Title: "ログイン", Error: "ユーザー名またはパスワードが違います。"})
	case err != nil:
		a.render(c, http.StatusServiceUnavailable, "login.html", page{Title: "ログイン", Error: redisDownJA})
	default:
		a.record(ctx, c, audit.Entry{Actor: user, Action: audit.LoginOK})
		a.setCookie(c, secret, 0)
		c.Redirect(http.StatusSeeOther, "/admin")
	}
}

func (a *Admin) setupPage(c *gin.Context) {
	a.render(c, http.StatusOK, "setup.html", page{Title: "最初の管理者の作成", Data: c.Query("secret")})
}

func (a *Admin) setupForm(c *gin.Context) {
	ctx, cancel := a.ctx(c)
	defer cancel()
	secret := c.PostForm("secret")
	acct, err := a.auth.Setup(ctx, secret, c.PostForm("user"), c.PostForm("password"))
	if err != nil {
		msg := redisDownJA
		switch {
		case errors.Is(err, auth.ErrBadSetup):
			msg = "このリンクは無効か、使用済みか、期限切れです。サーバーを再起動すると新しいリンクが記録されます。"
		case errors.Is(err, auth.ErrWeakPassword):
			msg = fmt.Sprintf("パスワードは %d 文字以上にしてください。", auth.MinPasswordLength)
		case errors.Is(err, auth.ErrBadName):
			msg = "ユーザー名は半角英数字と . _ @ - で 64 文字までです。"
		}
		a.render(c, http.StatusBadRequest, "setup.html", page{Title: "最初の管理者の作成", Error: msg, Data: secret})
		return
	}
	a.record(ctx, c, audit.Entry{Actor: acct.Name, Action: audit.Setup, Target: acct.Name})
	a.render(c, http.StatusOK, "login.html", page{Title: "ログイン", Flash: "管理者 " + acct.Name + " を作成しました。ログインしてください。"})
}

func (a *Admin) logoutForm(c *gin.Context) {
	ctx, cancel := a.ctx(c)
	defer cancel()
	_ = a.auth.Logout(ctx, c.GetString("admin.secret"))
	a.record(ctx, c, audit.Entry{Action: audit.Logout})
	a.setCookie(c, "", -1)
	c.Redirect(http.StatusSeeOther, "/admin/login")
}

// unitRow is a dashboard row.
type unitRow struct {
	ID, Name  string
	Published versions.Version
	Draft     *versions.Draft
	Served    int
	Role      string
}

func (a *Admin) unitName(id string) string {
	if id == versions.National {
		return "全国共通 (national.yaml)"
	}
	if m := a.cfg.Target.Current().Municipality(id); m != nil {
		return m.Name
	}
	return id
}

func roleJA(acct auth.Account, id string) string {
	switch {
	case acct.Admin:
		return "管理者"
	case acct.Can(id, auth.Publisher):
		return "公開者"
	case acct.Can(id, auth.Editor):
		return "編集者"
	}
	return "閲覧者"
}

func (a *Admin) dashboard(c *gin.Context) {
	ctx, cancel := a.ctx(c)
	defer cancel()
	acct := account(c)
	served := a.watcher.Served()
	var rows []unitRow
	for _, u := range a.store.Units() {
		if u == versions.National && !acct.Admin || u != versions.National && !acct.Can(u, auth.Viewer) {
			continue
		}
		v, err := a.store.Latest(ctx, u)
		if err != nil {
			a.render(c, http.StatusServiceUnavailable, "error.html", page{Title: "エラー", Error: redisDownJA})
			return
		}
		row := unitRow{ID: u, Name: a.unitName(u), Published: v, Served: served[u], Role: roleJA(acct, u)}
		if d, err := a.store.GetDraft(ctx, u); err == nil {
			row.Draft = &d
		}
		rows = append(rows, row)
	}
	a.render(c, http.StatusOK, "dashboard.html", page{Title: "ダッシュボード", Data: rows, Flash: c.Query("flash")})
}

// unitView is the municipality page.
type unitView struct {
	ID, Name    string
	Published   versions.Version
	Draft       *versions.Draft
	Base        int // the version edits are based on
	YAML, Page  string
	Counters    []counterForm
	Fields      []string
	CanEdit     bool
	CanPublish  bool
	Problems    []knowledge.Problem
	Preview     *Preview
	PreviewMore int
	// CanChat shows the form to chat with the open draft (draftchat.go),
	// and Chat the last turn of that chat.
	CanChat bool
	Chat    *chatView
	// The open draft's text diff against the published version.
	YAMLDiff, PageDiff []textdiff.Line
	// OldPhones are the numbers the form just replaced, and StaleLines
	// the YAML's lines (1-based) that still mention one, in prose the
	// form does not rewrite.
	OldPhones  []string
	StaleLines []int
}

// unitView loads the page of id: edits start from the open draft, if any.
func (a *Admin) unitView(ctx context.Context, acct auth.Account, id string) (*unitView, error) {
	v, err := a.store.Latest(ctx, id)
	if err != nil {
		return nil, err
	}
	uv := &unitView{ID: id, Name: a.unitName(id), Published: v, Base: v.Number, YAML: v.YAML, Page: v.Page,
		Fields: counterFields, CanEdit: acct.Can(id, auth.Editor), CanPublish: acct.Can(id, auth.Publisher)}
	if d, err := a.store.GetDraft(ctx, id); err == nil {
		uv.Draft = &d
		uv.Base, uv.YAML, uv.Page = d.Base, d.YAML, d.Page
		uv.YAMLDiff, uv.PageDiff = textdiff.Lines(v.YAML, d.YAML), textdiff.Lines(v.Page, d.Page)
	} else if !errors.Is(err, versions.ErrNotFound) {
		return nil, err
	}
	if id != versions.National {
		uv.Counters, _ = readCounters(uv.YAML)
	}
	uv.CanChat = a.cfg.DraftResponder != nil && uv.Draft != nil && uv.CanEdit && id != versions.National
	return uv, nil
}

func (a *Admin) consoleUnit(c *gin.Context, need auth.Role) (string, bool) {
	id := c.Param("id")
	if !a.store.Known(id) {
		a.render(c, http.StatusNotFound, "error.html", page{Title: "エラー", Error: "その自治体はありません。"})
		return "", false
	}
	if !account(c).Can(id, need) || id == versions.National && !account(c).Admin && need != auth.Viewer {
		a.render(c, http.StatusForbidden, "error.html", page{Title: "エラー", Error: "この操作の権限がありません。"})
		return "", false
	}
	return id, true
}

func (a *Admin) unitPage(c *gin.Context) {
	id, ok := a.consoleUnit(c, auth.Viewer)
	if !ok {
		return
	}
	ctx, cancel := a.ctx(c)
	defer cancel()
	uv, err := a.unitView(ctx, account(c), id)
	if err != nil {
		a.render(c, http.StatusServiceUnavailable, "error.html", page{Title: "エラー", Error: redisDownJA})
		return
	}
	a.render(c, http.StatusOK, "unit.html", page{Title: uv.Name, Data: uv, Flash: c.Query("flash")})
}

// previewShown caps the changed situations listed on the page.
const previewShown = 200

func (a *Admin) draftForm(c *gin.Context) {
	id, ok := a.consoleUnit(c, auth.Editor)
	if !ok {
		return
	}
	ctx, cancel := a.ctx(c)
	defer cancel()
	uv, err := a.unitView(ctx, account(c), id)
	if err != nil {
		a.render(c, http.StatusServiceUnavailable, "error.html", page{Title: "エラー", Error: redisDownJA})
		return
	}
	base, _ := strconv.Atoi(c.PostForm("base_version"))
	// A browser sends a textarea's lines ending in CRLF; the files end theirs in LF.
	lf := strings.NewReplacer("\r\n", "\n")
	req := draftRequest{BaseVersion: base, YAML: lf.Replace(c.PostForm("yaml")), Page: lf.Replace(c.PostForm("page"))}
	if c.PostForm("mode") == "form" {
		// The counters' fields apply to the YAML the form was made from.
		edits := map[int]map[string]string{}
		for i := range uv.Counters {
			fields := map[string]string{}
			for _, f := range counterFields {
				if v, ok := c.GetPostForm(fmt.Sprintf("c%d_%s", i, f)); ok {
					fields[f] = strings.TrimSpace(v)
				}
			}
			edits[i] = fields
		}
		y, err := setCounters(uv.YAML, edits)
		if err != nil {
			uv.Problems = []knowledge.Problem{{File: id + ".yaml", Message: err.Error()}}
			a.render(c, http.StatusUnprocessableEntity, "unit.html", page{Title: uv.Name, Data: uv})
			return
		}
		// A phone the draft changes (against the published version, in
		// this save or an earlier one) moves the page's quotes that held
		// it, when the pasted page text says the new number there.
		changed := map[string]string{}
		pub, _ := readCounters(uv.Published.YAML)
		now, _ := readCounters(y)
		for i := range min(len(pub), len(now)) {
			old, nw := pub[i].Values["phone"], now[i].Values["phone"]
			if pub[i].ID == now[i].ID && old != "" && nw != "" && old != nw {
				changed[old] = nw
			}
		}
		req.YAML, uv.StaleLines = followQuotes(y, uv.Published.Page, req.Page, changed)
		for old := range changed {
			uv.OldPhones = append(uv.OldPhones, old)
		}
		slices.Sort(uv.OldPhones)
	}
	uv.YAML, uv.Page = req.YAML, req.Page
	if id != versions.National {
		if cs, err := readCounters(req.YAML); err == nil {
			uv.Counters = cs
		}
	}
	res, err := a.saveDraft(ctx, c, id, req)
	var ve *knowledge.ValidationError
	var ce *versions.ConflictError
	var be *bot.Error
	switch {
	case errors.As(err, &ve):
		uv.Problems = ve.Problems
		a.render(c, http.StatusUnprocessableEntity, "unit.html", page{Title: uv.Name, Data: uv,
			Error: fmt.Sprintf("保存できませんでした: %d 件の問題があります。下の一覧を直してから、もう一度保存してください。", len(ve.Problems))})
	case errors.As(err, &ce):
		a.render(c, http.StatusConflict, "unit.html", page{Title: uv.Name, Data: uv,
			Error: fmt.Sprintf("この間にバージョン %d が公開されました。最新の内容を読み込み直してから、変更をやり直してください。", ce.Current)})
	case errors.As(err, &be):
		a.render(c, http.StatusBadRequest, "unit.html", page{Title: uv.Name, Data: uv, Error: "入力に不足があります: " + be.Message})
	case err != nil:
		a.render(c, http.StatusServiceUnavailable, "unit.html", page{Title: uv.Name, Data: uv, Error: redisDownJA})
	default:
		d, _ := a.store.GetDraft(ctx, id)
		uv.Draft = &d
		uv.Base = d.Base
		uv.YAMLDiff, uv.PageDiff = textdiff.Lines(uv.Published.YAML, d.YAML), textdiff.Lines(uv.Published.Page, d.Page)
		p := res.Situations
		if len(p.Changed) > previewShown {
			uv.PreviewMore = len(p.Changed) - previewShown
			p.Changed = p.Changed[:previewShown]
		}
		uv.Preview = &p
		a.render(c, http.StatusOK, "unit.html", page{Title: uv.Name, Data: uv,
			Flash: fmt.Sprintf("下書きを保存しました。%d 通りの状況のうち %d 通りで回答が変わります。", res.Situations.Total, len(res.Situations.Changed))})
	}
}

func (a *Admin) publishForm(c *gin.Context) {
	id, ok := a.consoleUnit(c, auth.Publisher)
	if !ok {
		return
	}
	ctx, cancel := a.ctx(c)
	defer cancel()
	base, _ := strconv.Atoi(c.PostForm("base_version"))
	v, err := a.publishDraft(ctx, c, id, publishRequest{BaseVersion: base, Comment: c.PostForm("comment")})
	var ce *versions.ConflictError
	var ve *knowledge.ValidationError
	switch {
	case errors.As(err, &ce):
		a.errorOnUnit(c, id, http.StatusConflict, fmt.Sprintf("公開できませんでした: 現在のバージョンは %d です (他の方が先に公開しました)。内容を確認してから下書きを保存し直してください。", ce.Current))
	case errors.Is(err, errNoDraft):
		a.errorOnUnit(c, id, http.StatusNotFound, "公開する下書きがありません。")
	case errors.As(err, &ve):
		a.errorOnUnit(c, id, http.StatusUnprocessableEntity, "下書きが現在の知識と組み合わせると検証を通りません。下書きを保存し直してください。")
	case err != nil:
		a.errorOnUnit(c, id, http.StatusServiceUnavailable, redisDownJA)
	default:
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/m/%s?flash=%s", id, urlQuery(fmt.Sprintf("バージョン %d を公開しました。1 秒ほどで全サーバーに反映されます。", v.Number))))
	}
}

func (a *Admin) rollbackForm(c *gin.Context) {
	id, ok := a.consoleUnit(c, auth.Publisher)
	if !ok {
		return
	}
	ctx, cancel := a.ctx(c)
	defer cancel()
	to, _ := strconv.Atoi(c.PostForm("to_version"))
	v, err := a.doRollback(ctx, c, id, rollbackRequest{ToVersion: to, Comment: c.PostForm("comment")})
	var be *bot.Error
	var ve *knowledge.ValidationError
	switch {
	case errors.As(err, &be):
		a.errorOnUnit(c, id, http.StatusNotFound, fmt.Sprintf("バージョン %d はありません。", to))
	case errors.As(err, &ve):
		a.errorOnUnit(c, id, http.StatusUnprocessableEntity, "そのバージョンは、他の自治体や全国共通の現在の内容と組み合わせると検証を通りません。")
	case err != nil:
		a.errorOnUnit(c, id, http.StatusServiceUnavailable, redisDownJA)
	default:
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/m/%s?flash=%s", id, urlQuery(fmt.Sprintf("バージョン %d の内容をバージョン %d として公開しました。", to, v.Number))))
	}
}

func (a *Admin) errorOnUnit(c *gin.Context, id string, status int, msg string) {
	ctx, cancel := a.ctx(c)
	defer cancel()
	uv, err := a.unitView(ctx, account(c), id)
	if err != nil {
		a.render(c, status, "error.html", page{Title: "エラー", Error: msg})
		return
	}
	a.render(c, status, "unit.html", page{Title: uv.Name, Data: uv, Error: msg})
}

type versionsView struct {
	ID, Name   string
	Versions   []versions.Version
	CanPublish bool
	Head       int
}

func (a *Admin) versionsPage(c *gin.Context) {
	id, ok := a.consoleUnit(c, auth.Viewer)
	if !ok {
		return
	}
	ctx, cancel := a.ctx(c)
	defer cancel()
	vs, err := a.store.List(ctx, id)
	if err != nil {
		a.render(c, http.StatusServiceUnavailable, "error.html", page{Title: "エラー", Error: redisDownJA})
		return
	}
	a.render(c, http.StatusOK, "versions.html", page{Title: a.unitName(id) + " のバージョン",
		Data: versionsView{ID: id, Name: a.unitName(id), Versions: vs, CanPublish: account(c).Can(id, auth.Publisher), Head: vs[0].Number}})
}

type versionView struct {
	ID, Name  string
	V         versions.Version
	YAMLDiff  []textdiff.Line
	PageDiff  []textdiff.Line
	Published int
}

func (a *Admin) versionPage(c *gin.Context) {
	id, ok := a.consoleUnit(c, auth.Viewer)
	if !ok {
		return
	}
	n, _ := strconv.Atoi(c.Param("n"))
	ctx, cancel := a.ctx(c)
	defer cancel()
	v, err := a.store.Get(ctx, id, n)
	if errors.Is(err, versions.ErrNotFound) {
		a.render(c, http.StatusNotFound, "error.html", page{Title: "エラー", Error: "そのバージョンはありません。"})
		return
	}
	if err != nil {
		a.render(c, http.StatusServiceUnavailable, "error.html", page{Title: "エラー", Error: redisDownJA})
		return
	}
	vv := versionView{ID: id, Name: a.unitName(id), V: v}
	if n > 1 {
		if prev, err := a.store.Get(ctx, id, n-1); err == nil {
			vv.YAMLDiff, vv.PageDiff = textdiff.Lines(prev.YAML, v.YAML), textdiff.Lines(prev.Page, v.Page)
		}
	}
	a.render(c, http.StatusOK, "version.html", page{Title: fmt.Sprintf("%s バージョン %d", vv.Name, n), Data: vv})
}

type auditView struct {
	Entries             []audit.Entry
	Actor, Action, Unit string
	Query               string
}

func (a *Admin) auditFilter(c *gin.Context) audit.Filter {
	return audit.Filter{Actor: c.Query("actor"), Action: c.Query("action"), Unit: c.Query("unit"), Limit: 500}
}

func (a *Admin) auditPage(c *gin.Context) {
	if !account(c).Admin {
		a.render(c, http.StatusForbidden, "error.html", page{Title: "エラー", Error: "監査ログは管理者のみが見られます。"})
		return
	}
	ctx, cancel := a.ctx(c)
	defer cancel()
	f := a.auditFilter(c)
	es, err := a.audit.List(ctx, f)
	if err != nil {
		a.render(c, http.StatusServiceUnavailable, "error.html", page{Title: "エラー", Error: redisDownJA})
		return
	}
	a.render(c, http.StatusOK, "audit.html", page{Title: "監査ログ", Data: auditView{Entries: es, Actor: f.Actor, Action: f.Action, Unit: f.Unit, Query: c.Request.URL.RawQuery}})
}

func (a *Admin) auditCSV(c *gin.Context) {
	if !account(c).Admin {
		a.render(c, http.StatusForbidden, "error.html", page{Title: "エラー", Error: "監査ログは管理者のみが見られます。"})
		return
	}
	ctx, cancel := a.ctx(c)
	defer cancel()
	f := a.auditFilter(c)
	f.Limit = 10000
	es, err := a.audit.List(ctx, f)
	if err != nil {
		a.render(c, http.StatusServiceUnavailable, "error.html", page{Title: "エラー", Error: redisDownJA})
		return
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="audit.csv"`)
	c.Status(http.StatusOK)
	_ = audit.WriteCSV(c.Writer, es)
}

type tokensView struct {
	Tokens []auth.Credential
	New    string
}

func (a *Admin) tokensPage(c *gin.Context) { a.showTokens(c, "", "") }

func (a *Admin) showTokens(c *gin.Context, secret, flash string) {
	ctx, cancel := a.ctx(c)
	defer cancel()
	cs, err := a.auth.Credentials(ctx, account(c).Name)
	if err != nil {
		a.render(c, http.StatusServiceUnavailable, "error.html", page{Title: "エラー", Error: redisDownJA})
		return
	}
	a.render(c, http.StatusOK, "tokens.html", page{Title: "API トークン", Data: tokensView{Tokens: cs, New: secret}, Flash: flash})
}

func (a *Admin) tokenForm(c *gin.Context) {
	name := strings.TrimSpace(c.PostForm("name"))
	if name == "" || len(name) > 100 {
		a.render(c, http.StatusBadRequest, "error.html", page{Title: "エラー", Error: "トークンの用途 (例: kbctl) を 100 バイト以内で入力してください。"})
		return
	}
	ctx, cancel := a.ctx(c)
	defer cancel()
	secret, cred, err := a.auth.CreateToken(ctx, account(c).Name, name)
	if err != nil {
		a.render(c, http.StatusServiceUnavailable, "error.html", page{Title: "エラー", Error: redisDownJA})
		return
	}
	a.record(ctx, c, audit.Entry{Action: audit.TokenCreate, Target: cred.ID, Detail: clip(name)})
	a.showTokens(c, secret, "トークンを作成しました。この画面を離れると二度と表示されません。")
}

func (a *Admin) revokeForm(c *gin.Context) {
	ctx, cancel := a.ctx(c)
	defer cancel()
	if err := a.auth.Revoke(ctx, account(c).Name, c.Param("tid")); err != nil && !errors.Is(err, auth.ErrNoCredential) {
		a.render(c, http.StatusServiceUnavailable, "error.html", page{Title: "エラー", Error: redisDownJA})
		return
	}
	a.record(ctx, c, audit.Entry{Action: audit.TokenRevoke, Target: c.Param("tid")})
	a.showTokens(c, "", "無効にしました。")
}

// fieldJA names a checklist field in Japanese.
func fieldJA(f string) string {
	if s, ok := map[string]string{
		"error": "エラー", "procedure": "手続き", "procedure_name": "手続きの名前", "certificates": "電子証明書",
		"window": "更新期間", "status": "期間の状況", "visits": "来庁回数", "same_day": "即日交付", "items": "持ち物",
		"counters": "窓口", "followups": "手続き後にすること", "notes": "注意事項", "source": "出典ページ",
		"covered": "ページに記載あり", "contact": "問い合わせ先", "rule": "適用ルール",
	}[f]; ok {
		return s
	}
	return f
}

var (
	quoteNotFound = regexp.MustCompile(`^quote "(.*)" not found in seeds/(.+)\.txt$`)
	unknownField  = regexp.MustCompile(`^field (\S+) not found in type`)
)

// problemJA renders a validator message in Japanese where it knows the
// pattern, else as it is.
func problemJA(msg string) string {
	switch {
	case msg == "required":
		return "入力が必要です。"
	case quoteNotFound.MatchString(msg):
		m := quoteNotFound.FindStringSubmatch(msg)
		return fmt.Sprintf("引用「%s」がページ本文 (%s) に見つかりません。ページの文章を変えた場合は、この項目も合わせて直してください。", m[1], m[2])
	case unknownField.MatchString(msg):
		return fmt.Sprintf("知らない項目名 %s です (綴りを確認してください)。", unknownField.FindStringSubmatch(msg)[1])
	case strings.Contains(msg, "excessive aliasing"):
		return "YAML の別名 (エイリアス) が多すぎます。"
	}
	return msg
}

func urlQuery(s string) string { return template.URLQueryEscaper(s) }

type accountsView struct {
	Accounts []auth.Account
	Units    []unitOption
	Roles    []auth.Role
}

type unitOption struct{ ID, Name string }

func (a *Admin) showAccounts(c *gin.Context, status int, flash, errMsg string) {
	ctx, cancel := a.ctx(c)
	defer cancel()
	as, err := a.auth.Accounts(ctx)
	if err != nil {
		a.render(c, http.StatusServiceUnavailable, "error.html", page{Title: "エラー", Error: redisDownJA})
		return
	}
	v := accountsView{Accounts: as, Roles: []auth.Role{auth.Viewer, auth.Editor, auth.Publisher}}
	for _, u := range a.store.Units() {
		if u != versions.National {
			v.Units = append(v.Units, unitOption{ID: u, Name: a.unitName(u)})
		}
	}
	a.render(c, status, "accounts.html", page{Title: "アカウント", Data: v, Flash: flash, Error: errMsg})
}

func (a *Admin) accountsPage(c *gin.Context) {
	if !account(c).Admin {
		a.render(c, http.StatusForbidden, "error.html", page{Title: "エラー", Error: "アカウントの管理は管理者のみができます。"})
		return
	}
	a.showAccounts(c, http.StatusOK, "", "")
}

// accountForm creates an account (POST /admin/accounts) or updates one
// (POST /admin/accounts/:name): admin flag, a role per municipality
// ("role_<id>", empty for none), and the password (empty keeps it, on update).
func (a *Admin) accountForm(c *gin.Context) {
	if !account(c).Admin {
		a.render(c, http.StatusForbidden, "error.html", page{Title: "エラー", Error: "アカウントの管理は管理者のみができます。"})
		return
	}
	roles := map[string]auth.Role{}
	for _, u := range a.store.Units() {
		if r := auth.Role(c.PostForm("role_" + u)); r != "" && u != versions.National {
			if !r.Valid() {
				a.showAccounts(c, http.StatusBadRequest, "", "権限の値が正しくありません。")
				return
			}
			roles[u] = r
		}
	}
	isAdmin := c.PostForm("admin") == "on"
	ctx, cancel := a.ctx(c)
	defer cancel()
	name, update := c.Param("name"), c.Param("name") != ""
	var acct auth.Account
	var err error
	if update {
		acct, err = a.auth.UpdateAccount(ctx, name, isAdmin, roles, c.PostForm("password"))
	} else {
		acct, err = a.auth.CreateAccount(ctx, auth.Account{Name: c.PostForm("name"), Admin: isAdmin, Roles: roles}, c.PostForm("password"))
	}
	switch {
	case errors.Is(err, auth.ErrWeakPassword):
		a.showAccounts(c, http.StatusBadRequest, "", fmt.Sprintf("パスワードは %d 文字以上にしてください。", auth.MinPasswordLength))
	case errors.Is(err, auth.ErrBadName):
		a.showAccounts(c, http.StatusBadRequest, "", "ユーザー名は半角英数字と . _ @ - で 64 文字までです。")
	case errors.Is(err, auth.ErrExists):
		a.showAccounts(c, http.StatusBadRequest, "", "そのユーザー名はすでにあります。")
	case errors.Is(err, auth.ErrNoAccount):
		a.showAccounts(c, http.StatusNotFound, "", "そのアカウントはありません。")
	case err != nil:
		a.showAccounts(c, http.StatusServiceUnavailable, "", redisDownJA)
	default:
		action, detail := audit.AccountCreate, rolesText(acct)
		if update {
			action = audit.AccountUpdate
			if c.PostForm("password") != "" {
				detail += "; password changed"
			}
		}
		a.record(ctx, c, audit.Entry{Action: action, Target: acct.Name, Detail: detail})
		a.showAccounts(c, http.StatusOK, "アカウント "+acct.Name+" を保存しました。", "")
	}
}

func (a *Admin) accountDeleteForm(c *gin.Context) {
	if !account(c).Admin {
		a.render(c, http.StatusForbidden, "error.html", page{Title: "エラー", Error: "アカウントの管理は管理者のみができます。"})
		return
	}
	name := c.Param("name")
	if name == account(c).Name {
		a.showAccounts(c, http.StatusBadRequest, "", "自分のアカウントは削除できません。")
		return
	}
	ctx, cancel := a.ctx(c)
	defer cancel()
	if err := a.auth.DeleteAccount(ctx, name); err != nil {
		a.showAccounts(c, http.StatusNotFound, "", "そのアカウントはありません。")
		return
	}
	a.record(ctx, c, audit.Entry{Action: audit.AccountDelete, Target: name})
	a.showAccounts(c, http.StatusOK, "アカウント "+name+" を削除しました。", "")
}

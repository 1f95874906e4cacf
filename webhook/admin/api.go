package admin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/madoguchi/madoguchi/knowledge/versions"
	"github.com/madoguchi/madoguchi/webhook/admin/audit"
	"github.com/madoguchi/madoguchi/webhook/admin/auth"
	"github.com/madoguchi/madoguchi/webhook/httpx"
)

// MaxDraftBytes is the largest draft request body (YAML and page text
// together, JSON-encoded): 2 MiB. The largest unit today is under 100 KiB.
const MaxDraftBytes = 2 << 20

// Error codes of the admin API beyond httpx's.
const (
	CodeUnauthorized = "unauthorized" // 401
	CodeForbidden    = "forbidden"    // 403
	CodeConflict     = "conflict"     // 409
)

// apiError is the body of every admin API error: httpx's, plus the
// validator's problems (422) or the current version (409).
type apiError struct {
	Error apiErrorDetail `json:"error"`
}

type apiErrorDetail struct {
	Code           string    `json:"code"`
	Message        string    `json:"message"`
	Field          string    `json:"field,omitempty"`
	Problems       []problem `json:"problems,omitempty"`
	CurrentVersion int       `json:"current_version,omitempty"`
}

// problem is a knowledge.Problem in JSON.
type problem struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

func fail(c *gin.Context, status int, code, msg string) {
	c.AbortWithStatusJSON(status, apiError{apiErrorDetail{Code: code, Message: msg}})
}

// failErr answers err: a *bot.Error through httpx, a Redis or other
// infrastructure failure as 503 (the console then says Redis is down;
// residents keep the versions their instance holds).
func (a *Admin) failErr(c *gin.Context, err error) {
	var be *bot.Error
	var ve *knowledge.ValidationError
	var ce *versions.ConflictError
	switch {
	case errors.As(err, &be):
		httpx.WriteError(c, be)
	case errors.As(err, &ve):
		ps := make([]problem, len(ve.Problems))
		for i, p := range ve.Problems {
			ps[i] = problem{File: p.File, Line: p.Line, Field: p.Field, Message: p.Message}
		}
		c.AbortWithStatusJSON(http.StatusUnprocessableEntity, apiError{apiErrorDetail{Code: string(bot.CodeInvalid),
			Message: fmt.Sprintf("the draft does not validate (%d problems)", len(ps)), Problems: ps}})
	case errors.As(err, &ce):
		c.AbortWithStatusJSON(http.StatusConflict, apiError{apiErrorDetail{Code: CodeConflict,
			Message:        fmt.Sprintf("version %d is not the current version of %s: version %d is; reload it and apply your change again", ce.Base, ce.Unit, ce.Current),
			CurrentVersion: ce.Current}})
	case errors.Is(err, versions.ErrUnknownUnit):
		fail(c, http.StatusNotFound, string(bot.CodeNotFound), "no such municipality")
	case errors.Is(err, versions.ErrNotFound):
		fail(c, http.StatusNotFound, string(bot.CodeNotFound), "no such version")
	case errors.Is(err, auth.ErrNoAccount), errors.Is(err, auth.ErrNoCredential):
		fail(c, http.StatusNotFound, string(bot.CodeNotFound), err.Error())
	case errors.Is(err, auth.ErrExists), errors.Is(err, auth.ErrBadName), errors.Is(err, auth.ErrWeakPassword):
		fail(c, http.StatusBadRequest, string(bot.CodeInvalid), strings.TrimPrefix(err.Error(), "auth: "))
	default:
		_ = c.Error(err)
		fail(c, http.StatusServiceUnavailable, string(bot.CodeUnavailable),
			"the admin's storage (Redis) does not answer; nothing was changed, residents keep the version their server holds")
	}
}

// decode reads the body (at most limit bytes) strictly into v.
func decode(c *gin.Context, limit int64, v any) error {
	body, err := httpx.ReadBody(c.Writer, c.Request, limit)
	if err != nil {
		return err
	}
	return httpx.Unmarshal(body, v)
}

func (a *Admin) ctx(c *gin.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(c.Request.Context(), a.cfg.RequestTimeout)
}

const accountKey = "admin.account"

// account returns the authenticated account of the request.
func account(c *gin.Context) auth.Account { return c.MustGet(accountKey).(auth.Account) }

// bearer authenticates Authorization: Bearer <token>, else 401.
func (a *Admin) bearer(c *gin.Context) {
	h := c.GetHeader("Authorization")
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || token == "" {
		c.Header("WWW-Authenticate", `Bearer realm="madoguchi admin"`)
		fail(c, http.StatusUnauthorized, CodeUnauthorized, "send Authorization: Bearer <token> (POST /admin/api/v1/login gives one)")
		return
	}
	ctx, cancel := a.ctx(c)
	defer cancel()
	cred, acct, err := a.auth.Authenticate(ctx, token)
	if errors.Is(err, auth.ErrUnauthenticated) {
		c.Header("WWW-Authenticate", `Bearer realm="madoguchi admin", error="invalid_token"`)
		fail(c, http.StatusUnauthorized, CodeUnauthorized, "the token is invalid, expired or revoked; log in again")
		return
	}
	if err != nil {
		a.failErr(c, err)
		return
	}
	c.Set(accountKey, acct)
	c.Set("admin.credential", cred)
	c.Next()
}

// unit checks that :id is a known unit and that the account holds need on
// it: 404, else 403.
func (a *Admin) unit(c *gin.Context, need auth.Role) (string, bool) {
	id := c.Param("id")
	if !a.store.Known(id) {
		fail(c, http.StatusNotFound, string(bot.CodeNotFound), "no such municipality")
		return "", false
	}
	acct := account(c)
	if !acct.Can(id, need) {
		fail(c, http.StatusForbidden, CodeForbidden, fmt.Sprintf("your account may not do this on %s (needs the %s role)", id, need))
		return "", false
	}
	return id, true
}

func (a *Admin) record(ctx context.Context, c *gin.Context, e audit.Entry) {
	e.Addr = c.ClientIP()
	if e.Actor == "" {
		if v, ok := c.Get(accountKey); ok {
			e.Actor = v.(auth.Account).Name
		}
	}
	if err := a.audit.Record(ctx, e); err != nil {
		a.log.Error("admin: audit entry not recorded", "action", e.Action, "err", err)
	}
}

func (a *Admin) registerAPI(r gin.IRouter) {
	g := r.Group("/admin/api/v1")
	g.GET("/openapi.json", httpx.Document(OpenAPI))
	g.POST("/login", a.login)
	g.POST("/setup", a.setup)
	p := g.Group("", a.bearer)
	p.POST("/logout", a.logout)
	p.GET("/me", a.me)
	p.GET("/municipalities", a.units)
	p.GET("/municipalities/:id/knowledge", a.knowledge)
	p.GET("/municipalities/:id/draft", a.getDraft)
	p.PUT("/municipalities/:id/draft", a.putDraft)
	p.POST("/municipalities/:id/publish", a.publish)
	p.POST("/municipalities/:id/rollback", a.rollback)
	p.GET("/municipalities/:id/versions", a.listVersions)
	p.GET("/municipalities/:id/versions/:n", a.getVersion)
	p.GET("/audit", a.auditLog)
	p.GET("/tokens", a.tokens)
	p.POST("/tokens", a.createToken)
	p.DELETE("/tokens/:tid", a.revokeToken)
	p.GET("/accounts", a.accounts)
	p.POST("/accounts", a.createAccount)
	p.PUT("/accounts/:name", a.updateAccount)
	p.DELETE("/accounts/:name", a.deleteAccount)
	p.POST("/municipalities", a.addMunicipality)
}

type loginRequest struct {
	User     string `json:"user"`
	Password string `json:"password"`
}

func (a *Admin) login(c *gin.Context) {
	var req loginRequest
	if err := decode(c, httpx.MaxBodyBytes, &req); err != nil {
		httpx.WriteError(c, err)
		return
	}
	ctx, cancel := a.ctx(c)
	defer cancel()
	token, cred, err := a.auth.Login(ctx, req.User, req.Password, c.ClientIP())
	var te *auth.ThrottledError
	switch {
	case errors.As(err, &te):
		a.record(ctx, c, audit.Entry{Actor: loginName(req.User), Action: audit.LoginThrottle})
		c.Header("Retry-After", strconv.Itoa(int(te.RetryAfter/time.Second)))
		fail(c, http.StatusTooManyRequests, string(bot.CodeRateLimited),
			fmt.Sprintf("too many wrong passwords; try again in %d seconds", int(te.RetryAfter/time.Second)))
	case errors.Is(err, auth.ErrBadCredentials):
		a.record(ctx, c, audit.Entry{Actor: loginName(req.User), Action: audit.LoginFailed})
		fail(c, http.StatusUnauthorized, CodeUnauthorized, "wrong user name or password")
	case err != nil:
		a.failErr(c, err)
	default:
		a.record(ctx, c, audit.Entry{Actor: req.User, Action: audit.LoginOK})
		c.JSON(http.StatusOK, gin.H{"token": token, "expires_at": cred.Expires})
	}
}

type setupRequest struct {
	Secret   string `json:"secret"`
	User     string `json:"user"`
	Password string `json:"password"`
}

func (a *Admin) setup(c *gin.Context) {
	var req setupRequest
	if err := decode(c, httpx.MaxBodyBytes, &req); err != nil {
		httpx.WriteError(c, err)
		return
	}
	ctx, cancel := a.ctx(c)
	defer cancel()
	acct, err := a.auth.Setup(ctx, req.Secret, req.User, req.Password)
	if errors.Is(err, auth.ErrBadSetup) {
		fail(c, http.StatusUnauthorized, CodeUnauthorized, "the setup link is invalid, used or expired")
		return
	}
	if err != nil {
		a.failErr(c, err)
		return
	}
	a.record(ctx, c, audit.Entry{Actor: acct.Name, Action: audit.Setup, Target: acct.Name})
	c.JSON(http.StatusOK, gin.H{"account": acct})
}

func (a *Admin) logout(c *gin.Context) {
	ctx, cancel := a.ctx(c)
	defer cancel()
	token, _ := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	if err := a.auth.Logout(ctx, token); err != nil {
		a.failErr(c, err)
		return
	}
	a.record(ctx, c, audit.Entry{Action: audit.Logout})
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

func (a *Admin) me(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"account": account(c).Public()}) }

// unitSummary is one row of the dashboard.
type unitSummary struct {
	ID        string            `json:"id"`
	Published versions.Version  `json:"published"`
	Served    int               `json:"served_here"`
	Draft     *versions.Version `json:"draft,omitempty"`
}

func (a *Admin) units(c *gin.Context) {
	ctx, cancel := a.ctx(c)
	defer cancel()
	acct := account(c)
	served := a.watcher.Served()
	out := []unitSummary{}
	for _, u := range a.store.Units() {
		if !acct.Can(u, auth.Viewer) || u == versions.National && !acct.Admin {
			continue
		}
		v, err := a.store.Latest(ctx, u)
		if err != nil {
			a.failErr(c, err)
			return
		}
		v.YAML, v.Page = "", ""
		s := unitSummary{ID: u, Published: v, Served: served[u]}
		if d, err := a.store.GetDraft(ctx, u); err == nil {
			s.Draft = &versions.Version{Unit: u, Number: d.Base, Author: d.Author, Time: d.Time, Hash: d.Hash()}
		}
		out = append(out, s)
	}
	c.JSON(http.StatusOK, gin.H{"municipalities": out})
}

func (a *Admin) knowledge(c *gin.Context) {
	id, ok := a.unit(c, auth.Viewer)
	if !ok {
		return
	}
	ctx, cancel := a.ctx(c)
	defer cancel()
	v, err := a.store.Latest(ctx, id)
	if err != nil {
		a.failErr(c, err)
		return
	}
	c.JSON(http.StatusOK, knowledgeResponse{Unit: v.Unit, Version: v.Number, Author: v.Author, Time: v.Time,
		Comment: v.Comment, Hash: v.Hash, RollbackOf: v.RollbackOf, YAML: v.YAML, Page: v.Page})
}

// knowledgeResponse is a published unit: yaml and page are always present
// (page is "" for national).
type knowledgeResponse struct {
	Unit       string    `json:"unit"`
	Version    int       `json:"version"`
	Author     string    `json:"author"`
	Time       time.Time `json:"time"`
	Comment    string    `json:"comment"`
	Hash       string    `json:"hash"`
	RollbackOf int       `json:"rollback_of,omitempty"`
	YAML       string    `json:"yaml"`
	Page       string    `json:"page"`
}

type draftRequest struct {
	YAML        string `json:"yaml"`
	Page        string `json:"page"`
	BaseVersion int    `json:"base_version"`
}

// draftResponse is a saved draft and the situations it changes.
type draftResponse struct {
	Draft      draftInfo `json:"draft"`
	Situations Preview   `json:"situations"`
}

type draftInfo struct {
	BaseVersion int       `json:"base_version"`
	Author      string    `json:"author"`
	Time        time.Time `json:"time"`
	Hash        string    `json:"hash"`
	YAML        string    `json:"yaml,omitempty"`
	Page        string    `json:"page,omitempty"`
}

func (a *Admin) getDraft(c *gin.Context) {
	id, ok := a.unit(c, auth.Viewer)
	if !ok {
		return
	}
	ctx, cancel := a.ctx(c)
	defer cancel()
	d, err := a.store.GetDraft(ctx, id)
	if errors.Is(err, versions.ErrNotFound) {
		fail(c, http.StatusNotFound, string(bot.CodeNotFound), "no open draft")
		return
	}
	if err != nil {
		a.failErr(c, err)
		return
	}
	c.JSON(http.StatusOK, draftInfo{BaseVersion: d.Base, Author: d.Author, Time: d.Time, Hash: d.Hash(), YAML: d.YAML, Page: d.Page})
}

func (a *Admin) putDraft(c *gin.Context) {
	id, ok := a.unit(c, auth.Editor)
	if !ok {
		return
	}
	var req draftRequest
	if err := decode(c, MaxDraftBytes, &req); err != nil {
		httpx.WriteError(c, err)
		return
	}
	ctx, cancel := a.ctx(c)
	defer cancel()
	out, err := a.saveDraft(ctx, c, id, req)
	if err != nil {
		a.failErr(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

// saveDraft validates req as unit id's next version and stores it as the
// open draft: a *bot.Error for a missing field, a *versions.ConflictError
// for a stale base, a *knowledge.ValidationError for a draft that does not
// validate; else the draft and the situations it changes.
func (a *Admin) saveDraft(ctx context.Context, c *gin.Context, id string, req draftRequest) (draftResponse, error) {
	if req.BaseVersion < 1 {
		return draftResponse{}, bot.Invalidf("base_version", "base_version is required: the version the draft was made from")
	}
	if strings.TrimSpace(req.YAML) == "" {
		return draftResponse{}, bot.Invalidf("yaml", "yaml is required")
	}
	if id != versions.National && strings.TrimSpace(req.Page) == "" {
		return draftResponse{}, bot.Invalidf("page", "page is required: the text of the municipality's page")
	}
	head, err := a.store.Head(ctx, id)
	if err != nil {
		return draftResponse{}, err
	}
	if head != req.BaseVersion {
		return draftResponse{}, &versions.ConflictError{Unit: id, Base: req.BaseVersion, Current: head}
	}
	content := versions.Content{YAML: req.YAML, Page: req.Page}
	kb, cur, err := a.store.Validate(ctx, id, content)
	if err != nil {
		return draftResponse{}, err
	}
	d := versions.Draft{Content: content, Base: req.BaseVersion, Author: account(c).Name, Time: a.cfg.Clock().UTC().Truncate(time.Second)}
	if err := a.store.SaveDraft(ctx, id, d); err != nil {
		return draftResponse{}, err
	}
	a.record(ctx, c, audit.Entry{Action: audit.SaveDraft, Unit: id, Detail: fmt.Sprintf("base version %d, hash %s", d.Base, d.Hash()[:12])})
	return draftResponse{
		Draft:      draftInfo{BaseVersion: d.Base, Author: d.Author, Time: d.Time, Hash: d.Hash()},
		Situations: preview(cur.KB, kb, id, bot.DateOf(a.cfg.Clock())),
	}, nil
}

// errNoDraft is a publish with no open draft.
var errNoDraft = &bot.Error{Code: bot.CodeNotFound, Message: "no open draft to publish: save one with PUT …/draft"}

type publishRequest struct {
	BaseVersion int    `json:"base_version"`
	Comment     string `json:"comment"`
}

func (a *Admin) publish(c *gin.Context) {
	id, ok := a.unit(c, auth.Publisher)
	if !ok {
		return
	}
	var req publishRequest
	if err := decode(c, httpx.MaxBodyBytes, &req); err != nil {
		httpx.WriteError(c, err)
		return
	}
	ctx, cancel := a.ctx(c)
	defer cancel()
	v, err := a.publishDraft(ctx, c, id, req)
	if err != nil {
		a.failErr(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"version": v.Number})
}

// publishDraft publishes unit id's open draft when req.BaseVersion is the
// current version: that is checked first (*versions.ConflictError), then
// that a draft is open (errNoDraft) and made from that version (a conflict
// too).
func (a *Admin) publishDraft(ctx context.Context, c *gin.Context, id string, req publishRequest) (versions.Version, error) {
	head, err := a.store.Head(ctx, id)
	if err != nil {
		return versions.Version{}, err
	}
	if head != req.BaseVersion {
		return versions.Version{}, &versions.ConflictError{Unit: id, Base: req.BaseVersion, Current: head}
	}
	d, err := a.store.GetDraft(ctx, id)
	if errors.Is(err, versions.ErrNotFound) {
		return versions.Version{}, errNoDraft
	}
	if err != nil {
		return versions.Version{}, err
	}
	if d.Base != head {
		return versions.Version{}, &versions.ConflictError{Unit: id, Base: d.Base, Current: head}
	}
	v, err := a.store.Publish(ctx, id, req.BaseVersion, d.Content, account(c).Name, req.Comment)
	if err != nil {
		return versions.Version{}, err
	}
	if err := a.store.DeleteDraft(ctx, id); err != nil {
		a.log.Warn("admin: published draft not deleted", "unit", id, "err", err)
	}
	a.record(ctx, c, audit.Entry{Action: audit.Publish, Unit: id, Detail: withComment(fmt.Sprintf("version %d (hash %s)", v.Number, v.Hash[:12]), req.Comment)})
	return v, nil
}

type rollbackRequest struct {
	ToVersion int    `json:"to_version"`
	Comment   string `json:"comment"`
}

func (a *Admin) rollback(c *gin.Context) {
	id, ok := a.unit(c, auth.Publisher)
	if !ok {
		return
	}
	var req rollbackRequest
	if err := decode(c, httpx.MaxBodyBytes, &req); err != nil {
		httpx.WriteError(c, err)
		return
	}
	ctx, cancel := a.ctx(c)
	defer cancel()
	v, err := a.doRollback(ctx, c, id, req)
	if err != nil {
		a.failErr(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"version": v.Number})
}

// doRollback publishes version req.ToVersion's content as the newest
// version of id; a missing version is a CodeNotFound *bot.Error.
func (a *Admin) doRollback(ctx context.Context, c *gin.Context, id string, req rollbackRequest) (versions.Version, error) {
	v, err := a.store.Rollback(ctx, id, req.ToVersion, account(c).Name, req.Comment)
	if errors.Is(err, versions.ErrNotFound) {
		return versions.Version{}, &bot.Error{Code: bot.CodeNotFound, Message: fmt.Sprintf("%s has no version %d", id, req.ToVersion)}
	}
	if err != nil {
		return versions.Version{}, err
	}
	a.record(ctx, c, audit.Entry{Action: audit.Rollback, Unit: id, Detail: withComment(fmt.Sprintf("version %d = content of version %d", v.Number, req.ToVersion), req.Comment)})
	return v, nil
}

func (a *Admin) listVersions(c *gin.Context) {
	id, ok := a.unit(c, auth.Viewer)
	if !ok {
		return
	}
	ctx, cancel := a.ctx(c)
	defer cancel()
	vs, err := a.store.List(ctx, id)
	if err != nil {
		a.failErr(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"versions": vs})
}

func (a *Admin) getVersion(c *gin.Context) {
	id, ok := a.unit(c, auth.Viewer)
	if !ok {
		return
	}
	n, err := strconv.Atoi(c.Param("n"))
	if err != nil {
		fail(c, http.StatusNotFound, string(bot.CodeNotFound), "no such version")
		return
	}
	ctx, cancel := a.ctx(c)
	defer cancel()
	v, err := a.store.Get(ctx, id, n)
	if err != nil {
		a.failErr(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// auditLog answers GET /admin/api/v1/audit (admins only): ?actor, ?action,
// ?unit, ?since and ?until (RFC 3339), ?limit (1 to 10,000), ?format=csv.
func (a *Admin) auditLog(c *gin.Context) {
	if !account(c).Admin {
		fail(c, http.StatusForbidden, CodeForbidden, "only an admin may read the audit log")
		return
	}
	f := audit.Filter{Actor: c.Query("actor"), Action: c.Query("action"), Unit: c.Query("unit")}
	for _, p := range []struct {
		name string
		t    *time.Time
	}{{"since", &f.Since}, {"until", &f.Until}} {
		if s := c.Query(p.name); s != "" {
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				httpx.WriteError(c, bot.Invalidf(p.name, "%s must be an RFC 3339 time such as 2026-04-01T09:00:00+09:00", p.name))
				return
			}
			*p.t = t
		}
	}
	if s := c.Query("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 10000 {
			httpx.WriteError(c, bot.Invalidf("limit", "limit must be 1 to 10000"))
			return
		}
		f.Limit = n
	}
	ctx, cancel := a.ctx(c)
	defer cancel()
	entries, err := a.audit.List(ctx, f)
	if err != nil {
		a.failErr(c, err)
		return
	}
	switch c.Query("format") {
	case "", "json":
		c.JSON(http.StatusOK, gin.H{"entries": entries})
	case "csv":
		c.Header("Content-Type", "text/csv; charset=utf-8")
		c.Header("Content-Disposition", `attachment; filename="audit.csv"`)
		c.Status(http.StatusOK)
		_ = audit.WriteCSV(c.Writer, entries)
	default:
		httpx.WriteError(c, bot.Invalidf("format", "format must be json or csv"))
	}
}

func (a *Admin) tokens(c *gin.Context) {
	ctx, cancel := a.ctx(c)
	defer cancel()
	cs, err := a.auth.Credentials(ctx, account(c).Name)
	if err != nil {
		a.failErr(c, err)
		return
	}
	if cs == nil {
		cs = []auth.Credential{} // a list, never null (the request's own may expire meanwhile)
	}
	c.JSON(http.StatusOK, gin.H{"tokens": cs})
}

type tokenRequest struct {
	Name string `json:"name"`
}

func (a *Admin) createToken(c *gin.Context) {
	var req tokenRequest
	if err := decode(c, httpx.MaxBodyBytes, &req); err != nil {
		httpx.WriteError(c, err)
		return
	}
	if req.Name == "" || len(req.Name) > 100 {
		httpx.WriteError(c, bot.Invalidf("name", "name is required (up to 100 bytes): what the token is for, such as kbctl"))
		return
	}
	ctx, cancel := a.ctx(c)
	defer cancel()
	secret, cred, err := a.auth.CreateToken(ctx, account(c).Name, req.Name)
	if err != nil {
		a.failErr(c, err)
		return
	}
	a.record(ctx, c, audit.Entry{Action: audit.TokenCreate, Target: cred.ID, Detail: clip(req.Name)})
	c.JSON(http.StatusOK, gin.H{"token": secret, "id": cred.ID, "expires_at": cred.Expires})
}

func (a *Admin) revokeToken(c *gin.Context) {
	ctx, cancel := a.ctx(c)
	defer cancel()
	if err := a.auth.Revoke(ctx, account(c).Name, c.Param("tid")); err != nil {
		a.failErr(c, err)
		return
	}
	a.record(ctx, c, audit.Entry{Action: audit.TokenRevoke, Target: c.Param("tid")})
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

func (a *Admin) requireAdmin(c *gin.Context) bool {
	if !account(c).Admin {
		fail(c, http.StatusForbidden, CodeForbidden, "only an admin may manage accounts")
		return false
	}
	return true
}

func (a *Admin) accounts(c *gin.Context) {
	if !a.requireAdmin(c) {
		return
	}
	ctx, cancel := a.ctx(c)
	defer cancel()
	as, err := a.auth.Accounts(ctx)
	if err != nil {
		a.failErr(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"accounts": as})
}

type accountRequest struct {
	Name     string               `json:"name"`
	Password string               `json:"password"`
	Admin    bool                 `json:"admin"`
	Roles    map[string]auth.Role `json:"roles"`
}

func (a *Admin) checkRoles(c *gin.Context, roles map[string]auth.Role) bool {
	for u, r := range roles {
		if !a.store.Known(u) || u == versions.National {
			httpx.WriteError(c, bot.Invalidf("roles", "roles: %q is not a municipality id", u))
			return false
		}
		if !r.Valid() {
			httpx.WriteError(c, bot.Invalidf("roles", "roles: %s: the role must be viewer, editor or publisher", u))
			return false
		}
	}
	return true
}

func (a *Admin) createAccount(c *gin.Context) {
	if !a.requireAdmin(c) {
		return
	}
	var req accountRequest
	if err := decode(c, httpx.MaxBodyBytes, &req); err != nil {
		httpx.WriteError(c, err)
		return
	}
	if !a.checkRoles(c, req.Roles) {
		return
	}
	ctx, cancel := a.ctx(c)
	defer cancel()
	acct, err := a.auth.CreateAccount(ctx, auth.Account{Name: req.Name, Admin: req.Admin, Roles: req.Roles}, req.Password)
	if err != nil {
		a.failErr(c, err)
		return
	}
	a.record(ctx, c, audit.Entry{Action: audit.AccountCreate, Target: acct.Name, Detail: rolesText(acct)})
	c.JSON(http.StatusOK, gin.H{"account": acct})
}

type accountUpdate struct {
	Password string               `json:"password"`
	Admin    bool                 `json:"admin"`
	Roles    map[string]auth.Role `json:"roles"`
}

func (a *Admin) updateAccount(c *gin.Context) {
	if !a.requireAdmin(c) {
		return
	}
	var req accountUpdate
	if err := decode(c, httpx.MaxBodyBytes, &req); err != nil {
		httpx.WriteError(c, err)
		return
	}
	if !a.checkRoles(c, req.Roles) {
		return
	}
	ctx, cancel := a.ctx(c)
	defer cancel()
	acct, err := a.auth.UpdateAccount(ctx, c.Param("name"), req.Admin, req.Roles, req.Password)
	if err != nil {
		a.failErr(c, err)
		return
	}
	detail := rolesText(acct)
	if req.Password != "" {
		detail += "; password changed"
	}
	a.record(ctx, c, audit.Entry{Action: audit.AccountUpdate, Target: acct.Name, Detail: detail})
	c.JSON(http.StatusOK, gin.H{"account": acct})
}

func (a *Admin) deleteAccount(c *gin.Context) {
	if !a.requireAdmin(c) {
		return
	}
	ctx, cancel := a.ctx(c)
	defer cancel()
	name := c.Param("name")
	if name == account(c).Name {
		httpx.WriteError(c, bot.Invalidf("name", "an admin may not delete their own account"))
		return
	}
	if err := a.auth.DeleteAccount(ctx, name); err != nil {
		a.failErr(c, err)
		return
	}
	a.record(ctx, c, audit.Entry{Action: audit.AccountDelete, Target: name})
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

func rolesText(a auth.Account) string {
	if a.Admin {
		return "admin"
	}
	var parts []string
	for u, r := range a.Roles {
		parts = append(parts, u+"="+string(r))
	}
	slices.Sort(parts)
	return strings.Join(parts, ",")
}

// clip shortens a staff comment for the audit log.
func clip(s string) string {
	r := []rune(s)
	if len(r) > 200 {
		return string(r[:200]) + "…"
	}
	return s
}

// loginName is the name a failed login is recorded under: the name typed
// when it can be an account name, else a placeholder, so that a password
// typed into the name field never reaches the audit log.
func loginName(name string) string {
	if auth.ValidName(name) {
		return name
	}
	return "(not an account name)"
}

// withComment is an audit detail with the staff's comment after a colon,
// or alone when there is none.
func withComment(detail, comment string) string {
	if strings.TrimSpace(comment) == "" {
		return detail
	}
	return detail + ": " + clip(comment)
}

// Package admin is the staff side of madoguchi: the JSON API under
// /admin/api/v1 (docs/contract.md) through which ward staff log in, read a
// municipality's published knowledge, save a validated draft and see which
// resident situations it changes, publish it, roll back, and read the
// versions and the audit log.
//
// The lead wires it from cmd/server:
//
//	a, err := admin.New(ctx, admin.Config{Redis: rdb, Prefix: prefix + "admin:",
//		Target: provider, Logger: log, AdminUser: os.Getenv("ADMIN_USER"),
//		AdminPassword: os.Getenv("ADMIN_PASSWORD")})
//	if err != nil { exit 1 }          // e.g. ADMIN_PASSWORD under 12 characters
//	a.Register(engine)                // the routes
//	go a.Run(ctx)                     // keeps provider on the newest published versions
//
// New brings the target onto the newest published versions before it
// returns (a server started after a publish serves it), unless Redis does not
// answer, which it only logs.
package admin

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/madoguchi/madoguchi/knowledge/versions"
	"github.com/madoguchi/madoguchi/webhook/admin/audit"
	"github.com/madoguchi/madoguchi/webhook/admin/auth"
	"github.com/redis/go-redis/v9"
)

// Config configures the admin.
type Config struct {
	// Redis holds versions, drafts, accounts, sessions and the audit log;
	// required. It must persist (AOF): a published version must not be lost.
	Redis redis.UniversalClient
	// Prefix starts every key the admin writes (REDIS_PREFIX + "admin:").
	Prefix string
	// Base is the knowledge folder of version 1 (knowledge.Embedded() when
	// nil, or KNOWLEDGE_DIR's folder).
	Base fs.FS
	// Target serves the knowledge to residents; required. The admin sets
	// it to each newly published knowledge base.
	Target versions.Target
	// Logger; slog.Default() when nil.
	Logger *slog.Logger
	// Clock; time.Now when nil.
	Clock func() time.Time
	// AdminUser and AdminPassword create the first admin when no account
	// exists (ADMIN_USER, ADMIN_PASSWORD); with neither, a one-time setup
	// link is logged.
	AdminUser, AdminPassword string
	// Auth overrides the session timeouts and the wrong-password limits
	// (its Redis, Prefix, Logger and Clock are ignored).
	Auth auth.Config
	// WatchInterval is the period of the version check behind pub/sub
	// (versions.DefaultInterval when zero).
	WatchInterval time.Duration
	// RequestTimeout bounds the Redis work of one request (5 s when zero).
	RequestTimeout time.Duration
	// Usage, when set, serves the usage page /admin/usage (usage.go).
	Usage UsageSource
	// NoPersistenceWarning leaves Redis's persistence to the caller's own
	// check (cmd/server's durability check, which reads INFO too); else
	// New logs an error when CONFIG GET says appendonly is off.
	NoPersistenceWarning bool
	// DraftResponder, when set, gives the console's chat with a draft
	// (POST /admin/m/:id/chat): a conversation engine over the fixed
	// knowledge base kb (the draft with every other unit's published
	// version), keeping its state apart from the residents' (cmd/server:
	// the dialog engine over a dialog.MemoryStore of its own). Unset, the
	// chat form is not shown and the route answers 404. The admin builds
	// one per draft content and reuses it while the draft is unchanged.
	DraftResponder func(kb *knowledge.KB) bot.Responder
}

// Admin is the staff API over one Redis.
type Admin struct {
	cfg     Config
	store   *versions.Store
	auth    *auth.Service
	audit   *audit.Log
	watcher *versions.Watcher
	log     *slog.Logger

	draftMu    sync.Mutex
	draftChats map[string]draftChat // unit → the responder of its draft's content
}

// New builds the admin: the version store over cfg.Base, the accounts (and
// the first admin, see Config.AdminUser) and the watcher of cfg.Target, which
// it syncs once. An invalid ADMIN_USER/ADMIN_PASSWORD pair (one without the
// other, a password under 12 characters) is an error the server must exit on.
func New(ctx context.Context, cfg Config) (*Admin, error) {
	if cfg.Redis == nil || cfg.Target == nil {
		return nil, errors.New("admin: Config.Redis and Config.Target are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 5 * time.Second
	}
	store, err := versions.New(versions.Config{Redis: cfg.Redis, Prefix: cfg.Prefix, Base: cfg.Base, Logger: cfg.Logger, Clock: cfg.Clock})
	if err != nil {
		return nil, err
	}
	ac := cfg.Auth
	ac.Redis, ac.Prefix, ac.Logger, ac.Clock = cfg.Redis, cfg.Prefix, cfg.Logger, cfg.Clock
	svc, err := auth.New(ac)
	if err != nil {
		return nil, err
	}
	a := &Admin{cfg: cfg, store: store, auth: svc, audit: audit.New(cfg.Redis, cfg.Prefix, cfg.Clock),
		watcher: store.NewWatcher(cfg.Target, cfg.WatchInterval), log: cfg.Logger}
	if (cfg.AdminUser == "") != (cfg.AdminPassword == "") {
		return nil, errors.New("admin: ADMIN_USER and ADMIN_PASSWORD must be set together")
	}
	if cfg.AdminPassword != "" && len([]rune(cfg.AdminPassword)) < auth.MinPasswordLength {
		return nil, fmt.Errorf("admin: ADMIN_PASSWORD must have at least %d characters", auth.MinPasswordLength)
	}
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	secret, err := svc.Bootstrap(sctx, cfg.AdminUser, cfg.AdminPassword)
	switch {
	case err != nil && errors.Is(err, auth.ErrWeakPassword):
		return nil, err
	case err != nil:
		cfg.Logger.Warn("admin: cannot check for the first account (Redis?); the console reports it", "err", err)
	case secret != "":
		cfg.Logger.Warn("admin: no account yet; open this one-time link within an hour to create the first admin",
			"path", "/admin/setup?secret="+secret)
	}
	if !cfg.NoPersistenceWarning {
		a.warnPersistence(sctx)
	}
	if err := a.watcher.Sync(sctx); err != nil {
		cfg.Logger.Warn("admin: cannot read the published versions; serving the base knowledge", "err", err)
	}
	return a, nil
}

// Run keeps Config.Target on the newest published versions until ctx ends.
func (a *Admin) Run(ctx context.Context) error { return a.watcher.Run(ctx) }

// Store is the version store (for kbctl export and tests).
func (a *Admin) Store() *versions.Store { return a.store }

// Accounts is the account service.
func (a *Admin) Accounts() *auth.Service { return a.auth }

// Served returns the version of each unit the target serves.
func (a *Admin) Served() map[string]int { return a.watcher.Served() }

// Register adds the admin routes to r: the JSON API under /admin/api/v1
// (api.go) and the HTML console under /admin (console.go), every
// state-changing request behind http.CrossOriginProtection.
func (a *Admin) Register(r gin.IRouter) {
	g := r.Group("", a.crossOrigin(http.NewCrossOriginProtection()))
	a.registerAPI(g)
	a.registerConsole(g)
}

// warnPersistence logs an error when the Redis it reaches says appendonly
// is off: a restart would then lose every published version (and account).
// A Redis that refuses CONFIG (managed services) is not reported here; the
// server's durability check reads INFO too.
func (a *Admin) warnPersistence(ctx context.Context) {
	vals, err := a.cfg.Redis.ConfigGet(ctx, "appendonly").Result()
	if err != nil {
		return
	}
	if v, ok := vals["appendonly"]; ok && v != "yes" {
		a.log.Error("admin: Redis persistence is off (appendonly " + v + "): a Redis restart loses every published knowledge version, account and audit entry; set appendonly yes")
	}
}

// Package auth holds the staff accounts of the admin console and API: roles
// per municipality, argon2id passwords, server-side sessions and bearer
// tokens in Redis, the first admin's bootstrap and the throttling of wrong
// passwords.
//
// Roles rank viewer < editor < publisher per municipality; a global admin
// may do everything, and is the only one who may touch the national unit
// and the accounts.
//
// Keys, under Config.Prefix:
//
//	<prefix>accounts            set of account names
//	<prefix>account:<name>      the account (JSON, with its password hash)
//	<prefix>cred:<sha256>       a session or token, by the SHA-256 of its secret (TTL)
//	<prefix>creds:<name>        set of the account's credential hashes
//	<prefix>setup:<sha256>      the one-time setup secret (TTL one hour)
//	<prefix>throttle:acct:<name>, <prefix>throttle:addr:<addr>  wrong-password limits (GCRA)
//
// Secrets themselves are never stored: only their SHA-256.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// Role is what an account may do in one municipality.
type Role string

// The roles, each allowing what the one before allows.
const (
	Viewer    Role = "viewer"    // read the knowledge, versions and drafts
	Editor    Role = "editor"    // also save drafts and preview them
	Publisher Role = "publisher" // also publish and roll back
)

func (r Role) rank() int {
	switch r {
	case Viewer:
		return 1
	case Editor:
		return 2
	case Publisher:
		return 3
	}
	return 0
}

// Valid reports whether r is one of the three roles.
func (r Role) Valid() bool { return r.rank() > 0 }

// NationalUnit names the national knowledge, which only an admin may act on.
const NationalUnit = "national"

// Account is one staff member.
type Account struct {
	Name string `json:"name"`
	// Admin is a global admin: every municipality, national.yaml, accounts.
	Admin bool `json:"admin"`
	// Roles gives the role per municipality id.
	Roles   map[string]Role `json:"roles,omitempty"`
	Created time.Time       `json:"created"`
	// PasswordHash is the argon2id hash; never sent to a client.
	PasswordHash string `json:"password_hash,omitempty"`
}

// Can reports whether a may act with role need on unit (a municipality id
// or NationalUnit).
func (a Account) Can(unit string, need Role) bool {
	if a.Admin {
		return true
	}
	if unit == NationalUnit {
		return need == Viewer
	}
	return a.Roles[unit].rank() >= need.rank()
}

// Public returns a without its password hash.
func (a Account) Public() Account {
	a.PasswordHash = ""
	return a
}

// Errors of this package. ErrThrottled comes as a *ThrottledError.
var (
	ErrBadCredentials  = errors.New("auth: wrong user name or password")
	ErrUnauthenticated = errors.New("auth: no valid session or token")
	ErrExists          = errors.New("auth: the account exists")
	ErrNoAccount       = errors.New("auth: no such account")
	ErrBadName         = errors.New("auth: an account name is 1 to 64 letters, digits or . _ @ -")
	ErrNoCredential    = errors.New("auth: no such session or token")
	ErrBadSetup        = errors.New("auth: the setup link is invalid, used or expired")
)

// ThrottledError is a login refused because of too many wrong passwords for
// the account or from the address; retry after RetryAfter.
type ThrottledError struct{ RetryAfter time.Duration }

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("auth: too many wrong passwords; retry after %v", e.RetryAfter)
}

// Config configures a Service. Zero durations and limits take the defaults.
type Config struct {
	Redis  redis.UniversalClient
	Prefix string
	Logger *slog.Logger
	Clock  func() time.Time
	// IdleTimeout ends a session unused this long (30 minutes).
	IdleTimeout time.Duration
	// Lifetime ends a session this long after login, used or not (12 hours).
	Lifetime time.Duration
	// TokenLifetime is how long an API token lives (90 days).
	TokenLifetime time.Duration
	// AccountLimit and AddressLimit bound wrong passwords per account
	// (5, then one every 3 minutes) and per client address (20, then one
	// every 45 seconds).
	AccountLimit, AddressLimit redis_rate.Limit
}

// Service manages accounts and credentials. It is safe for concurrent use.
type Service struct {
	cfg     Config
	rdb     redis.UniversalClient
	limiter *redis_rate.Limiter
	log     *slog.Logger
}

// New returns a Service over cfg.Redis.
func New(cfg Config) (*Service, error) {
	if cfg.Redis == nil {
		return nil, errors.New("auth: Config.Redis is nil")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 30 * time.Minute
	}
	if cfg.Lifetime <= 0 {
		cfg.Lifetime = 12 * time.Hour
	}
	if cfg.TokenLifetime <= 0 {
		cfg.TokenLifetime = 90 * 24 * time.Hour
	}
	if cfg.AccountLimit.IsZero() {
		cfg.AccountLimit = redis_rate.Limit{Rate: 5, Burst: 5, Period: 15 * time.Minute}
	}
	if cfg.AddressLimit.IsZero() {
		cfg.AddressLimit = redis_rate.Limit{Rate: 20, Burst: 20, Period: 15 * time.Minute}
	}
	return &Service{cfg: cfg, rdb: cfg.Redis, limiter: redis_rate.NewLimiter(cfg.Redis), log: cfg.Logger}, nil
}

func (s *Service) key(parts ...string) string { return s.cfg.Prefix + strings.Join(parts, ":") }

var validName = regexp.MustCompile(`^[A-Za-z0-9._@-]{1,64}$`)

// CreateAccount creates a with password (at least MinPasswordLength
// characters). An existing name is ErrExists.
func (s *Service) CreateAccount(ctx context.Context, a Account, password string) (Account, error) {
	if !validName.MatchString(a.Name) {
		return Account{}, ErrBadName
	}
	for unit, r := range a.Roles {
		if !r.Valid() {
			return Account{}, fmt.Errorf("auth: role %q for %s is not viewer, editor or publisher", r, unit)
		}
	}
	if err := checkPassword(password); err != nil {
		return Account{}, err
	}
	h, err := hashPassword(password)
	if err != nil {
		return Account{}, err
	}
	a.PasswordHash = h
	a.Created = s.cfg.Clock().UTC().Truncate(time.Second)
	b, _ := json.Marshal(a)
	ok, err := s.rdb.SetNX(ctx, s.key("account", a.Name), b, 0).Result()
	if err != nil {
		return Account{}, err
	}
	if !ok {
		return Account{}, ErrExists
	}
	if err := s.rdb.SAdd(ctx, s.key("accounts"), a.Name).Err(); err != nil {
		return Account{}, err
	}
	return a.Public(), nil
}

// Account returns the account name, or ErrNoAccount.
func (s *Service) Account(ctx context.Context, name string) (Account, error) {
	if !validName.MatchString(name) {
		return Account{}, ErrNoAccount
	}
	raw, err := s.rdb.Get(ctx, s.key("account", name)).Bytes()
	if errors.Is(err, redis.Nil) {
		return Account{}, ErrNoAccount
	}
	if err != nil {
		return Account{}, err
	}
	var a Account
	if err := json.Unmarshal(raw, &a); err != nil {
		return Account{}, err
	}
	return a, nil
}

// Accounts lists every account by name, without password hashes.
func (s *Service) Accounts(ctx context.Context) ([]Account, error) {
	names, err := s.rdb.SMembers(ctx, s.key("accounts")).Result()
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := make([]Account, 0, len(names))
	for _, n := range names {
		a, err := s.Account(ctx, n)
		if errors.Is(err, ErrNoAccount) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, a.Public())
	}
	return out, nil
}

// UpdateAccount sets name's admin flag and roles, and its password when
// password is not empty (which also ends its sessions and tokens).
func (s *Service) UpdateAccount(ctx context.Context, name string, admin bool, roles map[string]Role, password string) (Account, error) {
	a, err := s.Account(ctx, name)
	if err != nil {
		return Account{}, err
	}
	for unit, r := range roles {
		if !r.Valid() {
			return Account{}, fmt.Errorf("auth: role %q for %s is not viewer, editor or publisher", r, unit)
		}
	}
	a.Admin, a.Roles = admin, roles
	if password != "" {
		if err := checkPassword(password); err != nil {
			return Account{}, err
		}
		if a.PasswordHash, err = hashPassword(password); err != nil {
			return Account{}, err
		}
		if err := s.revokeAll(ctx, name); err != nil {
			return Account{}, err
		}
	}
	b, _ := json.Marshal(a)
	if err := s.rdb.Set(ctx, s.key("account", name), b, 0).Err(); err != nil {
		return Account{}, err
	}
	return a.Public(), nil
}

// DeleteAccount removes name and ends its sessions and tokens.
func (s *Service) DeleteAccount(ctx context.Context, name string) error {
	if _, err := s.Account(ctx, name); err != nil {
		return err
	}
	if err := s.revokeAll(ctx, name); err != nil {
		return err
	}
	if err := s.rdb.Del(ctx, s.key("account", name)).Err(); err != nil {
		return err
	}
	return s.rdb.SRem(ctx, s.key("accounts"), name).Err()
}

// HasAccounts reports whether any account exists.
func (s *Service) HasAccounts(ctx context.Context) (bool, error) {
	n, err := s.rdb.SCard(ctx, s.key("accounts")).Result()
	return n > 0, err
}

// Bootstrap creates the first admin when no account exists: user with
// password when both are set (a password under MinPasswordLength
// characters is ErrWeakPassword, which the server turns into an exit), else,
// with neither set, a one-time setup secret valid for an hour, returned for
// the server to log as a link. With accounts already there it does nothing
// and returns "".
func (s *Service) Bootstrap(ctx context.Context, user, password string) (setupSecret string, err error) {
	if (user == "") != (password == "") {
		return "", errors.New("auth: ADMIN_USER and ADMIN_PASSWORD must be set together")
	}
	if password != "" {
		if err := checkPassword(password); err != nil {
			return "", fmt.Errorf("ADMIN_PASSWORD: %w", err)
		}
	}
	has, err := s.HasAccounts(ctx)
	if err != nil || has {
		return "", err
	}
	if user != "" {
		_, err := s.CreateAccount(ctx, Account{Name: user, Admin: true}, password)
		if errors.Is(err, ErrExists) {
			return "", nil
		}
		return "", err
	}
	secret := newSecret()
	if err := s.rdb.Set(ctx, s.key("setup", hashSecret(secret)), "1", time.Hour).Err(); err != nil {
		return "", err
	}
	return secret, nil
}

// Setup consumes the one-time setup secret and creates the first admin.
func (s *Service) Setup(ctx context.Context, secret, user, password string) (Account, error) {
	if err := checkPassword(password); err != nil {
		return Account{}, err
	}
	if !validName.MatchString(user) {
		return Account{}, ErrBadName
	}
	n, err := s.rdb.Del(ctx, s.key("setup", hashSecret(secret))).Result()
	if err != nil {
		return Account{}, err
	}
	if n == 0 {
		return Account{}, ErrBadSetup
	}
	return s.CreateAccount(ctx, Account{Name: user, Admin: true}, password)
}

// Credential is a session (from a login: idle timeout and lifetime) or an
// API token (created for an account: a lifetime only). ID is the first 16
// hex digits of its secret's SHA-256, for listing and revoking.
type Credential struct {
	ID      string    `json:"id"`
	User    string    `json:"user"`
	Kind    string    `json:"kind"` // "session" or "token"
	Name    string    `json:"name,omitempty"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires_at"`
	// LastUsed is a session's last authenticated request.
	LastUsed time.Time `json:"last_used"`
	hash     string
}

// Credential kinds.
const (
	KindSession = "session"
	KindToken   = "token"
)

func newSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// Login checks user's password, from client address addr, and opens a
// session: a new secret every time. Too many wrong passwords for the
// account or from addr is a *ThrottledError, checked before the password;
// a wrong user or password is ErrBadCredentials.
func (s *Service) Login(ctx context.Context, user, password, addr string) (string, Credential, error) {
	if !validName.MatchString(user) {
		user = "~invalid" // no such account; its attempts count together (and per address)
	}
	acctKey, addrKey := s.key("throttle", "acct", user), s.key("throttle", "addr", addr)
	for _, l := range []struct {
		key   string
		limit redis_rate.Limit
	}{{acctKey, s.cfg.AccountLimit}, {addrKey, s.cfg.AddressLimit}} {
		if wait, err := s.throttled(ctx, l.key, l.limit); err != nil {
			return "", Credential{}, err
		} else if wait > 0 {
			return "", Credential{}, &ThrottledError{RetryAfter: wait}
		}
	}
	a, err := s.Account(ctx, user)
	hash := a.PasswordHash
	if err != nil {
		if !errors.Is(err, ErrNoAccount) {
			return "", Credential{}, err
		}
		hash = dummyHash
	}
	ok, verr := verifyPassword(hash, password)
	if err != nil || verr != nil || !ok {
		for _, l := range []struct {
			key   string
			limit redis_rate.Limit
		}{{acctKey, s.cfg.AccountLimit}, {addrKey, s.cfg.AddressLimit}} {
			if _, err := s.limiter.Allow(ctx, l.key, l.limit); err != nil {
				return "", Credential{}, err
			}
		}
		return "", Credential{}, ErrBadCredentials
	}
	_ = s.limiter.Reset(ctx, acctKey)
	now := s.cfg.Clock().UTC().Truncate(time.Second)
	return s.issue(ctx, Credential{User: user, Kind: KindSession, Created: now, Expires: now.Add(s.cfg.Lifetime), LastUsed: now}, s.cfg.IdleTimeout)
}

// throttled returns how long until key's limit allows one more wrong
// password, or 0 when it does now. It peeks (costs nothing).
func (s *Service) throttled(ctx context.Context, key string, limit redis_rate.Limit) (time.Duration, error) {
	res, err := s.limiter.AllowN(ctx, key, limit, 0)
	if err != nil {
		return 0, err
	}
	if res.Remaining >= 1 {
		return 0, nil
	}
	interval := limit.Period / time.Duration(limit.Rate)
	wait := res.ResetAfter - time.Duration(limit.Burst-1)*interval
	if wait < time.Second {
		wait = time.Second
	}
	return wait.Round(time.Second), nil
}

// issue stores c under a new secret, for idle (a session's idle timeout;
// 0 for a token) at most until c.Expires.
func (s *Service) issue(ctx context.Context, c Credential, idle time.Duration) (string, Credential, error) {
	secret := newSecret()
	c.hash = hashSecret(secret)
	c.ID = c.hash[:16]
	ttl := c.Expires.Sub(s.cfg.Clock())
	if idle > 0 && idle < ttl {
		ttl = idle
	}
	b, _ := json.Marshal(stored{c, c.hash})
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, s.key("cred", c.hash), b, ttl)
		p.SAdd(ctx, s.key("creds", c.User), c.hash)
		return nil
	})
	if err != nil {
		return "", Credential{}, err
	}
	return secret, c, nil
}

type stored struct {
	Credential
	Hash string `json:"hash"`
}

func (s *Service) load(ctx context.Context, hash string) (Credential, error) {
	raw, err := s.rdb.Get(ctx, s.key("cred", hash)).Bytes()
	if errors.Is(err, redis.Nil) {
		return Credential{}, ErrUnauthenticated
	}
	if err != nil {
		return Credential{}, err
	}
	var st stored
	if err := json.Unmarshal(raw, &st); err != nil {
		return Credential{}, err
	}
	st.Credential.hash = st.Hash
	return st.Credential, nil
}

// Authenticate returns the credential of secret and its account, and
// extends a session's idle timeout (never past its lifetime). An unknown,
// expired or revoked secret, or one whose account is gone, is
// ErrUnauthenticated.
func (s *Service) Authenticate(ctx context.Context, secret string) (Credential, Account, error) {
	if secret == "" {
		return Credential{}, Account{}, ErrUnauthenticated
	}
	c, err := s.load(ctx, hashSecret(secret))
	if err != nil {
		return Credential{}, Account{}, err
	}
	now := s.cfg.Clock()
	if !now.Before(c.Expires) || c.Kind == KindSession && now.Sub(c.LastUsed) >= s.cfg.IdleTimeout {
		return Credential{}, Account{}, ErrUnauthenticated
	}
	a, err := s.Account(ctx, c.User)
	if errors.Is(err, ErrNoAccount) {
		return Credential{}, Account{}, ErrUnauthenticated
	}
	if err != nil {
		return Credential{}, Account{}, err
	}
	if c.Kind == KindSession {
		c.LastUsed = now.UTC()
		ttl := min(s.cfg.IdleTimeout, c.Expires.Sub(now))
		b, _ := json.Marshal(stored{c, c.hash})
		if err := s.rdb.Set(ctx, s.key("cred", c.hash), b, ttl).Err(); err != nil {
			return Credential{}, Account{}, err
		}
	}
	return c, a, nil
}

// Logout ends the session or token of secret.
func (s *Service) Logout(ctx context.Context, secret string) error {
	c, err := s.load(ctx, hashSecret(secret))
	if errors.Is(err, ErrUnauthenticated) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.drop(ctx, c.User, c.hash)
}

func (s *Service) drop(ctx context.Context, user, hash string) error {
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, s.key("cred", hash))
		p.SRem(ctx, s.key("creds", user), hash)
		return nil
	})
	return err
}

// CreateToken creates an API token named name for user, valid for
// Config.TokenLifetime; the secret is shown once.
func (s *Service) CreateToken(ctx context.Context, user, name string) (string, Credential, error) {
	if _, err := s.Account(ctx, user); err != nil {
		return "", Credential{}, err
	}
	now := s.cfg.Clock().UTC().Truncate(time.Second)
	return s.issue(ctx, Credential{User: user, Kind: KindToken, Name: name, Created: now, Expires: now.Add(s.cfg.TokenLifetime)}, 0)
}

// Credentials lists user's live sessions and tokens, newest first (and
// forgets those that expired).
func (s *Service) Credentials(ctx context.Context, user string) ([]Credential, error) {
	hashes, err := s.rdb.SMembers(ctx, s.key("creds", user)).Result()
	if err != nil {
		return nil, err
	}
	var out []Credential
	for _, h := range hashes {
		c, err := s.load(ctx, h)
		if errors.Is(err, ErrUnauthenticated) {
			s.rdb.SRem(ctx, s.key("creds", user), h)
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Credential) int { return b.Created.Compare(a.Created) })
	return out, nil
}

// Revoke ends user's session or token with id; ErrNoCredential when user
// has none with that id.
func (s *Service) Revoke(ctx context.Context, user, id string) error {
	cs, err := s.Credentials(ctx, user)
	if err != nil {
		return err
	}
	for _, c := range cs {
		if c.ID == id {
			return s.drop(ctx, user, c.hash)
		}
	}
	return ErrNoCredential
}

func (s *Service) revokeAll(ctx context.Context, user string) error {
	hashes, err := s.rdb.SMembers(ctx, s.key("creds", user)).Result()
	if err != nil {
		return err
	}
	for _, h := range hashes {
		if err := s.drop(ctx, user, h); err != nil {
			return err
		}
	}
	return nil
}

// ValidName reports whether name is a possible account name (1 to 64
// letters, digits or . _ @ -). The audit log records a failed login's name
// only when it is one, never what may be a password typed in the wrong field.
func ValidName(name string) bool { return validName.MatchString(name) }

package auth_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/madoguchi/madoguchi/internal/redistest"
	"github.com/madoguchi/madoguchi/webhook/admin/auth"
	"github.com/redis/go-redis/v9"
)

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

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newService(tb testing.TB, cfg auth.Config) *auth.Service {
	tb.Helper()
	if cfg.Redis == nil {
		cfg.Redis = redistest.Client(tb)
	}
	cfg.Prefix = keyPrefix(tb, cfg.Redis)
	s, err := auth.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

const pw = "correct horse battery"

func TestBootstrap(t *testing.T) {
	ctx := context.Background()
	s := newService(t, auth.Config{})
	if _, err := s.Bootstrap(ctx, "root", "short"); !errors.Is(err, auth.ErrWeakPassword) {
		t.Fatalf("a short ADMIN_PASSWORD = %v, want ErrWeakPassword", err)
	}
	if _, err := s.Bootstrap(ctx, "root", ""); err == nil {
		t.Fatal("ADMIN_USER alone accepted")
	}
	if secret, err := s.Bootstrap(ctx, "root", pw); err != nil || secret != "" {
		t.Fatalf("Bootstrap = %q, %v", secret, err)
	}
	a, err := s.Account(ctx, "root")
	if err != nil || !a.Admin {
		t.Fatalf("root = %+v, %v", a, err)
	}
	// Once an account exists, nothing more happens.
	if secret, err := s.Bootstrap(ctx, "", ""); err != nil || secret != "" {
		t.Fatalf("second Bootstrap = %q, %v", secret, err)
	}
}

func TestSetupLink(t *testing.T) {
	ctx := context.Background()
	s := newService(t, auth.Config{})
	secret, err := s.Bootstrap(ctx, "", "")
	if err != nil || len(secret) < 40 {
		t.Fatalf("Bootstrap = %q, %v", secret, err)
	}
	if _, err := s.Setup(ctx, "guess", "root", pw); !errors.Is(err, auth.ErrBadSetup) {
		t.Fatalf("a wrong setup secret = %v", err)
	}
	if _, err := s.Setup(ctx, secret, "root", pw); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Setup(ctx, secret, "root2", pw); !errors.Is(err, auth.ErrBadSetup) {
		t.Fatalf("a used setup secret = %v", err)
	}
}

func TestRoles(t *testing.T) {
	nerimaEditor := auth.Account{Roles: map[string]auth.Role{"nerima": auth.Editor, "edogawa": auth.Viewer}}
	for _, c := range []struct {
		unit string
		need auth.Role
		want bool
	}{
		{"nerima", auth.Viewer, true}, {"nerima", auth.Editor, true}, {"nerima", auth.Publisher, false},
		{"edogawa", auth.Viewer, true}, {"edogawa", auth.Editor, false}, {"akishima", auth.Viewer, false},
		{"national", auth.Viewer, true}, {"national", auth.Editor, false},
	} {
		if got := nerimaEditor.Can(c.unit, c.need); got != c.want {
			t.Errorf("Can(%s, %s) = %v", c.unit, c.need, got)
		}
	}
	admin := auth.Account{Admin: true}
	if !admin.Can("national", auth.Publisher) {
		t.Error("an admin may not publish national")
	}
}

func TestLoginSessionLogout(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)}
	s := newService(t, auth.Config{Clock: clk.Now, Lifetime: 2 * time.Hour})
	if _, err := s.CreateAccount(ctx, auth.Account{Name: "alice", Roles: map[string]auth.Role{"nerima": auth.Editor}}, pw); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Login(ctx, "alice", "wrong password!", "192.0.2.1"); !errors.Is(err, auth.ErrBadCredentials) {
		t.Fatalf("wrong password = %v", err)
	}
	if _, _, err := s.Login(ctx, "nobody", pw, "192.0.2.1"); !errors.Is(err, auth.ErrBadCredentials) {
		t.Fatalf("unknown user = %v", err)
	}
	s1, c1, err := s.Login(ctx, "alice", pw, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	s2, _, err := s.Login(ctx, "alice", pw, "192.0.2.1")
	if err != nil || s1 == s2 {
		t.Fatalf("a second login reuses the session id (%v)", err)
	}
	if !c1.Expires.Equal(clk.Now().Add(2 * time.Hour)) {
		t.Fatalf("expires %v", c1.Expires)
	}
	_, a, err := s.Authenticate(ctx, s1)
	if err != nil || a.Name != "alice" || a.PasswordHash == "" {
		t.Fatalf("Authenticate = %+v, %v", a.Name, err)
	}
	if err := s.Logout(ctx, s1); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Authenticate(ctx, s1); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Fatalf("after logout = %v", err)
	}
	// The absolute lifetime ends s2 whatever its use.
	clk.Add(2*time.Hour + time.Second)
	if _, _, err := s.Authenticate(ctx, s2); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Fatalf("after the lifetime = %v", err)
	}
}

func TestSessionIdleTimeout(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)}
	s := newService(t, auth.Config{Clock: clk.Now, IdleTimeout: 30 * time.Minute})
	if _, err := s.CreateAccount(ctx, auth.Account{Name: "alice"}, pw); err != nil {
		t.Fatal(err)
	}
	secret, _, err := s.Login(ctx, "alice", pw, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	// Used every 20 minutes it lives on past the idle timeout…
	for range 3 {
		clk.Add(20 * time.Minute)
		if _, _, err := s.Authenticate(ctx, secret); err != nil {
			t.Fatalf("a session in use = %v", err)
		}
	}
	// …and left idle 30 minutes it ends.
	clk.Add(30 * time.Minute)
	if _, _, err := s.Authenticate(ctx, secret); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Fatalf("an idle session = %v", err)
	}
}

func TestThrottling(t *testing.T) {
	ctx := context.Background()
	s := newService(t, auth.Config{
		AccountLimit: redis_rate.Limit{Rate: 3, Burst: 3, Period: time.Hour},
		AddressLimit: redis_rate.Limit{Rate: 5, Burst: 5, Period: time.Hour},
	})
	for _, n := range []string{"alice", "bob"} {
		if _, err := s.CreateAccount(ctx, auth.Account{Name: n}, pw); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 {
		if _, _, err := s.Login(ctx, "alice", "wrong password!", "192.0.2.1"); !errors.Is(err, auth.ErrBadCredentials) {
			t.Fatalf("wrong password %d = %v", i, err)
		}
	}
	// Alice's account is throttled, even with her right password and from elsewhere.
	_, _, err := s.Login(ctx, "alice", pw, "198.51.100.7")
	var te *auth.ThrottledError
	if !errors.As(err, &te) || te.RetryAfter < time.Second || te.RetryAfter > 20*time.Minute+time.Second {
		t.Fatalf("4th attempt = %v", err)
	}
	// Bob from the same address still gets in (the address has 2 left)…
	if _, _, err := s.Login(ctx, "bob", pw, "192.0.2.1"); err != nil {
		t.Fatalf("bob = %v", err)
	}
	// …until the address runs out.
	for range 2 {
		_, _, _ = s.Login(ctx, "bob", "wrong password!", "192.0.2.1")
	}
	if _, _, err := s.Login(ctx, "bob", pw, "192.0.2.1"); !errors.As(err, &te) {
		t.Fatalf("the address's 6th attempt = %v", err)
	}
	if _, _, err := s.Login(ctx, "bob", pw, "198.51.100.7"); err != nil {
		t.Fatalf("bob from elsewhere = %v", err)
	}
}

func TestTokens(t *testing.T) {
	ctx := context.Background()
	s := newService(t, auth.Config{})
	if _, err := s.CreateAccount(ctx, auth.Account{Name: "ci"}, pw); err != nil {
		t.Fatal(err)
	}
	secret, c, err := s.CreateToken(ctx, "ci", "kbctl")
	if err != nil {
		t.Fatal(err)
	}
	if _, a, err := s.Authenticate(ctx, secret); err != nil || a.Name != "ci" {
		t.Fatalf("token = %v", err)
	}
	list, err := s.Credentials(ctx, "ci")
	if err != nil || len(list) != 1 || list[0].ID != c.ID || list[0].Name != "kbctl" || list[0].Kind != auth.KindToken {
		t.Fatalf("Credentials = %+v, %v", list, err)
	}
	if err := s.Revoke(ctx, "ci", c.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Authenticate(ctx, secret); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Fatalf("revoked token = %v", err)
	}
	// A password change ends every credential.
	secret, _, _ = s.CreateToken(ctx, "ci", "again")
	if _, err := s.UpdateAccount(ctx, "ci", false, nil, "another long password"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Authenticate(ctx, secret); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Fatalf("token after a password change = %v", err)
	}
	if _, err := s.CreateAccount(ctx, auth.Account{Name: "ci"}, pw); !errors.Is(err, auth.ErrExists) {
		t.Fatalf("duplicate = %v", err)
	}
	if _, err := s.CreateAccount(ctx, auth.Account{Name: "a b"}, pw); !errors.Is(err, auth.ErrBadName) {
		t.Fatalf("bad name = %v", err)
	}
}

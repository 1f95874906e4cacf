package check

import (
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

// loadCompose loads a compose file with the compose-spec loader, validating
// it against the compose-spec schema (unknown keys fail), with no
// variables set in the environment.
func loadCompose(t *testing.T, path string, content []byte) (*types.Project, error) {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	return loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  filepath.Dir(abs),
		ConfigFiles: []types.ConfigFile{{Filename: abs, Content: content}},
		Environment: types.Mapping{},
	}, func(o *loader.Options) { o.SetProjectName("madoguchi", true) })
}

// TestCompose checks deploy/docker-compose.yml: two bot replicas behind
// the proxy, which alone they trust for X-Forwarded-For; Redis with AOF
// and noeviction on a volume, reached on an internal network; healthchecks
// everywhere; only variables the server reads.
func TestCompose(t *testing.T) {
	p, err := loadCompose(t, "../docker-compose.yml", nil)
	if err != nil {
		t.Fatal(err)
	}
	bot, proxy, redis := p.Services["bot"], p.Services["proxy"], p.Services["redis"]
	if bot.Name == "" || proxy.Name == "" || redis.Name == "" || len(p.Services) != 3 {
		t.Fatalf("want services bot, proxy and redis, got %v", p.ServiceNames())
	}
	if bot.Deploy == nil || bot.Deploy.Replicas == nil || *bot.Deploy.Replicas != 2 {
		t.Errorf("bot: want deploy.replicas 2, got %+v", bot.Deploy)
	}
	if bot.Build == nil || bot.Build.Dockerfile != "Dockerfile" {
		t.Errorf("bot: want a build of the repository's Dockerfile, got %+v", bot.Build)
	}
	if len(bot.Ports) != 0 || len(redis.Ports) != 0 {
		t.Errorf("only the proxy publishes ports: bot %v, redis %v", bot.Ports, redis.Ports)
	}
	if len(proxy.Ports) != 1 || proxy.Ports[0].Target != 80 {
		t.Errorf("proxy: want one published port to 80, got %v", proxy.Ports)
	}

	// The proxy's config file is mounted, and passes to the bot service.
	conf, err := os.ReadFile("../nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	mounted := false
	for _, v := range proxy.Volumes {
		mounted = mounted || (filepath.Base(v.Source) == "nginx.conf" && v.ReadOnly)
	}
	if !mounted {
		t.Errorf("proxy: nginx.conf is not mounted read-only: %+v", proxy.Volumes)
	}
	if !regexp.MustCompile(`server bot:8080 resolve;`).Match(conf) || !strings.Contains(string(conf), "proxy_set_header X-Forwarded-For $remote_addr;") {
		t.Errorf("nginx.conf: want the bot service as upstream (re-resolved) and X-Forwarded-For set to the client's address")
	}

	// TRUSTED_PROXIES covers the proxy's fixed address, and that address
	// is in the subnet of the network they share.
	env := func(k string) string {
		if v := bot.Environment[k]; v != nil {
			return *v
		}
		return ""
	}
	on := func(s types.ServiceConfig, network string) bool { _, ok := s.Networks[network]; return ok }
	edge := proxy.Networks["edge"]
	if edge == nil || edge.Ipv4Address == "" || !on(bot, "edge") {
		t.Fatalf("proxy and bot must share the edge network, the proxy with a fixed address")
	}
	proxyAddr := netip.MustParseAddr(edge.Ipv4Address)
	trusted := false
	for _, f := range strings.FieldsFunc(env("TRUSTED_PROXIES"), func(r rune) bool { return r == ',' || r == ' ' }) {
		if pf, err := netip.ParsePrefix(f); err == nil && pf.Contains(proxyAddr) {
			trusted = true
		} else if a, err := netip.ParseAddr(f); err == nil && a == proxyAddr {
			trusted = true
		}
	}
	if !trusted {
		t.Errorf("TRUSTED_PROXIES %q does not cover the proxy's address %s", env("TRUSTED_PROXIES"), proxyAddr)
	}
	net := p.Networks["edge"]
	if len(net.Ipam.Config) != 1 || !netip.MustParsePrefix(net.Ipam.Config[0].Subnet).Contains(proxyAddr) {
		t.Errorf("the proxy's address %s is not in the edge network's subnet %+v", proxyAddr, net.Ipam.Config)
	}
	if !p.Networks["backend"].Internal || !on(redis, "backend") || on(redis, "edge") || !on(bot, "backend") || on(proxy, "backend") {
		t.Errorf("Redis must be on the internal backend network only, with the bots")
	}
	if !strings.HasPrefix(env("REDIS_URL"), "redis://redis:6379") {
		t.Errorf("bot: REDIS_URL %q is not the redis service", env("REDIS_URL"))
	}
	if env("METRICS_ADDR") == "" || env("PPROF") == "on" {
		t.Errorf("bot: want METRICS_ADDR set and PPROF not on")
	}
	for k := range bot.Environment {
		checkDeclared(t, "docker-compose.yml bot", k)
	}

	// Redis keeps what it acknowledged.
	cmd := strings.Join(redis.Command, " ")
	for _, want := range []string{"--appendonly yes", "--maxmemory-policy noeviction"} {
		if !strings.Contains(cmd, want) {
			t.Errorf("redis command %q lacks %q", cmd, want)
		}
	}
	if len(redis.Volumes) != 1 || redis.Volumes[0].Target != "/data" || redis.Volumes[0].Type != types.VolumeTypeVolume {
		t.Errorf("redis: want a named volume on /data, got %+v", redis.Volumes)
	}

	// Healthchecks, and start order by them.
	for _, s := range []types.ServiceConfig{bot, proxy, redis} {
		if s.HealthCheck == nil || len(s.HealthCheck.Test) < 2 || s.HealthCheck.Test[0] != "CMD" {
			t.Errorf("%s: want an exec-form healthcheck, got %+v", s.Name, s.HealthCheck)
		}
	}
	if !slicesEqual(bot.HealthCheck.Test, []string{"CMD", "/usr/local/bin/server", "-healthcheck"}) {
		t.Errorf("bot healthcheck %v: the image has no shell, use server -healthcheck", bot.HealthCheck.Test)
	}
	if bot.DependsOn["redis"].Condition != types.ServiceConditionHealthy || proxy.DependsOn["bot"].Condition != types.ServiceConditionHealthy {
		t.Errorf("want the bot to wait for a healthy Redis and the proxy for healthy bots")
	}
	// The bot runs locked down.
	if !bot.ReadOnly || !slicesEqual(bot.CapDrop, []string{"ALL"}) || !slicesEqual(bot.SecurityOpt, []string{"no-new-privileges:true"}) || bot.User == "" || bot.User == "root" {
		t.Errorf("bot: want read_only, cap_drop ALL, no-new-privileges and a non-root user")
	}
}

func slicesEqual(a, b []string) bool { return strings.Join(a, "\x00") == strings.Join(b, "\x00") }

// TestComposeStrict checks that the loader refuses a mistyped key.
func TestComposeStrict(t *testing.T) {
	b, err := os.ReadFile("../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	for _, typo := range [][2]string{{"healthcheck:", "healthchek:"}, {"stop_grace_period:", "stop_grace_periode:"}} {
		bad := strings.Replace(string(b), typo[0], typo[1], 1)
		if _, err := loadCompose(t, "../docker-compose.yml", []byte(bad)); err == nil || !strings.Contains(err.Error(), strings.TrimSuffix(typo[1], ":")) {
			t.Errorf("with %s: %v, want an error naming it", typo[1], err)
		}
	}
}

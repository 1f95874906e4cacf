package main

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/madoguchi/madoguchi/webhook/guard"
)

// Config is the server's configuration, read from the environment (the
// contract's table). It never holds LINE secrets: the LINE channel reads
// its own variables through the same Getenv (see registerLINE).
type Config struct {
	// Port is the TCP port to listen on; "0" picks a free one (tests).
	Port string
	// RedisURL is the Redis to keep state in; "" starts an embedded one.
	RedisURL string
	// RedisPrefix starts every key the server writes (REDIS_PREFIX,
	// default DefaultRedisPrefix), so that deployments (or test runs) can
	// share one Redis database without sharing keys.
	RedisPrefix string
	// KnowledgeDir is a knowledge folder replacing the embedded one.
	KnowledgeDir string
	// LINEAPIEndpoint is the base URL of the LINE Messaging API.
	LINEAPIEndpoint string
	// WidgetOrigins maps a municipality id to the origins of the pages that
	// may embed the chat widget: WIDGET_ORIGINS_<ID>, else WIDGET_ORIGINS.
	WidgetOrigins map[string][]string
}

// DefaultLINEAPIEndpoint is LINE's own Messaging API.
const DefaultLINEAPIEndpoint = "https://api.line.me"

// DefaultRedisPrefix starts every Redis key unless REDIS_PREFIX is set.
const DefaultRedisPrefix = "madoguchi:"

// LoadConfig reads the configuration through getenv and checks it. Errors
// name the variable and never repeat a value that may hold a password.
func LoadConfig(getenv func(string) string) (Config, error) {
	c := Config{
		Port:            getenv("PORT"),
		RedisURL:        getenv("REDIS_URL"),
		RedisPrefix:     getenv("REDIS_PREFIX"),
		KnowledgeDir:    getenv("KNOWLEDGE_DIR"),
		LINEAPIEndpoint: getenv("LINE_API_ENDPOINT"),
	}
	if c.Port == "" {
		c.Port = "8080"
	}
	if p, err := strconv.Atoi(c.Port); err != nil || p < 0 || p > 65535 {
		return Config{}, fmt.Errorf("PORT must be a port number from 0 to 65535 (got %q)", c.Port)
	}
	if c.RedisPrefix == "" {
		c.RedisPrefix = DefaultRedisPrefix
	}
	if !validRedisPrefix(c.RedisPrefix) {
		return Config{}, fmt.Errorf("REDIS_PREFIX must be at most 100 printable ASCII characters without spaces, braces, or glob characters *?[] (got %q)", c.RedisPrefix)
	}
	origins, err := widgetOrigins(getenv)
	if err != nil {
		return Config{}, err
	}
	c.WidgetOrigins = origins
	if c.LINEAPIEndpoint == "" {
		c.LINEAPIEndpoint = DefaultLINEAPIEndpoint
	}
	if u, err := url.Parse(c.LINEAPIEndpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Config{}, fmt.Errorf("LINE_API_ENDPOINT must be an http:// or https:// URL (got %q)", c.LINEAPIEndpoint)
	}
	return c, nil
}

// widgetOrigins reads, for each municipality, WIDGET_ORIGINS_<ID> (upper
// case) or else the shared WIDGET_ORIGINS: comma- or space-separated origins
// such as https://www.city.nerima.tokyo.jp.
func widgetOrigins(getenv func(string) string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, id := range knowledge.MunicipalityIDs {
		name := "WIDGET_ORIGINS_" + strings.ToUpper(id)
		v := getenv(name)
		if v == "" {
			name, v = "WIDGET_ORIGINS", getenv("WIDGET_ORIGINS")
		}
		if v == "" {
			continue
		}
		list, err := guard.ParseOrigins(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[id] = list
	}
	return out, nil
}

// validRedisPrefix reports whether p can start Redis keys: printable
// ASCII, no spaces, no braces (the LINE queue builds Redis Cluster hash
// tags from it) and no glob characters (tests and operators SCAN by it).
func validRedisPrefix(p string) bool {
	if len(p) > 100 {
		return false
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; c <= ' ' || c > '~' || strings.IndexByte("{}*?[]", c) >= 0 {
			return false
		}
	}
	return true
}

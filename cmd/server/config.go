package main

import (
	"errors"
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
	// RedisWaitReplicas is how many replicas must hold a LINE webhook's
	// events before it is answered 200 (REDIS_WAIT_REPLICAS, default 0;
	// line.Config.WaitReplicas).
	RedisWaitReplicas int
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

// LoadConfig reads the configuration through getenv and checks it. Errors
// name the variable and never repeat a value that may hold a password.
func LoadConfig(getenv func(string) string) (Config, error) {
	c := Config{
		Port:            getenv("PORT"),
		RedisURL:        getenv("REDIS_URL"),
		KnowledgeDir:    getenv("KNOWLEDGE_DIR"),
		LINEAPIEndpoint: getenv("LINE_API_ENDPOINT"),
	}
	if c.Port == "" {
		c.Port = "8080"
	}
	if p, err := strconv.Atoi(c.Port); err != nil || p < 0 || p > 65535 {
		return Config{}, fmt.Errorf("PORT must be a port number from 0 to 65535 (got %q)", c.Port)
	}
	if v := getenv("REDIS_WAIT_REPLICAS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 16 {
			return Config{}, fmt.Errorf("REDIS_WAIT_REPLICAS must be a number of replicas from 0 to 16 (got %q)", v)
		}
		if n > 0 && c.RedisURL == "" {
			return Config{}, errors.New("REDIS_WAIT_REPLICAS needs a REDIS_URL with replicas (the embedded Redis has none)")
		}
		if n > 0 && isClusterURL(c.RedisURL) {
			return Config{}, errors.New("REDIS_WAIT_REPLICAS is not supported with a Redis Cluster REDIS_URL")
		}
		c.RedisWaitReplicas = n
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

package main

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// OpenRedis returns a client for REDIS_URL. The forms are:
//
//	redis://[user:password@]host:port[/db][?options]    one server
//	rediss://…                                          the same over TLS
//	redis://host:26379?master_name=mymaster[&addr=host2:26379…]
//	                                                    Sentinel: the URL names sentinels
//	redis://host1:6379?addr=host2:6379[&addr=…]         Cluster: the URL names seed nodes
//
// Options are go-redis's (dial_timeout, read_timeout, pool_size, …). It does
// no I/O; the first command connects.
//
// The client speaks RESP2 unless the URL asks for protocol=3: madoguchi uses
// no RESP3 feature (client-side caching, push notifications), and RESP2
// costs go-redis less to read, about 4 % of the server's CPU under LINE load.
//
// The client always honours its callers' context deadlines
// (ContextTimeoutEnabled), whatever the URL says: a request's Redis calls
// end at its deadline, so a Redis that hangs gives a fast 503, not a wait
// of read_timeout times the retries.
func OpenRedis(rawURL string) (redis.UniversalClient, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") {
		return nil, errors.New("REDIS_URL must be a redis:// or rediss:// URL")
	}
	q := u.Query()
	protocol := func(p int) int {
		if q.Has("protocol") {
			return p
		}
		return RedisProtocol
	}
	switch {
	case isSentinelURL(rawURL):
		o, err := redis.ParseFailoverURL(rawURL)
		if err != nil {
			return nil, redisURLError(rawURL, u, err)
		}
		o.Protocol = protocol(o.Protocol)
		o.ContextTimeoutEnabled = true
		return redis.NewFailoverClient(o), nil
	case isClusterURL(rawURL):
		o, err := redis.ParseClusterURL(rawURL)
		if err != nil {
			return nil, redisURLError(rawURL, u, err)
		}
		o.Protocol = protocol(o.Protocol)
		o.ContextTimeoutEnabled = true
		return redis.NewClusterClient(o), nil
	}
	o, err := redis.ParseURL(rawURL)
	if err != nil {
		return nil, redisURLError(rawURL, u, err)
	}
	o.Protocol = protocol(o.Protocol)
	return redis.NewUniversalClient(&redis.UniversalOptions{
		Addrs:      []string{o.Addr},
		ClientName: o.ClientName,
		DB:         o.DB,
		Protocol:   o.Protocol,
		Username:   o.Username,
		Password:   o.Password,

		MaxRetries:      o.MaxRetries,
		MinRetryBackoff: o.MinRetryBackoff,
		MaxRetryBackoff: o.MaxRetryBackoff,

		DialTimeout:  o.DialTimeout,
		ReadTimeout:  o.ReadTimeout,
		WriteTimeout: o.WriteTimeout,

		PoolFIFO:           o.PoolFIFO,
		PoolSize:           o.PoolSize,
		MaxConcurrentDials: o.MaxConcurrentDials,
		PoolTimeout:        o.PoolTimeout,
		MinIdleConns:       o.MinIdleConns,
		MaxIdleConns:       o.MaxIdleConns,
		MaxActiveConns:     o.MaxActiveConns,
		ConnMaxIdleTime:    o.ConnMaxIdleTime,
		ConnMaxLifetime:    o.ConnMaxLifetime,

		PipelineReadBufferSize:  o.PipelineReadBufferSize,
		PipelineWriteBufferSize: o.PipelineWriteBufferSize,
		PipelinePoolSize:        o.PipelinePoolSize,

		TLSConfig: o.TLSConfig,

		ContextTimeoutEnabled: true,
	}), nil
}

// isSentinelURL reports whether a REDIS_URL is of the Sentinel form (it
// names a master_name).
func isSentinelURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && u.Query().Has("master_name")
}

// isClusterURL reports whether a REDIS_URL is of the Cluster form (more
// seed nodes in addr, no master_name).
func isClusterURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && !u.Query().Has("master_name") && u.Query().Has("addr")
}

// RedisProtocol is the Redis protocol version madoguchi speaks unless
// REDIS_URL names one; see OpenRedis.
const RedisProtocol = 2

// redisURLError reports a bad REDIS_URL without repeating it or its password.
func redisURLError(raw string, u *url.URL, err error) error {
	msg := strings.ReplaceAll(err.Error(), raw, "REDIS_URL")
	if p, ok := u.User.Password(); ok && p != "" {
		msg = strings.ReplaceAll(msg, p, "xxxxx")
	}
	return fmt.Errorf("REDIS_URL: %s", msg)
}

// redisLocation describes where a REDIS_URL points, for the log: scheme and
// hosts, never the password.
func redisLocation(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "invalid"
	}
	return u.Scheme + "://" + u.Host
}

// EmbeddedClockTick is how often the embedded Redis's clock moves on. A
// key with a TTL expires within one tick of when Redis would expire it
// (early or late: miniredis subtracts the time elapsed since the last tick
// from every TTL), which is nothing beside the TTLs madoguchi sets (a minute
// to two days). Each tick is a pass over all keys under miniredis's lock,
// about 50 ms at 100,000 keys, hence not more often. (miniredis's ClockTTL
// instead does that pass on every command.)
const EmbeddedClockTick = time.Second

// embeddedRedis is the in-process Redis used without REDIS_URL: a miniredis
// whose TTLs run in real time, so that keys expire as they would on Redis.
// miniredis alone never expires a key unless told how much time passed.
type embeddedRedis struct {
	*miniredis.Miniredis
	stop chan struct{}
	done chan struct{}
}

// startEmbeddedRedis starts an in-process Redis on a free local port and
// drives its clock every tick until Close.
func startEmbeddedRedis(tick time.Duration) (*embeddedRedis, redis.UniversalClient, error) {
	mr := miniredis.NewMiniRedis()
	if err := mr.Start(); err != nil {
		return nil, nil, fmt.Errorf("start embedded Redis: %w", err)
	}
	e := &embeddedRedis{Miniredis: mr, stop: make(chan struct{}), done: make(chan struct{})}
	go e.runClock(tick)
	client := redis.NewUniversalClient(&redis.UniversalOptions{
		Addrs:                 []string{mr.Addr()},
		Protocol:              RedisProtocol,
		ContextTimeoutEnabled: true,
	})
	return e, client, nil
}

// runClock advances the TTLs of every key by the (monotonic) time elapsed
// since the last tick. TIME, and so the rate limiter's GCRA, already
// follows the wall clock.
func (e *embeddedRedis) runClock(tick time.Duration) {
	defer close(e.done)
	t := time.NewTicker(tick)
	defer t.Stop()
	last := time.Now()
	for {
		select {
		case <-e.stop:
			return
		case now := <-t.C:
			e.FastForward(now.Sub(last))
			last = now
		}
	}
}

// Close stops the clock and the server. It is safe to call more than once.
func (e *embeddedRedis) Close() {
	select {
	case <-e.stop:
	default:
		close(e.stop)
		<-e.done
	}
	e.Miniredis.Close()
}

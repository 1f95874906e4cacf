package main

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
)

// The settings madoguchi needs of Redis when it serves LINE: an
// append-only file, so that a restart keeps the events acknowledged to
// LINE and the conversations, and no eviction, so that memory pressure
// never drops a conversation's state or a queued event (Redis then
// refuses writes instead, and the webhook answers 503 for LINE to
// redeliver).
const (
	wantAppendOnly = "yes"
	wantPolicy     = "noeviction"
)

// DurabilityInterval is how often the server reads Redis's persistence
// settings again after the check at start (a failover or a CONFIG SET
// changes them).
const DurabilityInterval = time.Minute

// nodeDurability is what one Redis primary says of its persistence.
type nodeDurability struct {
	addr string // for the log only, never for /readyz
	// AppendOnly is "yes", "no" or "unknown".
	AppendOnly string `json:"appendonly"`
	// AppendFsync is "always", "everysec", "no" or "unknown" (INFO does
	// not tell it).
	AppendFsync string `json:"appendfsync"`
	// MaxmemoryPolicy is Redis's maxmemory-policy ("noeviction", …) or
	// "unknown".
	MaxmemoryPolicy string `json:"maxmemory_policy"`
	// Source is where it was read: "config" (CONFIG GET), "info" (INFO,
	// for a managed Redis that refuses CONFIG), or "none".
	Source string `json:"source"`
}

// Durability is the result of a check: every primary's settings and what
// they put at risk. Its JSON is /readyz's redis_durability.
type Durability struct {
	// Status is "ok", "at_risk" (a setting LINE needs is missing on a
	// primary), "unknown" (not every primary could be read) or "embedded".
	Status string `json:"status"`
	// LINE says whether a LINE channel is configured, which is what makes
	// a missing setting an error.
	LINE bool `json:"line"`
	// Staff says whether the staff console is in use (ADMIN_USER is set
	// or a staff account exists): a Redis that loses data then loses
	// published knowledge versions, accounts and the audit log, which
	// makes a missing setting an error too.
	Staff bool `json:"staff"`
	// Problems says, in English, for operators, what is at risk.
	Problems  []string         `json:"problems,omitempty"`
	Primaries []nodeDurability `json:"primaries,omitempty"`
	Checked   time.Time        `json:"checked"`
}

// reasons are the labels of the madoguchi_redis_durability_warning gauge.
var reasons = []string{"no_aof", "evicting", "unknown", "embedded"}

// durabilityCheck reads Redis's persistence settings at start and every
// DurabilityInterval, logs what puts LINE's guarantees at risk (at Error
// when LINE is configured) whenever it changes, and keeps the last result
// for /readyz and the gauge.
type durabilityCheck struct {
	rdb      redis.UniversalClient
	where    string // the log's name of a primary that is not a cluster node
	embedded bool
	line     bool
	staff    bool
	log      *slog.Logger
	now      func() time.Time
	gauge    *prometheus.GaugeVec

	mu   sync.Mutex
	last Durability
}

func newDurabilityCheck(rdb redis.UniversalClient, where string, embedded, line, staff bool, log *slog.Logger, now func() time.Time, reg prometheus.Registerer) (*durabilityCheck, error) {
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "madoguchi_redis_durability_warning",
		Help: "1 when a LINE channel is configured or the staff console is in use and Redis puts LINE's events or the published knowledge at risk, by reason: no_aof (appendonly is not yes on a primary), evicting (maxmemory-policy is not noeviction), unknown (the settings could not be read), embedded (the in-process Redis keeps nothing).",
	}, []string{"reason"})
	if err := reg.Register(g); err != nil {
		return nil, fmt.Errorf("register durability gauge: %w", err)
	}
	for _, r := range reasons {
		g.WithLabelValues(r).Set(0)
	}
	return &durabilityCheck{rdb: rdb, where: where, embedded: embedded, line: line, staff: staff, log: log, now: now, gauge: g}, nil
}

// Last returns the result of the last check.
func (d *durabilityCheck) Last() Durability {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.last
}

// run checks once at once, then every interval until ctx is done.
func (d *durabilityCheck) run(ctx context.Context, interval time.Duration) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			d.checkOnce(ctx)
		}
	}
}

// checkOnce reads the settings, records the result, and logs it when it
// differs from the last one.
func (d *durabilityCheck) checkOnce(ctx context.Context) Durability {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	r := d.read(ctx)
	d.mu.Lock()
	prev := d.last
	d.last = r
	d.mu.Unlock()
	for _, reason := range reasons {
		v := 0.0
		if (d.line || d.staff) && slices.Contains(reasonsOf(r), reason) {
			v = 1
		}
		d.gauge.WithLabelValues(reason).Set(v)
	}
	if r.Status != prev.Status || !slices.Equal(r.Problems, prev.Problems) {
		d.report(r)
	}
	return r
}

// report logs a result: an Error when LINE is configured and something
// is at risk or unknown, another when the staff console is in use, else
// Info.
func (d *durabilityCheck) report(r Durability) {
	var nodes []string
	for _, n := range r.Primaries {
		nodes = append(nodes, fmt.Sprintf("%s appendonly=%s appendfsync=%s maxmemory-policy=%s (from %s)", n.addr, n.AppendOnly, n.AppendFsync, n.MaxmemoryPolicy, n.Source))
	}
	attrs := []any{"status", r.Status, "primaries", nodes}
	if r.Status != "ok" && d.staff {
		d.log.Error("Redis persistence puts the staff console's published knowledge at risk: a Redis restart (or eviction) loses published versions, staff accounts and the audit log, and every server goes back to the knowledge it was built with; set appendonly yes and maxmemory-policy noeviction (README: Redis settings), and keep `kbctl export` backups",
			append(attrs, "problems", r.Problems)...)
		if !d.line {
			return
		}
	}
	switch {
	case r.Status == "ok":
		d.log.Info("Redis persistence suits LINE: appendonly yes, maxmemory-policy noeviction", attrs...)
	case d.line:
		d.log.Error("Redis persistence puts LINE at risk: events acknowledged to LINE can be lost; set appendonly yes and maxmemory-policy noeviction (README: Redis settings)",
			append(attrs, "problems", r.Problems)...)
	default:
		d.log.Info("Redis persistence: conversations can be lost (set appendonly yes and maxmemory-policy noeviction)", append(attrs, "problems", r.Problems)...)
	}
}

// reasonsOf returns the gauge's reasons a result holds.
func reasonsOf(r Durability) []string {
	var out []string
	switch r.Status {
	case "embedded":
		return []string{"embedded"}
	case "unknown":
		out = append(out, "unknown")
	}
	for _, n := range r.Primaries {
		if n.AppendOnly == "no" && !slices.Contains(out, "no_aof") {
			out = append(out, "no_aof")
		}
		if n.MaxmemoryPolicy != wantPolicy && n.MaxmemoryPolicy != "unknown" && !slices.Contains(out, "evicting") {
			out = append(out, "evicting")
		}
	}
	return out
}

// read asks every primary it can reach for its settings and judges them.
func (d *durabilityCheck) read(ctx context.Context) Durability {
	r := Durability{LINE: d.line, Staff: d.staff, Checked: d.now()}
	if d.embedded {
		r.Status = "embedded"
		r.Problems = []string{"the embedded Redis keeps everything in this process's memory: a restart loses every conversation and every LINE event not yet answered"}
		return r
	}
	var (
		mu    sync.Mutex
		nodes []nodeDurability
	)
	each := func(ctx context.Context, c *redis.Client, addr string) {
		n := readNode(ctx, c, addr)
		mu.Lock()
		nodes = append(nodes, n)
		mu.Unlock()
	}
	var err error
	if cc, ok := d.rdb.(*redis.ClusterClient); ok {
		err = cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error {
			each(ctx, c, c.Options().Addr)
			return nil
		})
	} else if c, ok := d.rdb.(*redis.Client); ok {
		each(ctx, c, d.where) // one server, or the primary the sentinels name
	} else {
		err = fmt.Errorf("a Redis client of type %T", d.rdb)
	}
	slices.SortFunc(nodes, func(a, b nodeDurability) int { return strings.Compare(a.addr, b.addr) })
	r.Primaries = nodes
	var noAOF, evicting, unknown []string
	for _, n := range nodes {
		if n.AppendOnly == "no" {
			noAOF = append(noAOF, n.addr)
		}
		if n.MaxmemoryPolicy != wantPolicy && n.MaxmemoryPolicy != "unknown" {
			evicting = append(evicting, n.MaxmemoryPolicy)
		}
		if n.AppendOnly == "unknown" || n.MaxmemoryPolicy == "unknown" {
			unknown = append(unknown, n.addr)
		}
	}
	if len(noAOF) > 0 {
		r.Problems = append(r.Problems, fmt.Sprintf("appendonly is not yes on %d of %d primaries: a Redis restart drops the LINE events already acknowledged with 200 and still queued, and every conversation", len(noAOF), len(nodes)))
	}
	if len(evicting) > 0 {
		r.Problems = append(r.Problems, fmt.Sprintf("maxmemory-policy is %s on %d of %d primaries: under memory pressure Redis evicts conversation state and LINE's queue and dedup keys (wrong or doubled answers)", strings.Join(slices.Compact(slices.Sorted(slices.Values(evicting))), ", "), len(evicting), len(nodes)))
	}
	switch {
	case err != nil || len(nodes) == 0:
		r.Status = "unknown"
		msg := "no primary answered"
		if err != nil {
			msg = "no primary answered: " + err.Error()
		}
		r.Problems = append(r.Problems, "the persistence settings could not be read ("+msg+")")
	case len(noAOF) > 0 || len(evicting) > 0:
		r.Status = "at_risk"
	case len(unknown) > 0:
		r.Status = "unknown"
		r.Problems = append(r.Problems, fmt.Sprintf("the persistence settings of %d of %d primaries could not be read (neither CONFIG GET nor INFO answered)", len(unknown), len(nodes)))
	default:
		r.Status = "ok"
	}
	return r
}

// readNode reads one primary's settings with CONFIG GET, or, where CONFIG
// is refused (managed Redis services often disable it), from INFO
// persistence and INFO memory; what neither tells is "unknown".
func readNode(ctx context.Context, c *redis.Client, addr string) nodeDurability {
	n := nodeDurability{addr: addr, AppendOnly: "unknown", AppendFsync: "unknown", MaxmemoryPolicy: "unknown", Source: "none"}
	pipe := c.Pipeline()
	aof := pipe.ConfigGet(ctx, "appendonly")
	fsync := pipe.ConfigGet(ctx, "appendfsync")
	policy := pipe.ConfigGet(ctx, "maxmemory-policy")
	_, _ = pipe.Exec(ctx)
	if aof.Err() == nil && policy.Err() == nil && aof.Val()["appendonly"] != "" && policy.Val()["maxmemory-policy"] != "" {
		n.Source = "config"
		n.AppendOnly, n.MaxmemoryPolicy = aof.Val()["appendonly"], policy.Val()["maxmemory-policy"]
		if v := fsync.Val()["appendfsync"]; fsync.Err() == nil && v != "" {
			n.AppendFsync = v
		}
		return n
	}
	pipe = c.Pipeline()
	persistence := pipe.Info(ctx, "persistence")
	memory := pipe.Info(ctx, "memory")
	_, _ = pipe.Exec(ctx)
	if persistence.Err() == nil {
		switch infoValue(persistence.Val(), "aof_enabled") {
		case "1":
			n.AppendOnly, n.Source = "yes", "info"
		case "0":
			n.AppendOnly, n.Source = "no", "info"
		}
	}
	if memory.Err() == nil {
		if v := infoValue(memory.Val(), "maxmemory_policy"); v != "" {
			n.MaxmemoryPolicy, n.Source = v, "info"
		}
	}
	return n
}

// infoValue returns field of an INFO answer, "" when absent.
func infoValue(info, field string) string {
	for _, l := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), field+":"); ok {
			return v
		}
	}
	return ""
}

package knowledge

import (
	"sync"
	"sync/atomic"
)

// Provider hands out the current validated knowledge; Set swaps it
// atomically. Every consumer (the dialog engine, the FAQ index, the API,
// the widget, the LINE channel) asks Current when a turn or a request
// begins and uses that one *KB to its end, so a turn in flight never
// mixes two versions and is never dropped by a swap.
//
// A *KB handed to Set must not be modified afterwards: readers share it
// without locks. Provider is safe for concurrent use.
type Provider struct {
	cur     atomic.Pointer[KB]
	version atomic.Uint64

	mu      sync.Mutex // serialises Set, so hooks see versions in order
	prepare []func(*KB)
}

// NewProvider returns a Provider serving kb (version 1). kb must not be nil.
func NewProvider(kb *KB) *Provider {
	if kb == nil {
		panic("knowledge.NewProvider: nil KB")
	}
	p := &Provider{}
	p.cur.Store(kb)
	p.version.Store(1)
	return p
}

// Current returns the knowledge to use for one turn or request. It never
// returns nil.
func (p *Provider) Current() *KB { return p.cur.Load() }

// Set makes kb the current knowledge. kb must come from Load (or LoadDir,
// LoadEmbedded), which validates it: the provider hands out only
// validated knowledge, and a version that fails validation never
// replaces the one being served. The functions registered with
// Prepare run on kb first (building its FAQ index, for instance), so the
// first turn on the new version does not pay for them; readers go on
// with the old version meanwhile. kb must not be nil.
func (p *Provider) Set(kb *KB) {
	if kb == nil {
		panic("knowledge.Provider.Set: nil KB")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, f := range p.prepare {
		f(kb)
	}
	p.cur.Store(kb)
	p.version.Add(1)
}

// Version counts the knowledge bases this Provider has served: 1 after
// NewProvider, one more after each Set. It is local to the process (the
// admin's published version numbers are its own).
func (p *Provider) Version() uint64 { return p.version.Load() }

// Prepare registers f to run on every KB before Set makes it current, and
// runs it on the current one now. f must be safe for concurrent use with
// readers of the current KB and should be idempotent (see KB.Derived).
func (p *Provider) Prepare(f func(*KB)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.prepare = append(p.prepare, f)
	f(p.cur.Load())
}

// Derived returns the value that build computes from kb, computing it at
// most once per KB and key: a structure derived from the knowledge (the
// FAQ index) lives and dies with the version it was built from. key
// should be an unexported type of the calling package, as for
// context.WithValue.
func (kb *KB) Derived(key any, build func() any) any {
	v, _ := kb.derived.LoadOrStore(key, &derivedValue{})
	d := v.(*derivedValue)
	d.once.Do(func() { d.v = build() })
	return d.v
}

type derivedValue struct {
	once sync.Once
	v    any
}

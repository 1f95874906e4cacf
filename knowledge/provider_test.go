package knowledge_test

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/madoguchi/madoguchi/knowledge"
)

func TestProviderSwapsAndPrepares(t *testing.T) {
	a, err := knowledge.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	b, err := knowledge.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	p := knowledge.NewProvider(a)
	if p.Current() != a || p.Version() != 1 {
		t.Fatalf("new provider: current %p version %d, want %p and 1", p.Current(), p.Version(), a)
	}
	var prepared []*knowledge.KB
	p.Prepare(func(kb *knowledge.KB) {
		// Runs before the swap: readers still see the old version.
		if len(prepared) > 0 && p.Current() == kb {
			t.Errorf("prepare ran after the swap")
		}
		prepared = append(prepared, kb)
	})
	p.Set(b)
	if p.Current() != b || p.Version() != 2 {
		t.Fatalf("after Set: current %p version %d, want %p and 2", p.Current(), p.Version(), b)
	}
	if len(prepared) != 2 || prepared[0] != a || prepared[1] != b {
		t.Fatalf("prepared %v, want the current KB at Prepare, then the one Set", prepared)
	}
}

func TestDerivedIsBuiltOncePerKB(t *testing.T) {
	a, err := knowledge.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	b, err := knowledge.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	type key struct{}
	var builds atomic.Int32
	build := func(kb *knowledge.KB) func() any {
		return func() any { builds.Add(1); return kb }
	}
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if a.Derived(key{}, build(a)) != a {
				t.Error("Derived(a) is not a's value")
			}
		}()
	}
	wg.Wait()
	if b.Derived(key{}, build(b)) != b {
		t.Error("Derived(b) is not b's value")
	}
	if n := builds.Load(); n != 2 {
		t.Fatalf("built %d times for two KBs, want 2", n)
	}
}

func TestEmbeddedHasNoUnusedFile(t *testing.T) {
	unused, err := knowledge.Unused(knowledge.Embedded())
	if err != nil || len(unused) > 0 {
		t.Fatalf("Unused(embedded) = %v, %v; want none", unused, err)
	}
}

package versions_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/internal/redistest"
	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/madoguchi/madoguchi/knowledge/versions"
)

// copyOf returns municipality from's unit renamed to id (its id and seed).
func copyOf(t *testing.T, s *versions.Store, from, id string) versions.Content {
	t.Helper()
	v, err := s.Latest(context.Background(), from)
	if err != nil {
		t.Fatal(err)
	}
	y := strings.Replace(v.YAML, "\nid: "+from+"\n", "\nid: "+id+"\n", 1)
	y = strings.Replace(y, "  seed: "+from+"\n", "  seed: "+id+"\n", 1)
	return versions.Content{YAML: y, Page: v.Page}
}

func TestAddUnit(t *testing.T) {
	rdb := redistest.Client(t)
	prefix := keyPrefix(t, rdb)
	s := newStore(t, rdb, prefix)
	other := newStore(t, rdb, prefix) // a second server on the same Redis
	target := newProvider(t)
	w := other.NewWatcher(target, 0)
	ctx := context.Background()

	c := copyOf(t, s, "nerima", "nerima_kita")
	v, err := s.AddUnit(ctx, "nerima_kita", c, "admin", "新しい自治体")
	if err != nil {
		t.Fatal(err)
	}
	if v.Number != 1 || v.Author != "admin" {
		t.Fatalf("added %+v", v)
	}
	if !s.Known("nerima_kita") || !slices.Contains(s.Units(), "nerima_kita") {
		t.Fatalf("Units = %v", s.Units())
	}
	got, err := s.Latest(ctx, "nerima_kita")
	if err != nil || got.Number != 1 || got.YAML != c.YAML || got.Page != c.Page || got.Author != "admin" {
		t.Fatalf("Latest = %+v, %v", got, err)
	}
	if l, err := s.List(ctx, "nerima_kita"); err != nil || len(l) != 1 || l[0].Number != 1 {
		t.Fatalf("List = %+v, %v", l, err)
	}
	// The other server learns of it at its next sync and serves it.
	if err := w.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	m := target.Current().Municipality("nerima_kita")
	if m == nil || m.Name != target.Current().Municipality("nerima").Name {
		t.Fatalf("the other server does not serve nerima_kita: %v", m)
	}
	if w.Served()["nerima_kita"] != 1 || !other.Known("nerima_kita") {
		t.Fatalf("served %v", w.Served())
	}
	// A later publish and a rollback work as on any unit.
	c2 := c
	c2.YAML = strings.Replace(c.YAML, "order: 3", "order: 9", 1)
	if v2, err := other.Publish(ctx, "nerima_kita", 1, c2, "admin", "順番"); err != nil || v2.Number != 2 {
		t.Fatalf("publish = %+v, %v", v2, err)
	}
	if v3, err := s.Rollback(ctx, "nerima_kita", 1, "admin", ""); err != nil || v3.Number != 3 {
		t.Fatalf("rollback = %+v, %v", v3, err)
	}
	if got, _ := s.Latest(ctx, "nerima_kita"); got.YAML != c.YAML {
		t.Fatal("the rollback did not bring version 1's YAML back")
	}

	// Added twice, a base id, national, a bad id, a YAML under another id, invalid content.
	if _, err := other.AddUnit(ctx, "nerima_kita", c, "admin", ""); !errors.Is(err, versions.ErrUnitExists) {
		t.Fatalf("twice: %v", err)
	}
	if _, err := s.AddUnit(ctx, "nerima", c, "admin", ""); !errors.Is(err, versions.ErrUnitExists) {
		t.Fatalf("base id: %v", err)
	}
	for _, id := range []string{"national", "Nerima", "../x", ""} {
		if _, err := s.AddUnit(ctx, id, c, "admin", ""); !errors.Is(err, versions.ErrBadUnitID) {
			t.Fatalf("%q: %v", id, err)
		}
	}
	var ve *knowledge.ValidationError
	if _, err := s.AddUnit(ctx, "nerima_minami", c, "admin", ""); !errors.As(err, &ve) {
		t.Fatalf("a YAML whose id is another: %v", err)
	}
	bad := copyOf(t, s, "nerima", "nerima_nishi")
	bad.Page = "何も書かれていないページ"
	if _, err := s.AddUnit(ctx, "nerima_nishi", bad, "admin", ""); !errors.As(err, &ve) || len(ve.Problems) == 0 {
		t.Fatalf("a page without the quotes: %v", err)
	}
	if s.Known("nerima_minami") || s.Known("nerima_nishi") {
		t.Fatalf("a refused unit was added: %v", s.Units())
	}
}

package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestScrapeSumsLabels reads the Prometheus text format as a replica
// serves it: a metric with labels is summed over them, others are ignored.
func TestScrapeSumsLabels(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`# HELP go_goroutines Number of goroutines.
# TYPE go_goroutines gauge
go_goroutines 42
go_memstats_heap_inuse_bytes 1.048576e+06
madoguchi_line_queue_depth{shard="0"} 3
madoguchi_line_queue_depth{shard="1"} 4
madoguchi_line_queue_depth_other 100
process_open_fds 9
`))
	}))
	defer srv.Close()
	m, err := scrape(context.Background(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"go_goroutines": 42, "go_memstats_heap_inuse_bytes": 1 << 20, "madoguchi_line_queue_depth": 7, "process_open_fds": 9}
	if len(m) != len(want) {
		t.Errorf("got %v, want %v", m, want)
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
}

func sampleOf(heap, goroutines, fds, depth, redisB float64) Sample {
	return Sample{Replica: []map[string]float64{{
		"go_memstats_heap_inuse_bytes": heap, "go_goroutines": goroutines,
		"process_open_fds": fds, "madoguchi_line_queue_depth": depth,
	}}, RedisB: redisB}
}

// TestJudge: a flat run passes; each kind of growth and each lost or
// doubled LINE answer is named.
func TestJudge(t *testing.T) {
	o := Options{Rate: 200}
	servers := []*Server{{Name: "replica1"}}
	first := sampleOf(20<<20, 300, 30, 0, 2<<20)
	mid := sampleOf(22<<20, 300, 30, 5, 4<<20)
	ok := &loadReport{OK: 1000, Answered: 1000}
	if p := judge(o, servers, first, mid, sampleOf(25<<20, 320, 40, 50, 6<<20), ok, 100, 1); len(p) != 0 {
		t.Errorf("flat run judged %q", p)
	}
	for _, c := range []struct {
		name string
		end  Sample
		rep  loadReport
		want string
	}{
		{"heap", sampleOf(60<<20, 300, 30, 5, 4<<20), *ok, "go_memstats_heap_inuse_bytes"},
		{"goroutines", sampleOf(22<<20, 500, 30, 5, 4<<20), *ok, "go_goroutines"},
		{"fds", sampleOf(22<<20, 300, 90, 5, 4<<20), *ok, "process_open_fds"},
		{"queue", sampleOf(22<<20, 300, 30, 1000, 4<<20), *ok, "queue depth"},
		{"redis", sampleOf(22<<20, 300, 30, 5, 20<<20), *ok, "Redis memory"},
		{"lost", mid, loadReport{OK: 1000, Answered: 999, Missing: 1}, "never answered"},
		{"twice", mid, func() loadReport { r := *ok; r.Fake.ReusedToken, r.Fake.PushAfterRefusal = 1, 1; return r }(), "answered twice"},
		{"webhook", mid, loadReport{OK: 1000, Answered: 1000, Errors: map[string]int64{"503": 2}}, "answered 503"},
	} {
		p := judge(o, servers, first, mid, c.end, &c.rep, 100, 0)
		if len(p) != 1 || !strings.Contains(p[0], c.want) {
			t.Errorf("%s: judged %q, want one problem naming %q", c.name, p, c.want)
		}
	}
	// A second reply refused for its used token, and no push after it:
	// the resident saw one answer.
	refused := *ok
	refused.Fake.ReusedToken = 3
	if p := judge(o, servers, first, mid, mid, &refused, 100, 0); len(p) != 0 {
		t.Errorf("replies refused for a used token, no push after them: judged %q", p)
	}
	if p := judge(o, servers, first, mid, mid, ok, 100, 2); len(p) != 1 || !strings.Contains(p[0], "chat turns failed") {
		t.Errorf("2 of 100 chat turns failed: judged %q", p)
	}
}

package main

import (
	"context"
	"net/http"
	"net/http/httptest"
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

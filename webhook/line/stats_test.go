package line_test

import (
	"testing"
	"time"
)

// TestQueueStats checks that QueueStats reports the events recorded and
// not yet answered, with the arrival of the oldest, and an empty queue
// once they are answered.
func TestQueueStats(t *testing.T) {
	e := newEnv(t)
	in := e.newInst(nil)
	arrived := e.clock()
	in.postSigned(t, fixture(t, "text"))
	e.setNow(arrived.Add(time.Second))
	in.postSigned(t, fixture(t, "postback"))

	stats, err := in.h.QueueStats(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(stats) != 8 {
		t.Fatalf("%d shards, want the 8 configured", len(stats))
	}
	var depth int64
	var oldest time.Time
	for _, s := range stats {
		depth += s.Depth
		if s.Depth == 0 && !s.Oldest.IsZero() || s.Depth > 0 && s.Oldest.IsZero() {
			t.Errorf("shard %d: depth %d, oldest %v", s.Shard, s.Depth, s.Oldest)
		}
		if !s.Oldest.IsZero() && (oldest.IsZero() || s.Oldest.Before(oldest)) {
			oldest = s.Oldest
		}
	}
	if depth != 2 || !oldest.Equal(arrived.Truncate(time.Millisecond)) {
		t.Errorf("depth %d oldest %v, want 2 events, the oldest arrived at %v", depth, oldest, arrived)
	}
	for _, s := range stats {
		if s.Oldest.Equal(oldest) {
			if age := s.Age(arrived.Add(10 * time.Second)); age < 9*time.Second || age > 10*time.Second {
				t.Errorf("age 10s after arrival = %v", age)
			}
		}
	}

	in.run()
	t.Cleanup(in.shutdown)
	e.wait(2)
	// The acknowledgement follows the result shortly: wait for it.
	deadline := time.Now().Add(10 * time.Second)
	for {
		stats, err = in.h.QueueStats(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		depth = 0
		for _, s := range stats {
			depth += s.Depth
		}
		if depth == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, s := range stats {
		if s.Depth != 0 || !s.Oldest.IsZero() || s.Age(time.Now()) != 0 {
			t.Errorf("after the answers, shard %d: depth %d oldest %v", s.Shard, s.Depth, s.Oldest)
		}
	}
}

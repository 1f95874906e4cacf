// Command soak is the bounded soak test (`make soak`, not in `make test`
// nor CI): it builds cmd/server and cmd/loadtest, starts a redis-server of
// its own on a free loopback port (appendonly yes; or uses REDIS_URL, under
// a key prefix of its own whose keys it deletes at the end), two server replicas on it with LINE channel
// secrets set and LINE_API_ENDPOINT at the load tool's fake Messaging API,
// and drives them for SOAK_DURATION (default 5m) with cmd/loadtest (users
// spread over both replicas) and web chat turns (POST /api/v1/chat,
// alternating replicas). Every -interval it samples each replica's
// /metrics (go_memstats_heap_inuse_bytes, go_goroutines, process_open_fds,
// madoguchi_line_queue_depth) and Redis INFO used_memory, prints a table
// (start / middle / end / drained) and exits non-zero when:
//
//   - a replica's heap in use, goroutines or open fds, or the queue depth,
//     at the end exceeds the middle's by more than 20 % plus a small slack
//     (heap 16 MiB, goroutines 64, fds 32, queue 2 s of load);
//   - Redis memory grew from the middle to the end by more than 1.5 times
//     what it grew from the start to the middle plus 8 MiB (it grows by
//     design: each LINE event's done mark is kept 48 hours, each web
//     session's state 24 hours; it must not accelerate);
//   - loadtest reports an event not answered within the grace, answered
//     twice (a push after a reply its fake refused for a used token, or a
//     duplicate push) or a webhook not answered 2xx (a reply refused for
//     a used token with no push after it is reported, not failed: the
//     resident saw one answer);
//   - more than 1 % of the web chat turns fail.
//
// With -memory it instead measures Redis memory per active web
// conversation and per LINE event kept for deduplication (README,
// "Measured").
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string) int {
	o, err := parseOptions(args)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		return 2
	}
	env, err := setUp(ctx, o)
	if env != nil {
		defer env.Close()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		return 1
	}
	if o.Memory {
		err = measureMemory(ctx, o, env)
	} else {
		err = soak(ctx, o, env)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak: FAIL:", err)
		return 1
	}
	return 0
}

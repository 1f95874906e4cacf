// Command loadtest measures a LINE bot the way LINE drives it: it starts
// a fake Messaging API on loopback, sends correctly signed webhooks for
// many users at a given concurrency to the bot, and reports throughput,
// the latency of the webhook answer and the latency from sending an event
// to the fake API receiving its reply.
//
//	go run ./cmd/loadtest -secret S -token T -fake-addr 127.0.0.1:18999 \
//	    -target http://127.0.0.1:8080/webhook/line/nerima \
//	    -users 1000 -concurrency 32 -duration 20s
//
// The bot must send its Messaging API calls to the fake API (for
// cmd/server and cmd/echobot: LINE_API_ENDPOINT=http://<fake-addr>).
// Only loopback targets are accepted. See README, "Measured".
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

// run parses args, runs one load and prints its report to stdout.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	opts, err := parseOptions(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	rep, err := Load(ctx, opts)
	if err != nil {
		return err
	}
	if opts.JSON {
		return rep.WriteJSON(stdout)
	}
	return rep.WriteTable(stdout)
}

// Command echobot is the smallest LINE echo bot on line-bot-sdk-go v8: it
// checks the signature, answers each text message with the same text
// through a synchronous reply, and keeps no state. It is the yardstick
// cmd/loadtest compares madoguchi's LINE channel with (README, "Measured").
//
//	PORT=8081 LINE_CHANNEL_SECRET=... LINE_CHANNEL_ACCESS_TOKEN=... \
//	LINE_API_ENDPOINT=http://127.0.0.1:18999 go run ./cmd/echobot
//
// Every variable can also be given as a flag (-port, -secret, -token,
// -endpoint). It serves POST /webhook/line/{anything}, the same path as
// the real server, so the load tool targets both the same way.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "echobot:", err)
		os.Exit(1)
	}
}

// run serves until ctx is done.
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	fs := flag.NewFlagSet("echobot", flag.ContinueOnError)
	fs.SetOutput(stderr)
	port := fs.String("port", or(getenv("PORT"), "8081"), "TCP port to listen on (env PORT)")
	secret := fs.String("secret", getenv("LINE_CHANNEL_SECRET"), "channel secret (env LINE_CHANNEL_SECRET)")
	token := fs.String("token", getenv("LINE_CHANNEL_ACCESS_TOKEN"), "channel access token (env LINE_CHANNEL_ACCESS_TOKEN)")
	endpoint := fs.String("endpoint", or(getenv("LINE_API_ENDPOINT"), "https://api.line.me"), "Messaging API base URL (env LINE_API_ENDPOINT)")
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return err
	}
	if *secret == "" || *token == "" {
		return errors.New("LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN are required")
	}
	h, err := NewHandler(*secret, *token, *endpoint, NewHTTPClient())
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("", *port))
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintf(stderr, "echobot: listening on %s\n", ln.Addr())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

// NewHTTPClient is the pooled client measured.md recommends: 64 idle
// connections per host (Go's default is 2) and a timeout.
func NewHTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 256
	tr.MaxIdleConnsPerHost = 64
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

// NewHandler returns the echo bot: POST /webhook/line/{anything}.
func NewHandler(secret, token, endpoint string, client *http.Client) (http.Handler, error) {
	api, err := messaging_api.NewMessagingApiAPI(token,
		messaging_api.WithEndpoint(endpoint),
		messaging_api.WithHTTPClient(client))
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /webhook/line/{channel}", func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
		cb, err := webhook.ParseRequest(secret, r)
		if err != nil {
			// The error may quote the body: never log or echo it.
			var tooBig *http.MaxBytesError
			switch {
			case errors.As(err, &tooBig):
				w.WriteHeader(http.StatusRequestEntityTooLarge)
			default:
				w.WriteHeader(http.StatusBadRequest)
			}
			return
		}
		for _, ev := range cb.Events {
			e, ok := ev.(webhook.MessageEvent)
			if !ok || e.ReplyToken == "" {
				continue
			}
			text, ok := e.Message.(webhook.TextMessageContent)
			if !ok {
				continue
			}
			if _, err := api.ReplyMessage(&messaging_api.ReplyMessageRequest{
				ReplyToken: e.ReplyToken,
				Messages:   []messaging_api.MessageInterface{messaging_api.TextMessage{Text: text.Text}},
			}); err != nil {
				log.Printf("echobot: reply failed: %v", err)
			}
		}
		w.WriteHeader(http.StatusOK)
	})
	return mux, nil
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Load starts the fake Messaging API, runs one load against o.Target and
// returns what it measured. It stops everything it started before
// returning.
func Load(ctx context.Context, o Options) (*Report, error) {
	tr := newTracker(o.Token)
	targets := o.targets
	if len(targets) == 0 { // Options built in code, not by parseOptions
		var err error
		if targets, err = parseTargets(o.Target); err != nil {
			return nil, err
		}
	}
	ln, err := net.Listen("tcp", o.FakeAddr)
	if err != nil {
		return nil, fmt.Errorf("fake Messaging API: %w", err)
	}
	fake := &http.Server{Handler: tr, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = fake.Serve(ln) }()
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = fake.Shutdown(sctx)
	}()
	if o.ready != nil {
		o.ready("http://" + ln.Addr().String())
	}

	client := &http.Client{
		Timeout: o.Timeout,
		Transport: &http.Transport{
			DialContext:         (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
			MaxIdleConns:        o.Concurrency * 2,
			MaxIdleConnsPerHost: o.Concurrency * 2,
			IdleConnTimeout:     30 * time.Second,
			DisableCompression:  true,
		},
	}
	defer client.CloseIdleConnections()

	run := rand.Uint64()
	users := make([]string, o.Users)
	for i := range users {
		users[i] = userID(run, i)
	}
	turns := make([]atomic.Int64, o.Users) // messages sent per user

	before, hostBefore := sampleProcs(o.Procs), sampleHost()
	loadCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	if o.Duration > 0 {
		loadCtx, cancel = context.WithTimeout(loadCtx, o.Duration)
		defer cancel()
	} else {
		loadCtx, cancel = context.WithTimeout(loadCtx, MaxDuration)
		defer cancel()
	}

	// With a rate, a ticker paces the workers: the load is then fixed,
	// whatever the bot's latency (an open loop, up to -concurrency).
	var pace <-chan time.Time
	if o.Rate > 0 {
		t := time.NewTicker(time.Duration(float64(time.Second) / o.Rate))
		defer t.Stop()
		pace = t.C
	}

	var next, msgID atomic.Uint64
	type result struct {
		latency  []time.Duration
		statuses map[string]int64
	}
	results := make([]result, o.Concurrency)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range o.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := &results[w]
			res.statuses = map[string]int64{}
			for loadCtx.Err() == nil {
				if pace != nil {
					select {
					case <-pace:
					case <-loadCtx.Done():
						return
					}
				}
				n := next.Add(1) - 1
				if o.Requests > 0 && n >= uint64(o.Requests) {
					return
				}
				u := int(n % uint64(o.Users))
				k := turns[u].Add(1) - 1
				s := &sent{user: users[u], token: randomToken(32)}
				now := time.Now()
				body, sig := textEvent(o.Destination, o.Secret, s.user, s.token, Dialog[k%int64(len(Dialog))], msgID.Add(1)+1e14, now)
				s.at = now
				tr.add(s)
				// The request runs under ctx, not loadCtx: the end of the
				// run stops sending, it does not cut off requests in flight.
				status, err := post(ctx, client, targets[u%len(targets)], body, sig)
				res.latency = append(res.latency, time.Since(now))
				switch {
				case err != nil && ctx.Err() != nil:
					// Interrupted (SIGINT): not an error of the bot.
					res.latency = res.latency[:len(res.latency)-1]
					res.statuses["cancelled"]++
				case err != nil:
					res.statuses["transport"]++
				default:
					res.statuses[strconv.Itoa(status)]++
				}
				tr.result(s, err == nil && status >= 200 && status < 300)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)

	// Wait for the replies still on their way (an asynchronous bot answers
	// after its webhook), at most Grace.
	graceEnd := time.Now().Add(o.Grace)
	missing := tr.missing()
	for missing > 0 && time.Now().Before(graceEnd) && ctx.Err() == nil {
		time.Sleep(20 * time.Millisecond)
		missing = tr.missing()
	}
	after, hostAfter := sampleProcs(o.Procs), sampleHost()

	rep := &Report{
		Target:      o.Target,
		Users:       o.Users,
		Concurrency: o.Concurrency,
		Seconds:     elapsed.Seconds(),
		Errors:      map[string]int64{},
		Missing:     missing,
	}
	var lat []time.Duration
	for _, r := range results {
		lat = append(lat, r.latency...)
		for k, v := range r.statuses {
			switch {
			case k == "cancelled":
				continue
			case k[0] == '2':
				rep.OK += v
			default:
				rep.Errors[k] += v
			}
			rep.Requests += v
		}
	}
	rep.EventsPerSec = float64(rep.OK) / elapsed.Seconds()
	rep.Webhook = summarize(lat)

	tr.mu.Lock()
	var toReply []time.Duration
	for _, s := range tr.all {
		if !s.replied.IsZero() {
			toReply = append(toReply, s.replied.Sub(s.at))
		}
	}
	last := tr.last
	tr.mu.Unlock()
	rep.Reply = summarize(toReply)
	rep.Answered = int64(len(toReply))
	if !last.IsZero() {
		rep.RepliesPerSec = float64(rep.Answered) / last.Sub(start).Seconds()
		if d := last.Sub(start.Add(elapsed)); d > 0 {
			rep.DrainMs = ms(d)
		}
	}
	rep.Fake = FakeCounts{
		Replies: tr.replies.Load(), Pushes: tr.pushes.Load(), Loading: tr.loading.Load(),
		AuthFailed: tr.authFailed.Load(), BadRequest: tr.badRequest.Load(),
		InvalidToken: tr.invalidToken.Load(), ReusedToken: tr.reusedToken.Load(), ExpiredToken: tr.expiredToken.Load(),
		PushAfterRefusal: tr.pushAfterRefusal.Load(),
		DuplicatePush:    tr.duplicatePush.Load(), UnmatchedPush: tr.unmatchedPush.Load(),
		Other: tr.other.Load(),
	}
	rep.Procs = procReport(o.Procs, before, after, rep.OK)
	rep.Host = hostReport(hostBefore, hostAfter)
	return rep, nil
}

func post(ctx context.Context, c *http.Client, target string, body []byte, sig string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "LineBotWebhook/2.0")
	req.Header.Set("X-Line-Signature", sig)
	res, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	_ = res.Body.Close()
	return res.StatusCode, nil
}

// summarize gives the percentiles of d (nearest rank), in milliseconds.
func summarize(d []time.Duration) Latency {
	if len(d) == 0 {
		return Latency{}
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	pct := func(p float64) float64 {
		i := int(p*float64(len(d))+0.999999) - 1
		i = max(0, min(i, len(d)-1))
		return ms(d[i])
	}
	return Latency{N: int64(len(d)), P50: pct(0.50), P90: pct(0.90), P99: pct(0.99), Max: ms(d[len(d)-1])}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

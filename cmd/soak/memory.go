package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// Conversations and events measureMemory adds.
const (
	memConversations = 2000
	memEvents        = 20000
	memLINEUsers     = 20
)

// measureMemory gives Redis's used_memory growth per active web
// conversation (a session two turns in: 更新したい, 35歳, its state kept
// 24 hours) and per LINE event (20 users whose state is already there, so
// the growth is what each event leaves behind: its done mark for
// deduplication, kept 48 hours). One replica, usage records off, a
// redis-server of its own.
func measureMemory(ctx context.Context, o Options, e *Env) error {
	used := func() (float64, int64, error) {
		s, err := e.sample(ctx, 0)
		if err != nil {
			return 0, 0, err
		}
		n, err := e.Redis.DBSize(ctx).Result()
		return s.RedisB, n, err
	}
	m0, k0, err := used()
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: 10 * time.Second}
	run := time.Now().UnixNano()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < memConversations; i += 8 {
				sess := fmt.Sprintf("mem-%d-%d", run, i)
				for _, text := range Dialog[:2] {
					body, _ := json.Marshal(map[string]string{"municipality": "nerima", "session_id": sess, "text": text})
					res, err := client.Post(e.Servers[0].URL+"/api/v1/chat", "application/json", bytes.NewReader(body))
					if err != nil {
						errs <- err
						return
					}
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode != http.StatusOK {
						errs <- fmt.Errorf("chat: %d", res.StatusCode)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	m1, k1, err := used()
	if err != nil {
		return err
	}
	fmt.Printf("web chat: %d conversations two turns in: used_memory %.1f → %.1f MiB, keys %d → %d: %.0f bytes a conversation\n",
		memConversations, m0/(1<<20), m1/(1<<20), k0, k1, (m1-m0)/memConversations)

	if _, err := e.runLoad(ctx, o, memLINEUsers, "-requests", "200", "-concurrency", "8"); err != nil {
		return err
	}
	m2, k2, err := used()
	if err != nil {
		return err
	}
	rep, err := e.runLoad(ctx, o, memLINEUsers, "-requests", fmt.Sprint(memEvents), "-concurrency", "16")
	if err != nil {
		return err
	}
	if rep.Missing > 0 || rep.OK != memEvents {
		return fmt.Errorf("LINE: %d accepted of %d, %d missing", rep.OK, memEvents, rep.Missing)
	}
	m3, k3, err := used()
	if err != nil {
		return err
	}
	fmt.Printf("LINE: %d events of %d users whose state was there: used_memory %.1f → %.1f MiB, keys %d → %d: %.0f bytes an event\n",
		memEvents, memLINEUsers, m2/(1<<20), m3/(1<<20), k2, k3, (m3-m2)/memEvents)
	return nil
}

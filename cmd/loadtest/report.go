package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Report is what one load run measured. Latencies are in milliseconds.
type Report struct {
	Target        string           `json:"target"`
	Users         int              `json:"users"`
	Concurrency   int              `json:"concurrency"`
	Seconds       float64          `json:"seconds"`        // sending time
	Requests      int64            `json:"requests"`       // webhook requests answered or failed
	OK            int64            `json:"ok"`             // answered 2xx
	Errors        map[string]int64 `json:"errors"`         // by status, or "transport"
	EventsPerSec  float64          `json:"events_per_sec"` // 2xx events per second of sending
	Webhook       Latency          `json:"webhook_ms"`     // sending to the webhook's answer
	Reply         Latency          `json:"reply_ms"`       // sending to the fake API receiving the answer
	Answered      int64            `json:"answered"`       // events answered (reply or push)
	RepliesPerSec float64          `json:"replies_per_sec"`
	DrainMs       float64          `json:"drain_ms"` // last answer after the last webhook
	Missing       int64            `json:"missing"`  // accepted events never answered within the grace
	Fake          FakeCounts       `json:"fake_api"`
	Procs         []ProcStat       `json:"procs,omitempty"`
	// Host is the whole machine's CPU over the run: what the measured
	// processes and the load generator did not use went to others (noise).
	Host HostCPU `json:"host"`
}

// HostCPU is CPU time spent on the whole machine and by this load
// generator over the run (sending and grace), in seconds.
type HostCPU struct {
	Cores       int     `json:"cores"`
	WallSeconds float64 `json:"wall_seconds"`
	BusySeconds float64 `json:"busy_seconds"` // all cores, all processes
	SelfSeconds float64 `json:"loadtest_seconds"`
}

// Latency is a distribution in milliseconds.
type Latency struct {
	N   int64   `json:"n"`
	P50 float64 `json:"p50"`
	P90 float64 `json:"p90"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

// FakeCounts is what the fake Messaging API received.
type FakeCounts struct {
	Replies      int64 `json:"replies"`
	Pushes       int64 `json:"pushes"`
	Loading      int64 `json:"loading"`
	AuthFailed   int64 `json:"auth_failed"`
	BadRequest   int64 `json:"bad_request"`
	InvalidToken int64 `json:"invalid_token"` // refused: a reply token never sent
	ReusedToken  int64 `json:"reused_token"`  // refused: a reply token used already
	ExpiredToken int64 `json:"expired_token"` // refused: a reply token past its minute
	// PushAfterRefusal counts the pushes that follow a reply refused for
	// a token used already: that event's second answer, which its
	// resident sees twice. A refusal without such a push is a second
	// attempt that LINE turned away, unseen by the resident.
	PushAfterRefusal int64 `json:"push_after_refusal"`
	DuplicatePush    int64 `json:"duplicate_push"`
	UnmatchedPush    int64 `json:"unmatched_push"`
	Other            int64 `json:"other"`
}

// ProcStat is one measured process over the run (sending and grace).
type ProcStat struct {
	Name          string  `json:"name"`
	PID           int     `json:"pid"`
	CPUSeconds    float64 `json:"cpu_seconds"`
	CPUPerEventUs float64 `json:"cpu_per_event_us"`
	RSSMiB        float64 `json:"rss_mib"`
	PeakRSSMiB    float64 `json:"peak_rss_mib"`
	Err           string  `json:"error,omitempty"`
}

// WriteJSON prints r as one JSON object.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteTable prints r for people.
func (r *Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	p := func(format string, a ...any) { fmt.Fprintf(tw, format+"\n", a...) }
	p("target\t%s", r.Target)
	p("users / concurrency\t%d / %d", r.Users, r.Concurrency)
	p("requests\t%d in %.1fs (%d ok)", r.Requests, r.Seconds, r.OK)
	p("errors\t%s", errorsText(r.Errors))
	p("throughput\t%.0f events/s", r.EventsPerSec)
	p("webhook answer ms\tp50 %.2f  p90 %.2f  p99 %.2f  max %.2f", r.Webhook.P50, r.Webhook.P90, r.Webhook.P99, r.Webhook.Max)
	p("webhook to reply ms\tp50 %.2f  p90 %.2f  p99 %.2f  max %.2f", r.Reply.P50, r.Reply.P90, r.Reply.P99, r.Reply.Max)
	p("answered\t%d (%.0f/s), last %.0f ms after sending ended", r.Answered, r.RepliesPerSec, r.DrainMs)
	p("missing replies\t%d", r.Missing)
	f := r.Fake
	p("fake API\treply %d, push %d, loading %d; refused: auth %d, bad %d, unknown reply token %d, reply token used already %d, expired %d, duplicate push %d; unmatched push %d, other %d",
		f.Replies, f.Pushes, f.Loading, f.AuthFailed, f.BadRequest, f.InvalidToken, f.ReusedToken, f.ExpiredToken, f.DuplicatePush, f.UnmatchedPush, f.Other)
	p("answered twice\t%d pushes after a reply refused for a used token", f.PushAfterRefusal)
	if h := r.Host; h.WallSeconds > 0 {
		p("host CPU\t%.1f of %d cores busy over %.1fs; this load generator %.1f cores", h.BusySeconds/h.WallSeconds, h.Cores, h.WallSeconds, h.SelfSeconds/h.WallSeconds)
	}
	for _, s := range r.Procs {
		if s.Err != "" {
			p("process %s (%d)\t%s", s.Name, s.PID, s.Err)
			continue
		}
		p("process %s (%d)\tCPU %.2fs, %.0f µs/event, RSS %.1f MiB (peak %.1f)", s.Name, s.PID, s.CPUSeconds, s.CPUPerEventUs, s.RSSMiB, s.PeakRSSMiB)
	}
	return tw.Flush()
}

func errorsText(m map[string]int64) string {
	if len(m) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s: %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

// procSample is a process's CPU time and memory at one moment.
type procSample struct {
	cpu          time.Duration
	rss, peakRSS int64 // bytes
	err          error
}

// clockTick is Linux's USER_HZ, the unit of utime and stime in
// /proc/<pid>/stat (100 on every common architecture).
const clockTick = 10 * time.Millisecond

func sampleProcs(ps []Proc) []procSample {
	out := make([]procSample, len(ps))
	for i, p := range ps {
		out[i] = sampleProc(p.PID)
	}
	return out
}

func sampleProc(pid int) procSample {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procSample{err: err}
	}
	// Fields after the command name, which is in parentheses and may hold spaces.
	i := strings.LastIndexByte(string(stat), ')')
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 13 {
		return procSample{err: fmt.Errorf("/proc/%d/stat: too few fields", pid)}
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64) // field 14
	st, _ := strconv.ParseInt(f[12], 10, 64) // field 15
	s := procSample{cpu: time.Duration(ut+st) * clockTick}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return procSample{err: err}
	}
	for _, line := range strings.Split(string(status), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		switch k {
		case "VmRSS":
			s.rss = kb << 10
		case "VmHWM":
			s.peakRSS = kb << 10
		}
	}
	return s
}

func procReport(ps []Proc, before, after []procSample, events int64) []ProcStat {
	out := make([]ProcStat, len(ps))
	for i, p := range ps {
		s := ProcStat{Name: p.Name, PID: p.PID}
		b, a := before[i], after[i]
		switch {
		case b.err != nil:
			s.Err = b.err.Error()
		case a.err != nil:
			s.Err = a.err.Error()
		default:
			cpu := a.cpu - b.cpu
			s.CPUSeconds = cpu.Seconds()
			if events > 0 {
				s.CPUPerEventUs = float64(cpu.Microseconds()) / float64(events)
			}
			s.RSSMiB = float64(a.rss) / (1 << 20)
			s.PeakRSSMiB = float64(a.peakRSS) / (1 << 20)
		}
		out[i] = s
	}
	return out
}

// hostSample is the machine's busy CPU time (all cores) and this
// process's, from /proc/stat and /proc/self/stat.
type hostSample struct {
	at         time.Time
	busy, self time.Duration
	cores      int
}

func sampleHost() hostSample {
	h := hostSample{at: time.Now(), self: sampleProc(os.Getpid()).cpu}
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return h
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) > 5 && f[0] == "cpu":
			var total int64
			for _, v := range f[1:] {
				n, _ := strconv.ParseInt(v, 10, 64)
				total += n
			}
			idle, _ := strconv.ParseInt(f[4], 10, 64)
			iowait, _ := strconv.ParseInt(f[5], 10, 64)
			h.busy = time.Duration(total-idle-iowait) * clockTick
		case len(f) > 0 && strings.HasPrefix(f[0], "cpu"):
			h.cores++
		}
	}
	return h
}

func hostReport(b, a hostSample) HostCPU {
	return HostCPU{Cores: a.cores, WallSeconds: a.at.Sub(b.at).Seconds(), BusySeconds: (a.busy - b.busy).Seconds(), SelfSeconds: (a.self - b.self).Seconds()}
}

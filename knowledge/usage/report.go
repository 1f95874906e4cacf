package usage

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/redis/go-redis/v9"
)

// MaxDays is the longest report: a year.
const MaxDays = 366

// Report is a municipality's usage over the last Days days, today (Japan)
// included.
type Report struct {
	Municipality string
	// Days are the days from the oldest to today, every day present (zero
	// counts where nothing was recorded or the figures expired).
	Days []Day
	// Totals sums Days.
	Totals Day
	// Situations, Topics and Questions are summed over the days, most
	// frequent first (ties by name).
	Situations []Count
	Topics     []Count
	Questions  []Count
}

// Day is one day's counts.
type Day struct {
	Date          bot.Date
	Conversations int64
	Checklists    int64
	FAQ           int64 // FAQ answers given
	Unanswered    int64 // questions the FAQ could not place, withheld ones included
	Withheld      int64 // unanswered questions counted without their text (PIN-like)
}

// Count is how often one situation, topic or question came up.
type Count struct {
	Name  string
	Count int64
}

// Report reads the last days days of municipality's usage (1 to MaxDays).
func (s *Store) Report(ctx context.Context, municipality string, days int) (Report, error) {
	if days < 1 || days > MaxDays {
		return Report{}, fmt.Errorf("usage: days must be from 1 to %d", MaxDays)
	}
	if municipality == "" || strings.ContainsAny(municipality, "{}") {
		return Report{}, errors.New("usage: bad municipality id")
	}
	today := bot.DateOf(s.cfg.Clock())
	type dayCmds struct {
		day                       *redis.MapStringStringCmd
		situations, topics, quest *redis.ZSliceCmd
	}
	pipe := s.cfg.Redis.Pipeline()
	cmds := make([]dayCmds, days)
	dates := make([]bot.Date, days)
	for i := range days {
		d := today.AddDays(i - days + 1)
		dates[i] = d
		cmds[i] = dayCmds{
			day:        pipe.HGetAll(ctx, s.key(municipality, kindDay, d)),
			situations: pipe.ZRangeWithScores(ctx, s.key(municipality, kindSituations, d), 0, -1),
			topics:     pipe.ZRangeWithScores(ctx, s.key(municipality, kindTopics, d), 0, -1),
			quest:      pipe.ZRangeWithScores(ctx, s.key(municipality, kindQuestions, d), 0, -1),
		}
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return Report{}, err
	}
	r := Report{Municipality: municipality, Totals: Day{}}
	sit, top, que := map[string]int64{}, map[string]int64{}, map[string]int64{}
	for i, c := range cmds {
		h := c.day.Val()
		n := func(f string) int64 { v, _ := strconv.ParseInt(h[f], 10, 64); return v }
		d := Day{Date: dates[i], Conversations: n(FieldConversations), Checklists: n(FieldChecklists),
			FAQ: n(FieldFAQ), Unanswered: n(FieldUnanswered), Withheld: n(FieldWithheld)}
		r.Days = append(r.Days, d)
		r.Totals.Conversations += d.Conversations
		r.Totals.Checklists += d.Checklists
		r.Totals.FAQ += d.FAQ
		r.Totals.Unanswered += d.Unanswered
		r.Totals.Withheld += d.Withheld
		for _, z := range c.situations.Val() {
			sit[z.Member.(string)] += int64(z.Score)
		}
		for _, z := range c.topics.Val() {
			top[z.Member.(string)] += int64(z.Score)
		}
		for _, z := range c.quest.Val() {
			que[z.Member.(string)] += int64(z.Score)
		}
	}
	r.Situations, r.Topics, r.Questions = sorted(sit), sorted(top), sorted(que)
	return r, nil
}

func sorted(m map[string]int64) []Count {
	out := make([]Count, 0, len(m))
	for k, v := range m {
		out = append(out, Count{Name: k, Count: v})
	}
	slices.SortFunc(out, func(a, b Count) int {
		if a.Count != b.Count {
			if a.Count > b.Count {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}

// Max returns the largest count of cs (0 when empty), for bar widths.
func Max(cs []Count) int64 {
	var m int64
	for _, c := range cs {
		m = max(m, c.Count)
	}
	return m
}

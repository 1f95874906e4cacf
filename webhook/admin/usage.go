package admin

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/madoguchi/madoguchi/knowledge/usage"
	"github.com/madoguchi/madoguchi/knowledge/versions"
	"github.com/madoguchi/madoguchi/webhook/admin/auth"
)

// UsageSource reads a municipality's usage figures (a *usage.Store).
type UsageSource interface {
	Report(ctx context.Context, municipality string, days int) (usage.Report, error)
}

// DefaultUsageDays is the period the usage page shows without ?days=.
const DefaultUsageDays = 30

// The usage page, read-only, for any account that may view the
// municipality (Config.Usage unset: 404):
//
//	GET /admin/usage                                  the municipalities the account may see
//	GET /admin/usage?municipality=nerima&days=30      per day conversations and checklists,
//	                                                  situations, FAQ topics, unanswered questions
//	GET /admin/usage?municipality=nerima&days=30&format=csv
//	    text/csv, header kind,date,item,count: one "day" row per day and
//	    figure (conversations, checklists, faq, unanswered,
//	    unanswered_withheld), then "situation", "topic" and "question" rows
//	    summed over the period, most frequent first.
func (a *Admin) usagePage(c *gin.Context) {
	if a.cfg.Usage == nil {
		a.render(c, http.StatusNotFound, "error.html", page{Title: "エラー", Error: "利用状況の記録はこのサーバーでは有効になっていません。"})
		return
	}
	acct := account(c)
	id := c.Query("municipality")
	if id == "" {
		var units []unitRow
		for _, u := range a.store.Units() {
			if u != versions.National && acct.Can(u, auth.Viewer) {
				units = append(units, unitRow{ID: u, Name: a.unitName(u)})
			}
		}
		a.render(c, http.StatusOK, "usage.html", page{Title: "利用状況", Data: usageView{Units: units}})
		return
	}
	if id == versions.National || !a.store.Known(id) {
		a.render(c, http.StatusNotFound, "error.html", page{Title: "エラー", Error: "その自治体はありません。"})
		return
	}
	if !acct.Can(id, auth.Viewer) {
		a.render(c, http.StatusForbidden, "error.html", page{Title: "エラー", Error: "この自治体の利用状況を見る権限がありません。"})
		return
	}
	days := DefaultUsageDays
	if s := c.Query("days"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > usage.MaxDays {
			a.render(c, http.StatusBadRequest, "error.html", page{Title: "エラー", Error: fmt.Sprintf("期間 (days) は 1 から %d までの日数で指定してください。", usage.MaxDays)})
			return
		}
		days = n
	}
	ctx, cancel := a.ctx(c)
	defer cancel()
	rep, err := a.cfg.Usage.Report(ctx, id, days)
	if err != nil {
		a.render(c, http.StatusServiceUnavailable, "error.html", page{Title: "エラー", Error: redisDownJA})
		return
	}
	if c.Query("format") == "csv" {
		c.Header("Content-Type", "text/csv; charset=utf-8")
		c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="usage-%s-%d.csv"`, id, days))
		c.Status(http.StatusOK)
		_ = writeUsageCSV(c.Writer, rep)
		return
	}
	name := a.unitName(id)
	a.render(c, http.StatusOK, "usage.html", page{Title: name + " の利用状況", Data: a.usageView(id, name, days, rep)})
}

// usageView is the usage page.
type usageView struct {
	Units    []unitRow // without a municipality: the ones to choose from
	ID, Name string
	DaysN    int
	Report   usage.Report
	Chart    usageChart
	From, To string
	Periods  []int // the periods offered as links
	// Sections are the bar lists: situations, FAQ topics, unanswered questions.
	Sections []usageSection
}

// usageSection is one bar list of the page.
type usageSection struct {
	ID, Title string
	Bars      []usageBar
}

// usageBar is one row of a bar list: a label, its count and the bar's
// width in percent of the largest.
type usageBar struct {
	Label string
	Count int64
	Pct   int
}

// usageChart is the inline SVG of conversations and checklists per day.
type usageChart struct {
	Width, Height int
	Bars          []usageChartDay
	Max           int64
}

type usageChartDay struct {
	X, ConvY, ConvH, ListY, ListH int
	Date                          string
	Conversations, Checklists     int64
}

const (
	chartHeight = 160
	chartDayW   = 18
)

func (a *Admin) usageView(id, name string, days int, rep usage.Report) usageView {
	v := usageView{ID: id, Name: name, DaysN: days, Report: rep, Periods: []int{7, 30, 90, 365},
		From: rep.Days[0].Date.String(), To: rep.Days[len(rep.Days)-1].Date.String()}
	var top int64 = 1
	for _, d := range rep.Days {
		top = max(top, d.Conversations, d.Checklists)
	}
	v.Chart = usageChart{Width: len(rep.Days) * chartDayW, Height: chartHeight, Max: top}
	for i, d := range rep.Days {
		ch := int(d.Conversations * chartHeight / top)
		lh := int(d.Checklists * chartHeight / top)
		v.Chart.Bars = append(v.Chart.Bars, usageChartDay{X: i * chartDayW, ConvY: chartHeight - ch, ConvH: ch,
			ListY: chartHeight - lh, ListH: lh, Date: d.Date.String(), Conversations: d.Conversations, Checklists: d.Checklists})
	}
	kb := a.cfg.Target.Current()
	v.Sections = []usageSection{
		{ID: "situations", Title: "チェックリストの内訳 (ケース別)", Bars: bars(rep.Situations, situationJA)},
		{ID: "topics", Title: "よく聞かれた質問 (FAQ の話題)", Bars: bars(rep.Topics, func(topic string) string {
			if t := kb.Topic(topic); t != nil && t.Title != "" {
				return t.Title + " (" + topic + ")"
			}
			return topic
		})},
		{ID: "questions", Title: "答えられなかった質問 (多い順)", Bars: bars(rep.Questions, func(q string) string { return q })},
	}
	return v
}

func bars(cs []usage.Count, label func(string) string) []usageBar {
	top := max(usage.Max(cs), 1)
	out := make([]usageBar, len(cs))
	for i, c := range cs {
		out[i] = usageBar{Label: label(c.Name), Count: c.Count, Pct: int(c.Count * 100 / top)}
	}
	return out
}

// situationJA names a situation (usage.SituationName) for staff.
func situationJA(name string) string {
	f := strings.Fields(name)
	if len(f) < 2 {
		return name
	}
	proc := map[string]string{"renewal": "更新", "issuance": "発行"}[f[0]]
	if proc == "" {
		proc = f[0]
	}
	s := proc + ": ルール " + f[1]
	if len(f) > 2 && f[2] == "uncovered" {
		s += " (ページに記載のないケース)"
	}
	return s
}

// writeUsageCSV writes rep as kind,date,item,count rows. A cell a
// spreadsheet would read as a formula (=, +, -, @, tab, CR first) is
// prefixed with an apostrophe: the questions are residents' text.
func writeUsageCSV(w http.ResponseWriter, rep usage.Report) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"kind", "date", "item", "count"})
	n := func(v int64) string { return strconv.FormatInt(v, 10) }
	for _, d := range rep.Days {
		ds := d.Date.String()
		for _, f := range []struct {
			item string
			v    int64
		}{{usage.FieldConversations, d.Conversations}, {usage.FieldChecklists, d.Checklists}, {usage.FieldFAQ, d.FAQ},
			{usage.FieldUnanswered, d.Unanswered}, {usage.FieldWithheld, d.Withheld}} {
			_ = cw.Write([]string{"day", ds, f.item, n(f.v)})
		}
	}
	for _, g := range []struct {
		kind string
		cs   []usage.Count
	}{{"situation", rep.Situations}, {"topic", rep.Topics}, {"question", rep.Questions}} {
		for _, c := range g.cs {
			_ = cw.Write([]string{g.kind, "", safeCell(c.Name), n(c.Count)})
		}
	}
	cw.Flush()
	return cw.Error()
}

func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

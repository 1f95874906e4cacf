package understand

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/bot"
)

func TestZZProbe(t *testing.T) {
	for _, l := range strings.Split(os.Getenv("PROBE"), "\n") {
		asking, text, ok := strings.Cut(l, "|")
		if !ok {
			continue
		}
		age := bot.AgeGroup("")
		if a, rest, ok := strings.Cut(asking, "@"); ok {
			asking, age = rest, bot.AgeGroup(a)
		}
		r := Read(text, Context{Asking: asking, Age: age, Today: bot.NewDate(2026, 12, 4)})
		fmt.Printf("%-15s %q\n   found=%v slots=%+v dk=%v holderOther=%v\n", asking, text, r.Found, r.Slots, r.DontKnow, r.HolderOther)
	}
}

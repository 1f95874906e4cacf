package understand_test

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/dialog/understand"
)

func TestZZProbe(t *testing.T) {
	f, _ := os.Open("/tmp/probe.txt")
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		a, txt, _ := strings.Cut(sc.Text(), " | ")
		r := understand.Understand(txt, a, bot.NewDate(2025, 5, 1), yokohama)
		t.Logf("%-15s %-30s → %s", a, txt, describe(r))
	}
}

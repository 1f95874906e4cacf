package understand_test

import (
	"testing"

	"github.com/madoguchi/madoguchi/dialog/understand"
)

func TestNormalize(t *testing.T) {
	for _, c := range []struct{ in, want, keep string }{
		{"２０２６年３月２４日", "2026年3月24日", "2026年3月24日"},
		{"ＡＢ１２ｃｄ", "ab12cd", "ab12cd"},
		{"  はい　　持って ます  ", "はい 持って ます", "はい 持って ます"},
		{"スキップ", "すきっぷ", "スキップ"},
		{"ﾘｾｯﾄ", "りせっと", "リセット"},
		{"は〜い", "はーい", "はーい"},
		{"は～～い", "はーい", "はーい"},
		{"はーーい", "はーい", "はーい"},
		{"な-い", "なーい", "なーい"},
		{"2026-03-24", "2026-03-24", "2026-03-24"},
		{"2026‐03−24", "2026-03-24", "2026-03-24"},
		{"いいえ、持ってます。", "いいえ,持ってます.", "いいえ,持ってます."},
		{"本当？！", "本当?!", "本当?!"},
		{"保土ヶ谷区", "保土け谷区", "保土ヶ谷区"},
		{"「はい」", "はい", "はい"},
		{"R8.3.24", "r8.3.24", "r8.3.24"},
		{"㋿8年", "令和8年", "令和8年"},
		{"\u200bはい\ufeff", "はい", "はい"},
		{"", "", ""},
	} {
		if got := understand.Normalize(c.in); got != c.want {
			t.Errorf("Normalize(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := understand.NormalizeKeepScript(c.in); got != c.keep {
			t.Errorf("NormalizeKeepScript(%q) = %q, want %q", c.in, got, c.keep)
		}
	}
}

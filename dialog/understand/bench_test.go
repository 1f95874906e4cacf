package understand_test

import (
	"testing"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/dialog/understand"
)

// BenchmarkUnderstand measures one turn's understanding over a mix of
// typical answers; a LINE turn's budget is a few hundred microseconds.
func BenchmarkUnderstand(b *testing.B) {
	inputs := []struct{ text, asking string }{
		{"はい", "has_notice"},
		{"いいえ、持ってます", "has_notice"},
		{"３５歳", "age_group"},
		{"娘の分を私が行きます", "visitor"},
		{"令和８年３月２４日", "expiry_date"},
		{"横浜市青葉区です", "ward"},
		{"結婚して名字が変わったので引っ越しもしました。照会書はまだ届いていません", "address_change"},
		{"AB12CD34", "visitor"},
	}
	today := bot.NewDate(2025, 5, 1)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		in := inputs[i%len(inputs)]
		understand.Understand(in.text, in.asking, today, yokohama)
	}
}

// BenchmarkNormalize measures the normalisation every matcher starts from.
func BenchmarkNormalize(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		understand.Normalize("　ﾏｲﾅﾝﾊﾞｰ　カードの　有効期限は　２０２６年３月２４日　です！")
	}
}

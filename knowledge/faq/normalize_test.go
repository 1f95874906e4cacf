package faq_test

import (
	"testing"

	"github.com/madoguchi/madoguchi/knowledge/faq"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"full-width digits and letters", "１５歳　ＯＫ", "15歳 ok"},
		{"half-width katakana", "ｺﾝﾋﾞﾆ", "こんびに"},
		{"katakana to hiragana", "マイナンバーカード", "まいなんばーかーど"},
		{"counter ヶ and カ", "3ヶ月 3カ月 3ヵ月 3か月", "3か月 3か月 3か月 3か月"},
		{"upper case", "e-Tax", "e tax"},
		{"punctuation runs become one space", "暗証番号、忘れた!?…どうしよう。", "暗証番号 忘れた どうしよう"},
		{"leading and trailing separators", "  「予約」は?  ", "予約 は"},
		{"iteration mark kept", "各々", "各々"},
		{"circled digit", "①", "1"},
		{"spaces between kana words dropped", "こうしん の　とき なに を もって いきますか？", "こうしんのときなにをもっていきますか"},
		{"spaces by kanji or Latin kept", "わたしは ベトナム人 です。 e-Tax です", "わたしはべとなむ人 です e tax です"},
		{"empty", "", ""},
		{"punctuation only", "。。。", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := faq.Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestNormalizeIdempotent: matching relies on normalising texts that may
// already be normalised (lexicon entries, stored phrasings).
func TestNormalizeIdempotent(t *testing.T) {
	for _, in := range []string{"ＡＢＣ　ｶﾀｶﾅ", "3ヶ月前の翌日", "e-Taxの登録", "暗証番号わすれちゃった!"} {
		once := faq.Normalize(in)
		if twice := faq.Normalize(once); twice != once {
			t.Errorf("Normalize(Normalize(%q)) = %q, want %q", in, twice, once)
		}
	}
}

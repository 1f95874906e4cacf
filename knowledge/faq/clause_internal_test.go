package faq

import "testing"

// TestAskingClause: the clause that asks is the last clause of a text
// that ends as a question; a one-clause question has none apart, and a
// text that does not end as a question has none.
func TestAskingClause(t *testing.T) {
	for text, want := range map[string]string{
		"父は入院中で、私が代理で行く場合、窓口には最低何回行くことになるんでしょう": "窓口には最低何回行くことになるんでしょう",
		"母が施設にいて、私が持っていけば当日で終わりますか":             "私が持っていけば当日で終わりますか",
		"土日の窓口って予約いるんですか？":                      "",
		"通知がきません。どうしよう":                         "",
	} {
		if got := askingClause(Normalize(text)); got != Normalize(want) {
			t.Errorf("askingClause(%q) = %q, want %q", text, got, Normalize(want))
		}
	}
}

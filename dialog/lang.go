package dialog

import (
	"unicode"

	"github.com/madoguchi/madoguchi/bot"
)

// chooseLang returns the conversation's language after in: the language
// the message asks for, when it asks for one; else the one chosen before;
// else, at the conversation's first text, English when that text is
// written in English and Japanese otherwise. Buttons (postbacks) choose
// nothing: a widget's opening start command says no word of the
// resident's.
func chooseLang(current bot.Lang, in input) bot.Lang {
	switch {
	case in.lang != "":
		return in.lang
	case current != "" || in.postback || in.text == "":
		return current
	case writtenInEnglish(in.text):
		return bot.LangEn
	}
	return bot.LangJa
}

// writtenInEnglish reports whether text is English: Latin letters (three
// or more, as understand's English rewriting asks) and no Japanese
// character. 「ID は？」 is Japanese; "Is it free?" is English.
func writtenInEnglish(text string) bool {
	letters := 0
	for _, r := range text {
		switch {
		case unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han):
			return false
		case r < unicode.MaxASCII && unicode.IsLetter(r):
			letters++
		}
	}
	return letters >= 3
}

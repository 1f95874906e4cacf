package dialog

import "github.com/madoguchi/madoguchi/bot"

// The language button (言語 / Language, bot.CommandLanguage): the resident
// chooses Japanese, やさしい日本語 or English at any point; the choice is the
// conversation's language from then on (State.Lang), and the question being
// asked is asked again in it.

// languageNames are the language buttons' words, each language's own name.
var languageNames = []struct {
	lang bot.Lang
	text bot.TextID
}{{bot.LangJa, bot.TextLangNameJa}, {bot.LangEasy, bot.TextLangNameEasy}, {bot.LangEn, bot.TextLangNameEn}}

// languageMenu asks which language, a button a language.
func (t *turn) languageMenu() bot.Reply {
	tx := t.tx()
	buttons := make([]bot.QuickReply, 0, len(languageNames))
	for _, l := range languageNames {
		buttons = append(buttons, bot.QuickReply{Label: tx.Get(l.text), Postback: bot.CommandLanguage.Postback + "=" + string(l.lang)})
	}
	t.tell(bot.TextLanguageWhich)
	return t.reply(buttons)
}

// setLanguage makes lang the conversation's language, says so in it, and
// asks the question being asked again (after the checklist: offers what
// comes after it; 「日本語で表示」 or the checklist asked again shows it in
// the new language).
func (t *turn) setLanguage(lang bot.Lang) bot.Reply {
	t.st.Lang = lang
	t.tell(bot.TextLanguageChanged)
	if t.st.Asking != "" {
		return t.ask(t.st.Asking, nil)
	}
	return t.resume(false)
}

package bot

// The texts of the LINE rich menu (deploy/richmenu, drawn and registered by
// cmd/richmenu, one menu per language): the chat bar's word, the tile
// that is not a command (窓口・電話), each tile's hint (the smaller line
// under its label) and what tapping it posts in the chat as the
// resident's message (displayText). The command tiles are labelled with
// their command's text (Command.Text).
const (
	TextRichMenuChatBar   TextID = "richmenu_chat_bar"
	TextRichMenuPhone     TextID = "richmenu_phone"
	TextRichMenuHintStart TextID = "richmenu_hint_start"
	TextRichMenuHintFAQ   TextID = "richmenu_hint_faq"
	TextRichMenuHintPhone TextID = "richmenu_hint_phone"
	TextRichMenuHintReset TextID = "richmenu_hint_reset"
	TextRichMenuSayStart  TextID = "richmenu_say_start"
	TextRichMenuSayFAQ    TextID = "richmenu_say_faq"
	TextRichMenuSayPhone  TextID = "richmenu_say_phone"
	TextRichMenuSayReset  TextID = "richmenu_say_reset"
)

// RichMenuAlias is the id of the rich menu alias of the menu in lang
// (madoguchi-ja, madoguchi-ja-x-easy, madoguchi-en): cmd/richmenu register
// points it at the menu it creates, and the LINE channel links a resident
// whose conversation is not in Japanese to the menu it names. LINE allows
// up to 32 characters of [A-Za-z0-9_-].
func RichMenuAlias(lang Lang) string { return "madoguchi-" + string(lang) }

func init() {
	for _, id := range []TextID{TextRichMenuChatBar, TextRichMenuPhone,
		TextRichMenuHintStart, TextRichMenuHintFAQ, TextRichMenuHintPhone, TextRichMenuHintReset,
		TextRichMenuSayStart, TextRichMenuSayFAQ, TextRichMenuSayPhone, TextRichMenuSayReset} {
		TextPlaceholders[id] = []string{}
	}
}

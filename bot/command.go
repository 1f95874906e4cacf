package bot

// Command is a thing a resident may do at any point of a conversation,
// with its button: Postback is the data a channel sends (a quick reply, a
// rich menu tile, a widget button), Text the id of the button's word in
// the knowledge's texts. Commands are declared here once; the dialog
// understands them, its quick replies, the widget's buttons (widget.js is
// given Commands as JSON when served) and the rich menu's tiles
// (deploy/richmenu, checked by its tests against the texts) send them.
type Command struct {
	Postback string `json:"postback"`
	Text     TextID `json:"text"`
}

// Label returns the button's word in t.
func (c Command) Label(t Texts) string { return t.Get(c.Text) }

// Button returns c as a quick reply labelled from t.
func (c Command) Button(t Texts) QuickReply {
	return QuickReply{Label: c.Label(t), Postback: c.Postback}
}

// The commands.
var (
	// CommandStart begins (again) from the first question, with the greeting.
	CommandStart = Command{Postback: "start", Text: TextCommandStart}
	// CommandReset forgets the answers and starts over (最初から).
	CommandReset = Command{Postback: "reset", Text: TextCommandReset}
	// CommandBack undoes the last answer (戻る).
	CommandBack = Command{Postback: "back", Text: TextCommandBack}
	// CommandFAQ lists the FAQ topics (よくある質問); "faq=<topic>" answers one.
	CommandFAQ = Command{Postback: "faq", Text: TextCommandFAQ}
	// CommandFix corrects an answer (答えを直す), offered with the
	// checklist's read-back of the answers; "fix=<slot>" asks that one
	// again and gives the checklist again.
	CommandFix = Command{Postback: "fix", Text: TextCommandFix}
	// CommandShowJapanese gives the conversation's last checklist again,
	// in Japanese (the page's own words), for the resident to show a
	// counter clerk, leaving the conversation in its language. Channels
	// offer it under a translated checklist: LINE's card as a postback
	// button; the widget shows the checklist's view_ja it already holds.
	CommandShowJapanese = Command{Postback: "show_ja", Text: TextCommandShowJapanese}
	// CommandLanguage lists the languages (言語 / Language);
	// "lang=<ja|ja-x-easy|en>" makes one the conversation's language, the
	// question asked again in it.
	CommandLanguage = Command{Postback: "lang", Text: TextCommandLanguage}
)

// Commands lists every command, for channels that offer them all.
var Commands = []Command{CommandStart, CommandReset, CommandBack, CommandFAQ, CommandFix, CommandShowJapanese, CommandLanguage}

// CommandFor returns the command whose postback is data.
func CommandFor(data string) (Command, bool) {
	for _, c := range Commands {
		if c.Postback == data {
			return c, true
		}
	}
	return Command{}, false
}

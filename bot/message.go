package bot

import (
	"context"
	"time"
)

// Channel names where a conversation happens; it is part of the state key.
type Channel string

// The channels.
const (
	ChannelWeb  Channel = "web"
	ChannelLINE Channel = "line"
)

// The limits of one incoming message, for every channel: MaxPostbackBytes
// is LINE's limit on postback data.
const (
	MaxTextRunes     = 1000
	MaxPostbackBytes = 300
)

// Message is one incoming turn from a resident, already translated by a channel.
type Message struct {
	Channel      Channel
	Municipality string
	// User is the LINE user id or the web session id. It is never logged as
	// is; see HashUser.
	User string
	// Exactly one of Text and Postback is set. Postback is the data of a
	// button the resident pressed (for example "visitor=self").
	Text     string
	Postback string
	// Time is when the resident sent the message; Today, when set, overrides
	// the date used by the rules engine (tests and the API's "today").
	Time  time.Time
	Today *Date
	// ID, when set, identifies the message in its conversation (LINE's
	// webhookEventId). A Responder given the ID of a turn it applied lately
	// does not apply it again and sets Reply.Repeat; for the latest such
	// turn it answers as it did then, so a channel may retry a message
	// whose reply it could not send.
	ID string
	// Lang, when set, is the language the resident chose (the API's lang,
	// a widget's data-lang, LINE's profile): the conversation is answered
	// in it from this turn on. Empty leaves the conversation's language,
	// which its first text in English makes English.
	Lang Lang
}

// Reply is what goes back for one Message.
type Reply struct {
	Messages     []OutMessage `json:"messages"`
	QuickReplies []QuickReply `json:"quick_replies"`
	// Asking is the slot the last message asks for, "" when none.
	Asking string `json:"asking"`
	Slots  Slots  `json:"slots"`
	// Done is true in the turn that gives the checklist.
	Done bool `json:"done"`
	// Lang is the language the reply is written in: its catalogue texts
	// (greetings, questions' frames, buttons); the knowledge's facts not
	// yet translated stay Japanese, marked by a note (TextJapaneseOnly).
	Lang Lang `json:"lang"`
	// Repeat is true when the Message's ID was a turn applied before:
	// nothing was applied, and the reply is that turn's again (the latest
	// turn) or empty (an older one).
	Repeat bool `json:"-"`
}

// OutMessage is one message of a Reply: a text or a checklist.
type OutMessage struct {
	Type string `json:"type"` // "text" or "checklist"
	Text string `json:"text,omitempty"`
	// TextJa is the Japanese original of a Text translated into the
	// reply's language ("" when Text is Japanese), for a counter clerk.
	TextJa    string     `json:"text_ja,omitempty"`
	Checklist *Checklist `json:"checklist,omitempty"`
}

// The OutMessage types.
const (
	OutText      = "text"
	OutChecklist = "checklist"
)

// QuickReply is a button offered with a reply. Label is at most 20
// characters (LINE's limit) and Postback at most MaxPostbackBytes.
type QuickReply struct {
	Label    string `json:"label"`
	Postback string `json:"postback"`
}

// Responder is the one interface a channel calls: the conversation engine.
type Responder interface {
	// Respond runs one dialog turn. Errors are *Error: CodeInvalid or
	// CodeNotFound for what the client sent, CodeUnavailable when state
	// storage is down (nothing was lost: the turn can be retried).
	Respond(ctx context.Context, m Message) (Reply, error)
	// Forget deletes everything stored about one user of one channel and
	// municipality (LINE's unfollow).
	Forget(ctx context.Context, ch Channel, municipality, user string) error
}

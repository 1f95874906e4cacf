// Package understand turns one free-text message from a resident into the
// dialog's vocabulary: a command (start over, go back), a PIN warning, an
// "I don't know", and the slot values the text states (bot.Slots).
//
// Everything here is a pure function of its arguments: no I/O, no clock (the
// caller passes today), and no municipality's facts (the caller passes the
// wards from the knowledge base). Understanding is deliberately lexical: a
// longest-match lexer over normalised text plus a few rules about Japanese
// word order, documented where they are applied. When a message is
// ambiguous the rule is to find nothing, so that the dialog asks again,
// rather than to guess a wrong slot.
package understand

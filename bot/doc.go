// Package bot is the vocabulary every part of madoguchi speaks: the slots of a
// resident's situation, the checklist the rules engine produces, an incoming
// message, the replies that go back, an error type with a code, and the one
// interface a channel (the LINE webhook, the web chat API) calls.
//
// bot imports nothing from the project; everything else imports bot.
package bot

package line

import (
	"encoding/json"

	"github.com/madoguchi/madoguchi/bot"
)

// ReplyBody returns the body of the reply request that answers token
// with r, encoded as send encodes it.
func ReplyBody(token string, r bot.Reply) ([]byte, error) {
	return json.Marshal(&replyRequest{ReplyToken: token, Messages: render(r)})
}

// EventKey returns the key of kind ("done", "out", "try") of the event
// eventID of chat in municipality.
func (h *Handler) EventKey(kind, municipality, chat, eventID string) string {
	return h.q.eventKey(kind, h.q.shardOf(municipality, chat).tag, eventID)
}

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

package line

import (
	"bytes"
	"encoding/json"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/madoguchi/madoguchi/bot"
)

// ReplyBody returns the body of the reply request that answers token
// with r, encoded as send encodes it.
func ReplyBody(token string, r bot.Reply) ([]byte, error) {
	// As ReplyMessageWithHttpInfo encodes it.
	var buf bytes.Buffer
	err := json.NewEncoder(&buf).Encode(&messaging_api.ReplyMessageRequest{ReplyToken: token, Messages: render(r)})
	return buf.Bytes(), err
}

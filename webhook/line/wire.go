package line

// The bodies of the Messaging API requests this package sends, as plain
// structs: encoding/json encodes one in a single pass. (The SDK's model
// types each have a MarshalJSON, and encoding/json re-scans the output of
// every nested one, once per level.) No type here may have a MarshalJSON.
//
// Each struct names the object of the API reference
// (https://developers.line.biz/en/reference/messaging-api/) it encodes.
// Type holds the object's "type" and must be set; the constructors in
// render.go and flex.go set it. Fields LINE may go without are omitempty;
// the others are always sent, at their zero value if unset, as the SDK
// sent them.

// replyRequest is the body of POST /v2/bot/message/reply.
type replyRequest struct {
	ReplyToken           string    `json:"replyToken"`
	Messages             []message `json:"messages"`
	NotificationDisabled bool      `json:"notificationDisabled"`
}

// pushRequest is the body of POST /v2/bot/message/push.
type pushRequest struct {
	To                   string    `json:"to"`
	Messages             []message `json:"messages"`
	NotificationDisabled bool      `json:"notificationDisabled"`
}

// message is a text message (Type "text": Text) or a Flex message (Type
// "flex": AltText and Contents).
type message struct {
	Type       string      `json:"type"`
	Text       string      `json:"text,omitempty"`
	AltText    string      `json:"altText,omitempty"`
	Contents   any         `json:"contents,omitempty"` // *flexBubble or *flexCarousel
	QuickReply *quickReply `json:"quickReply,omitempty"`
}

// quickReply is a message's quick reply buttons.
type quickReply struct {
	Items []quickReplyItem `json:"items"`
}

// quickReplyItem is one quick reply button (Type "action").
type quickReplyItem struct {
	Type   string `json:"type"`
	Action action `json:"action"`
}

// action is a postback action (Type "postback": Label, Data,
// DisplayText) or a URI action (Type "uri": Label, URI).
type action struct {
	Type        string `json:"type"`
	Label       string `json:"label,omitempty"`
	Data        string `json:"data,omitempty"`
	DisplayText string `json:"displayText,omitempty"`
	URI         string `json:"uri,omitempty"`
}

// flexCarousel is a Flex carousel (Type "carousel").
type flexCarousel struct {
	Type     string       `json:"type"`
	Contents []flexBubble `json:"contents"`
}

// flexBubble is a Flex bubble (Type "bubble").
type flexBubble struct {
	Type   string   `json:"type"`
	Header *flexBox `json:"header,omitempty"`
	Body   *flexBox `json:"body,omitempty"`
	Footer *flexBox `json:"footer,omitempty"`
}

// flexBox is a Flex box (Type "box").
type flexBox struct {
	Type     string `json:"type"`
	Layout   string `json:"layout"`
	Flex     int    `json:"flex"`
	Spacing  string `json:"spacing,omitempty"`
	Contents []any  `json:"contents"` // *flexText and *flexButton
}

// flexText is a Flex text (Type "text").
type flexText struct {
	Type     string `json:"type"`
	Text     string `json:"text"`
	Size     string `json:"size,omitempty"`
	Color    string `json:"color,omitempty"`
	Weight   string `json:"weight,omitempty"`
	Margin   string `json:"margin,omitempty"`
	Wrap     bool   `json:"wrap"`
	Flex     int    `json:"flex"`
	MaxLines int    `json:"maxLines"`
	Scaling  bool   `json:"scaling"`
}

// flexButton is a Flex button (Type "button").
type flexButton struct {
	Type    string `json:"type"`
	Action  action `json:"action"`
	Style   string `json:"style,omitempty"`
	Color   string `json:"color,omitempty"`
	Height  string `json:"height,omitempty"`
	Flex    int    `json:"flex"`
	Scaling bool   `json:"scaling"`
}

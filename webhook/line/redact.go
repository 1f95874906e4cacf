package line

import (
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/madoguchi/madoguchi/dialog/understand"
)

// redactPINs replaces, in place, the text of every text message event that
// looks like a PIN (understand.LooksLikePIN) with understand.RedactedPIN, in
// the raw event the queue stores as well as in its decoded head, so that a
// PIN never reaches Redis (nor its AOF or RDB files): the dialog reads the
// marker as a PIN and still warns the resident. The message's emojis and
// mention, which point into the text by offset, are dropped with it, and
// the event id decodeEvent derived from the original body (when LINE sent
// none) is written into the event, so that a redelivery is still
// recognised. An event that cannot be rewritten is an error; it is never
// stored as it was.
func redactPINs(raws []jsontext.Value, evs []event) error {
	for i := range evs {
		m := evs[i].Message
		if m == nil || m.Type != "text" || !understand.LooksLikePIN(m.Text) {
			continue
		}
		raw, err := redactedEvent(raws[i], evs[i].WebhookEventID)
		if err != nil {
			return err
		}
		raws[i], m.Text = raw, understand.RedactedPIN
	}
	return nil
}

// redactedEvent returns raw with its message's text replaced by the
// marker, and its webhookEventId set to id.
func redactedEvent(raw jsontext.Value, id string) (jsontext.Value, error) {
	var obj map[string]jsontext.Value
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, errNoEvents
	}
	var msg map[string]jsontext.Value
	if err := json.Unmarshal(obj["message"], &msg); err != nil {
		return nil, errNoEvents
	}
	text, _ := json.Marshal(understand.RedactedPIN)
	msg["text"] = text
	delete(msg, "emojis")
	delete(msg, "mention")
	b, err := json.Marshal(msg, json.Deterministic(true))
	if err != nil {
		return nil, errNoEvents
	}
	obj["message"] = b
	if b, err = json.Marshal(id); err != nil {
		return nil, errNoEvents
	}
	obj["webhookEventId"] = b
	if b, err = json.Marshal(obj, json.Deterministic(true)); err != nil {
		return nil, errNoEvents
	}
	return b, nil
}

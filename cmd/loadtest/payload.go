package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"time"
)

// Dialog is what each user says, in turn, over and over: a full turn of
// madoguchi's renewal dialog, its checklist, an unknown answer and a reset.
var Dialog = []string{"更新したい", "35歳", "夫が行きます", "持ってます", "変わってない", "わからない", "最初から"}

// The webhook body, field for field in the order LINE sends them.
type callback struct {
	Destination string      `json:"destination"`
	Events      []eventJSON `json:"events"`
}

type eventJSON struct {
	Type            string          `json:"type"`
	Message         textMessageJSON `json:"message"`
	WebhookEventID  string          `json:"webhookEventId"`
	DeliveryContext deliveryJSON    `json:"deliveryContext"`
	Timestamp       int64           `json:"timestamp"`
	Source          sourceJSON      `json:"source"`
	ReplyToken      string          `json:"replyToken"`
	Mode            string          `json:"mode"`
}

type textMessageJSON struct {
	Type       string `json:"type"`
	ID         string `json:"id"`
	QuoteToken string `json:"quoteToken"`
	Text       string `json:"text"`
}

type deliveryJSON struct {
	IsRedelivery bool `json:"isRedelivery"`
}

type sourceJSON struct {
	Type   string `json:"type"`
	UserID string `json:"userId"`
}

// textEvent builds one signed webhook body carrying one text message.
func textEvent(destination, secret, user, replyToken, text string, msgID uint64, now time.Time) (body []byte, signature string) {
	cb := callback{
		Destination: destination,
		Events: []eventJSON{{
			Type:            "message",
			Message:         textMessageJSON{Type: "text", ID: strconv.FormatUint(msgID, 10), QuoteToken: randomToken(64), Text: text},
			WebhookEventID:  ulid(now),
			DeliveryContext: deliveryJSON{IsRedelivery: false},
			Timestamp:       now.UnixMilli(),
			Source:          sourceJSON{Type: "user", UserID: user},
			ReplyToken:      replyToken,
			Mode:            "active",
		}},
	}
	body, err := json.Marshal(cb)
	if err != nil {
		panic(err) // plain strings and numbers: cannot fail
	}
	return body, sign(secret, body)
}

// sign is LINE's X-Line-Signature: base64(HMAC-SHA256(secret, body)).
func sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// userID is a LINE-shaped user id: "U" and 32 hex digits, distinct per
// run (run) and user (i).
func userID(run uint64, i int) string {
	var b [16]byte
	for k := 0; k < 8; k++ {
		b[k] = byte(run >> (8 * k))
	}
	for k := 0; k < 8; k++ {
		b[8+k] = byte(uint64(i) >> (8 * k))
	}
	return "U" + hex.EncodeToString(b[:])
}

// randomToken is n hex digits (n even) from a fast non-cryptographic
// source: unique enough for a load run, not secrets.
func randomToken(n int) string {
	b := make([]byte, n/2)
	for i := 0; i < len(b); i += 8 {
		v := rand.Uint64()
		for k := 0; k < 8 && i+k < len(b); k++ {
			b[i+k] = byte(v >> (8 * k))
		}
	}
	return hex.EncodeToString(b)
}

const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// ulid is a ULID as LINE's webhookEventId: 26 Crockford base32
// characters, a 48-bit millisecond time then 80 random bits.
func ulid(now time.Time) string {
	var out [26]byte
	ms := uint64(now.UnixMilli())
	for i := 9; i >= 0; i-- {
		out[i] = crockford[ms&31]
		ms >>= 5
	}
	hi, lo := rand.Uint64(), rand.Uint64()
	for i := 25; i >= 10; i-- {
		out[i] = crockford[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return string(out[:])
}

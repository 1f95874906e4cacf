// Package evalset holds the residents' evaluation corpus: slot answers,
// free questions and whole conversations written by people who had not read
// the understanding code (dialog/understand, knowledge/faq), from the five
// municipal pages and a description of the residents. Each row is labelled
// with the truth: the slot values the message states, the FAQ topic that
// answers it, or the resident's real situation.
//
// The corpus was split once, by a hash of each row's id, into a development
// half (Dev), which developers may read and tune on, and a held-out half
// (Holdout), scored only at the end of a piece of work and reported beside
// the development figure, never tuned on. Tests read the held-out half only
// when EnvHoldout is set.
//
// Only tests import this package; it is never part of the server.
package evalset

import (
	"bufio"
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/madoguchi/madoguchi/bot"
)

// EnvHoldout, set to 1, lets tests score the held-out half.
const EnvHoldout = "MADOGUCHI_HOLDOUT"

// Split names one half of the corpus.
type Split string

// The halves.
const (
	Dev     Split = "dev"
	Holdout Split = "holdout"
)

// SlotAnswer is one message sent while the bot asks a question.
type SlotAnswer struct {
	ID           string `json:"id"`
	Municipality string `json:"municipality"`
	// Known holds the slots the conversation already had, contract values
	// ("adult", "proxy", true, "2027-03-24").
	Known map[string]any `json:"known"`
	// Asking is the slot the bot's last question asked ("" for the first
	// message of a conversation).
	Asking string `json:"asking"`
	Text   string `json:"text"`
	// Expect holds every slot value the message states; a correction of a
	// known slot holds its new value.
	Expect   map[string]any `json:"expect"`
	DontKnow bool           `json:"dont_know"`
	Kind     string         `json:"kind"`
}

// Question is one free question and the FAQ topic that answers it ("-":
// not a question for the bot, which must not answer it as one).
type Question struct {
	ID           string `json:"id"`
	Municipality string `json:"municipality"`
	Text         string `json:"text"`
	Topic        string `json:"topic"`
	Ward         string `json:"ward"`
}

// Conversation is one resident from the first message to the checklist.
type Conversation struct {
	ID           string `json:"id"`
	Municipality string `json:"municipality"`
	Persona      string `json:"persona"`
	// Truth is the resident's real situation, contract values; expiry_date
	// is null when the resident does not know it.
	Truth   map[string]any `json:"truth"`
	Opening string         `json:"opening"`
	// Answers holds what the resident types when asked each slot.
	Answers map[string]string `json:"answers"`
}

//go:embed testdata/*.jsonl
var files embed.FS

// SlotAnswers returns the slot answers of split.
func SlotAnswers(tb testing.TB, split Split) []SlotAnswer {
	return read[SlotAnswer](tb, "slots", split)
}

// Questions returns the free questions of split.
func Questions(tb testing.TB, split Split) []Question {
	return read[Question](tb, "questions", split)
}

// Conversations returns the conversations of split.
func Conversations(tb testing.TB, split Split) []Conversation {
	return read[Conversation](tb, "conversations", split)
}

// HoldoutAllowed reports whether the held-out half may be scored now, and
// skips tb when it may not.
func HoldoutAllowed(tb testing.TB) bool {
	tb.Helper()
	if os.Getenv(EnvHoldout) != "1" {
		tb.Skipf("the held-out half is scored only at the end of a piece of work: set %s=1", EnvHoldout)
		return false
	}
	return true
}

func read[T any](tb testing.TB, name string, split Split) []T {
	tb.Helper()
	path := fmt.Sprintf("testdata/%s.%s.jsonl", name, split)
	raw, err := files.ReadFile(path)
	if err != nil {
		tb.Fatalf("evalset: %v", err)
	}
	var out []T
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var v T
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&v); err != nil {
			tb.Fatalf("evalset: %s:%d: %v", path, line, err)
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		tb.Fatalf("evalset: %s: %v", path, err)
	}
	return out
}

// SlotsOf reads labelled slot values (contract names and values; a JSON
// null or a missing key is unknown).
func SlotsOf(m map[string]any) (bot.Slots, error) {
	var s bot.Slots
	for k, v := range m {
		if v == nil {
			continue
		}
		str, isStr := v.(string)
		b, isBool := v.(bool)
		switch {
		case k == bot.SlotAgeGroup && isStr:
			s.AgeGroup = bot.AgeGroup(str)
		case k == bot.SlotVisitor && isStr:
			s.Visitor = bot.Visitor(str)
		case k == bot.SlotHasNotice && isBool:
			s.HasNotice = bot.Bool(b)
		case k == bot.SlotAddressChange && isBool:
			s.AddressChange = bot.Bool(b)
		case k == bot.SlotExpiryDate && isStr:
			d, err := bot.ParseDate(str)
			if err != nil {
				return s, fmt.Errorf("%s: %w", k, err)
			}
			s.ExpiryDate = &d
		case k == bot.SlotWard && isStr:
			s.Ward = str
		case k == bot.SlotMoveAtVisit && isBool:
			s.MoveAtVisit = bot.Bool(b)
		default:
			return s, fmt.Errorf("label %s=%v is not a slot value", k, v)
		}
	}
	return s, s.Validate()
}

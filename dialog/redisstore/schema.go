package redisstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/dialog"
)

// A stored value is the JSON of dialog.State, whose "v" field is the schema
// version that wrote it. Loading runs the value through upgrades, one step
// per version, until it reaches dialog.SchemaVersion; a release that changes
// State bumps SchemaVersion and appends a step here.
//
// Version 0 (no "v", or "v":0) is the pre-release format, written by the
// trial run before SchemaVersion existed. It kept the slots flat at the top
// level, beside the other fields, which already had their present names:
//
//	{"age_group":"adult","visitor":"self","has_notice":true,
//	 "address_change":false,"expiry_date":"2025-07-07","ward":"",
//	 "asking":"has_notice","history":["age_group","visitor"],
//	 "turns":2,"updated":"2025-05-01T10:00:00+09:00"}
//
// Version 1 nests them under "slots" and adds "v":1.
var upgrades = []func(map[string]json.RawMessage) error{
	0: upgradeV0,
}

// slotFields are the JSON names of bot.Slots' fields, flat in version 0.
var slotFields = []string{"age_group", "visitor", "has_notice", "address_change", "expiry_date", "ward"}

func upgradeV0(m map[string]json.RawMessage) error {
	slots := make(map[string]json.RawMessage)
	for _, f := range slotFields {
		if v, ok := m[f]; ok {
			slots[f] = v
			delete(m, f)
		}
	}
	if _, ok := m["slots"]; !ok {
		b, err := json.Marshal(slots)
		if err != nil {
			return err
		}
		m["slots"] = b
	}
	return nil
}

func init() {
	// A release that bumps SchemaVersion without a step would load new
	// states as old ones; fail at start-up, not on a resident.
	if len(upgrades) != dialog.SchemaVersion {
		panic(fmt.Sprintf("redisstore: %d schema upgrades for SchemaVersion %d", len(upgrades), dialog.SchemaVersion))
	}
}

// decode turns a stored value into a State at dialog.SchemaVersion. A
// missing value is a zero State. A value from a newer release is an error
// (ErrNewerSchema) so it is not overwritten. A corrupt value (not JSON, wrong
// types, a date that does not exist, a negative version) is discarded: the
// conversation starts over rather than failing on every turn until the key
// expires. Only the kind of damage is logged, never the value or the user.
func (s *Store) decode(key dialog.Key, raw string, exists bool) (dialog.State, error) {
	if !exists {
		return dialog.State{}, nil
	}
	st, err := parse([]byte(raw))
	if err == nil {
		return st, nil
	}
	if newer, ok := err.(newerError); ok {
		return dialog.State{}, fmt.Errorf("redisstore: state has v=%d, this release reads up to %d: %w: %w",
			int(newer), dialog.SchemaVersion, ErrNewerSchema, dialog.ErrUnavailable)
	}
	s.opts.Logger.Warn("redisstore: discarding corrupt dialog state",
		slog.String("channel", string(key.Channel)),
		slog.String("municipality", key.Municipality),
		slog.String("user_hash", bot.HashUser(key.User)),
		slog.String("damage", fmt.Sprintf("%T", err)),
		slog.Int("bytes", len(raw)))
	return dialog.State{}, nil
}

// newerError is the version of a state written by a newer release.
type newerError int

func (e newerError) Error() string { return fmt.Sprintf("schema version %d is newer", int(e)) }

// parse decodes and upgrades one stored value.
func parse(raw []byte) (dialog.State, error) {
	var head struct {
		V int `json:"v"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return dialog.State{}, err
	}
	switch {
	case head.V > dialog.SchemaVersion:
		return dialog.State{}, newerError(head.V)
	case head.V < 0:
		return dialog.State{}, fmt.Errorf("negative schema version %d", head.V)
	case head.V < dialog.SchemaVersion:
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			return dialog.State{}, err
		}
		if m == nil {
			return dialog.State{}, errors.New("state is JSON null")
		}
		for v := head.V; v < dialog.SchemaVersion; v++ {
			if err := upgrades[v](m); err != nil {
				return dialog.State{}, fmt.Errorf("upgrade from v%d: %w", v, err)
			}
		}
		var err error
		if raw, err = json.Marshal(m); err != nil {
			return dialog.State{}, err
		}
	}
	var st dialog.State
	if err := json.Unmarshal(raw, &st); err != nil {
		return dialog.State{}, err
	}
	st.Version = dialog.SchemaVersion
	return st, nil
}

func encode(st dialog.State) (string, error) {
	b, err := json.Marshal(st)
	return string(b), err
}

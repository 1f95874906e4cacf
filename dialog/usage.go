package dialog

import (
	"context"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/knowledge/usage"
)

// recordUsage tells Config.Usage what the applied turn t did: whether it
// began a conversation, the checklist it gave, the FAQ topics it answered
// and the question it could not place. t is nil for a channel's retry of a
// turn already applied, which is not counted again. The recorder only
// queues the event: it never slows or fails the turn.
func (e *Engine) recordUsage(ctx context.Context, msg bot.Message, t *turn, reply bot.Reply) {
	if e.usage == nil || t == nil {
		return
	}
	u := t.used
	u.Municipality, u.Channel = t.m.ID, msg.Channel
	for _, m := range reply.Messages {
		if m.Type == bot.OutChecklist && m.Checklist != nil && !t.reshown {
			c := m.Checklist
			u.Checklist = &usage.Situation{Rule: c.Rule, Procedure: string(c.Procedure), Covered: c.Covered}
		}
	}
	e.usage.Record(ctx, u)
}

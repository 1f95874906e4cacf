package bot

import "context"

// ViaAPI is the Via of a web-channel turn that did not come from a browser
// (an integrator's client calling /api/v1/chat directly).
const ViaAPI = "api"

type viaKey struct{}

// WithVia returns ctx marking the turns run under it as coming through
// via (ViaAPI), for metrics only: a Responder keys the conversation's state
// by Message.Channel, never by via.
func WithVia(ctx context.Context, via string) context.Context {
	return context.WithValue(ctx, viaKey{}, via)
}

// Via returns what WithVia put in ctx, "" when nothing.
func Via(ctx context.Context) string {
	v, _ := ctx.Value(viaKey{}).(string)
	return v
}

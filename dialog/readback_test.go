package dialog_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/dialog"
)

// answerAll answers, by button, every question the dialog asks from
// answers (slot to postback value), until the checklist, and returns the
// checklist's reply.
func answerAll(t *testing.T, e *dialog.Engine, user string, r bot.Reply, answers map[string]string) bot.Reply {
	t.Helper()
	for i := 0; !r.Done; i++ {
		v, ok := answers[r.Asking]
		if !ok || i > 10 {
			t.Fatalf("asked %q, no answer for it (%v)", r.Asking, texts(r))
		}
		r = say(t, e, user, "", r.Asking+"="+v)
	}
	return r
}

func postbacks(qs []bot.QuickReply) []string {
	var out []string
	for _, q := range qs {
		out = append(out, q.Postback)
	}
	return out
}

// TestReadbackAndFix: the checklist comes after a line that reads the
// answers back as the dialog understood them, with 答えを直す; fix lists
// the answers, fix=visitor asks who goes again and keeps the rest, and
// the new answer gives the checklist for the corrected situation (here a
// proxy without the form, two visits, corrected to the holder, one).
func TestReadbackAndFix(t *testing.T) {
	e, _, _ := newEngine(t, nil)
	const user = "readback-1"
	r := say(t, e, user, "", bot.CommandStart.Postback)
	r = answerAll(t, e, user, r, map[string]string{
		bot.SlotAgeGroup: "adult", bot.SlotVisitor: "proxy", bot.SlotHasNotice: "false",
		bot.SlotAddressChange: "false", bot.SlotExpiryDate: "2026-03-24",
	})
	c := checklistOf(r)
	if c == nil || c.Visits != 2 {
		t.Fatalf("proxy without the form: checklist %+v, want 2 visits", c)
	}
	all := strings.Join(texts(r), "\n")
	want := "お伺いした内容：15歳以上の方のカード・代理人の方が窓口へ（ご本人は行かない）・照会書兼回答書なし・住所・氏名などの変更なし・有効期限2026年3月24日(火)"
	if !strings.Contains(all, want) {
		t.Errorf("the read-back is missing or wrong; want %q in:\n%s", want, all)
	}
	if !slices.Contains(postbacks(r.QuickReplies), bot.CommandFix.Postback) {
		t.Errorf("no 答えを直す after the checklist: %v", r.QuickReplies)
	}

	r = say(t, e, user, "", bot.CommandFix.Postback)
	wantMenu := []string{"fix=age_group", "fix=visitor", "fix=has_notice", "fix=address_change", "fix=expiry_date"}
	if got := postbacks(r.QuickReplies); !slices.Equal(got, wantMenu) {
		t.Errorf("fix menu %v, want %v", got, wantMenu)
	}
	r = say(t, e, user, "", "fix=visitor")
	if r.Asking != bot.SlotVisitor || r.Slots.Visitor != "" || r.Slots.AgeGroup != bot.AgeAdult || r.Slots.HasNotice == nil {
		t.Fatalf("fix=visitor: asking %q, slots %+v; want who goes asked again, the rest kept", r.Asking, r.Slots)
	}
	r = say(t, e, user, "", "visitor=self")
	c = checklistOf(r)
	if c == nil || c.Visits != 1 || r.Slots.Visitor != bot.VisitorSelf {
		t.Fatalf("after the correction: checklist %+v, slots %+v; want the holder's, one visit", c, r.Slots)
	}
	if all := strings.Join(texts(r), "\n"); !strings.Contains(all, "ご本人が窓口へ") || strings.Contains(all, "代理人の方が窓口へ") {
		t.Errorf("the read-back after the correction:\n%s", all)
	}
}

// TestFixAgeForgetsLegalRep: a holder's age corrected from under 15 to 15
// or over forgets a legal representative going alone (only a child or an
// adult ward has one), so who goes is asked again.
func TestFixAgeForgetsLegalRep(t *testing.T) {
	e, _, _ := newEngine(t, nil)
	const user = "readback-2"
	r := say(t, e, user, "", bot.CommandStart.Postback)
	r = answerAll(t, e, user, r, map[string]string{
		bot.SlotAgeGroup: "under15", bot.SlotVisitor: "legal_rep", bot.SlotHasNotice: "true",
		bot.SlotAddressChange: "false", bot.SlotExpiryDate: "unknown",
	})
	r = say(t, e, user, "", "fix=age_group")
	if r.Asking != bot.SlotAgeGroup {
		t.Fatalf("fix=age_group asks %q", r.Asking)
	}
	r = say(t, e, user, "", "age_group=adult")
	if r.Asking != bot.SlotVisitor || r.Slots.Visitor != "" {
		t.Errorf("after the age corrected to adult: asking %q, visitor %q; want who goes asked again", r.Asking, r.Slots.Visitor)
	}
}

// TestFixRefusesUnknownSlot: fix=<not a slot> is a client's error, not a
// silent restart.
func TestFixRefusesUnknownSlot(t *testing.T) {
	e, _, _ := newEngine(t, nil)
	say(t, e, "readback-3", "", bot.CommandStart.Postback)
	today := bot.NewDate(2026, time.January, 10)
	_, err := e.Respond(context.Background(), bot.Message{Channel: bot.ChannelWeb, Municipality: "nerima",
		User: "readback-3", Postback: "fix=pin", Today: &today})
	if bot.ErrorCode(err) != bot.CodeInvalid {
		t.Errorf("fix=pin: %v, want invalid", err)
	}
}

// TestReadbackInEnglish: the read-back is in the conversation's language,
// with the Japanese beside it.
func TestReadbackInEnglish(t *testing.T) {
	e, _, _ := newEngine(t, nil)
	const user = "readback-4"
	today := bot.NewDate(2026, time.January, 10)
	r, err := e.Respond(context.Background(), bot.Message{Channel: bot.ChannelWeb, Municipality: "nerima",
		User: user, Postback: bot.CommandStart.Postback, Lang: bot.LangEn, Today: &today})
	if err != nil {
		t.Fatal(err)
	}
	r = answerAll(t, e, user, r, map[string]string{
		bot.SlotAgeGroup: "adult", bot.SlotVisitor: "self", bot.SlotHasNotice: "true",
		bot.SlotAddressChange: "false", bot.SlotExpiryDate: "unknown",
	})
	found := false
	for _, m := range r.Messages {
		if strings.Contains(m.Text, "What you told me: the card of someone aged 15 or over; the holder goes to the counter") {
			found = strings.Contains(m.TextJa, "お伺いした内容：15歳以上の方のカード・ご本人が窓口へ")
		}
	}
	if !found {
		t.Errorf("no English read-back with its Japanese: %q", texts(r))
	}
}

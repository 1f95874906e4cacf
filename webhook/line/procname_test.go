package line

import (
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/bot"
)

// TestProcedureNameFromThePage: the Flex card names the procedure as the
// page does (Akishima renews after expiry), and falls back to the
// contract's procedure when the checklist carries no name.
func TestProcedureNameFromThePage(t *testing.T) {
	c := &bot.Checklist{Texts: nationalTexts(), Procedure: bot.ProcedureIssuance, ProcedureName: "更新", Visits: 1,
		Items: []bot.Item{{Text: "お持ちのマイナンバーカード", Visit: 1}}}
	if alt := checklistFlex(c).AltText; !strings.HasPrefix(alt, "電子証明書の更新の持ち物") {
		t.Errorf("altText %q, want the page's 更新", alt)
	}
	c.ProcedureName = ""
	if alt := checklistFlex(c).AltText; !strings.HasPrefix(alt, "電子証明書の発行の持ち物") {
		t.Errorf("altText %q without a name, want 発行", alt)
	}
}

package knowledge_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/knowledge"
)

// edit replaces the one occurrence of old in a file of a knowledge folder.
type edit struct{ file, old, new string }

// withEdits copies testdata/valid to a temporary folder, applies edits and
// returns the folder. Each old text must occur exactly once, so a fixture
// change cannot silently turn a case into a no-op.
func withEdits(tb testing.TB, edits ...edit) string {
	tb.Helper()
	dir := tb.TempDir()
	if err := os.CopyFS(dir, os.DirFS("testdata/valid")); err != nil {
		tb.Fatal(err)
	}
	for _, e := range edits {
		path := filepath.Join(dir, e.file)
		data, err := os.ReadFile(path)
		if err != nil {
			tb.Fatal(err)
		}
		if n := strings.Count(string(data), e.old); n != 1 {
			tb.Fatalf("%s: %q occurs %d times, want once", e.file, e.old, n)
		}
		data = []byte(strings.Replace(string(data), e.old, e.new, 1))
		if err := os.WriteFile(path, data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}

// problems loads dir and returns its problems as file:line: field: message.
func problems(tb testing.TB, dir string) []string {
	tb.Helper()
	_, err := knowledge.LoadDir(dir)
	if err == nil {
		return nil
	}
	var ve *knowledge.ValidationError
	if !errors.As(err, &ve) {
		tb.Fatalf("LoadDir(%s): %v, want a *ValidationError", dir, err)
	}
	out := make([]string, len(ve.Problems))
	for i, p := range ve.Problems {
		out[i] = p.String()
	}
	return out
}

func assertProblems(t *testing.T, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestLoadValidFolder(t *testing.T) {
	kb, err := knowledge.LoadDir("testdata/valid")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"edogawa", "akishima", "nerima", "akitakata", "yokohama"} {
		if kb.Municipality(id) == nil {
			t.Errorf("municipality %s not loaded", id)
		}
	}
}

// TestLoadFixtureFolders checks the defects kept as whole folders in
// testdata/invalid, those the loader reports before validation.
func TestLoadFixtureFolders(t *testing.T) {
	tests := []struct {
		dir  string
		want []string
	}{
		{"syntax", []string{
			"edogawa.yaml:20: mapping values are not allowed in this context",
		}},
		{"unknown_field", []string{
			"akishima.yaml:13: field phnoe not found in type knowledge.Counter",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			assertProblems(t, problems(t, filepath.Join("testdata/invalid", tt.dir)), tt.want)
		})
	}
}

// TestValidateReportsProblems applies one defect to the valid folder and
// checks the exact problems reported.
func TestValidateReportsProblems(t *testing.T) {
	const (
		edo  = "edogawa.yaml"
		aki  = "akishima.yaml"
		ner  = "nerima.yaml"
		taka = "akitakata.yaml"
		yoko = "yokohama.yaml"
		nat  = "national.yaml"
	)
	tests := []struct {
		name  string
		edits []edit
		want  []string
	}{
		{"unknown slot value", []edit{{edo, "visitor: [proxy]", "visitor: [proxie]"}}, []string{
			`edogawa.yaml:29: rules[0].when.visitor[0]: unknown visitor "proxie" (want self, legal_rep, proxy)`,
		}},
		{"unknown age group in a note", []edit{{edo, "  - id: fee\n", "  - id: fee\n    when: {age_group: [adult, child]}\n"}}, []string{
			`edogawa.yaml:41: notes[0].when.age_group[1]: unknown age_group "child" (want adult, under15, adult_ward)`,
		}},
		{"unknown status", []edit{{edo, "      has_notice: [false]\n", "      has_notice: [false]\n      status: [later]\n"}}, []string{
			`edogawa.yaml:31: rules[0].when.status[0]: unknown status "later" (want too_early, in_window, expired, unknown)`,
		}},
		{"unknown procedure in a followup", []edit{{edo, "procedure: [issuance]", "procedure: [reissue]"}}, []string{
			`edogawa.yaml:48: followups[0].when.procedure[0]: unknown procedure "reissue" (want renewal, issuance)`,
		}},
		{"unknown certificate", []edit{{edo, "  - id: everyone\n", "  - id: everyone\n    certificates: [user, sign]\n"}}, []string{
			`edogawa.yaml:36: rules[1].certificates[1]: unknown certificate "sign" (want signing, user)`,
		}},
		{"contact without a phone and no sentence saying so", []edit{{ner, "silent:\n  phone: ページに電話番号の記載はありません。\n", ""}, {ner, "    hours: 平日 8:30〜18:30\n", "    phone: 03-3993-1111\n    hours: 平日 8:30〜18:30\n"}}, []string{
			`nerima.yaml:7: contact: the contact has no phone, and silent.phone does not say that the page names none`,
		}},
		{"counter without a name", []edit{{edo, "    name: マイナンバーカード専用窓口（本庁舎）\n", ""}}, []string{
			`edogawa.yaml:15: counters[0].name: required`,
		}},
		{"malformed counter phone", []edit{{edo, "    contact: senyo\n    source", "    phone: 03-5662-920\n    source"}}, []string{
			`edogawa.yaml:17: counters[0].phone: "03-5662-920" is not a phone number like 03-5662-9200 (0 first, ASCII digits in hyphenated groups of 2–5, 1–4 and 3–4, 10 or 11 digits)`,
		}},
		{"malformed followup phone", []edit{{edo, "phone: 0570-01-5901", "phone: 0570-015901"}}, []string{
			`edogawa.yaml:47: followups[0].phone: "0570-015901" is not a phone number like 03-5662-9200 (0 first, ASCII digits in hyphenated groups of 2–5, 1–4 and 3–4, 10 or 11 digits)`,
		}},
		{"malformed national contact phone", []edit{{nat, "phone: 0120-95-0178", "phone: 0120-95-01780"}}, []string{
			`national.yaml:4: contacts[0].phone: "0120-95-01780" is not a phone number like 03-5662-9200 (0 first, ASCII digits in hyphenated groups of 2–5, 1–4 and 3–4, 10 or 11 digits)`,
		}},
		{"item referenced but not defined", []edit{{edo, "      - items: [card]\n", "      - items: [cards]\n"}}, []string{
			`edogawa.yaml:32: rules[0].visits[0].items[0]: item "cards" is not defined in items`,
		}},
		{"item defined but never used", []edit{{ner, "items:\n", "items:\n  - {id: photo, text: 写真, source: マイナンバーカード}\n"}}, []string{
			`nerima.yaml:18: items[0].id: item "photo" is never used by a rule`,
		}},
		{"item typo on both sides", []edit{{aki, "  - id: card\n", "  - id: crad\n"}}, []string{
			`akishima.yaml:19: items[0].id: item "crad" is never used by a rule`,
			`akishima.yaml:25: rules[0].visits[0].items[0]: item "card" is not defined in items`,
		}},
		{"duplicate rule id", []edit{{edo, "  - id: everyone", "  - id: proxy_without_notice"}}, []string{
			`edogawa.yaml:35: rules[1].id: duplicate id "proxy_without_notice" (first at rules[0])`,
		}},
		{"duplicate national topic", []edit{{nat, "  - id: hours", "  - id: fee"}}, []string{
			`akishima.yaml:28: answers[0].topic: unknown topic "hours" (not in national.yaml topics)`,
			`akitakata.yaml:29: answers[0].topic: unknown topic "hours" (not in national.yaml topics)`,
			`edogawa.yaml:51: answers[0].topic: unknown topic "hours" (not in national.yaml topics)`,
			`national.yaml:12: topics[1].id: duplicate id "fee" (first at topics[0])`,
			`nerima.yaml:30: answers[0].topic: unknown topic "hours" (not in national.yaml topics)`,
			`yokohama.yaml:48: answers[0].topic: unknown topic "hours" (not in national.yaml topics)`,
		}},
		{"narrower topic unknown, itself, or without keywords", []edit{{nat, "    title: 受付時間\n", "    title: 受付時間\n    narrower: [fees, hours, fee]\n"}}, []string{
			`national.yaml:12: topics[1].narrower[0]: unknown topic "fees"`,
			`national.yaml:12: topics[1].narrower[1]: a topic is not narrower than itself`,
			`national.yaml:12: topics[1].narrower[2]: topic "fee" has no keywords, which a question must hold to be answered by it`,
		}},
		{"question missing for a slot", []edit{{nat, "  - slot: ward\n", "  - slot: wards\n"}}, []string{
			`national.yaml:27: questions: no question for slot ward`,
			`national.yaml:113: questions[6].slot: unknown slot "wards" (want one of [age_group visitor has_notice address_change move_at_visit expiry_date ward])`,
		}},
		{"button value the dialog does not know", []edit{{nat, "{label: 15歳以上, value: adult}", "{label: 15歳以上, value: adults}"}}, []string{
			`national.yaml:32: questions[0].buttons[0].value: unknown value "adults" for age_group (want one of [adult under15 adult_ward])`,
		}},
		{"button label too long for LINE", []edit{{nat, "{label: 15歳以上, value: adult}", "{label: 15歳以上の方(高校生・大学生・社会人など), value: adult}"}}, []string{
			`national.yaml:32: questions[0].buttons[0].label: longer than LINE's 20 characters (22)`,
		}},
		{"municipality question with buttons", []edit{{edo, "id: edogawa\n", "id: edogawa\nquestions:\n  - slot: visitor\n    text: どなたが行きますか。\n    buttons: [{label: 本人, value: self}]\n"}}, []string{
			`edogawa.yaml:5: questions[0].buttons: buttons are national (national.yaml); a municipality overrides text and hint only`,
		}},
		{"missing source", []edit{{edo, "    source: 手数料は無料\n", ""}}, []string{
			`edogawa.yaml:40: notes[0].source: required (quote the page text this comes from)`,
		}},
		{"missing source on an answer", []edit{{aki, "    source: 午前8時30分から午後5時15分\n", ""}}, []string{
			`akishima.yaml:28: answers[0].source: required (quote the page text this comes from)`,
		}},
		{"quote not in seed", []edit{{edo, "source: 更新手続には本人のマイナンバーカードが必要です。", "source: 更新手続には本人のマイナンバーカードと通知書が必要です。"}}, []string{
			`edogawa.yaml:38: rules[1].source: quote "更新手続には本人のマイナンバーカードと通知書が必要です。" not found in seeds/edogawa.txt`,
		}},
		{"long quote not in seed is abbreviated", []edit{{aki, "source: マイナンバーカードをお持ちください", "source: マイナンバーカードをお持ちください。代理人の方は委任状と代理人の本人確認書類もお持ちください。"}}, []string{
			`akishima.yaml:26: rules[0].source: quote "マイナンバーカードをお持ちください。代理人の方は委任状と代理…" not found in seeds/akishima.txt`,
		}},
		{"quote from another seed", []edit{{nat, "{seed: akitakata, quote: 手数料は無料}", "{seed: yokohama, quote: 手数料は無料}"}}, []string{
			`national.yaml:20: answers[0].source: quote "手数料は無料" not found in seeds/yokohama.txt`,
		}},
		{"source seed not found", []edit{{nat, "{seed: akitakata, quote: 手数料は無料}", "{seed: akitakta, quote: 手数料は無料}"}}, []string{
			`national.yaml:20: answers[0].source: seeds/akitakta.txt not found`,
		}},
		{"national source without a seed", []edit{{nat, "{seed: akitakata, quote: 手数料は無料}", "手数料は無料"}}, []string{
			`national.yaml:20: answers[0].source: no seed: name one with {seed: …, quote: …}`,
		}},
		{"uncovered combination", []edit{{edo, "  - id: everyone\n", "  - id: everyone\n    when: {visitor: [self, legal_rep]}\n"}}, []string{
			`edogawa.yaml:26: rules: no rule matches: visitor=proxy has_notice=true (add rules, or a not_covered rule for what the page does not cover)`,
		}},
		{"uncovered status", []edit{{ner, "  - id: others\n", "  - id: others\n    when: {status: [too_early, in_window, unknown]}\n"}}, []string{
			`nerima.yaml:21: rules: no rule matches: age_group=under15|adult_ward status=expired (add rules, or a not_covered rule for what the page does not cover)`,
		}},
		{"renewal after expiry needs no rule", []edit{{ner, "  - id: others\n", "  - id: renewal\n    when: {procedure: [renewal], status: [too_early, in_window, unknown]}\n    not_covered: ページはこの場合を説明していません。\n  - id: others\n    when: {procedure: [issuance]}\n"}}, nil},
		{"empty hours without silent.hours", []edit{{edo, "  hours: ページに受付時間の記載はありません。\n", ""}}, []string{
			`edogawa.yaml:14: counters[0].hours: empty, and silent.hours does not say that the page is silent about it`,
		}},
		{"unknown silent key", []edit{{edo, "  reservation: ページに予約", "  reservations: ページに予約"}}, []string{
			`edogawa.yaml:13: silent.reservations: unknown key (allowed: phone, hours, reservation)`,
			`edogawa.yaml:15: counters[0].reservation: empty, and silent.reservation does not say that the page is silent about it`,
		}},
		{"per_ward counter without wards", []edit{{taka, "    contact: shimin\n    source", "    contact: shimin\n    per_ward: true\n    source"}}, []string{
			`akitakata.yaml:18: counters[0].per_ward: per_ward counter, but the file defines no wards`,
		}},
		{"ward id not romanised", []edit{{yoko, "{id: aoba,", "{id: Aoba-ku,"}}, []string{
			`yokohama.yaml:20: wards[0].id: "Aoba-ku" is not a romanised ward id (lower-case letters a-z, such as aoba)`,
		}},
		{"ward reading not in hiragana", []edit{{yoko, "{id: aoba,", "{id: aoba, readings: [aoba],"}}, []string{
			`yokohama.yaml:20: wards[0].readings[0]: "aoba" is not a reading in hiragana`,
		}},
		{"rule with both not_covered and visits", []edit{{ner, "  - id: others\n", "  - id: others\n    visits: [{items: [card]}]\n"}}, []string{
			`nerima.yaml:27: rules[1]: has both not_covered and visits: give visits, or not_covered where the page does not cover the situation`,
		}},
		{"rule with neither not_covered nor visits", []edit{{ner, "    not_covered: ページはこの場合を説明していません。区民事務所にお問い合わせください。\n", ""}}, []string{
			`nerima.yaml:27: rules[1]: needs visits, or not_covered where the page does not cover the situation`,
		}},
		{"visit without items", []edit{{aki, "      - items: [card]", "      - items: []"}}, []string{
			`akishima.yaml:19: items[0].id: item "card" is never used by a rule`,
			`akishima.yaml:25: rules[0].visits[0].items: a visit needs at least one item`,
		}},
		{"id not the file name", []edit{{aki, "id: akishima", "id: akishma"}}, []string{
			`akishima.yaml:1: id: "akishma" does not match the file name (want "akishima")`,
		}},
		{"missing name", []edit{{edo, "name: 江戸川区\n", ""}}, []string{
			`edogawa.yaml: name: required`,
		}},
		{"impossible update date", []edit{{edo, "updated: 2024-04-01", "updated: 2024-02-30"}}, []string{
			`edogawa.yaml:5: page.updated: "2024-02-30" is not a date of the form YYYY-MM-DD`,
		}},
		{"page seed not found", []edit{{ner, "  seed: nerima", "  seed: nerma"}}, []string{
			`nerima.yaml:6: page.seed: seeds/nerma.txt not found`,
		}},
		{"answer to an unknown topic", []edit{{aki, "  - topic: hours", "  - topic: hour"}}, []string{
			`akishima.yaml:27: answers: no answer for topics hours (answer them here, as silent answers, or in national.yaml)`,
			`akishima.yaml:28: answers[0].topic: unknown topic "hour" (not in national.yaml topics)`,
		}},
		{"silent answer without text", []edit{{taka, "    text: ページに受付時間の記載はありません。\n", ""}}, []string{
			`akitakata.yaml:29: answers[0].text: required: a silent answer says that the page does not cover this, and whom to ask`,
		}},
		{"topic answered nowhere", []edit{{nat, "answers:\n", "  - {id: pin, title: 暗証番号, questions: [暗証番号を忘れた, パスワード, PINを再設定]}\nanswers:\n"}}, []string{
			`akishima.yaml:27: answers: no answer for topics pin (answer them here, as silent answers, or in national.yaml)`,
			`akitakata.yaml:28: answers: no answer for topics pin (answer them here, as silent answers, or in national.yaml)`,
			`edogawa.yaml:50: answers: no answer for topics pin (answer them here, as silent answers, or in national.yaml)`,
			`nerima.yaml:29: answers: no answer for topics pin (answer them here, as silent answers, or in national.yaml)`,
			`yokohama.yaml:47: answers: no answer for topics pin (answer them here, as silent answers, or in national.yaml)`,
		}},
		{"note quoting another page without saying whose", []edit{{aki, "answers:\n", "notes:\n  - id: x\n    text: 区民事務所で更新できます。\n    source: {seed: nerima, quote: 区民事務所で更新できます。}\nanswers:\n"}}, []string{
			`akishima.yaml:29: notes[0].text: quotes seeds/nerima.txt, not 昭島市's own page: say where it comes from (「全国共通の制度では…」 or 「練馬区のページでは…」)`,
		}},
		{"note saying whose page it quotes", []edit{{aki, "answers:\n", "notes:\n  - id: x\n    text: 練馬区のページでは、区民事務所で更新できるとされています。\n    source: マイナンバーカードをお持ちください\n    also: [{seed: nerima, quote: 区民事務所で更新できます。}]\nanswers:\n"}}, nil},
		{"further quote not in seed", []edit{{aki, "answers:\n", "notes:\n  - id: x\n    text: 窓口は市民課です。\n    source: マイナンバーカードをお持ちください\n    also: [市民課の窓口へどうぞ]\nanswers:\n"}}, []string{
			`akishima.yaml:31: notes[0].also[0].source: quote "市民課の窓口へどうぞ" not found in seeds/akishima.txt`,
		}},
		{"window placeholder without a window", []edit{{aki, "answers:\n", "notes:\n  - id: x\n    text: '{window_start}から更新できます。{expiry}'\n    source: マイナンバーカードをお持ちください\nanswers:\n"}}, []string{
			`akishima.yaml:29: notes[0].text: {window_start} needs a window: give when.status without unknown (too_early, in_window, expired)`,
			`akishima.yaml:29: notes[0].text: unknown placeholder {expiry} (want {window_start} or {window_end})`,
		}},
		{"window placeholder with a window", []edit{{aki, "answers:\n", "notes:\n  - id: x\n    text: '{window_start}から{window_end}まで更新できます。'\n    when: {status: [too_early]}\n    source: マイナンバーカードをお持ちください\nanswers:\n"}}, nil},
		{"malformed fax and e-mail", []edit{{aki, "  phone: 042-544-4120\ncounters", "  phone: 042-544-4120\n  fax: 042-5445115\n  email: shimin at city\ncounters"}}, []string{
			`akishima.yaml:11: contact.fax: "042-5445115" is not a phone number like 03-5662-9200 (0 first, ASCII digits in hyphenated groups of 2–5, 1–4 and 3–4, 10 or 11 digits)`,
			`akishima.yaml:12: contact.email: "shimin at city" is not an e-mail address like sh-madoguchi@city.yokohama.jp`,
		}},
		{"procedure name without a name or a source", []edit{{aki, "counters:\n", "procedure_names:\n  - when: {status: [expired]}\ncounters:\n"}}, []string{
			`akishima.yaml:12: procedure_names[0].name: required`,
			`akishima.yaml:12: procedure_names[0].source: required (quote the page text this comes from)`,
		}},
		{"topic with too few questions", []edit{{nat, "questions: [何時まで？, 受付時間は, 土日もやってる？]", "questions: [何時まで？]"}}, []string{
			`national.yaml:16: topics[1].questions: needs at least 3 ways residents ask (has 1)`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertProblems(t, problems(t, withEdits(t, tt.edits...)), tt.want)
		})
	}
}

// TestPhoneFormats checks which phone numbers pass, on a municipality's
// contact.
func TestPhoneFormats(t *testing.T) {
	valid := []string{"03-5662-9200", "0120-769-706", "0570-01-5901", "0826-42-5616",
		"045-550-5454", "0120-95-0178", "090-1234-5678", "0800-123-4567"}
	invalid := []string{"03-5662-920", "3-5662-9200", "0356629200", "03-5662-92000",
		"03–5662–9200", "０３-５６６２-９２００", "03-5662-9200（内線12）", "012345-1-234",
		"03-56621-920", "03-5662-9200-1", "0120-769706"}
	for _, phone := range append(valid, invalid...) {
		t.Run(phone, func(t *testing.T) {
			got := problems(t, withEdits(t, edit{"akishima.yaml", "  phone: 042-544-4120\ncounters", "  phone: \"" + phone + "\"\ncounters"}))
			var want []string
			if slices.Contains(invalid, phone) {
				want = []string{`akishima.yaml:10: contact.phone: "` + phone + `" is not a phone number like 03-5662-9200 (0 first, ASCII digits in hyphenated groups of 2–5, 1–4 and 3–4, 10 or 11 digits)`}
			}
			assertProblems(t, got, want)
		})
	}
}

// TestEmbeddedKnowledgeLoads fails, listing every problem, when the
// knowledge compiled into the binary does not load: a broken staff edit
// fails CI here.
func TestEmbeddedKnowledgeLoads(t *testing.T) {
	if _, err := knowledge.LoadEmbedded(); err != nil {
		t.Fatal(err)
	}
}

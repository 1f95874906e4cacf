package understand

import "regexp"

// English answers, as foreign residents write them, put the polarity
// before its object ("I don't have the form") where Japanese puts it after
// the topic (照会書はない). englishRules rewrite the common English
// statements into the Japanese the lexicon reads, before anything else is
// read; the words alone (wife, son, go) are in the lexicon. Text is
// already normalised (lower-case ASCII).
var englishRules = []struct {
	re  *regexp.Regexp
	out string
}{
	// Ages: "I'm 34", "he is 8", "34 years old", "aged 70".
	{regexp.MustCompile(`\b(?:i'm|i am|im|he's|he is|she's|she is|hes|shes|aged|age|is)\s+(\d{1,3})\b(?:\s*(?:years?|yrs?)(?:\s*old)?)?`), " ${1}歳 "},
	{regexp.MustCompile(`\b(\d{1,3})\s*(?:years?|yrs?)[ -]?old\b|\b(\d{1,3})\s*y/?o\b`), " ${1}${2}歳 "},
	// The form: had, lost, never had.
	{regexp.MustCompile(`\b(?:don't|dont|do not|didn't|didnt|did not|haven't|havent|have not|never|can't|cant|cannot|can not)\s+(?:\w+\s+)?(?:have|got|get|receive|received|find|found|see)\b(?:\s+(?:the|a|my|that|this|any|it|one))?(?:\s+(?:blue|white))?(?:\s+(?:form|envelope|letter|notice|paper|document))?`), " 照会書はない "},
	{regexp.MustCompile(`\b(?:lost|threw(?:\s+\w+)?\s+away|threw|thrown away|throw away|discarded|misplaced|missing)\b(?:\s+(?:the|a|my|that|this|it))?(?:\s+(?:blue|white))?(?:\s+(?:form|envelope|letter|notice|paper|document))?(?:\s+away)?`), " 照会書をなくした "},
	{regexp.MustCompile(`\b(?:i|we)\s+(?:still\s+)?(?:have|got|received|kept|keep)\b(?:\s+(?:the|a|my|that|this|it|them))?(?:\s+(?:blue|white))?(?:\s+(?:form|envelope|letter|notice|paper|document))?`), " 照会書はある "},
	// The basic information: moved, married, nothing changed.
	{regexp.MustCompile(`\b(?:have not|haven't|havent|has not|hasn't|hasnt|did not|didn't|didnt|never|not)\s+(?:\w+\s+)?(?:moved|changed|change|married)\b`), " 住所は変わってない "},
	{regexp.MustCompile(`\b(?:no changes?|nothing (?:has )?changed|nothing changed|same address|same name|still (?:live|living) (?:at|in) the same)\b`), " 住所は変わってない "},
	{regexp.MustCompile(`\b(?:moved|relocated|got married|married|changed (?:my|her|his|our) (?:name|address|surname))\b`), " 引っ越した "},
	// The holder comes along: "my wife will take our son".
	{regexp.MustCompile(`\b(?:take|takes|taking|bring|brings|bringing|come with|comes with|coming with|go with|goes with|going with)\s+(?:our|my|his|her|the)?\s*(?:son|daughter|child|kid|kids|children|him|her|me)\b`), " ${0} together "},
}

// english rewrites English statements for the lexicon; Japanese text is
// returned as it is.
func english(n string) string {
	ascii := 0
	for i := 0; i < len(n); i++ {
		if c := n[i]; c >= 'a' && c <= 'z' {
			ascii++
		}
	}
	if ascii < 3 {
		return n
	}
	n = englishDates(n)
	for _, r := range englishRules {
		n = r.re.ReplaceAllString(n, r.out)
	}
	return n
}

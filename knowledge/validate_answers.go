package knowledge

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/madoguchi/madoguchi/bot"
)

// checkNational checks national.yaml: topics with an id, a title and at
// least three ways residents ask; contacts; national answers.
func (c *checker) checkNational() {
	const f = "national.yaml"
	n := &c.kb.National
	c.resolveNationalContacts()
	c.checkTexts(f, n.Texts, true)
	c.uniqueIDs(f, "topics", "id", idsOf(n.Topics, func(x Topic) string { return x.ID }), true)
	for i, t := range n.Topics {
		p := fmt.Sprintf("topics[%d]", i)
		c.required(f, p+".title", t.Title)
		for _, w := range []struct {
			lang  bot.Lang
			words *TopicWords
		}{{bot.LangEasy, t.Easy}, {bot.LangEn, t.En}} {
			if w.words == nil {
				continue
			}
			if n := utf8.RuneCountInString(w.words.Title); n == 0 || n > 20 {
				c.at(f, p+"."+string(w.lang)+".title", "must be 1 to 20 characters (a button, LINE's limit), has %d", n)
			}
		}
		if len(t.Questions) < 3 {
			c.at(f, p+".questions", "needs at least 3 ways residents ask (has %d)", len(t.Questions))
		}
		for j, id := range t.Narrower {
			switch nt := c.kb.Topic(id); {
			case nt == nil:
				c.at(f, fmt.Sprintf("%s.narrower[%d]", p, j), "unknown topic %q", id)
			case id == t.ID:
				c.at(f, fmt.Sprintf("%s.narrower[%d]", p, j), "a topic is not narrower than itself")
			case len(nt.Keywords) == 0:
				c.at(f, fmt.Sprintf("%s.narrower[%d]", p, j), "topic %q has no keywords, which a question must hold to be answered by it", id)
			}
		}
	}
	c.uniqueIDs(f, "contacts", "id", idsOf(n.Contacts, func(x Contact) string { return x.ID }), false)
	for i, k := range n.Contacts {
		p := fmt.Sprintf("contacts[%d]", i)
		c.required(f, p+".name", k.Name)
		c.phone(f, p+".phone", k.Phone)
		c.source(f, p, k.Source, "", false)
	}
	c.checkAnswers(f, n.Answers, "")
	c.checkNationalQuestions()
}

// checkAnswers checks the answers of file: each answers a national topic
// once, has text and a well-formed phone, and, unless silent, a source
// (from defaultSeed unless it names its own).
func (c *checker) checkAnswers(file string, answers []Answer, defaultSeed string) {
	c.uniqueIDs(file, "answers", "topic", idsOf(answers, func(x Answer) string { return x.Topic }), true)
	for i, a := range answers {
		p := fmt.Sprintf("answers[%d]", i)
		if a.Topic != "" && c.kb.Topic(a.Topic) == nil {
			c.at(file, p+".topic", "unknown topic %q (not in national.yaml topics)", a.Topic)
		}
		switch {
		case a.Silent && strings.TrimSpace(a.Text) == "":
			c.at(file, p+".text", "required: a silent answer says that the page does not cover this, and whom to ask")
		case strings.TrimSpace(a.Text) == "":
			c.at(file, p+".text", "required")
		}
		if a.Contact == "" { // else checked at the contact
			c.phone(file, p+".phone", a.Phone)
		}
		c.source(file, p, a.Source, defaultSeed, !a.Silent)
	}
}

// checkTopicsAnswered records the national topics that neither m nor
// national.yaml answers, in one problem.
func (c *checker) checkTopicsAnswered(m *Municipality) {
	answered := map[string]bool{}
	for _, a := range c.kb.National.Answers {
		answered[a.Topic] = true
	}
	for _, a := range m.Answers {
		answered[a.Topic] = true
	}
	var missing []string
	for _, t := range c.kb.National.Topics {
		if t.ID != "" && !answered[t.ID] {
			missing = append(missing, t.ID)
		}
	}
	if len(missing) > 0 {
		c.at(m.file, "answers", "no answer for topics %s (answer them here, as silent answers, or in national.yaml)", strings.Join(missing, ", "))
	}
}

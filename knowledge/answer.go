package knowledge

// Answer returns municipality id's answer to topic, falling back to the
// national answer; ok is false when neither exists.
func (kb *KB) Answer(id, topic string) (a Answer, ok bool) {
	if m := kb.byID[id]; m != nil {
		for _, a := range m.Answers {
			if a.Topic == topic {
				return a, true
			}
		}
	}
	for _, a := range kb.National.Answers {
		if a.Topic == topic {
			return a, true
		}
	}
	return Answer{}, false
}

// MunicipalityBySeed returns the municipality whose page is seed, or nil.
func (kb *KB) MunicipalityBySeed(seed string) *Municipality {
	for _, m := range kb.Municipalities {
		if m.Page.Seed == seed {
			return m
		}
	}
	return nil
}

// Topic returns the FAQ topic with id, or nil.
func (kb *KB) Topic(id string) *Topic {
	for i := range kb.National.Topics {
		if kb.National.Topics[i].ID == id {
			return &kb.National.Topics[i]
		}
	}
	return nil
}

// Question returns how to ask for slot in municipality id: the national
// question with the municipality's text and hint where it has its own.
// ok is false for a slot with no national question.
func (kb *KB) Question(id, slot string) (q Question, ok bool) {
	for _, n := range kb.National.Questions {
		if n.Slot == slot {
			q, ok = n, true
		}
	}
	if m := kb.byID[id]; ok && m != nil {
		for _, o := range m.Questions {
			if o.Slot != slot {
				continue
			}
			if o.Text != "" {
				q.Text = o.Text
			}
			if o.Hint != "" {
				q.Hint = o.Hint
			}
		}
	}
	return q, ok
}

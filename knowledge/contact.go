package knowledge

import (
	"fmt"
	"slices"

	"go.yaml.in/yaml/v3"
)

// contactFields are the keys a contact written out may have.
var contactFields = []string{"id", "name", "phone", "fax", "email", "source", "ja-x-easy", "en"}

// UnmarshalYAML reads a contact written out (a mapping, strictly: an
// unknown key is an error, as everywhere else) or referred to by id (a
// string: contact: shimin), which the loader resolves.
func (c *Contact) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		*c = Contact{Ref: n.Value}
		return nil
	}
	if n.Kind == yaml.MappingNode {
		var unknown []string
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i]; !slices.Contains(contactFields, k.Value) {
				unknown = append(unknown, fmt.Sprintf("line %d: field %s not found in type knowledge.Contact", k.Line, k.Value))
			}
		}
		if len(unknown) > 0 {
			return &yaml.TypeError{Errors: unknown}
		}
	}
	type plain Contact // without this method
	return n.Decode((*plain)(c))
}

// resolveContacts fills the phone of every reference to a contact
// (contact:, counters, follow-ups, answers) from the contact it names, one
// of m's contacts or national.yaml's, recording an unknown id, a
// reference beside a phone of its own, and a number written twice.
func (c *checker) resolveContacts(m *Municipality) {
	f := m.file
	c.uniqueIDs(f, "contacts", "id", idsOf(m.Contacts, func(x Contact) string { return x.ID }), true)
	byID := map[string]Contact{}
	for _, k := range c.kb.National.Contacts {
		byID[k.ID] = k
	}
	for i, k := range m.Contacts {
		p := fmt.Sprintf("contacts[%d]", i)
		if k.Ref != "" {
			c.at(f, p, "a contact here is written out (id, name, phone…), not referred to")
			continue
		}
		c.required(f, p+".name", k.Name)
		c.phone(f, p+".phone", k.Phone)
		c.phone(f, p+".fax", k.Fax)
		c.email(f, p+".email", k.Email)
		c.source(f, p, k.Source, m.Page.Seed, false)
		byID[k.ID] = k
	}
	numbers := map[string]string{} // number → the field that holds it
	once := func(path, number string) {
		if number == "" {
			return
		}
		if first, dup := numbers[number]; dup {
			c.at(f, path, "%s is also at %s: a number lives once, in contacts:, and the others refer to it (contact: <id>)", number, first)
			return
		}
		numbers[number] = path
	}
	for i, k := range m.Contacts {
		once(fmt.Sprintf("contacts[%d].phone", i), k.Phone)
	}
	// ref resolves one reference at path: the phone it gives, or phone
	// itself when there is no reference.
	ref := func(path, id, phone string) string {
		if id == "" {
			once(path+".phone", phone)
			return phone
		}
		k, ok := byID[id]
		switch {
		case !ok:
			c.at(f, path+".contact", "no contact %q in contacts (or national.yaml's contacts)", id)
		case phone != "":
			c.at(f, path+".phone", "give contact: or phone:, not both (the number is the contact's)")
		}
		return k.Phone
	}
	if m.Contact.Ref != "" {
		k, ok := byID[m.Contact.Ref]
		if !ok {
			c.at(f, "contact", "no contact %q in contacts (or national.yaml's contacts)", m.Contact.Ref)
		}
		k.Ref = m.Contact.Ref
		m.Contact = k
	} else {
		once("contact.phone", m.Contact.Phone)
		if m.Contact.ID != "" { // written out here, and referable by its id
			if _, dup := byID[m.Contact.ID]; dup {
				c.at(f, "contact.id", "duplicate id %q (also in contacts)", m.Contact.ID)
			}
			byID[m.Contact.ID] = m.Contact
		}
	}
	for i := range m.Counters {
		k := &m.Counters[i]
		k.Phone = ref(fmt.Sprintf("counters[%d]", i), k.Contact, k.Phone)
	}
	for i := range m.Followups {
		u := &m.Followups[i]
		u.Phone = ref(fmt.Sprintf("followups[%d]", i), u.Contact, u.Phone)
	}
	for i := range m.Answers {
		a := &m.Answers[i]
		a.Phone = ref(fmt.Sprintf("answers[%d]", i), a.Contact, a.Phone)
	}
}

// resolveNationalContacts fills the phone of national answers that refer
// to a national contact.
func (c *checker) resolveNationalContacts() {
	const f = "national.yaml"
	n := &c.kb.National
	byID := map[string]Contact{}
	for _, k := range n.Contacts {
		byID[k.ID] = k
	}
	for i := range n.Answers {
		a := &n.Answers[i]
		if a.Contact == "" {
			continue
		}
		p := fmt.Sprintf("answers[%d]", i)
		k, ok := byID[a.Contact]
		switch {
		case !ok:
			c.at(f, p+".contact", "no contact %q in contacts", a.Contact)
		case a.Phone != "":
			c.at(f, p+".phone", "give contact: or phone:, not both (the number is the contact's)")
		}
		a.Phone = k.Phone
	}
}

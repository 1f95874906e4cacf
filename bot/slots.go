package bot

import "fmt"

// AgeGroup is the card holder's age group, as the contract's age_group slot.
type AgeGroup string

// The age groups.
const (
	AgeAdult     AgeGroup = "adult"      // 15 or over
	AgeUnder15   AgeGroup = "under15"    // under 15
	AgeAdultWard AgeGroup = "adult_ward" // 成年被後見人
)

// AgeGroups lists every valid AgeGroup, in the order a resident is offered them.
var AgeGroups = []AgeGroup{AgeAdult, AgeUnder15, AgeAdultWard}

// Visitor is who comes to the counter, as the contract's visitor slot.
type Visitor string

// The visitors.
const (
	VisitorSelf     Visitor = "self"      // the holder (with a legal representative where needed)
	VisitorLegalRep Visitor = "legal_rep" // the 法定代理人 alone
	VisitorProxy    Visitor = "proxy"     // a 任意代理人, household members included
)

// Visitors lists every valid Visitor.
var Visitors = []Visitor{VisitorSelf, VisitorLegalRep, VisitorProxy}

// Procedure is what happens at the counter.
type Procedure string

// The procedures.
const (
	ProcedureRenewal  Procedure = "renewal"
	ProcedureIssuance Procedure = "issuance"
)

// Procedures lists every valid Procedure.
var Procedures = []Procedure{ProcedureRenewal, ProcedureIssuance}

// Status is where today stands against the renewal window. StatusUnknown is
// used when no expiry date is known; it never appears in JSON.
type Status string

// The statuses.
const (
	StatusUnknown  Status = ""
	StatusTooEarly Status = "too_early"
	StatusInWindow Status = "in_window"
	StatusExpired  Status = "expired"
)

// Certificate names one of the two e-certificates on the card.
type Certificate string

// The certificates.
const (
	CertSigning Certificate = "signing" // 署名用電子証明書
	CertUser    Certificate = "user"    // 利用者証明用電子証明書
)

// Slots is what is known of a resident's situation. A nil pointer or an
// empty string means "not known yet".
//
// MoveAtVisit details an address change: true when a 転入届 or 転居届 is
// filed at the same visit as the certificate procedure, by the holder, a
// member of the holder's household or the legal representative (Edogawa's
// same-day route); false for a move filed earlier, a change of name or
// another detail, or an agent from outside the household. A move filed at
// the visit is an address change, so MoveAtVisit true with AddressChange
// unknown means an address change, and with AddressChange false is
// invalid.
type Slots struct {
	AgeGroup      AgeGroup `json:"age_group,omitempty"`
	Visitor       Visitor  `json:"visitor,omitempty"`
	HasNotice     *bool    `json:"has_notice,omitempty"`
	AddressChange *bool    `json:"address_change,omitempty"`
	MoveAtVisit   *bool    `json:"move_at_visit,omitempty"`
	ExpiryDate    *Date    `json:"expiry_date,omitempty"`
	Ward          string   `json:"ward,omitempty"`
}

// Validate reports the first slot whose value is not one the contract allows,
// as an *Error with CodeInvalid naming the field. A ward is checked for its
// form only (a romanised id): which wards exist is the municipality's
// knowledge, checked by the rules engine.
func (s Slots) Validate() error {
	if s.AgeGroup != "" && !oneOf(s.AgeGroup, AgeGroups) {
		return Invalidf("age_group", "age_group must be one of adult, under15, adult_ward (got %q)", s.AgeGroup)
	}
	if s.Visitor != "" && !oneOf(s.Visitor, Visitors) {
		return Invalidf("visitor", "visitor must be one of self, legal_rep, proxy (got %q)", s.Visitor)
	}
	if s.Ward != "" && !wardID(s.Ward) {
		return Invalidf("ward", "ward must be a romanised ward id such as aoba or tsurumi (got %q)", s.Ward)
	}
	if s.MoveAtVisit != nil && *s.MoveAtVisit && s.AddressChange != nil && !*s.AddressChange {
		return Invalidf("move_at_visit", "move_at_visit true (a move filed at the visit) is an address change, but address_change is false")
	}
	return nil
}

// Moved reports whether the slots say that an address change happened:
// address_change true, or a move filed at the visit.
func (s Slots) Moved() bool {
	return s.AddressChange != nil && *s.AddressChange || s.MovesAtVisit()
}

// MovesAtVisit reports whether the slots say that a 転入届 or 転居届 is
// filed at the visit (move_at_visit true, address_change not false).
func (s Slots) MovesAtVisit() bool {
	return s.MoveAtVisit != nil && *s.MoveAtVisit && (s.AddressChange == nil || *s.AddressChange)
}

// Bool returns a pointer to b, for filling Slots.
func Bool(b bool) *bool { return &b }

// wardID reports whether w has the form of a ward id: 1 to 40 lower-case
// ASCII letters.
func wardID(w string) bool {
	if len(w) == 0 || len(w) > 40 {
		return false
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

func oneOf[T comparable](v T, all []T) bool {
	for _, a := range all {
		if a == v {
			return true
		}
	}
	return false
}

// Valid reports whether v is one of the values in all; used by knowledge
// validation and request parsing.
func Valid[T comparable](v T, all []T) bool { return oneOf(v, all) }

// String renders the slots compactly for logs and test failures.
func (s Slots) String() string {
	b := func(p *bool) string {
		if p == nil {
			return "?"
		}
		return fmt.Sprint(*p)
	}
	d := "?"
	if s.ExpiryDate != nil {
		d = s.ExpiryDate.String()
	}
	out := fmt.Sprintf("age=%s visitor=%s notice=%s addr=%s expiry=%s ward=%s",
		s.AgeGroup, s.Visitor, b(s.HasNotice), b(s.AddressChange), d, s.Ward)
	if s.MoveAtVisit != nil {
		out += " move=" + b(s.MoveAtVisit)
	}
	return out
}

// The slot names of the contract, as a chat reply's "asking" and a button's
// postback ("visitor=self") use them.
const (
	SlotAgeGroup      = "age_group"
	SlotVisitor       = "visitor"
	SlotHasNotice     = "has_notice"
	SlotAddressChange = "address_change"
	SlotMoveAtVisit   = "move_at_visit"
	SlotExpiryDate    = "expiry_date"
	SlotWard          = "ward"
)

// Take sets the named slot (a Slot* constant) to its value in from,
// clearing it when from does not have it; an unknown name changes nothing.
func (s *Slots) Take(slot string, from Slots) {
	switch slot {
	case SlotAgeGroup:
		s.AgeGroup = from.AgeGroup
	case SlotVisitor:
		s.Visitor = from.Visitor
	case SlotHasNotice:
		s.HasNotice = from.HasNotice
	case SlotAddressChange:
		s.AddressChange = from.AddressChange
	case SlotMoveAtVisit:
		s.MoveAtVisit = from.MoveAtVisit
	case SlotExpiryDate:
		s.ExpiryDate = from.ExpiryDate
	case SlotWard:
		s.Ward = from.Ward
	}
}

// Get renders the named slot in the contract's form ("adult", "true",
// "2026-03-24"), "" when it is unknown or the name is not a slot's.
func (s Slots) Get(slot string) string {
	b := func(p *bool) string {
		if p == nil {
			return ""
		}
		return fmt.Sprint(*p)
	}
	switch slot {
	case SlotAgeGroup:
		return string(s.AgeGroup)
	case SlotVisitor:
		return string(s.Visitor)
	case SlotHasNotice:
		return b(s.HasNotice)
	case SlotAddressChange:
		return b(s.AddressChange)
	case SlotMoveAtVisit:
		return b(s.MoveAtVisit)
	case SlotExpiryDate:
		if s.ExpiryDate != nil {
			return s.ExpiryDate.String()
		}
	case SlotWard:
		return s.Ward
	}
	return ""
}

package knowledge

import (
	"slices"
	"strconv"
	"strings"

	"github.com/madoguchi/madoguchi/bot"
)

// A situation is one cell of the space rules must cover: a value for each
// of situationDims, in that order.
type situation [7]string

// situationDims are the dimensions of the situations rules are checked
// against: the slots that choose a rule, and status.
var situationDims = [7]struct {
	name   string
	values []string
}{
	{"age_group", strs(bot.AgeGroups)},
	{"visitor", strs(bot.Visitors)},
	{"has_notice", []string{"false", "true"}},
	{"address_change", []string{"false", "true"}},
	{"move_at_visit", []string{"false", "true"}},
	{"procedure", strs(bot.Procedures)},
	{"status", statusValues},
}

// checkCoverage records one problem when some situation (age_group ×
// visitor × has_notice × address_change × move_at_visit × procedure, and
// status) is matched by no rule, listing those situations compactly.
// Situations the contract rules out (renewal once expired; issuance before
// expiry without an address change; a move filed at the visit without an
// address change) need no rule.
func (c *checker) checkCoverage(m *Municipality) {
	conds := make([][7][]string, len(m.Rules))
	for i, r := range m.Rules {
		conds[i] = conditionSets(r.When)
	}
	var unmatched []situation
	feasibleGap := false
	eachSituation(func(s situation) {
		for _, cond := range conds {
			if matches(cond, s) {
				return
			}
		}
		unmatched = append(unmatched, s)
		feasibleGap = feasibleGap || feasible(s)
	})
	if !feasibleGap {
		return
	}
	var parts []string
	for _, box := range compact(unmatched) {
		if boxFeasible(box) {
			parts = append(parts, describe(box))
		}
	}
	c.at(m.file, "rules", "no rule matches: %s (add rules, or a not_covered rule for what the page does not cover)", strings.Join(parts, "; "))
}

// feasible reports whether the engine can meet s: an expired certificate
// is issued anew, issuance before expiry needs an address change, and so
// does a move filed at the visit.
func feasible(s situation) bool {
	addressChange, move, procedure, status := s[3], s[4], s[5], s[6]
	if move == "true" && addressChange != "true" {
		return false
	}
	if procedure == string(bot.ProcedureRenewal) {
		return status != "expired"
	}
	return addressChange == "true" || status == "expired" || status == "unknown"
}

// conditionSets returns cond as value sets per situation dimension; an empty
// set matches anything.
func conditionSets(cond Condition) [7][]string {
	bools := func(bs []bool) []string {
		out := make([]string, len(bs))
		for i, b := range bs {
			out[i] = strconv.FormatBool(b)
		}
		return out
	}
	return [7][]string{strs(cond.AgeGroup), strs(cond.Visitor), bools(cond.HasNotice),
		bools(cond.AddressChange), bools(cond.MoveAtVisit), strs(cond.Procedure), cond.Status}
}

func matches(cond [7][]string, s situation) bool {
	for d, set := range cond {
		if len(set) > 0 && !slices.Contains(set, s[d]) {
			return false
		}
	}
	return true
}

// eachSituation calls f with every situation, in dimension order.
func eachSituation(f func(situation)) {
	var s situation
	var walk func(d int)
	walk = func(d int) {
		if d == len(situationDims) {
			f(s)
			return
		}
		for _, v := range situationDims[d].values {
			s[d] = v
			walk(d + 1)
		}
	}
	walk(0)
}

// compact merges situations into boxes (a value set per dimension) that
// cover exactly the same situations, merging along one dimension at a time
// until nothing merges.
func compact(cells []situation) [][7][]string {
	boxes := make([][7][]string, len(cells))
	for i, s := range cells {
		for d, v := range s {
			boxes[i][d] = []string{v}
		}
	}
	for merged := true; merged; {
		merged = false
		for d := range situationDims {
			var out [][7][]string
			index := map[string]int{}
			for _, b := range boxes {
				key := boxKey(b, d)
				if i, ok := index[key]; ok {
					out[i][d] = union(situationDims[d].values, out[i][d], b[d])
					merged = true
					continue
				}
				index[key] = len(out)
				out = append(out, b)
			}
			boxes = out
		}
	}
	return boxes
}

// boxKey identifies b by every dimension but skip.
func boxKey(b [7][]string, skip int) string {
	var k strings.Builder
	for d, set := range b {
		if d != skip {
			k.WriteString(strings.Join(set, "|") + "/")
		}
	}
	return k.String()
}

// union returns the values of order that are in a or b.
func union(order, a, b []string) []string {
	var out []string
	for _, v := range order {
		if slices.Contains(a, v) || slices.Contains(b, v) {
			out = append(out, v)
		}
	}
	return out
}

// boxFeasible reports whether some situation of box is feasible.
func boxFeasible(box [7][]string) bool {
	found := false
	eachSituation(func(s situation) {
		found = found || (matches(box, s) && feasible(s))
	})
	return found
}

// describe renders box as "age_group=under15 visitor=proxy|legal_rep",
// leaving out dimensions it spans whole.
func describe(box [7][]string) string {
	var parts []string
	for d, set := range box {
		if len(set) < len(situationDims[d].values) {
			parts = append(parts, situationDims[d].name+"="+strings.Join(set, "|"))
		}
	}
	if len(parts) == 0 {
		return "every situation"
	}
	return strings.Join(parts, " ")
}

// strs converts a list of string-like values to strings.
func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

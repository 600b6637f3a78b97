package forms

import (
	"slices"
	"strings"
)

// What a summary leads with is declared in the forms file (Forms.Figures),
// so that the code names no question of any questionnaire: the shipped
// file's figures are in its figures: block like anyone's.

// IsProfile reports whether the question with id is one of the declared
// profile questions, shown as a breakdown rather than a table of its own.
func (f Figures) IsProfile(id string) bool { return slices.Contains(f.Profile, id) }

// GainPair returns the ids of the declared gain, before and after; ok is
// false when none is declared.
func (f Figures) GainPair() (before, after string, ok bool) {
	if len(f.Gain) != 2 {
		return "", "", false
	}
	return f.Gain[0], f.Gain[1], true
}

// GainName names the declared gain in a header, from what its two ids share:
// knowledge_before and knowledge_after make "Knowledge gain"; ids with
// nothing in common make "Gain". Empty when no gain is declared.
func (f Figures) GainName() string {
	before, after, ok := f.GainPair()
	if !ok {
		return ""
	}
	b, a := strings.Split(before, "_"), strings.Split(after, "_")
	var common []string
	for i := 0; i < len(b) && i < len(a) && b[i] == a[i]; i++ {
		common = append(common, b[i])
	}
	if len(common) == 0 {
		return "Gain"
	}
	name := strings.Join(common, " ")
	return strings.ToUpper(name[:1]) + name[1:] + " gain"
}

// CommentLabel is what a text question is called beside its answers, in
// lang: its label, but for the "please specify" text of a choice with
// other: true, the choice's label and its other option's, such as "Where do
// you work? — Other (please specify)". qs are the questions of the form it
// is asked in.
func CommentLabel(qs []*Question, q *Question, lang string) string {
	if q.OtherOf != "" {
		for _, c := range qs {
			if c.ID != q.OtherOf {
				continue
			}
			if o, ok := c.Option(OtherOption); ok {
				return c.Label.Get(lang) + " — " + o.Label.Get(lang)
			}
		}
	}
	return q.Label.Get(lang)
}

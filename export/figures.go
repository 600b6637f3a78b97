package export

import (
	"strings"

	"feedback/forms"
)

// The figures a summary leads with are those the forms file declares
// (forms.Figures); a sheet says nothing of one that is not declared, or
// whose questions the sheet's form does not ask.

// findQuestion returns the question of qs with id, or nil.
func findQuestion(qs []*forms.Question, id string) *forms.Question {
	if id == "" {
		return nil
	}
	for _, q := range qs {
		if q.ID == id {
			return q
		}
	}
	return nil
}

// headline returns the declared headline rating if qs ask it, or nil.
func (wb *Workbook) headline(qs []*forms.Question) *forms.Question {
	q := findQuestion(qs, wb.forms.Figures.Headline)
	if q == nil || !q.IsScore() {
		return nil
	}
	return q
}

// headlineName is the headline's figure in a header: "Mean satisfaction".
func headlineName(q *forms.Question) string { return "Mean " + humanize(q.ID) }

// gain returns the declared gain's two ratings if qs ask both, or nils.
func (wb *Workbook) gain(qs []*forms.Question) (before, after *forms.Question) {
	b, a, ok := wb.forms.Figures.GainPair()
	if !ok {
		return nil, nil
	}
	before, after = findQuestion(qs, b), findQuestion(qs, a)
	if before == nil || after == nil {
		return nil, nil
	}
	return before, after
}

// gainHow says how the gain is computed, naming both ratings by id and by
// their English text.
func gainHow(before, after *forms.Question) string {
	return "mean of " + after.ID + " (“" + label(after) + "”) − mean of " + before.ID + " (“" + label(before) + "”)"
}

// profileList names the declared profile questions in a sentence: "role,
// region and gender".
func (wb *Workbook) profileList() string {
	ids := wb.forms.Figures.Profile
	switch len(ids) {
	case 0:
		return ""
	case 1:
		return ids[0]
	}
	return strings.Join(ids[:len(ids)-1], ", ") + " and " + ids[len(ids)-1]
}

package export

import (
	"fmt"
	"sort"
	"strings"

	"feedback/forms"
)

// When the forms file changes mid-forum, a question added later was asked of
// a workshop's later responses only, and a question removed of its earlier
// ones. The figures of such a question are over the people who answered it,
// as always; what changes is the denominator a rapporteur compares them
// with. Every table gives "Asked of" beside n, and the questions that were
// not asked all along are listed on their workshop's sheet, in the Overview
// and in the codebook.

// questionChange is one question that a workshop's form did not ask all
// along, with how many of the workshop's responses were asked it and how many
// answered.
type questionChange struct {
	q *forms.Question
	// removed: the workshop's form no longer asks it.
	removed bool
	// periods are when the form asked it; nil when nothing is recorded (it
	// was removed before the service kept a record).
	periods         []forms.Period
	asked, answered int
}

// kind is the change in one word: added (asked from some time on), removed
// (no longer asked), or changed (both, or asked in several spans).
func (c questionChange) kind() string {
	switch {
	case c.removed:
		return "removed"
	case len(c.periods) == 1 && !c.periods[0].From.IsZero() && c.periods[0].Until.IsZero():
		return "added"
	}
	return "changed"
}

// retiredCount counts, for one workshop, the responses asked and answering a
// question its form no longer asks; Summary only knows the current form.
type retiredCount struct {
	q               *forms.Question
	asked, answered int
}

// startRetired lists, for each workshop in the export, the questions its
// stored answers or its recorded forms have that its current form lacks, so
// that stream can count them as responses go by.
func (wb *Workbook) startRetired() {
	wb.retired = map[string][]*retiredCount{}
	byID := map[string]*forms.Question{}
	for _, q := range wb.forms.Questions() {
		byID[q.ID] = q
	}
	for _, q := range wb.opt.Retired {
		byID[q.ID] = q
	}
	for _, w := range wb.workshops {
		ids := wb.opt.Periods.Questions(w.Slug)
		for _, q := range wb.opt.Retired {
			ids = append(ids, q.ID)
		}
		sort.Strings(ids)
		for i, id := range ids {
			if (i > 0 && ids[i-1] == id) || w.Question(id) != nil {
				continue
			}
			q := byID[id]
			if q == nil {
				q = &forms.Question{ID: id}
			}
			wb.retired[w.Slug] = append(wb.retired[w.Slug], &retiredCount{q: q})
		}
	}
}

// countRetired counts one response for its workshop's retired questions.
func (wb *Workbook) countRetired(r *forms.Response) {
	rcs := wb.retired[r.Workshop]
	if len(rcs) == 0 {
		return
	}
	w := wb.forms.Workshop(r.Workshop)
	for _, rc := range rcs {
		if wb.opt.Periods.Asked(w, r, rc.q.ID) {
			rc.asked++
		}
		if _, ok := r.Answers[rc.q.ID]; ok {
			rc.answered++
		}
	}
}

// changes returns the questions the workshop's form did not ask all along:
// the current ones in form order, then those no longer asked, by id.
func (wb *Workbook) changes(w *forms.Workshop) []questionChange {
	sum := wb.tally.Workshops[w.Slug]
	var out []questionChange
	for _, q := range w.Questions {
		if wb.opt.Periods.Changed(w.Slug, q.ID) {
			out = append(out, questionChange{q: q, periods: wb.opt.Periods.Periods(w.Slug, q.ID),
				asked: sum.Asked(q.ID), answered: sum.Answered(q.ID)})
		}
	}
	for _, rc := range wb.retired[w.Slug] {
		periods := wb.opt.Periods.Periods(w.Slug, rc.q.ID)
		if rc.asked > 0 || len(periods) > 0 {
			out = append(out, questionChange{q: rc.q, removed: true, periods: periods, asked: rc.asked, answered: rc.answered})
		}
	}
	return out
}

// changeSummary is a workshop's changes in one cell of the Overview, such as
// "follow_up added: asked of 12 of 40 responses".
func changeSummary(cs []questionChange, responses int) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = fmt.Sprintf("%s %s: asked of %d of %d responses", c.q.ID, c.kind(), c.asked, responses)
	}
	return strings.Join(parts, "\n")
}

// periodsText says when a form asked a question, in the forum's time zone
// to the minute: "since 2025-06-24 10:00", "until …", "… – …", or "all
// along".
func (wb *Workbook) periodsText(ps []forms.Period) string {
	if ps == nil {
		return "not recorded (removed before changes were recorded)"
	}
	at := wb.clock
	parts := make([]string, len(ps))
	for i, p := range ps {
		switch {
		case p.Always():
			parts[i] = "all along"
		case p.From.IsZero():
			parts[i] = "until " + at(p.Until)
		case p.Until.IsZero():
			parts[i] = "since " + at(p.From)
		default:
			parts[i] = at(p.From) + " – " + at(p.Until)
		}
	}
	return strings.Join(parts, "; ")
}

// writeChanges writes the workshop sheet's table of questions not asked all
// along, before the other tables, whose figures it qualifies.
func (ws *workshopSheet) writeChanges(cs []questionChange) {
	if len(cs) == 0 {
		return
	}
	st := ws.wb.st
	ws.section("Questions changed",
		"The forms file changed during the forum, while responses came in. Asked of = responses whose form had the question; n = people who answered it.")
	// "In the form" spans four of the narrow score columns.
	whenCol := colAsked + 2
	for i, h := range []string{"Question", "Text", "n", "Asked of", "Change", "In the form (" + ws.wb.zone() + ")"} {
		ws.text(colID+i, ws.row, h, st.headerWrap)
	}
	ws.styleRange(whenCol, ws.row, whenCol+3, ws.row, st.headerWrap)
	ws.merge(whenCol, ws.row, whenCol+3, ws.row)
	ws.row++
	for _, c := range cs {
		ws.text(colID, ws.row, c.q.ID, st.wrap)
		ws.text(colText, ws.row, label(c.q), st.wrap)
		ws.int(colN, ws.row, c.answered, st.count)
		ws.int(colAsked, ws.row, c.asked, st.count)
		ws.text(colAsked+1, ws.row, c.kind(), st.center)
		when := ws.wb.periodsText(c.periods)
		ws.text(whenCol, ws.row, when, st.wrap)
		ws.merge(whenCol, ws.row, whenCol+3, ws.row)
		ws.height(ws.row, rowHeight([]string{c.q.ID, label(c.q), "", "", "", when}, []float64{20, 48, 10, 10, 10, 40}))
		ws.row++
	}
	ws.row++
}

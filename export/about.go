package export

import (
	"fmt"
	"sort"
	"strings"

	"feedback/forms"
)

// aboutSheet writes the codebook, section after section down the rows.
type aboutSheet struct {
	*sheet
	wb  *Workbook
	row int
}

// writeAbout writes the codebook: when the workbook was made, what it counts,
// every question with its type and scale, and how each figure is computed.
func (wb *Workbook) writeAbout() error {
	a := &aboutSheet{sheet: wb.sheet(SheetAbout), wb: wb}
	a.width(1, 1, 30)
	a.width(2, 2, 20)
	a.width(3, 3, 10)
	a.width(4, 4, 50)
	a.width(5, 5, 60)
	a.width(6, 6, 40)
	a.width(7, 8, 10)
	a.row = 1
	if title := wb.forms.Title.Get(forms.DefaultLanguage); title != "" {
		a.text(1, a.row, title, wb.st.title)
		a.row++
	}
	a.text(1, a.row, "About this workbook", wb.st.title)
	a.freeze(0, a.row)
	a.printWide()
	a.row += 2
	a.counts()
	a.row++
	a.sheets()
	a.row++
	a.questions()
	a.row++
	a.figures()
	return a.done("about sheet")
}

// kv writes one key figure: its name in column A, its value by v.
func (a *aboutSheet) kv(k string, v func()) {
	a.text(1, a.row, k, a.wb.st.label)
	v()
	a.row++
}

// counts says when the workbook was made and what it counts.
func (a *aboutSheet) counts() {
	wb, st := a.wb, a.wb.st
	a.kv("Exported at ("+wb.zone()+")", func() { a.float(2, a.row, wb.localTime(wb.opt.Now), st.date) })
	scope := "all workshops"
	if wb.opt.Workshop != "" {
		scope = "only " + wb.opt.Workshop
	}
	a.kv("Workshops", func() { a.text(2, a.row, scope, 0) })
	a.kv("Responses", func() { a.int(2, a.row, wb.tally.All.Responses, st.count) })
	for _, src := range forms.Sources {
		a.kv("Responses by source: "+src, func() {
			a.int(2, a.row, wb.sources[""][src], st.count)
			a.text(4, a.row, sourceHow[src], st.small)
		})
	}
	if wb.tally.Unknown > 0 {
		a.kv("Responses to workshops no longer in the forms file", func() {
			a.int(2, a.row, wb.tally.Unknown, st.count)
			a.text(4, a.row, "Listed in Responses and Comments; counted in no summary.", st.small)
		})
	}
	a.kv("Comments (text answers)", func() { a.int(2, a.row, wb.comments, st.count) })
	a.kv("Comments coded with a theme", func() { a.int(2, a.row, wb.comments-wb.themes.total(wb.themes.uncoded), st.count) })
	a.kv("Themes", func() { a.int(2, a.row, len(wb.opt.Themes), st.count) })
	a.kv("Key quotes (starred)", func() { a.int(2, a.row, len(wb.quotes), st.count) })
}

// sheets says what each sheet holds.
func (a *aboutSheet) sheets() {
	wb, st := a.wb, a.wb.st
	a.text(1, a.row, "Sheets", st.section)
	a.row++
	overview := "One row per workshop in forum order and a total row over all responses."
	if h := wb.headline(rawQuestions(wb.forms, wb.opt.Workshop)); h != nil {
		overview = "One row per workshop in forum order, a total row over all responses, and a chart of the mean of " + h.ID + " per workshop."
	}
	perWorkshop := "Key figures; the questions changed during the forum, if any; for each rating n, asked of, mean, count and share of each score; the NPS; each choice question's counts and shares; "
	if p := wb.profileList(); p != "" {
		perWorkshop += "who answered (" + strings.ReplaceAll(p, " and ", ", ") + "); "
	}
	sheets := [][2]string{
		{SheetOverview, overview},
		{"one per workshop", perWorkshop + "charts of the distributions."},
		{SheetThemes, "One row per theme: the comments coded with it in each workshop and in all, then those not yet coded and all comments; below, each theme's starred quotes with their workshop, question, translation and language."},
		{SheetKeyQuotes, "The comments starred on the dashboard, by workshop, with their themes and translation."},
		{SheetComments, "Every non-empty text answer (the words given for an \"Other (please specify)\" too), its themes (joined with \"; \") and translation, with a filter on each column."},
		{SheetResponses, "One row per response: submission_id, workshop, submitted at (UTC), language, source (web, api or paper), then one column per question id (a multiple choice lists option ids joined with \"; \")."},
		{SheetAbout, "This codebook."},
	}
	for _, sh := range sheets {
		a.text(1, a.row, sh[0], st.label)
		a.text(2, a.row, sh[1], 0)
		a.row++
	}
}

// questions lists every question with its type and scale, where it is
// asked, and how many answered it; then the questions no longer asked.
func (a *aboutSheet) questions() {
	wb, st := a.wb, a.wb.st
	a.text(1, a.row, "Questions", st.section)
	a.row++
	for i, h := range []string{"Question id", "Type", "Required", "Scale or options (id = English label)", "Text (English)", "Asked in", "n", "Asked of"} {
		a.text(i+1, a.row, h, st.header)
	}
	a.row++
	all := wb.tally.All
	for _, q := range rawQuestions(wb.forms, wb.opt.Workshop) {
		a.text(1, a.row, q.ID, st.wrap)
		a.text(2, a.row, string(q.Type), st.wrap)
		req := "no"
		if q.Required {
			req = "yes"
		}
		a.text(3, a.row, req, st.wrap)
		a.text(4, a.row, scaleOf(q), st.wrap)
		a.text(5, a.row, commentLabel(rawQuestions(wb.forms, wb.opt.Workshop), q), st.wrap)
		a.text(6, a.row, wb.askedIn(q.ID), st.wrap)
		a.int(7, a.row, all.Answered(q.ID), st.count)
		a.int(8, a.row, all.Asked(q.ID), st.count)
		a.row++
	}
	for _, rq := range wb.retiredQuestions() {
		a.text(1, a.row, rq.q.ID, st.wrap)
		a.text(2, a.row, string(rq.q.Type), st.wrap)
		a.text(4, a.row, "no longer in the forms file", st.wrap)
		a.text(5, a.row, label(rq.q), st.wrap)
		a.text(6, a.row, rq.askedIn, st.wrap)
		a.int(7, a.row, rq.answered, st.count)
		a.int(8, a.row, rq.asked, st.count)
		a.row++
	}
}

// aboutFigures says how each figure of the workbook is computed: those the
// forms declare, and the ones every workbook has.
func (wb *Workbook) aboutFigures() [][2]string {
	qs := rawQuestions(wb.forms, wb.opt.Workshop)
	out := [][2]string{
		{"Responses", "Number of forms submitted. A participant who changed their answers counts once, with the last answers."},
		{"n", "People who answered the question; questions left blank are not counted anywhere."},
		{"Asked of", "Responses that were asked the question: those sent while their workshop's form had it, and any that answer it; a question asked only on a condition (show_if, or \"please specify\" after Other) counts the responses whose answers met it. n is never more."},
		{"Questions changed", "Questions a workshop's form added or removed after responses came in (a renamed question is one removed and one added). Listed on the workshop's sheet with when its form had them, and in the Overview. Their answers stay in Responses and Comments."},
		{"Mean", "Sum of the scores ÷ n, on the question's scale; shown with two decimals."},
		{"Count and share of a score", "People who gave that score, and that number ÷ n."},
	}
	if before, after := wb.gain(qs); before != nil {
		out = append(out, [2]string{wb.forms.Figures.GainName(), "The " + gainHow(before, after) + ", each over the people who answered it."})
	}
	out = append(out,
		[2]string{"NPS (Net Promoter Score)", "From the 0–10 question: promoters answer 9–10, passives 7–8, detractors 0–6. NPS = % promoters − % detractors, from −100 to 100."},
		[2]string{"Choice counts and shares", "People who chose the option, and that number ÷ people who answered the question. Answers add up by option id, whatever language they were given in."})
	if p := wb.profileList(); p != "" {
		out = append(out, [2]string{"Who answered", fmt.Sprintf("Responses grouped by %s. A figure about fewer than %d people shows %s, so that nobody in a small group can be recognised; \"No answer\" groups those who skipped the question.", p, forms.MinGroupSize, suppressed)})
	}
	times := "Submission times are in UTC."
	if wb.zone() != "UTC" {
		times = "Times are the forum's local time (" + wb.zone() + "), as each header says; the Responses sheet's submitted_at_utc is in UTC."
	}
	return append(out,
		[2]string{"Comments by theme", "Comments of this workbook (the Comments sheet's rows) the rapporteur coded with the theme. A comment may have several themes and counts under each; \"Not yet coded\" counts those with none."},
		[2]string{"Total row", "The same figures over every response of the workshops in this workbook, not an average of the workshop rows."},
		[2]string{"Times", times})
}

// figures writes aboutFigures, each text across columns B–E.
func (a *aboutSheet) figures() {
	st := a.wb.st
	a.text(1, a.row, "How each figure is computed", st.section)
	a.row++
	a.text(1, a.row, "Figure", st.header)
	a.text(2, a.row, "How", st.header)
	a.merge(2, a.row, 5, a.row)
	a.row++
	for _, f := range a.wb.aboutFigures() {
		a.text(1, a.row, f[0], st.label)
		a.text(2, a.row, f[1], st.wrap)
		a.merge(2, a.row, 5, a.row)
		// The merged cell is columns 2–5 wide; a longer text wraps in it.
		a.height(a.row, rowHeight([]string{f[0], f[1]}, []float64{30, 20 + 10 + 50 + 60}))
		a.row++
	}
}

// scaleOf describes a question's answers for the codebook.
func scaleOf(q *forms.Question) string {
	switch {
	case q.IsScore():
		s := fmt.Sprintf("%d–%d", q.Min, q.Max)
		lo, hi := q.MinLabel.Get(forms.DefaultLanguage), q.MaxLabel.Get(forms.DefaultLanguage)
		if lo != "" || hi != "" {
			s += fmt.Sprintf(" (%d = %s, %d = %s)", q.Min, lo, q.Max, hi)
		}
		return s
	case q.IsChoice():
		parts := make([]string, len(q.Options))
		for i, o := range q.Options {
			parts[i] = o.ID + " = " + optionLabel(q, o.ID)
		}
		kind := "one of"
		if q.Type == forms.Multi {
			kind = "any of"
		}
		return kind + ": " + strings.Join(parts, "; ")
	}
	return fmt.Sprintf("free text, up to %d characters", q.MaxLength)
}

// askedIn names the workshops that ask a question, or "every workshop";
// a workshop whose form did not ask it all along comes with when it did:
// "data-governance (since 2025-06-24 10:00)".
func (wb *Workbook) askedIn(id string) string {
	var plain, changed []string
	for _, w := range wb.workshops {
		if when := wb.whenAsked(w, id); when != "" {
			changed = append(changed, w.Slug+" ("+when+")")
		} else if w.Question(id) != nil {
			plain = append(plain, w.Slug)
		}
	}
	if len(plain) > 1 && len(plain)+len(changed) == len(wb.workshops) {
		every := "every workshop"
		if len(changed) > 0 {
			every = "every other workshop"
		}
		plain = []string{every}
	}
	return strings.Join(append(plain, changed...), ", ")
}

// whenAsked says when the workshop's form asked the question if it did not
// all along, or "".
func (wb *Workbook) whenAsked(w *forms.Workshop, id string) string {
	for _, c := range wb.changes(w) {
		if c.q.ID == id {
			return wb.periodsText(c.periods)
		}
	}
	return ""
}

// retiredQuestion is a codebook row for a question no workshop of the export
// asks any more, with its counts over every workshop.
type retiredQuestion struct {
	q               *forms.Question
	askedIn         string
	asked, answered int
}

// retiredQuestions returns the questions stored answers or recorded forms
// have that no workshop of the export asks now, by id: their columns are in
// Responses, so the codebook describes them too.
func (wb *Workbook) retiredQuestions() []retiredQuestion {
	current := map[string]bool{}
	for _, q := range rawQuestions(wb.forms, wb.opt.Workshop) {
		current[q.ID] = true
	}
	byID := map[string]*retiredQuestion{}
	var out []retiredQuestion
	for _, w := range wb.workshops {
		for _, c := range wb.changes(w) {
			if !c.removed || current[c.q.ID] {
				continue
			}
			rq := byID[c.q.ID]
			if rq == nil {
				rq = &retiredQuestion{q: c.q}
				byID[c.q.ID] = rq
			}
			rq.asked += c.asked
			rq.answered += c.answered
		}
	}
	for id, rq := range byID {
		rq.askedIn = wb.askedIn(id)
		out = append(out, *rq)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].q.ID < out[j].q.ID })
	return out
}

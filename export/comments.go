package export

import (
	"fmt"
	"sort"

	"github.com/xuri/excelize/v2"

	"feedback/forms"
)

// commentHeader is the header of the Comments and Key quotes sheets; times
// are in the forum's zone. Themes and Translation come last, so the columns
// a rapporteur's formulas or macros know keep their places.
func (wb *Workbook) commentHeader() []string {
	return []string{"Workshop", "Question", "Answer", "Language", "Submitted at (" + wb.zone() + ")", "Themes", "Translation"}
}

var commentWidths = []float64{40, 36, 80, 10, 20, 30, 60}

// commentTexts are the wrapped texts of a comment row, for rowHeight.
func commentTexts(title, qlabel, text, themes, translation string) []string {
	return []string{title, qlabel, text, "", "", themes, translation}
}

func (wb *Workbook) startComments(sw *excelize.StreamWriter) error {
	for i, w := range commentWidths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return fmt.Errorf("export: comments widths: %w", err)
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("export: comments panes: %w", err)
	}
	heads := wb.commentHeader()
	header := make([]any, len(heads))
	for i, h := range heads {
		header[i] = excelize.Cell{StyleID: wb.st.header, Value: h}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return fmt.Errorf("export: comments header: %w", err)
	}
	return nil
}

// addComments writes one row per non-empty text answer of r, and keeps the
// starred ones for the Key quotes sheet. The text of a choice's "Other
// (please specify)" is a comment too, under the choice's label.
func (wb *Workbook) addComments(sw *excelize.StreamWriter, row *int, r *forms.Response) error {
	qs := wb.questionsOf(r.Workshop)
	for _, q := range qs {
		if q.Type != forms.FreeText {
			continue
		}
		a, ok := r.Answers[q.ID]
		if !ok || a.Text == "" {
			continue
		}
		*row++
		wb.comments++
		key := QuoteKey{ResponseID: r.ID, Question: q.ID}
		coding := wb.opt.Codings[key]
		themes := wb.liveThemes(coding.Themes)
		wb.themes.add(r.Workshop, themes)
		title, qlabel, labels := wb.title(r.Workshop), commentLabel(qs, q), wb.themeLabels(themes)
		values := []any{
			wb.textCell(title, wb.st.wrap),
			wb.textCell(qlabel, wb.st.wrap),
			wb.textCell(a.Text, wb.st.wrap),
			wb.textCell(r.Lang, wb.st.wrap),
			excelize.Cell{StyleID: wb.st.date, Value: wb.localTime(r.SubmittedAt)},
			wb.optionalText(labels, wb.st.wrap),
			wb.optionalText(coding.Translation, wb.st.wrap),
		}
		h := rowHeight(commentTexts(title, qlabel, a.Text, labels, coding.Translation), commentWidths)
		if err := sw.SetRow(cell(1, *row), values, excelize.RowOpts{Height: h}); err != nil {
			return fmt.Errorf("export: comments row %d: %w", *row, err)
		}
		if wb.opt.KeyQuotes[key] {
			wb.quotes = append(wb.quotes, quote{workshop: r.Workshop, question: q.ID, text: a.Text, lang: r.Lang, at: r.SubmittedAt,
				themes: themes, translation: coding.Translation})
		}
	}
	return nil
}

// optionalText is a text cell, or a blank one in style when v is empty, so
// that a filter's (Blanks) finds the comments not yet coded or translated.
func (wb *Workbook) optionalText(v string, style int) excelize.Cell {
	if v == "" {
		return excelize.Cell{StyleID: style}
	}
	return wb.textCell(v, style)
}

// sortQuotes puts the starred comments workshop by workshop in forum order,
// those of workshops no longer in the forms file last, each workshop's in
// the order they were given.
func (wb *Workbook) sortQuotes() {
	order := map[string]int{}
	for i, w := range wb.forms.Workshops {
		order[w.Slug] = i + 1
	}
	rank := func(slug string) int {
		if n, ok := order[slug]; ok {
			return n
		}
		return len(order) + 1
	}
	sort.SliceStable(wb.quotes, func(i, j int) bool {
		return rank(wb.quotes[i].workshop) < rank(wb.quotes[j].workshop)
	})
}

// writeKeyQuotes lists the starred comments in sortQuotes' order, each with
// its themes and translation.
func (wb *Workbook) writeKeyQuotes() error {
	s := wb.sheet(SheetKeyQuotes)
	for i, h := range wb.commentHeader() {
		s.text(i+1, 1, h, wb.st.header)
		s.width(i+1, i+1, commentWidths[i])
	}
	s.freeze(0, 1)
	s.printWide()
	if len(wb.quotes) == 0 {
		s.text(1, 2, "No comment is starred yet. Star comments on the dashboard (/admin) to collect them here.", wb.st.small)
		s.merge(1, 2, 3, 2)
	}
	for i, q := range wb.quotes {
		row := i + 2
		s.text(1, row, wb.title(q.workshop), wb.st.wrap)
		qlabel := wb.quoteQuestion(q)
		s.text(2, row, qlabel, wb.st.wrap)
		s.text(3, row, q.text, wb.st.wrap)
		s.text(4, row, q.lang, wb.st.wrap)
		s.float(5, row, wb.localTime(q.at), wb.st.date)
		labels := wb.themeLabels(q.themes)
		if labels != "" {
			s.text(6, row, labels, wb.st.wrap)
		}
		if q.translation != "" {
			s.text(7, row, q.translation, wb.st.wrap)
		}
		s.height(row, rowHeight(commentTexts(wb.title(q.workshop), qlabel, q.text, labels, q.translation), commentWidths))
	}
	return s.done("key quotes sheet")
}

// quoteQuestion names the question a quote answers, as Comments does.
func (wb *Workbook) quoteQuestion(q quote) string {
	if qq := wb.questionOf(q.workshop, q.question); qq != nil {
		return commentLabel(wb.questionsOf(q.workshop), qq)
	}
	return q.question
}

// questionOf finds a question of a workshop, or of the whole file.
func (wb *Workbook) questionOf(slug, id string) *forms.Question {
	for _, q := range wb.questionsOf(slug) {
		if q.ID == id {
			return q
		}
	}
	return nil
}

// commentLabel is how a text question is named beside its answers (see
// forms.CommentLabel), or its id when it has no English text.
func commentLabel(qs []*forms.Question, q *forms.Question) string {
	if s := forms.CommentLabel(qs, q, forms.DefaultLanguage); s != "" {
		return s
	}
	return q.ID
}

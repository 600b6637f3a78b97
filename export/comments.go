package export

import (
	"fmt"
	"sort"

	"github.com/xuri/excelize/v2"

	"feedback/forms"
)

// commentHeader is the header of the Comments and Key quotes sheets; times
// are in the forum's zone.
func (wb *Workbook) commentHeader() []string {
	return []string{"Workshop", "Question", "Answer", "Language", "Submitted at (" + wb.zone() + ")"}
}

var commentWidths = []float64{40, 36, 80, 10, 20}

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
		title, qlabel := wb.title(r.Workshop), commentLabel(qs, q)
		values := []any{
			wb.textCell(title, wb.st.wrap),
			wb.textCell(qlabel, wb.st.wrap),
			wb.textCell(a.Text, wb.st.wrap),
			wb.textCell(r.Lang, wb.st.wrap),
			excelize.Cell{StyleID: wb.st.date, Value: wb.localTime(r.SubmittedAt)},
		}
		h := rowHeight([]string{title, qlabel, a.Text}, commentWidths)
		if err := sw.SetRow(cell(1, *row), values, excelize.RowOpts{Height: h}); err != nil {
			return fmt.Errorf("export: comments row %d: %w", *row, err)
		}
		if wb.opt.KeyQuotes[QuoteKey{ResponseID: r.ID, Question: q.ID}] {
			wb.quotes = append(wb.quotes, quote{workshop: r.Workshop, question: q.ID, text: a.Text, lang: r.Lang, at: r.SubmittedAt})
		}
	}
	return nil
}

// writeKeyQuotes lists the starred comments, workshop by workshop in forum
// order, each workshop's in the order they were given.
func (wb *Workbook) writeKeyQuotes() error {
	order := map[string]int{}
	for i, w := range wb.forms.Workshops {
		order[w.Slug] = i
	}
	sort.SliceStable(wb.quotes, func(i, j int) bool {
		return order[wb.quotes[i].workshop] < order[wb.quotes[j].workshop]
	})
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
		qlabel := q.question
		if qq := wb.questionOf(q.workshop, q.question); qq != nil {
			qlabel = commentLabel(wb.questionsOf(q.workshop), qq)
		}
		s.text(2, row, qlabel, wb.st.wrap)
		s.text(3, row, q.text, wb.st.wrap)
		s.text(4, row, q.lang, wb.st.wrap)
		s.float(5, row, wb.localTime(q.at), wb.st.date)
		s.height(row, rowHeight([]string{wb.title(q.workshop), qlabel, q.text}, commentWidths))
	}
	return s.done("key quotes sheet")
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

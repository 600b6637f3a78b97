package export

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"feedback/forms"
)

// rawHeader is the first columns of the Responses sheet and the CSV, before
// one column per question (named by its stable id).
var rawHeader = []string{"submission_id", "workshop", "submitted_at_utc", "language", "source"}

// rawQuestions are the question columns of the raw data: every question of
// the forms file in the order first asked, or one workshop's questions.
func rawQuestions(f *forms.Forms, slug string) []*forms.Question {
	if w := f.Workshop(slug); slug != "" && w != nil {
		return w.Questions
	}
	return f.Questions()
}

// rawValue is one answer as a cell: a number for a score, the option ids
// joined with "; " for a choice, the text for a text; nil when unanswered.
func rawValue(q *forms.Question, a forms.Answer, ok bool) any {
	switch {
	case !ok:
		return nil
	case len(a.Choices) > 0:
		return strings.Join(a.Choices, "; ")
	case q.IsScore():
		return a.Number
	case a.Text == "":
		return nil
	}
	return a.Text
}

// rawCell is a value of the Responses sheet as the stream writes it: as it
// is, but a formula-like text with the quote-prefixed style (forText).
func (wb *Workbook) rawCell(v any) any {
	if s, ok := v.(string); ok && formulaLike(s) {
		return wb.textCell(s, 0)
	}
	return v
}

// textCell is a text for a streamed row, in style or, if it is formula-like,
// in its quote-prefixed twin.
func (wb *Workbook) textCell(v string, style int) excelize.Cell {
	return excelize.Cell{StyleID: wb.st.forText(v, style), Value: v}
}

// excelEpoch is day 0 of Excel's (1900) date system, as Excel counts it.
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// excelTime is t as an Excel date serial number (days since excelEpoch), in
// UTC, to the millisecond. Half a millisecond is added so that a time on the
// second stays on it when excelize keeps 15 digits and LibreOffice cuts
// (rather than rounds) the seconds it shows.
func excelTime(t time.Time) float64 {
	ms := t.Sub(excelEpoch).Milliseconds()
	return (float64(ms) + 0.5) / float64(24*time.Hour/time.Millisecond)
}

// inExport reports whether a response belongs in this export.
func (wb *Workbook) inExport(r *forms.Response) bool {
	return wb.opt.Workshop == "" || r.Workshop == wb.opt.Workshop
}

// stream makes the one pass over the responses: each one is tallied and
// written to the Responses and Comments sheets as it goes by, and a starred
// comment is kept for the Key quotes sheet.
func (wb *Workbook) stream(ctx context.Context, src Source) error {
	qs := rawColumns(wb.forms, wb.opt)
	resp, err := wb.file.NewStreamWriter(SheetResponses)
	if err != nil {
		return fmt.Errorf("export: responses sheet: %w", err)
	}
	// Page set-up lives in the sheet's start, which the stream writes first.
	cs := wb.sheet(SheetComments)
	cs.printWide()
	if err := cs.done("comments sheet"); err != nil {
		return err
	}
	comm, err := wb.file.NewStreamWriter(SheetComments)
	if err != nil {
		return fmt.Errorf("export: comments sheet: %w", err)
	}
	if err := wb.startResponses(resp, qs); err != nil {
		return err
	}
	if err := wb.startComments(comm); err != nil {
		return err
	}
	row, commentRow := 1, 1
	values := make([]any, len(rawHeader)+len(qs))
	dateCell := excelize.Cell{StyleID: wb.st.date}
	err = pipeline(ctx, src, wb.inExport, func(r *forms.Response) error {
		wb.tally.Add(r)
		wb.countRetired(r)
		wb.countSource(r)
		row++
		dateCell.Value = excelTime(r.SubmittedAt)
		values[0], values[1], values[2], values[3] = wb.rawCell(r.SubmissionID), wb.rawCell(r.Workshop), dateCell, wb.rawCell(r.Lang)
		values[4] = wb.rawCell(r.Source)
		for i, q := range qs {
			a, ok := r.Answers[q.ID]
			values[len(rawHeader)+i] = wb.rawCell(rawValue(q, a, ok))
		}
		if err := resp.SetRow(cell(1, row), values); err != nil {
			return fmt.Errorf("export: responses row %d: %w", row, err)
		}
		return wb.addComments(comm, &commentRow, r)
	})
	if err != nil {
		return err
	}
	if err := resp.Flush(); err != nil {
		return fmt.Errorf("export: responses sheet: %w", err)
	}
	// The filter covers every comment row; it is set before Flush, which
	// writes it after the rows.
	if err := wb.file.AutoFilter(SheetComments, "A1:"+cell(len(commentWidths), max(commentRow, 2)), nil); err != nil {
		return fmt.Errorf("export: comments filter: %w", err)
	}
	if err := comm.Flush(); err != nil {
		return fmt.Errorf("export: comments sheet: %w", err)
	}
	return nil
}

func (wb *Workbook) startResponses(sw *excelize.StreamWriter, qs []*forms.Question) error {
	widths := []float64{38, 26, 20, 10, 8}
	for _, q := range qs {
		w := 12.0
		switch {
		case q.IsChoice():
			w = 30
		case q.Type == forms.FreeText:
			w = 50
		}
		widths = append(widths, max(w, float64(len(q.ID))+2))
	}
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return fmt.Errorf("export: responses widths: %w", err)
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("export: responses panes: %w", err)
	}
	header := make([]any, 0, len(widths))
	for _, h := range rawHeader {
		header = append(header, excelize.Cell{StyleID: wb.st.header, Value: h})
	}
	for _, q := range qs {
		header = append(header, excelize.Cell{StyleID: wb.st.header, Value: q.ID})
	}
	if err := sw.SetRow("A1", header); err != nil {
		return fmt.Errorf("export: responses header: %w", err)
	}
	return nil
}

// pipeline reads src in a goroutine of its own while fn writes on this one,
// so that reading the store and writing the sheets use both cores of a small
// machine. The reader copies each response it keeps (src may reuse them) and
// stays at most a few hundred responses ahead, so memory does not grow with
// the number of responses.
func pipeline(ctx context.Context, src Source, keep func(*forms.Response) bool, fn func(*forms.Response) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan *forms.Response, 256)
	readErr := make(chan error, 1)
	go func() {
		err := src(ctx, func(r *forms.Response) error {
			if !keep(r) {
				return nil
			}
			select {
			case ch <- cloneResponse(r):
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
		close(ch)
		readErr <- err
	}()
	for r := range ch {
		if err := fn(r); err != nil {
			cancel()
			for range ch {
			}
			<-readErr
			return err
		}
	}
	return <-readErr
}

// cloneResponse copies r deeply enough that the source may reuse r.
func cloneResponse(r *forms.Response) *forms.Response {
	cp := *r
	cp.Answers = make(forms.Answers, len(r.Answers))
	for id, a := range r.Answers {
		if a.Choices != nil {
			a.Choices = append([]string(nil), a.Choices...)
		}
		cp.Answers[id] = a
	}
	return &cp
}

package export

import (
	"github.com/xuri/excelize/v2"

	"feedback/forms"
)

// overviewColumns are the figures of the Overview sheet, after Workshop and
// Responses: the mean of each rating question, the knowledge gain and the NPS.
type overviewColumns struct {
	ratings []*forms.Question
	gain    bool
	nps     bool
}

func (wb *Workbook) overviewColumns() overviewColumns {
	var c overviewColumns
	var before, after bool
	for _, q := range rawQuestions(wb.forms, wb.opt.Workshop) {
		switch {
		case q.Type == forms.Rating:
			c.ratings = append(c.ratings, q)
			before = before || q.ID == forms.KnowledgeBeforeID
			after = after || q.ID == forms.KnowledgeAfterID
		case q.Type == forms.NPS:
			c.nps = true
		}
	}
	c.gain = before && after
	return c
}

// writeOverview writes one row per workshop in forum order, a total row over
// every response, and a bar chart of mean satisfaction per workshop.
func (wb *Workbook) writeOverview() error {
	s := &sheet{f: wb.file, name: SheetOverview}
	cols := wb.overviewColumns()
	s.text(1, 1, "Workshop", wb.st.headerWrap)
	s.text(2, 1, "Responses", wb.st.headerWrap)
	col := 3
	meanCol := map[string]int{}
	for _, q := range cols.ratings {
		meanCol[q.ID] = col
		s.text(col, 1, "Mean "+humanize(q.ID), wb.st.headerWrap)
		col++
	}
	gainCol, npsCol := 0, 0
	if cols.gain {
		gainCol = col
		s.text(col, 1, "Knowledge gain", wb.st.headerWrap)
		col++
	}
	if cols.nps {
		npsCol = col
		s.text(col, 1, "NPS", wb.st.headerWrap)
		col++
	}
	// Only a forms file changed mid-forum adds a column: the questions each
	// workshop did not ask all along, and of how many responses.
	changes := map[string][]questionChange{}
	changedCol := 0
	for _, w := range wb.workshops {
		if cs := wb.changes(w); len(cs) > 0 {
			changes[w.Slug] = cs
			changedCol = col
		}
	}
	if changedCol > 0 {
		s.text(col, 1, "Questions changed during the forum", wb.st.headerWrap)
		col++
	}
	last := col - 1
	s.width(1, 1, 80)
	s.width(2, last, 13)
	if changedCol > 0 {
		s.width(changedCol, changedCol, 45)
	}
	if s.err == nil {
		s.err = wb.file.SetRowHeight(SheetOverview, 1, 48)
	}
	s.freeze(1, 1)
	s.printWide()

	row := 1
	line := func(sum *forms.Summary, total bool) {
		count, mean, gain, nps := wb.st.count, wb.st.mean, wb.st.gain, wb.st.nps
		if total {
			count, mean, gain, nps = wb.st.boldCount, wb.st.boldMean, wb.st.boldGain, wb.st.boldNPS
			s.styleRange(3, row, last, row, wb.st.bold)
		}
		s.int(2, row, sum.Responses, count)
		for _, q := range cols.ratings {
			if m, ok := sum.Mean(q.ID); ok {
				s.float(meanCol[q.ID], row, m, mean)
			} else if total {
				s.style(meanCol[q.ID], row, mean)
			}
		}
		if g, ok := sum.KnowledgeGain(); ok && gainCol > 0 {
			s.float(gainCol, row, g, gain)
		}
		if n, ok := sum.NPS(); ok && npsCol > 0 {
			s.float(npsCol, row, n.Score, nps)
		}
	}
	for _, w := range wb.workshops {
		row++
		s.text(1, row, w.Title.Get(forms.DefaultLanguage), wb.st.link)
		if s.err == nil {
			s.err = wb.file.SetCellHyperLink(SheetOverview, cell(1, row), quoteSheet(wb.sheets[w.Slug])+"!A1", "Location")
		}
		line(wb.tally.Workshops[w.Slug], false)
		if cs := changes[w.Slug]; len(cs) > 0 {
			text := changeSummary(cs, wb.tally.Workshops[w.Slug].Responses)
			s.text(changedCol, row, text, wb.st.wrap)
			if s.err == nil {
				s.err = wb.file.SetRowHeight(SheetOverview, row, rowHeight([]string{text}, []float64{45}))
			}
		}
	}
	firstRow, lastRow := 2, row
	row++
	s.text(1, row, "All workshops", wb.st.bold)
	line(wb.tally.All, true)

	row += 2
	note := "Means are of the people who answered each question, on its scale (1–5 unless the About sheet says otherwise). " +
		"Knowledge gain = mean knowledge after − mean knowledge before. " +
		"NPS = % promoters (9–10) − % detractors (0–6), from −100 to 100. Click a workshop for its sheet; About explains every figure."
	if changedCol > 0 {
		note += " The forms file changed during the forum: a question added or removed was asked of only part of a workshop's responses, " +
			"and its mean is over the people who answered it then (the last column; each workshop's sheet gives the times)."
	}
	s.text(1, row, note, wb.st.small)
	s.merge(1, row, last, row)
	if s.err == nil {
		s.err = wb.file.SetRowHeight(SheetOverview, row, 48)
	}

	// The chart shows the headline rating: satisfaction, or the first rating.
	var chartQ *forms.Question
	for _, q := range cols.ratings {
		if q.ID == forms.SatisfactionID {
			chartQ = q
		}
	}
	if chartQ == nil && len(cols.ratings) > 0 {
		chartQ = cols.ratings[0]
	}
	if chartQ != nil && lastRow >= firstRow {
		c := meanCol[chartQ.ID]
		lo, hi := 0.0, float64(chartQ.Max)
		s.chart(cell(1, row+2), &excelize.Chart{
			Type: excelize.Bar,
			Series: []excelize.ChartSeries{{
				Name:       quoteSheet(SheetOverview) + "!" + absCell(c, 1),
				Categories: s.absRange(1, firstRow, 1, lastRow),
				Values:     s.absRange(c, firstRow, c, lastRow),
				Fill:       excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"00577A"}},
			}},
			Title:     chartTitle("Mean " + humanize(chartQ.ID) + " per workshop"),
			Legend:    excelize.ChartLegend{Position: "none"},
			XAxis:     excelize.ChartAxis{ReverseOrder: true},
			YAxis:     excelize.ChartAxis{Minimum: &lo, Maximum: &hi, MajorGridLines: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0.0"}},
			PlotArea:  excelize.ChartPlotArea{ShowVal: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0.00"}},
			Dimension: excelize.ChartDimension{Width: 960, Height: uint(120 + 36*(lastRow-firstRow+1))},
		})
	}
	return s.done("overview sheet")
}

func absCell(col, row int) string {
	c, _ := excelize.CoordinatesToCellName(col, row, true)
	return c
}

func chartTitle(t string) excelize.ChartTitle {
	return excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: t, Font: &excelize.Font{Bold: true, Size: 12}}}}
}

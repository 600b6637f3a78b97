package export

import (
	"github.com/xuri/excelize/v2"

	"feedback/forms"
)

// overviewColumns are the figures of the Overview sheet, after Workshop and
// Responses: the mean of each rating question, the declared gain and the NPS.
type overviewColumns struct {
	ratings []*forms.Question
	// headline is the declared headline, the chart's; before and after are
	// the declared gain's ratings. Nil when not declared or not asked.
	headline      *forms.Question
	before, after *forms.Question
	nps           bool
}

func (wb *Workbook) overviewColumns() overviewColumns {
	var c overviewColumns
	qs := rawQuestions(wb.forms, wb.opt.Workshop)
	for _, q := range qs {
		switch q.Type {
		case forms.Rating:
			c.ratings = append(c.ratings, q)
		case forms.NPS:
			c.nps = true
		}
	}
	c.headline = wb.headline(qs)
	c.before, c.after = wb.gain(qs)
	return c
}

// overviewSheet lays out the Overview: which column holds each figure, and
// the questions each workshop's form did not ask all along.
type overviewSheet struct {
	*sheet
	wb      *Workbook
	cols    overviewColumns
	meanCol map[string]int // by rating question id
	// head is the header row: 2 under the forum's title, else 1.
	head int
	// gainCol, npsCol and changedCol are 0 when the Overview has no such
	// column; last is the last column.
	gainCol, npsCol, changedCol, last int
	changes                           map[string][]questionChange // by workshop slug
	row                               int
}

// writeOverview writes, under the forum's title if it has one, one row per
// workshop in forum order, a total row over every response, and a bar chart
// of the headline's mean per workshop.
func (wb *Workbook) writeOverview() error {
	o := &overviewSheet{sheet: wb.sheet(SheetOverview), wb: wb, cols: wb.overviewColumns(), meanCol: map[string]int{}, head: 1}
	if title := wb.forms.Title.Get(forms.DefaultLanguage); title != "" {
		o.text(1, 1, title, wb.st.title)
		o.height(1, 24)
		o.head = 2
	}
	o.header()
	o.row = o.head
	for _, w := range wb.workshops {
		o.row++
		o.workshop(w)
	}
	firstRow, lastRow := o.head+1, o.row
	o.row++
	o.text(1, o.row, "All workshops", wb.st.bold)
	o.line(wb.tally.All, true)
	o.row += 2
	o.note()
	o.row += 2
	o.sources()
	o.chart(firstRow, lastRow)
	return o.done("overview sheet")
}

// header writes the header row and sets the columns, the panes and the page.
func (o *overviewSheet) header() {
	st, h := o.wb.st, o.head
	o.text(1, h, "Workshop", st.headerWrap)
	o.text(2, h, "Responses", st.headerWrap)
	col := 3
	for _, q := range o.cols.ratings {
		o.meanCol[q.ID] = col
		o.text(col, h, "Mean "+humanize(q.ID), st.headerWrap)
		col++
	}
	if o.cols.after != nil {
		o.gainCol = col
		o.text(col, h, o.wb.forms.Figures.GainName(), st.headerWrap)
		col++
	}
	if o.cols.nps {
		o.npsCol = col
		o.text(col, h, "NPS", st.headerWrap)
		col++
	}
	// Only a forms file changed mid-forum adds a column: the questions each
	// workshop did not ask all along, and of how many responses.
	o.changes = map[string][]questionChange{}
	for _, w := range o.wb.workshops {
		if cs := o.wb.changes(w); len(cs) > 0 {
			o.changes[w.Slug] = cs
			o.changedCol = col
		}
	}
	if o.changedCol > 0 {
		o.text(col, h, "Questions changed during the forum", st.headerWrap)
		col++
	}
	o.last = col - 1
	o.width(1, 1, 80)
	o.width(2, o.last, 13)
	if o.changedCol > 0 {
		o.width(o.changedCol, o.changedCol, 45)
	}
	o.height(h, 48)
	o.freeze(1, h)
	o.printWide()
}

// workshop writes a workshop's row: its title, linked to its sheet, its
// figures, and the questions its form changed.
func (o *overviewSheet) workshop(w *forms.Workshop) {
	o.text(1, o.row, w.Title.Get(forms.DefaultLanguage), o.wb.st.link)
	if o.err == nil {
		o.err = o.wb.file.SetCellHyperLink(SheetOverview, cell(1, o.row), quoteSheet(o.wb.sheets[w.Slug])+"!A1", "Location")
	}
	o.line(o.wb.tally.Workshops[w.Slug], false)
	if cs := o.changes[w.Slug]; len(cs) > 0 {
		text := changeSummary(cs, o.wb.tally.Workshops[w.Slug].Responses)
		o.text(o.changedCol, o.row, text, o.wb.st.wrap)
		o.height(o.row, rowHeight([]string{text}, []float64{45}))
	}
}

// line writes the figures of a row, in bold with a rule above for the total.
func (o *overviewSheet) line(sum *forms.Summary, total bool) {
	st := o.wb.st
	count, mean, gain, nps := st.count, st.mean, st.gain, st.nps
	if total {
		count, mean, gain, nps = st.boldCount, st.boldMean, st.boldGain, st.boldNPS
		o.styleRange(3, o.row, o.last, o.row, st.bold)
	}
	o.int(2, o.row, sum.Responses, count)
	for _, q := range o.cols.ratings {
		if m, ok := sum.Mean(q.ID); ok {
			o.float(o.meanCol[q.ID], o.row, m, mean)
		} else if total {
			o.style(o.meanCol[q.ID], o.row, mean)
		}
	}
	if g, ok := sum.Gain(o.wb.forms.Figures); ok && o.gainCol > 0 {
		o.float(o.gainCol, o.row, g, gain)
	}
	if n, ok := sum.NPS(); ok && o.npsCol > 0 {
		o.float(o.npsCol, o.row, n.Score, nps)
	}
}

// note explains the figures below the table.
func (o *overviewSheet) note() {
	note := "Means are of the people who answered each question, on its scale (1–5 unless the About sheet says otherwise). "
	if o.cols.after != nil {
		note += o.wb.forms.Figures.GainName() + " = " + gainHow(o.cols.before, o.cols.after) + ". "
	}
	if o.cols.nps {
		note += "NPS = % promoters (9–10) − % detractors (0–6), from −100 to 100. "
	}
	note += "Click a workshop for its sheet; About explains every figure."
	if o.changedCol > 0 {
		note += " The forms file changed during the forum: a question added or removed was asked of only part of a workshop's responses, " +
			"and its mean is over the people who answered it then (the last column; each workshop's sheet gives the times)."
	}
	o.text(1, o.row, note, o.wb.st.small)
	o.merge(1, o.row, o.last, o.row)
	o.height(o.row, 48)
}

// chart puts a bar chart of the declared headline's mean per workshop below
// the note, over the workshop rows; none without a headline.
func (o *overviewSheet) chart(firstRow, lastRow int) {
	q := o.cols.headline
	if q == nil || lastRow < firstRow {
		return
	}
	c := o.meanCol[q.ID]
	lo, hi := 0.0, float64(q.Max)
	o.sheet.chart(cell(1, o.row+2), &excelize.Chart{
		Type: excelize.Bar,
		Series: []excelize.ChartSeries{{
			Name:       quoteSheet(SheetOverview) + "!" + absCell(c, o.head),
			Categories: o.absRange(1, firstRow, 1, lastRow),
			Values:     o.absRange(c, firstRow, c, lastRow),
			Fill:       excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"00577A"}},
		}},
		Title:     chartTitle(label(q) + " — mean per workshop"),
		Legend:    excelize.ChartLegend{Position: "none"},
		XAxis:     excelize.ChartAxis{ReverseOrder: true},
		YAxis:     excelize.ChartAxis{Minimum: &lo, Maximum: &hi, MajorGridLines: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0.0"}},
		PlotArea:  excelize.ChartPlotArea{ShowVal: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0.00"}},
		Dimension: excelize.ChartDimension{Width: 960, Height: uint(120 + 36*(lastRow-firstRow+1))},
	})
}

func absCell(col, row int) string {
	c, _ := excelize.CoordinatesToCellName(col, row, true)
	return c
}

func chartTitle(t string) excelize.ChartTitle {
	return excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: t, Font: &excelize.Font{Bold: true, Size: 12}}}}
}

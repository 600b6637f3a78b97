package export

import (
	"fmt"
	"strconv"

	"github.com/xuri/excelize/v2"

	"feedback/forms"
)

// workshopSheet lays out one workshop's sheet: tables down the left, charts
// stacked on the right.
type workshopSheet struct {
	*sheet
	wb       *Workbook
	w        *forms.Workshop
	sum      *forms.Summary
	row      int
	chartCol int
	chartRow int
}

// Layout of the workshop sheet's columns.
const (
	colID     = 1 // question or option id
	colText   = 2 // its English text
	colN      = 3 // people who answered
	colAsked  = 4 // responses whose form had the question (changes.go)
	colMean   = 5
	colScores = 6 // first score column
)

// writeWorkshop writes the sheet of one workshop: key figures (the declared
// headline and gain among them), every rating's distribution, the NPS, every
// choice question, the breakdown by the declared profile questions, and
// native charts of the distributions.
func (wb *Workbook) writeWorkshop(w *forms.Workshop) error {
	ws := &workshopSheet{
		sheet:    wb.sheet(wb.sheets[w.Slug]),
		wb:       wb,
		w:        w,
		sum:      wb.tally.Workshops[w.Slug],
		chartRow: 3,
	}
	st := wb.st
	ws.text(1, 1, w.Title.Get(forms.DefaultLanguage), st.title)
	ws.freeze(0, 1)
	ws.printWide()
	ws.width(colID, colID, 20)
	ws.width(colText, colText, 48)
	ws.width(colN, colMean, 10)

	ws.row = 2
	ws.figure("Responses", func(c int) { ws.int(c, ws.row, ws.sum.Responses, st.count) })
	if q := wb.headline(w.Questions); q != nil {
		if m, ok := ws.sum.Mean(q.ID); ok {
			ws.figure(headlineName(q), func(c int) { ws.float(c, ws.row, m, st.mean) })
		}
	}
	if before, _ := wb.gain(w.Questions); before != nil {
		if g, ok := ws.sum.Gain(wb.forms.Figures); ok {
			ws.figure(wb.forms.Figures.GainName()+" (after − before)", func(c int) { ws.float(c, ws.row, g, st.gain) })
		}
	}
	if n, ok := ws.sum.NPS(); ok {
		ws.figure("Net Promoter Score", func(c int) { ws.float(c, ws.row, n.Score, st.nps) })
	}
	ws.text(colText, ws.row, "Back to the Overview", st.link)
	if ws.err == nil {
		ws.err = wb.file.SetCellHyperLink(ws.name, cell(colText, ws.row), quoteSheet(SheetOverview)+"!A1", "Location")
	}
	ws.row += 2

	ws.writeChanges(wb.changes(w))
	ws.ratings()
	ws.nps()
	for _, q := range w.Questions {
		if q.IsChoice() && !wb.forms.Figures.IsProfile(q.ID) {
			ws.choice(q)
		}
	}
	ws.profile()
	return ws.done(fmt.Sprintf("sheet of %s", w.Slug))
}

// figure writes one key figure: its name in column A, its value in column C.
func (ws *workshopSheet) figure(name string, value func(col int)) {
	ws.text(colID, ws.row, name, ws.wb.st.label)
	value(colN)
	ws.row++
}

func (ws *workshopSheet) section(title, note string) {
	ws.text(colID, ws.row, title, ws.wb.st.section)
	if note != "" {
		ws.text(colText, ws.row, note, ws.wb.st.small)
		// A long note wraps in its column instead of being cut off.
		ws.height(ws.row, max(18, rowHeight([]string{"", note}, []float64{20, 48})))
	}
	ws.row++
}

// nextChart places a chart in the column right of the widest table, below the
// previous chart.
func (ws *workshopSheet) nextChart(c *excelize.Chart) {
	c.Dimension = excelize.ChartDimension{Width: 640, Height: 300}
	ws.chart(cell(ws.chartCol, ws.chartRow), c)
	ws.chartRow += 17
}

func (ws *workshopSheet) ratings() {
	var qs []*forms.Question
	lo, hi := 0, 0
	for _, q := range ws.w.Questions {
		if q.Type != forms.Rating {
			continue
		}
		if len(qs) == 0 || q.Min < lo {
			lo = q.Min
		}
		if len(qs) == 0 || q.Max > hi {
			hi = q.Max
		}
		qs = append(qs, q)
	}
	// Charts go right of the widest table: the ratings (counts and shares of
	// each score) or the NPS distribution (0–10).
	ws.chartCol = max(colScores+2*(hi-lo+1), colN+11) + 1
	if len(qs) == 0 {
		return
	}
	st := ws.wb.st
	ws.section("Ratings", "n = people who answered; asked of = responses asked the question (their form had it, and its condition, if any, held); share = count ÷ n.")
	n := hi - lo + 1
	shareCol := colScores + n
	top := ws.row
	ws.ratingsHeader(lo, n)
	ws.row = top + 2
	var series []excelize.ChartSeries
	for _, q := range qs {
		t := ws.sum.Scores[q.ID]
		ws.scoreCells(q, t)
		for i := 0; i < n; i++ {
			score := lo + i
			if score < q.Min || score > q.Max {
				continue
			}
			ws.int(colScores+i, ws.row, t.Count(score), st.count)
			ws.float(shareCol+i, ws.row, t.Share(score), st.share)
		}
		series = append(series, excelize.ChartSeries{
			Name:       quoteSheet(ws.name) + "!" + absCell(colID, ws.row),
			Categories: ws.absRange(shareCol, top+1, shareCol+n-1, top+1),
			Values:     ws.absRange(shareCol, ws.row, shareCol+n-1, ws.row),
		})
		ws.row++
	}
	ws.row++
	zero, one := 0.0, 1.0
	ws.nextChart(&excelize.Chart{
		Type:   excelize.Col,
		Series: series,
		Title:  chartTitle("Ratings: share of each score"),
		Legend: excelize.ChartLegend{Position: "bottom"},
		XAxis:  excelize.ChartAxis{Title: chartTitle("score")},
		YAxis:  excelize.ChartAxis{Minimum: &zero, Maximum: &one, MajorGridLines: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0%"}},
	})
}

// ratingsHeader writes the two header rows of the ratings table, whose
// counts and shares of scores lo to lo+n-1 are grouped under one heading each.
func (ws *workshopSheet) ratingsHeader(lo, n int) {
	st := ws.wb.st
	shareCol := colScores + n
	top := ws.row
	for i, h := range []string{"Question", "Text", "n", "Asked of", "Mean"} {
		c := colID + i
		ws.text(c, top, h, st.header)
		ws.text(c, top+1, "", st.header)
		ws.merge(c, top, c, top+1)
	}
	ws.text(colScores, top, "Count of each score", st.header)
	ws.text(shareCol, top, "Share of each score", st.header)
	ws.styleRange(colScores, top, shareCol+n-1, top, st.header)
	ws.merge(colScores, top, shareCol-1, top)
	ws.merge(shareCol, top, shareCol+n-1, top)
	for i := 0; i < n; i++ {
		ws.text(colScores+i, top+1, strconv.Itoa(lo+i), st.header)
		ws.text(shareCol+i, top+1, strconv.Itoa(lo+i), st.header)
	}
	ws.width(colScores, shareCol+n-1, 10)
}

func (ws *workshopSheet) nps() {
	st := ws.wb.st
	for _, q := range ws.w.Questions {
		if q.Type != forms.NPS {
			continue
		}
		t := ws.sum.Scores[q.ID]
		ws.section("Net Promoter Score", "Promoters answer 9–10, passives 7–8, detractors 0–6; NPS = % promoters − % detractors (−100 to 100).")
		heads := []string{"Question", "Text", "n", "Asked of", "Mean", "Promoters", "Passives", "Detractors", "% promoters", "% passives", "% detractors", "NPS"}
		for i, h := range heads {
			ws.text(i+1, ws.row, h, st.headerWrap)
		}
		ws.height(ws.row, 32)
		ws.row++
		ws.scoreCells(q, t)
		if n, ok := t.NPS(); ok {
			c := colMean + 1
			ws.int(c, ws.row, n.Promoters, st.count)
			ws.int(c+1, ws.row, n.Passives, st.count)
			ws.int(c+2, ws.row, n.Detractors, st.count)
			ws.float(c+3, ws.row, float64(n.Promoters)/float64(n.N), st.share)
			ws.float(c+4, ws.row, float64(n.Passives)/float64(n.N), st.share)
			ws.float(c+5, ws.row, float64(n.Detractors)/float64(n.N), st.share)
			ws.float(c+6, ws.row, n.Score, st.nps)
		}
		ws.row += 2
		top := ws.row
		ws.text(colText, top, "Score", st.header)
		ws.text(colText, top+1, "Count", st.label)
		ws.text(colText, top+2, "Share", st.label)
		for i, score := range q.Scores() {
			c := colN + i
			ws.text(c, top, strconv.Itoa(score), st.header)
			ws.int(c, top+1, t.Count(score), st.count)
			ws.float(c, top+2, t.Share(score), st.share)
		}
		last := colN + len(q.Scores()) - 1
		ws.width(colScores, last, 10)
		ws.row = top + 4
		ws.nextChart(&excelize.Chart{
			Type: excelize.Col,
			Series: []excelize.ChartSeries{{
				Name:       quoteSheet(ws.name) + "!" + absCell(colID, top-2),
				Categories: ws.absRange(colN, top, last, top),
				Values:     ws.absRange(colN, top+1, last, top+1),
				Fill:       excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"00577A"}},
			}},
			Title:  chartTitle(q.ID + ": people per answer (0–10)"),
			Legend: excelize.ChartLegend{Position: "none"},
			YAxis:  excelize.ChartAxis{MajorGridLines: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0"}},
		})
	}
}

func (ws *workshopSheet) choice(q *forms.Question) {
	st := ws.wb.st
	t := ws.sum.Choices[q.ID]
	note := "Share = people who chose the option ÷ people who answered."
	if q.Type == forms.Multi {
		note += " Several options may be chosen, so shares add up to more than 100%."
	}
	ws.section(q.ID, note)
	shareCol := colN + 1
	ws.text(colID, ws.row, "Option", st.header)
	ws.text(colText, ws.row, label(q), st.headerWrap)
	ws.text(colN, ws.row, "Count", st.header)
	ws.text(shareCol, ws.row, "Share", st.header)
	ws.height(ws.row, rowHeight([]string{"", label(q)}, []float64{20, 48}))
	ws.row++
	first := ws.row
	for _, id := range optionIDs(q, t.Counts) {
		ws.text(colID, ws.row, id, st.wrap)
		ws.text(colText, ws.row, optionLabel(q, id), st.wrap)
		ws.int(colN, ws.row, t.Counts[id], st.count)
		ws.float(shareCol, ws.row, t.Share(id), st.share)
		ws.row++
	}
	last := ws.row - 1
	ws.text(colText, ws.row, "People who answered", st.label)
	ws.int(colN, ws.row, t.N, st.boldCount)
	ws.row++
	ws.text(colText, ws.row, "Asked of (responses whose form had it)", st.label)
	ws.int(colN, ws.row, ws.sum.Asked(q.ID), st.count)
	ws.row += 2
	zero := 0.0
	ws.nextChart(&excelize.Chart{
		Type: excelize.Bar,
		Series: []excelize.ChartSeries{{
			Name:       quoteSheet(ws.name) + "!" + absCell(colText, first-1),
			Categories: ws.absRange(colText, first, colText, last),
			Values:     ws.absRange(shareCol, first, shareCol, last),
			Fill:       excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"00577A"}},
		}},
		Title:  chartTitle(q.ID + ": share of people who chose each option"),
		Legend: excelize.ChartLegend{Position: "none"},
		XAxis:  excelize.ChartAxis{ReverseOrder: true},
		YAxis:  excelize.ChartAxis{Minimum: &zero, MajorGridLines: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0%"}},
	})
}

// scoreCells writes the cells every score question's row starts with: its
// id and text, n, of how many it was asked, and the mean.
func (ws *workshopSheet) scoreCells(q *forms.Question, t *forms.ScoreTally) {
	st := ws.wb.st
	ws.text(colID, ws.row, q.ID, st.wrap)
	ws.text(colText, ws.row, label(q), st.wrap)
	ws.int(colN, ws.row, t.N, st.count)
	ws.int(colAsked, ws.row, ws.sum.Asked(q.ID), st.count)
	if m, ok := t.Mean(); ok {
		ws.float(colMean, ws.row, m, st.mean)
	}
}

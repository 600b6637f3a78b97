package export

import (
	"fmt"
	"math"
	"strings"
	"unicode"

	"github.com/xuri/excelize/v2"
)

// styles are the cell formats of the workbook, made once per file.
type styles struct {
	title, section, header, headerWrap, bold, label    int
	count, boldCount, share, boldShare, mean, boldMean int
	nps, boldNPS, gain, boldGain                       int
	date, wrap, small, link, center                    int
	// quoted maps every style above, and 0 (none), to its quote-prefixed
	// twin: see quotedTwin and forText.
	quoted map[int]int
}

// Number formats, in the rapporteur's terms.
const (
	fmtCount = "0"
	fmtShare = "0.0%"
	fmtMean  = "0.00"
	fmtNPS   = "0.0"
	fmtGain  = "+0.00;-0.00;0.00"
	fmtDate  = "yyyy-mm-dd hh:mm:ss"
)

func newStyles(f *excelize.File) (styles, error) {
	var (
		s   = styles{quoted: map[int]int{}}
		err error
	)
	twin := func(id int) {
		if _, ok := s.quoted[id]; ok || err != nil {
			return
		}
		s.quoted[id], err = quotedTwin(f, id)
	}
	add := func(dst *int, st *excelize.Style) {
		if err != nil {
			return
		}
		*dst, err = f.NewStyle(st)
		twin(*dst)
	}
	num := func(format string, bold bool) *excelize.Style {
		fm := format
		st := &excelize.Style{CustomNumFmt: &fm, Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "top"}}
		if bold {
			st.Font = &excelize.Font{Bold: true}
			st.Border = []excelize.Border{{Type: "top", Color: "000000", Style: 1}}
		}
		return st
	}
	headerFill := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DCE6F0"}}
	headerBorder := []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}}
	add(&s.title, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	add(&s.section, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 12}, Alignment: &excelize.Alignment{Vertical: "top"}})
	add(&s.header, &excelize.Style{Font: &excelize.Font{Bold: true}, Fill: headerFill, Border: headerBorder,
		Alignment: &excelize.Alignment{Vertical: "top"}})
	add(&s.headerWrap, &excelize.Style{Font: &excelize.Font{Bold: true}, Fill: headerFill, Border: headerBorder,
		Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	add(&s.bold, &excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "top"},
		Border: []excelize.Border{{Type: "top", Color: "000000", Style: 1}}})
	add(&s.label, &excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "top"}})
	add(&s.count, num(fmtCount, false))
	add(&s.boldCount, num(fmtCount, true))
	add(&s.share, num(fmtShare, false))
	add(&s.boldShare, num(fmtShare, true))
	add(&s.mean, num(fmtMean, false))
	add(&s.boldMean, num(fmtMean, true))
	add(&s.nps, num(fmtNPS, false))
	add(&s.boldNPS, num(fmtNPS, true))
	add(&s.gain, num(fmtGain, false))
	add(&s.boldGain, num(fmtGain, true))
	add(&s.date, &excelize.Style{CustomNumFmt: strPtr(fmtDate), Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "top"}})
	add(&s.wrap, &excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	add(&s.small, &excelize.Style{Font: &excelize.Font{Italic: true, Color: "404040"}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	add(&s.center, &excelize.Style{Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top"}})
	add(&s.link, &excelize.Style{Font: &excelize.Font{Color: "0563C1", Underline: "single"}, Alignment: &excelize.Alignment{Vertical: "top"}})
	twin(0)
	if err != nil {
		return s, fmt.Errorf("export: styles: %w", err)
	}
	return s, nil
}

func strPtr(s string) *string { return &s }

// formulaLike reports whether a text starts as a formula would when typed into
// a cell: with =, +, -, @, a tab or a carriage return.
func formulaLike(v string) bool {
	if v == "" {
		return false
	}
	switch v[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

// forText returns the style to give a text cell: style itself, or for a
// formula-like text its quote-prefixed twin. A string cell is never run as a
// formula, but once the rapporteur edits it and presses Enter, Excel reads
// what she typed; the quote prefix (what Excel records for a typed leading
// apostrophe) keeps it text then too.
func (st *styles) forText(v string, style int) int {
	if !formulaLike(v) {
		return style
	}
	if q, ok := st.quoted[style]; ok {
		return q
	}
	return st.quoted[0]
}

// quotedTwin adds a cell format that is format id with Excel's quote prefix
// set, and returns it. excelize's Style has no quote prefix, and NewStyle
// would hand back format id itself, so the twin is made on the style sheet
// that excelize writes out (File.Styles, read by the NewStyle calls before).
func quotedTwin(f *excelize.File, id int) (int, error) {
	ss := f.Styles
	if ss == nil || ss.CellXfs == nil || id < 0 || id >= len(ss.CellXfs.Xf) {
		return 0, fmt.Errorf("no cell format %d to quote", id)
	}
	if len(ss.CellXfs.Xf) >= excelize.MaxCellStyles {
		return 0, excelize.ErrCellStyles
	}
	xf := ss.CellXfs.Xf[id]
	if xf.Alignment != nil {
		a := *xf.Alignment
		xf.Alignment = &a
	}
	if xf.Protection != nil {
		p := *xf.Protection
		xf.Protection = &p
	}
	on := true
	xf.QuotePrefix = &on
	ss.CellXfs.Xf = append(ss.CellXfs.Xf, xf)
	ss.CellXfs.Count = len(ss.CellXfs.Xf)
	return len(ss.CellXfs.Xf) - 1, nil
}

// sheet writes cells of one sheet, keeping the first error so that layout
// code reads as a list of cells. Every text goes through SetCellStr: it is
// stored as a string and never read as a formula, whatever it starts with;
// a formula-like one also gets its style's quote-prefixed twin (forText).
type sheet struct {
	f    *excelize.File
	st   *styles
	name string
	err  error
}

// sheet starts writing the named sheet with the workbook's styles.
func (wb *Workbook) sheet(name string) *sheet {
	return &sheet{f: wb.file, st: &wb.st, name: name}
}

func cell(col, row int) string {
	c, _ := excelize.CoordinatesToCellName(col, row)
	return c
}

// absRange is an absolute reference to a range of this sheet, for charts.
func (s *sheet) absRange(col1, row1, col2, row2 int) string {
	a, _ := excelize.CoordinatesToCellName(col1, row1, true)
	b, _ := excelize.CoordinatesToCellName(col2, row2, true)
	return quoteSheet(s.name) + "!" + a + ":" + b
}

// quoteSheet quotes a sheet name for a reference.
func quoteSheet(name string) string {
	return "'" + strings.ReplaceAll(name, "'", "''") + "'"
}

func (s *sheet) text(col, row int, v string, style int) {
	if s.err != nil {
		return
	}
	s.err = s.f.SetCellStr(s.name, cell(col, row), v)
	s.style(col, row, s.st.forText(v, style))
}

func (s *sheet) int(col, row int, v int, style int) {
	if s.err != nil {
		return
	}
	s.err = s.f.SetCellInt(s.name, cell(col, row), int64(v))
	s.style(col, row, style)
}

func (s *sheet) float(col, row int, v float64, style int) {
	if s.err != nil {
		return
	}
	s.err = s.f.SetCellFloat(s.name, cell(col, row), v, -1, 64)
	s.style(col, row, style)
}

func (s *sheet) style(col, row int, style int) {
	if s.err != nil || style == 0 {
		return
	}
	s.err = s.f.SetCellStyle(s.name, cell(col, row), cell(col, row), style)
}

// styleRange styles a block of cells at once.
func (s *sheet) styleRange(col1, row1, col2, row2, style int) {
	if s.err != nil {
		return
	}
	s.err = s.f.SetCellStyle(s.name, cell(col1, row1), cell(col2, row2), style)
}

// height sets a row's height in points.
func (s *sheet) height(row int, h float64) {
	if s.err != nil {
		return
	}
	s.err = s.f.SetRowHeight(s.name, row, h)
}

func (s *sheet) width(col1, col2 int, w float64) {
	if s.err != nil {
		return
	}
	a, _ := excelize.ColumnNumberToName(col1)
	b, _ := excelize.ColumnNumberToName(col2)
	s.err = s.f.SetColWidth(s.name, a, b, w)
}

func (s *sheet) merge(col1, row1, col2, row2 int) {
	if s.err != nil {
		return
	}
	s.err = s.f.MergeCell(s.name, cell(col1, row1), cell(col2, row2))
}

// freeze keeps the first rows (and cols) in view while scrolling.
func (s *sheet) freeze(cols, rows int) {
	if s.err != nil {
		return
	}
	s.err = s.f.SetPanes(s.name, &excelize.Panes{
		Freeze: true, XSplit: cols, YSplit: rows, TopLeftCell: cell(cols+1, rows+1), ActivePane: activePane(cols, rows),
	})
}

func activePane(cols, rows int) string {
	switch {
	case cols > 0 && rows > 0:
		return "bottomRight"
	case cols > 0:
		return "topRight"
	}
	return "bottomLeft"
}

// printWide sets the sheet to print landscape, one page wide, so that a
// summary sheet prints (or becomes a PDF) without tables cut in two.
func (s *sheet) printWide() {
	if s.err != nil {
		return
	}
	landscape, one, any := "landscape", 1, 0
	if s.err = s.f.SetPageLayout(s.name, &excelize.PageLayoutOptions{Orientation: &landscape, FitToWidth: &one, FitToHeight: &any}); s.err != nil {
		return
	}
	fit := true
	s.err = s.f.SetSheetProps(s.name, &excelize.SheetPropsOptions{FitToPage: &fit})
}

func (s *sheet) chart(at string, c *excelize.Chart) {
	if s.err != nil {
		return
	}
	// One colour per series: varying colours by point would make a bar of
	// one workshop look like a different measure.
	vary := false
	c.VaryColors = &vary
	s.err = s.f.AddChart(s.name, at, c)
}

func (s *sheet) done(what string) error {
	if s.err != nil {
		return fmt.Errorf("export: %s: %w", what, s.err)
	}
	return nil
}

// rowHeight estimates the height in points of a row whose cells wrap text in
// columns of the given widths (in characters), since neither Excel nor
// LibreOffice grows a row to fit wrapped text written by a program.
func rowHeight(texts []string, widths []float64) float64 {
	lines := 1
	for i, t := range texts {
		if i >= len(widths) || t == "" {
			continue
		}
		n := 0
		for _, para := range strings.Split(t, "\n") {
			w := 0.0
			for _, r := range para {
				w += runeWidth(r)
			}
			n += max(1, int(math.Ceil(w/(widths[i]*0.95))))
		}
		lines = max(lines, n)
	}
	return min(409, 15*float64(lines)+1)
}

// runeWidth is a character's width in Excel's units: CJK characters take two.
func runeWidth(r rune) float64 {
	if r < 0x1100 {
		return 1
	}
	if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) || (r >= 0xFF00 && r <= 0xFFEF) {
		return 2
	}
	return 1
}

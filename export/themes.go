package export

import (
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

// themeTally counts the comments the workbook writes, by theme and workshop:
// the Themes sheet's figures come from the comments in this export, not from
// the store's counts, so that they are those of the Comments sheet.
type themeTally struct {
	coded    map[string]map[string]int // theme id → workshop slug → comments
	uncoded  map[string]int            // workshop slug → comments with no theme
	comments map[string]int            // workshop slug → comments
}

func newThemeTally() themeTally {
	return themeTally{coded: map[string]map[string]int{}, uncoded: map[string]int{}, comments: map[string]int{}}
}

// add counts one comment of workshop coded with themes (live ids).
func (t themeTally) add(workshop string, themes []string) {
	t.comments[workshop]++
	if len(themes) == 0 {
		t.uncoded[workshop]++
		return
	}
	for _, id := range themes {
		if t.coded[id] == nil {
			t.coded[id] = map[string]int{}
		}
		t.coded[id][workshop]++
	}
}

// total adds up a count over the workshops.
func (themeTally) total(byWorkshop map[string]int) int {
	n := 0
	for _, k := range byWorkshop {
		n += k
	}
	return n
}

// liveThemes returns those of ids that are among Options.Themes, each once,
// in that order.
func (wb *Workbook) liveThemes(ids []string) []string {
	if len(ids) == 0 {
		return nil
	}
	var out []string
	for _, t := range wb.opt.Themes {
		if slices.Contains(ids, t.ID) {
			out = append(out, t.ID)
		}
	}
	return out
}

// themeLabels names live themes by their labels, joined with "; ".
func (wb *Workbook) themeLabels(ids []string) string {
	labels := make([]string, 0, len(ids))
	for _, t := range wb.opt.Themes {
		if slices.Contains(ids, t.ID) {
			labels = append(labels, t.Label)
		}
	}
	return strings.Join(labels, "; ")
}

// themeColumn is a count column of the Themes sheet: a workshop, the
// workshops no longer in the forms file, or the total.
type themeColumn struct {
	name  string
	count func(byWorkshop map[string]int) int
}

// themeColumns are the workshops of the export in forum order, named as the
// Overview names them, then "Workshops no longer in the forms file" when
// any of their comments are in Comments, then Total.
func (wb *Workbook) themeColumns() []themeColumn {
	var cols []themeColumn
	known := map[string]bool{}
	for _, w := range wb.workshops {
		slug := w.Slug
		known[slug] = true
		cols = append(cols, themeColumn{name: wb.title(slug), count: func(m map[string]int) int { return m[slug] }})
	}
	other := func(m map[string]int) int {
		n := 0
		for slug, k := range m {
			if !known[slug] {
				n += k
			}
		}
		return n
	}
	if other(wb.themes.comments) > 0 {
		cols = append(cols, themeColumn{name: "Workshops no longer in the forms file", count: other})
	}
	return append(cols, themeColumn{name: "Total", count: wb.themes.total})
}

// The Themes sheet's starred quotes, below its counts; the count columns
// are as wide as the quotes' need, and at least themeCountWidth.
var (
	themeQuoteHeader = []string{"Theme", "Workshop", "Question", "Quote", "Translation", "Language"}
	themeQuoteWidths = []float64{40, 30, 36, 60, 45, 10}
)

const themeCountWidth = 14

// themesSheet lays out the Themes sheet down its rows.
type themesSheet struct {
	*sheet
	wb   *Workbook
	cols []themeColumn
	row  int
}

// writeThemes writes the Themes sheet: under a title, one row per theme with
// the comments coded with it in each workshop and in all, the comments not
// yet coded and all comments; then each theme's starred quotes.
func (wb *Workbook) writeThemes() error {
	t := &themesSheet{sheet: wb.sheet(SheetThemes), wb: wb, cols: wb.themeColumns()}
	t.text(1, 1, "Comments by theme", wb.st.title)
	t.height(1, 24)
	t.counts()
	t.row += 2
	t.quotes()
	return t.done("themes sheet")
}

// counts writes the header on row 2, a row per theme, the comments not yet
// coded, the total row and a note.
func (t *themesSheet) counts() {
	st := t.wb.st
	last := len(t.cols) + 1
	names := []string{"Theme"}
	for _, c := range t.cols {
		names = append(names, c.name)
	}
	widths := make([]float64, max(last, len(themeQuoteWidths)))
	for i := range widths {
		if i < len(themeQuoteWidths) {
			widths[i] = themeQuoteWidths[i]
		}
		if i > 0 && i < last {
			widths[i] = max(widths[i], themeCountWidth)
		}
		t.width(i+1, i+1, widths[i])
	}
	t.text(1, 2, names[0], st.headerWrap)
	right := t.countHeader()
	for i, n := range names[1:] {
		t.text(i+2, 2, n, right)
	}
	t.height(2, rowHeight(names, widths))
	t.freeze(1, 2)
	t.printWide()
	t.row = 2
	for _, th := range t.wb.opt.Themes {
		t.row++
		t.line(th.Label, t.wb.themes.coded[th.ID], false)
	}
	t.row++
	t.line("Not yet coded", t.wb.themes.uncoded, false)
	t.row++
	t.line("All comments", t.wb.themes.comments, true)
	t.row += 2
	note := "Comments are the non-empty text answers of the Comments sheet, where each one's themes are listed. " +
		"A comment coded with several themes counts under each, so the theme rows may add up to more than All comments. " +
		"Code comments on the comments page (/admin/comments)."
	if len(t.wb.opt.Themes) == 0 {
		note = "No theme yet. Add themes on the comments page (/admin/comments) and code comments with them: " +
			"each theme then has a row here, with its starred quotes below."
	}
	t.text(1, t.row, note, st.small)
	span := max(last, 4)
	t.merge(1, t.row, span, t.row)
	t.height(t.row, rowHeight([]string{note}, []float64{sum(widths[:span])}))
}

// countHeader is the header style over a count column: right-aligned like
// the counts, which the quotes below may make a wide column.
func (t *themesSheet) countHeader() int {
	if t.err != nil {
		return 0
	}
	st, err := t.f.GetStyle(t.st.headerWrap)
	if err != nil {
		t.err = err
		return 0
	}
	var a excelize.Alignment
	if st.Alignment != nil {
		a = *st.Alignment
	}
	a.Horizontal = "right"
	st.Alignment = &a
	id, err := t.f.NewStyle(st)
	if err == nil {
		t.st.quoted[id], err = quotedTwin(t.f, id)
	}
	t.err = err
	return id
}

// line writes a row of counts, in bold with a rule above for the total.
func (t *themesSheet) line(name string, byWorkshop map[string]int, total bool) {
	st := t.wb.st
	label, count := st.wrap, st.count
	if total {
		label, count = st.bold, st.boldCount
	}
	t.text(1, t.row, name, label)
	for i, c := range t.cols {
		t.int(i+2, t.row, c.count(byWorkshop), count)
	}
	t.height(t.row, rowHeight([]string{name}, themeQuoteWidths[:1]))
}

// quotes writes each theme's starred quotes, themes in order and quotes in
// the Key quotes sheet's; a quote with two themes is under both.
func (t *themesSheet) quotes() {
	wb, st := t.wb, t.wb.st
	t.text(1, t.row, "Starred quotes by theme", st.section)
	t.row++
	for i, h := range themeQuoteHeader {
		t.text(i+1, t.row, h, st.header)
	}
	n := 0
	for _, th := range wb.opt.Themes {
		for _, q := range wb.quotes {
			if !slices.Contains(q.themes, th.ID) {
				continue
			}
			t.row++
			n++
			texts := []string{th.Label, wb.title(q.workshop), wb.quoteQuestion(q), q.text, q.translation, q.lang}
			for i, v := range texts {
				if v != "" {
					t.text(i+1, t.row, v, st.wrap)
				}
			}
			t.height(t.row, rowHeight(texts, themeQuoteWidths))
		}
	}
	if n == 0 {
		t.row++
		t.text(1, t.row, "No starred comment is coded with a theme yet. Key quotes lists every starred comment.", st.small)
		t.merge(1, t.row, 3, t.row)
	}
}

func sum(fs []float64) float64 {
	s := 0.0
	for _, f := range fs {
		s += f
	}
	return s
}

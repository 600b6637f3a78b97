package export

import "feedback/forms"

// Responses by source: how many came from the participants' form, the API
// and paper sheets keyed by staff, counted as the stream goes by and shown
// on the Overview (a table under its note) and the About sheet.

// sourceHow says on the About sheet what each source is.
var sourceHow = map[string]string{
	forms.SourceWeb:   "Given on the web form (a phone or a laptop).",
	forms.SourceAPI:   "Sent through the JSON API.",
	forms.SourcePaper: "Written on a paper form and keyed in by staff.",
}

// countSource counts r under its workshop and under "" (every response).
func (wb *Workbook) countSource(r *forms.Response) {
	if wb.sources == nil {
		wb.sources = map[string]map[string]int{}
	}
	for _, k := range []string{r.Workshop, ""} {
		if wb.sources[k] == nil {
			wb.sources[k] = map[string]int{}
		}
		wb.sources[k][r.Source]++
	}
}

// sources writes the Overview's table of responses by source: one row per
// workshop in forum order, then the total, from the row o.row on.
func (o *overviewSheet) sources() {
	st := o.wb.st
	o.text(1, o.row, "Responses by source", st.headerWrap)
	for i, src := range forms.Sources {
		o.text(2+i, o.row, src, st.headerWrap)
	}
	line := func(title, slug string, count int) {
		o.row++
		o.text(1, o.row, title, 0)
		for i, src := range forms.Sources {
			o.int(2+i, o.row, o.wb.sources[slug][src], count)
		}
	}
	for _, w := range o.wb.workshops {
		line(w.Title.Get(forms.DefaultLanguage), w.Slug, st.count)
	}
	line("All workshops", "", st.boldCount)
}

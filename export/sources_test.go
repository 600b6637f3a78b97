package export_test

import (
	"testing"

	"feedback/export"
	"feedback/forms"
)

// TestWorkbookSources checks the source column of Responses and the counts
// by source on the Overview and the About sheet against what the seed
// stored (a third each of web, api and paper, by the response's number).
func TestWorkbookSources(t *testing.T) {
	s := seed(t)
	b, _ := buildBook(t, s, export.Options{})
	want := map[string]map[string]int{"": {}}
	for _, r := range s.responses {
		if want[r.Workshop] == nil {
			want[r.Workshop] = map[string]int{}
		}
		want[r.Workshop][r.Source]++
		want[""][r.Source]++
	}
	if want[""][forms.SourcePaper] == 0 || want[""][forms.SourceAPI] == 0 {
		t.Fatalf("the seed should hold every source: %v", want[""])
	}

	t.Run("Responses", func(t *testing.T) {
		b := b.with(t)
		rows := b.rows(export.SheetResponses)
		if rows[0][4] != "source" {
			t.Fatalf("column E is %q, want source after language (%q)", rows[0][4], rows[0])
		}
		for i, r := range s.responses {
			if got := b.str(export.SheetResponses, c(5, i+2)); got != r.Source {
				t.Errorf("response %d: source %q, want %q", i+1, got, r.Source)
			}
		}
	})

	t.Run("Overview", func(t *testing.T) {
		b := b.with(t)
		rows := b.rows(export.SheetOverview)
		head := findRow(t, rows, 1, "Responses by source", 1)
		for i, src := range forms.Sources {
			if got := b.str(export.SheetOverview, c(2+i, head)); got != src {
				t.Errorf("column %d of the source table is %q, want %q", 2+i, got, src)
			}
		}
		for i, w := range s.forms.Workshops {
			row := head + 1 + i
			if got := b.str(export.SheetOverview, c(1, row)); got != w.Title.Get("en") {
				t.Fatalf("row %d is %q, want %q", row, got, w.Title.Get("en"))
			}
			for j, src := range forms.Sources {
				b.wantNum(export.SheetOverview, c(2+j, row), float64(want[w.Slug][src]))
			}
		}
		total := head + 1 + len(s.forms.Workshops)
		if got := b.str(export.SheetOverview, c(1, total)); got != "All workshops" {
			t.Fatalf("row %d is %q, want the total", total, got)
		}
		for j, src := range forms.Sources {
			b.wantNum(export.SheetOverview, c(2+j, total), float64(want[""][src]))
		}
	})

	t.Run("About", func(t *testing.T) {
		b := b.with(t)
		rows := b.rows(export.SheetAbout)
		for _, src := range forms.Sources {
			row := findRow(t, rows, 1, "Responses by source: "+src, 1)
			b.wantNum(export.SheetAbout, c(2, row), float64(want[""][src]))
		}
	})
}

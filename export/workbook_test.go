package export_test

import (
	"archive/zip"
	"bytes"
	"context"
	"html"
	"io"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"feedback/export"
	"feedback/forms"
	"feedback/forms/formstest"
)

// The test's own figures, computed from the seeded answers with nothing of
// the code under test.

func scoresOf(rs []*forms.Response, id string) []int {
	var out []int
	for _, r := range rs {
		if a, ok := r.Answers[id]; ok {
			out = append(out, a.Number)
		}
	}
	return out
}

func meanOf(rs []*forms.Response, id string) (float64, bool) {
	s := scoresOf(rs, id)
	if len(s) == 0 {
		return 0, false
	}
	sum := 0
	for _, v := range s {
		sum += v
	}
	return float64(sum) / float64(len(s)), true
}

func countOf(rs []*forms.Response, id string, score int) int {
	n := 0
	for _, v := range scoresOf(rs, id) {
		if v == score {
			n++
		}
	}
	return n
}

// npsOf returns promoters, passives, detractors and the score of the NPS
// question id.
func npsOf(rs []*forms.Response, id string) (p, pa, d int, score float64, ok bool) {
	s := scoresOf(rs, id)
	for _, v := range s {
		switch {
		case v >= 9:
			p++
		case v >= 7:
			pa++
		default:
			d++
		}
	}
	if len(s) == 0 {
		return 0, 0, 0, 0, false
	}
	return p, pa, d, 100 * float64(p-d) / float64(len(s)), true
}

func chose(rs []*forms.Response, id, option string) int {
	n := 0
	for _, r := range rs {
		for _, c := range r.Answers[id].Choices {
			if c == option {
				n++
			}
		}
	}
	return n
}

func answered(rs []*forms.Response, id string) int {
	n := 0
	for _, r := range rs {
		if _, ok := r.Answers[id]; ok {
			n++
		}
	}
	return n
}

type comment struct{ workshop, question, text, lang string }

// commentsOf returns the non-empty answers to the text questions of each
// response's workshop, in response order and then form order.
func commentsOf(f *forms.Forms, rs []*forms.Response) []comment {
	var out []comment
	for _, r := range rs {
		for _, q := range f.Workshop(r.Workshop).Questions {
			if a, ok := r.Answers[q.ID]; ok && q.Type == forms.FreeText && a.Text != "" {
				out = append(out, comment{r.Workshop, q.ID, a.Text, r.Lang})
			}
		}
	}
	return out
}

// Reading the workbook back.

type book struct {
	t     *testing.T
	x     *excelize.File
	parts map[string]string
}

func openBook(t *testing.T, data []byte) *book {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("excelize cannot open the workbook: %v", err)
	}
	t.Cleanup(func() { x.Close() })
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		parts[f.Name] = string(b)
	}
	return &book{t: t, x: x, parts: parts}
}

// with returns the book reporting to t, for a subtest: a failure is then
// the subtest's, and its Fatal stops only the subtest.
func (b *book) with(t *testing.T) *book {
	c := *b
	c.t = t
	return &c
}

func (b *book) str(sheet, cell string) string {
	b.t.Helper()
	v, err := b.x.GetCellValue(sheet, cell)
	if err != nil {
		b.t.Fatal(err)
	}
	return v
}

// num reads a cell that must hold a number (not a text that looks like one).
func (b *book) num(sheet, cell string) float64 {
	b.t.Helper()
	typ, err := b.x.GetCellType(sheet, cell)
	if err != nil {
		b.t.Fatal(err)
	}
	raw, err := b.x.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	if err != nil {
		b.t.Fatal(err)
	}
	if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber || raw == "" {
		b.t.Fatalf("%s!%s = %q (type %v), want a number", sheet, cell, raw, typ)
	}
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		b.t.Fatalf("%s!%s = %q: %v", sheet, cell, raw, err)
	}
	return v
}

func (b *book) wantNum(sheet, cell string, want float64) {
	b.t.Helper()
	if got := b.num(sheet, cell); math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
		b.t.Errorf("%s!%s = %v, want %v", sheet, cell, got, want)
	}
}

func (b *book) wantEmpty(sheet, cell string) {
	b.t.Helper()
	if v := b.str(sheet, cell); v != "" {
		b.t.Errorf("%s!%s = %q, want empty", sheet, cell, v)
	}
}

// numFmt returns the custom number format of a cell's style.
func (b *book) numFmt(sheet, cell string) string {
	b.t.Helper()
	id, err := b.x.GetCellStyle(sheet, cell)
	if err != nil {
		b.t.Fatal(err)
	}
	st, err := b.x.GetStyle(id)
	if err != nil {
		b.t.Fatal(err)
	}
	if st.CustomNumFmt == nil {
		return ""
	}
	return *st.CustomNumFmt
}

func (b *book) bold(sheet, cell string) bool {
	b.t.Helper()
	id, err := b.x.GetCellStyle(sheet, cell)
	if err != nil {
		b.t.Fatal(err)
	}
	st, err := b.x.GetStyle(id)
	if err != nil {
		b.t.Fatal(err)
	}
	return st.Font != nil && st.Font.Bold
}

func (b *book) rows(sheet string) [][]string {
	b.t.Helper()
	rows, err := b.x.GetRows(sheet)
	if err != nil {
		b.t.Fatal(err)
	}
	return rows
}

// findRow returns the 1-based number of the first row at or after from whose
// cell in column col (1-based) is v.
func findRow(t *testing.T, rows [][]string, col int, v string, from int) int {
	t.Helper()
	for i := from - 1; i < len(rows); i++ {
		if len(rows[i]) >= col && rows[i][col-1] == v {
			return i + 1
		}
	}
	t.Fatalf("no row with %q in column %d from row %d", v, col, from)
	return 0
}

func c(col, row int) string {
	s, _ := excelize.CoordinatesToCellName(col, row)
	return s
}

func buildBook(t *testing.T, s *seeded, opt export.Options) (*book, []byte) {
	t.Helper()
	wb, err := export.Build(context.Background(), s.forms, s.source(opt.Workshop), opt)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	n, err := wb.WriteTo(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(buf.Len()) {
		t.Errorf("WriteTo reported %d bytes, wrote %d", n, buf.Len())
	}
	if err := wb.Close(); err != nil {
		t.Fatal(err)
	}
	return openBook(t, buf.Bytes()), buf.Bytes()
}

func TestWorkbook(t *testing.T) {
	ctx := context.Background()
	s := seed(t)
	f := s.forms

	// The rapporteur stars an Arabic comment and a formula-like one.
	var starred []comment
	keys := map[export.QuoteKey]bool{}
	for _, r := range s.responses {
		text := r.Answers["comment"].Text
		if (text == plainTexts[1] || text == formulaTexts[1]) && len(starred) < 2 && (len(starred) == 0 || starred[0].text != text) {
			if err := s.db.StarComment(ctx, r.ID, "comment", true); err != nil {
				t.Fatal(err)
			}
			starred = append(starred, comment{r.Workshop, "comment", text, r.Lang})
		}
	}
	stars, err := s.db.Stars(ctx)
	if err != nil || len(stars) != 2 {
		t.Fatalf("stars %v %v", stars, err)
	}
	for _, st := range stars {
		keys[export.QuoteKey{ResponseID: st.ResponseID, Question: st.Question}] = true
	}
	now := time.Date(2025, 6, 25, 15, 30, 0, 0, time.UTC)
	b, _ := buildBook(t, s, export.Options{Now: now, KeyQuotes: keys})

	t.Run("Sheets", func(t *testing.T) {
		b := b.with(t)
		want := []string{"Overview"}
		for _, w := range f.Workshops {
			want = append(want, w.Slug)
		}
		want = append(want, "Themes", "Key quotes", "Comments", "Responses", "About")
		got := b.x.GetSheetList()
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("sheets %v, want %v", got, want)
		}
		for _, n := range got {
			if len([]rune(n)) > 31 {
				t.Errorf("sheet name %q is longer than 31 characters", n)
			}
		}
	})

	t.Run("Overview", func(t *testing.T) {
		b := b.with(t)
		const sh = "Overview"
		// The fixture has no knowledge_before/after, so no Knowledge gain
		// column (default_test.go has it).
		ratings := []string{"overall", "pace"}
		wantHead := []string{"Workshop", "Responses"}
		for _, id := range ratings {
			wantHead = append(wantHead, "Mean "+id)
		}
		wantHead = append(wantHead, "NPS")
		rows := b.rows(sh)
		if strings.Join(rows[0], "|") != strings.Join(wantHead, "|") {
			t.Fatalf("header %q, want %q", rows[0], wantHead)
		}
		check := func(row int, rs []*forms.Response) {
			t.Helper()
			b.wantNum(sh, c(2, row), float64(len(rs)))
			for i, id := range ratings {
				if m, ok := meanOf(rs, id); ok {
					b.wantNum(sh, c(3+i, row), m)
					if got := b.numFmt(sh, c(3+i, row)); got != "0.00" {
						t.Errorf("mean format %q, want 0.00", got)
					}
				} else {
					b.wantEmpty(sh, c(3+i, row))
				}
			}
			npsCol := 3 + len(ratings)
			if _, _, _, score, ok := npsOf(rs, "recommend"); ok {
				b.wantNum(sh, c(npsCol, row), score)
			} else {
				b.wantEmpty(sh, c(npsCol, row))
			}
		}
		for i, w := range f.Workshops {
			row := i + 2
			if got := b.str(sh, c(1, row)); got != w.Title.Get("en") {
				t.Errorf("row %d is %q, want %q (forum order)", row, got, w.Title.Get("en"))
			}
			check(row, s.byWorkshop(w.Slug))
			links, target, err := b.x.GetCellHyperLink(sh, c(1, row))
			if err != nil || !links || !strings.Contains(target, w.Slug) {
				t.Errorf("workshop title %s should link to its sheet: %v %q %v", w.Slug, links, target, err)
			}
		}
		total := len(f.Workshops) + 2
		if got := b.str(sh, c(1, total)); got != "All workshops" {
			t.Errorf("total row label %q", got)
		}
		check(total, s.responses)
		if !b.bold(sh, "A1") || !b.bold(sh, c(1, total)) {
			t.Error("header and total row should be bold")
		}
		panes, err := b.x.GetPanes(sh)
		if err != nil || !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("header row not frozen: %+v %v", panes, err)
		}
	})

	t.Run("WorkshopSheet", func(t *testing.T) {
		b := b.with(t)
		const sh = "beta"
		rs := s.byWorkshop(sh)
		rows := b.rows(sh)
		if rows[0][0] != "Beta session" {
			t.Errorf("title %q", rows[0][0])
		}
		b.wantNum(sh, "C2", float64(len(rs)))
		// Ratings: n, asked of (every response: the forms never changed),
		// mean, count and share of each score 1–5; pace's 1–3 leaves 4 and 5
		// empty.
		for _, id := range []string{"overall", "pace"} {
			q := f.Workshop(sh).Question(id)
			row := findRow(t, rows, 1, id, 3)
			n := len(scoresOf(rs, id))
			b.wantNum(sh, c(3, row), float64(n))
			b.wantNum(sh, c(4, row), float64(len(rs)))
			m, _ := meanOf(rs, id)
			b.wantNum(sh, c(5, row), m)
			for score := 1; score <= 5; score++ {
				if score > q.Max {
					b.wantEmpty(sh, c(5+score, row))
					b.wantEmpty(sh, c(10+score, row))
					continue
				}
				b.wantNum(sh, c(5+score, row), float64(countOf(rs, id, score)))
				b.wantNum(sh, c(10+score, row), float64(countOf(rs, id, score))/float64(n))
			}
			if got := b.numFmt(sh, c(11, row)); got != "0.0%" {
				t.Errorf("share format %q, want 0.0%%", got)
			}
		}
		// NPS.
		row := findRow(t, rows, 1, "recommend", 3)
		p, pa, d, score, _ := npsOf(rs, "recommend")
		n := float64(len(scoresOf(rs, "recommend")))
		for i, want := range []float64{n, float64(len(rs)), 0, float64(p), float64(pa), float64(d), float64(p) / n, float64(pa) / n, float64(d) / n, score} {
			if i == 2 {
				m, _ := meanOf(rs, "recommend")
				want = m
			}
			b.wantNum(sh, c(3+i, row), want)
		}
		countRow := findRow(t, rows, 2, "Count", row)
		for v := 0; v <= 10; v++ {
			b.wantNum(sh, c(3+v, countRow), float64(countOf(rs, "recommend", v)))
			b.wantNum(sh, c(3+v, countRow+1), float64(countOf(rs, "recommend", v))/n)
		}
		// Single and multiple choice: count and share of every option.
		for id, options := range map[string][]string{"sector": {"government", "academia", "other"}, "formats": formats} {
			top := findRow(t, rows, 1, id, 3)
			for _, o := range options {
				row := findRow(t, rows, 1, o, top)
				b.wantNum(sh, c(3, row), float64(chose(rs, id, o)))
				b.wantNum(sh, c(4, row), float64(chose(rs, id, o))/float64(answered(rs, id)))
			}
			b.wantNum(sh, c(3, findRow(t, rows, 2, "People who answered", top)), float64(answered(rs, id)))
			b.wantNum(sh, c(3, findRow(t, rows, 2, "Asked of (responses whose form had it)", top)), float64(len(rs)))
		}
		for _, row := range rows {
			if len(row) > 0 && row[0] == "Questions changed" {
				t.Error("a forms file that never changed has a table of changes")
			}
		}
	})

	t.Run("NoDefaultFigures", func(t *testing.T) {
		b := b.with(t)
		// A forms file that declares no figures has no such figure
		// (default_test.go checks them on the shipped file).
		for _, w := range f.Workshops {
			for _, row := range b.rows(w.Slug) {
				if len(row) == 0 {
					continue
				}
				switch row[0] {
				case "Mean satisfaction", "Knowledge gain (after − before)", "Who answered":
					t.Errorf("%s: %q without the questions it is of", w.Slug, row[0])
				}
			}
		}
	})

	t.Run("Comments", func(t *testing.T) {
		b := b.with(t)
		want := commentsOf(f, s.responses)
		own := 0
		for _, cm := range want {
			if cm.question == "beta_idea" {
				own++
			}
		}
		if own == 0 {
			t.Fatal("the seed should answer beta's own question")
		}
		rows := b.rows("Comments")
		if strings.Join(rows[0], "|") != "Workshop|Question|Answer|Language|Submitted at (UTC)|Themes|Translation" {
			t.Fatalf("header %q", rows[0])
		}
		if len(rows)-1 != len(want) {
			t.Fatalf("%d comments, want %d", len(rows)-1, len(want))
		}
		for i, cm := range want {
			row := rows[i+1]
			q := f.Workshop(cm.workshop).Question(cm.question)
			if row[0] != f.Workshop(cm.workshop).Title.Get("en") || row[1] != q.Label.Get("en") || row[2] != cm.text || row[3] != cm.lang {
				t.Errorf("comment %d = %q, want %+v", i+1, row, cm)
			}
		}
		filter := regexp.MustCompile(`<autoFilter ref="\$?A\$?1:\$?G\$?(\d+)"`).FindStringSubmatch(b.sheetXML("Comments"))
		if filter == nil || filter[1] != strconv.Itoa(len(want)+1) {
			t.Errorf("autofilter %v, want A1:G%d", filter, len(want)+1)
		}
	})

	t.Run("FormulasStayText", func(t *testing.T) {
		b := b.with(t)
		found := map[string]bool{}
		for _, sh := range []string{"Comments", "Responses", "Key quotes"} {
			rows := b.rows(sh)
			for r, row := range rows {
				for col, v := range row {
					for _, ft := range formulaTexts {
						if v != ft {
							continue
						}
						found[ft] = true
						ref := c(col+1, r+1)
						if fm, err := b.x.GetCellFormula(sh, ref); err != nil || fm != "" {
							t.Errorf("%s!%s holds formula %q", sh, ref, fm)
						}
						typ, _ := b.x.GetCellType(sh, ref)
						if typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
							t.Errorf("%s!%s = %q has type %v, want a string", sh, ref, v, typ)
						}
					}
				}
			}
		}
		for _, ft := range formulaTexts {
			if !found[ft] {
				t.Errorf("formula-like text %q not found as typed", ft)
			}
		}
		for name, xml := range b.parts {
			if strings.HasPrefix(name, "xl/worksheets/") && strings.Contains(xml, "<f") && regexp.MustCompile(`<f[ >]`).MatchString(xml) {
				t.Errorf("%s contains a formula", name)
			}
		}
	})

	t.Run("Responses", func(t *testing.T) {
		b := b.with(t)
		rows := b.rows("Responses")
		qs := f.Questions()
		head := []string{"submission_id", "workshop", "submitted_at_utc", "language", "source"}
		for _, q := range qs {
			head = append(head, q.ID)
		}
		if strings.Join(rows[0], "|") != strings.Join(head, "|") {
			t.Fatalf("header %q, want %q", rows[0], head)
		}
		if len(rows)-1 != len(s.responses) {
			t.Fatalf("%d rows, want %d", len(rows)-1, len(s.responses))
		}
		for i, r := range s.responses {
			row := append(rows[i+1], make([]string, len(head))...)
			want := []string{r.SubmissionID, r.Workshop, r.SubmittedAt.Format("2006-01-02 15:04:05"), r.Lang, r.Source}
			for _, q := range qs {
				a, ok := r.Answers[q.ID]
				switch {
				case !ok:
					want = append(want, "")
				case q.IsScore():
					want = append(want, strconv.Itoa(a.Number))
				case q.IsChoice():
					want = append(want, strings.Join(a.Choices, "; "))
				default:
					want = append(want, a.Text)
				}
			}
			for j := range want {
				if row[j] != want[j] {
					t.Errorf("response %d, %s = %q, want %q", i+1, head[j], row[j], want[j])
				}
			}
			// The time is a date number on or just after the second, so that
			// a program that cuts seconds (rather than rounds) shows it right.
			exact := float64(r.SubmittedAt.Unix()-time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).Unix()) / 86400
			if got := b.num("Responses", c(3, i+2)); got < exact || got-exact > 1.0/86400/1000 {
				t.Errorf("response %d: submitted at %v, want %v up to a millisecond after", i+1, got, exact)
			}
			for j, q := range qs {
				if _, ok := r.Answers[q.ID]; ok && q.IsScore() {
					b.num("Responses", c(6+j, i+2))
				}
			}
		}
	})

	t.Run("KeyQuotes", func(t *testing.T) {
		b := b.with(t)
		rows := b.rows("Key quotes")
		if len(rows) != 3 {
			t.Fatalf("%d rows, want a header and 2 quotes: %q", len(rows), rows)
		}
		var got, want []string
		for _, r := range rows[1:] {
			got = append(got, r[2])
		}
		for _, st := range starred {
			want = append(want, st.text)
		}
		sort.Strings(got)
		sort.Strings(want)
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("key quotes %q, want %q", got, want)
		}
	})

	t.Run("Charts", func(t *testing.T) {
		b := b.with(t)
		var charts []string
		for name, xml := range b.parts {
			if strings.HasPrefix(name, "xl/charts/chart") {
				charts = append(charts, xml)
			}
		}
		// Per workshop: one of all its ratings, one per NPS question and one
		// per choice question (the fixture declares no profile question,
		// which would have a breakdown instead). The Overview has none: the
		// fixture declares no headline (figures_test.go has one).
		perWorkshop := map[string]int{}
		want := 0
		for _, w := range f.Workshops {
			ratings := 0
			for _, q := range w.Questions {
				switch {
				case q.Type == forms.Rating:
					ratings = 1
				case q.Type == forms.NPS, q.IsChoice():
					perWorkshop[w.Slug]++
				}
			}
			perWorkshop[w.Slug] += ratings
			want += perWorkshop[w.Slug]
		}
		if len(charts) != want {
			t.Fatalf("%d charts, want %d", len(charts), want)
		}
		// No chart is of the Overview's means.
		last := strconv.Itoa(1 + len(f.Workshops))
		refs := regexp.MustCompile(`<(?:c:)?f>([^<]*)</(?:c:)?f>`)
		overview, workshop := 0, 0
		for _, xml := range charts {
			var fs []string
			for _, m := range refs.FindAllStringSubmatch(xml, -1) {
				fs = append(fs, html.UnescapeString(m[1]))
			}
			all := strings.Join(fs, " ")
			if regexp.MustCompile(`<(?:c:)?barDir val="bar"`).MatchString(xml) &&
				strings.Contains(all, "'Overview'!$C$2:$C$"+last) && strings.Contains(all, "'Overview'!$A$2:$A$"+last) {
				overview++
			}
			if strings.Contains(all, "'beta'!") {
				workshop++
			}
		}
		if overview != 0 || workshop != perWorkshop["beta"] {
			t.Errorf("overview bar charts of mean overall: %d, beta charts: %d, want 0 and %d", overview, workshop, perWorkshop["beta"])
		}
	})

	t.Run("About", func(t *testing.T) {
		b := b.with(t)
		rows := b.rows("About")
		row := findRow(t, rows, 1, "Responses", 2)
		b.wantNum("About", c(2, row), float64(len(s.responses)))
		row = findRow(t, rows, 1, "Comments (text answers)", 2)
		b.wantNum("About", c(2, row), float64(len(commentsOf(f, s.responses))))
		row = findRow(t, rows, 1, "Exported at (UTC)", 2)
		if got := b.str("About", c(2, row)); got != "2025-06-25 15:30:00" {
			t.Errorf("export time %q", got)
		}
		for _, q := range f.Questions() {
			r := findRow(t, rows, 1, q.ID, row)
			if rows[r-1][4] != q.Label.Get("en") || rows[r-1][1] != string(q.Type) {
				t.Errorf("codebook row for %s: %q", q.ID, rows[r-1])
			}
		}
	})
}

// sheetXML returns the XML part of a sheet by its name.
func (b *book) sheetXML(name string) string {
	b.t.Helper()
	idx, err := b.x.GetSheetIndex(name)
	if err != nil || idx < 0 {
		b.t.Fatalf("no sheet %q", name)
	}
	return b.parts["xl/worksheets/sheet"+strconv.Itoa(idx+1)+".xml"]
}

func TestWorkbookOneWorkshop(t *testing.T) {
	s := seed(t)
	b, _ := buildBook(t, s, export.Options{Workshop: "alpha"})
	if got := strings.Join(b.x.GetSheetList(), "|"); got != "Overview|alpha|Themes|Key quotes|Comments|Responses|About" {
		t.Fatalf("sheets %s", got)
	}
	rs := s.byWorkshop("alpha")
	b.wantNum("Overview", "B2", float64(len(rs)))
	b.wantNum("Overview", "B3", float64(len(rs)))
	if n := len(b.rows("Responses")) - 1; n != len(rs) {
		t.Errorf("%d responses, want %d", n, len(rs))
	}
	if n := len(b.rows("Comments")) - 1; n != len(commentsOf(s.forms, rs)) {
		t.Errorf("%d comments, want %d", n, len(commentsOf(s.forms, rs)))
	}

	_, err := export.Build(context.Background(), s.forms, s.source(""), export.Options{Workshop: "no-such-workshop"})
	if forms.ErrorCode(err) != forms.ENOTFOUND {
		t.Errorf("unknown workshop: %v, want not found", err)
	}
}

// TestWorkbookEmpty: before the first response every row of the Overview,
// each workshop's and the total, counts none and has no mean or NPS.
func TestWorkbookEmpty(t *testing.T) {
	f := formstest.Small(t)
	empty := func(ctx context.Context, fn func(*forms.Response) error) error { return nil }
	wb, err := export.Build(context.Background(), f, empty, export.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	var buf bytes.Buffer
	if _, err := wb.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	b := openBook(t, buf.Bytes())
	rows := b.rows("Overview")
	if got := strings.Join(rows[0], "|"); got != "Workshop|Responses|Mean overall|Mean pace|NPS" {
		t.Fatalf("header %q", got)
	}
	for row := 2; row <= len(f.Workshops)+2; row++ {
		if row == len(f.Workshops)+2 && b.str("Overview", c(1, row)) != "All workshops" {
			t.Fatalf("row %d is %q, want the total", row, b.str("Overview", c(1, row)))
		}
		b.wantNum("Overview", c(2, row), 0)
		for col := 3; col <= len(rows[0]); col++ {
			b.wantEmpty("Overview", c(col, row))
		}
	}
}

func TestSheetName(t *testing.T) {
	used := map[string]bool{"overview": true, "about": true}
	for _, tc := range []struct{ in, want string }{
		{"beta-session", "beta-session"},
		{"about", "about~2"},
		{"a-very-long-workshop-slug-that-goes-on-and-on", "a-very-long-workshop-slug-that-"},
		{"a-very-long-workshop-slug-that-goes-on-and-on-too", "a-very-long-workshop-slug-tha~2"},
		{"what?/[x]:*", "what---x---"},
		{"'quoted'", "quoted"},
		{"", "Workshop"},
	} {
		got := export.SheetName(tc.in, used)
		if got != tc.want {
			t.Errorf("SheetName(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if len([]rune(got)) > 31 {
			t.Errorf("SheetName(%q) = %q is too long", tc.in, got)
		}
	}
}

func TestFilename(t *testing.T) {
	at := time.Date(2025, 6, 25, 17, 30, 59, 0, time.FixedZone("UZT", 5*3600))
	if got := export.Filename(at, "xlsx"); got != "workshop-feedback-2025-06-25T1230Z.xlsx" {
		t.Errorf("Filename = %q", got)
	}
}

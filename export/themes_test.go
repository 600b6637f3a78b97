package export_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"feedback/export"
	"feedback/forms"
	"feedback/forms/formstest"
)

// themedForum is a forum on the fixture forms whose comments the rapporteur
// coded: responses kept in memory (the Source is the test's own), the live
// themes, every comment's coding, and the starred comments.
type themedForum struct {
	forms     *forms.Forms
	responses []*forms.Response
	themes    []forms.Theme
	codings   map[export.QuoteKey]export.Coding
	starred   map[export.QuoteKey]bool
}

// themedComment is one comment as the test expects the workbook to show it.
type themedComment struct {
	workshop, question, text, lang string
	themes                         []string // live ids, in the order of the themes
	translation                    string
	starred                        bool
}

// The gone workshop is no longer in the forms file: its comments are in
// Comments and counted in a column of their own.
const goneWorkshop = "gamma"

func newThemedForum(t *testing.T) *themedForum {
	t.Helper()
	f := formstest.Small(t)
	tf := &themedForum{
		forms: f,
		// The declared themes, and one the rapporteur added whose label
		// would be a formula if typed.
		themes:  append(slices.Clone(f.Themes), forms.Theme{ID: "costs", Label: "=Costs and fees"}),
		codings: map[export.QuoteKey]export.Coding{},
		starred: map[export.QuoteKey]bool{},
	}
	if len(f.Themes) < 2 {
		t.Fatalf("the fixture declares %d themes, want 2", len(f.Themes))
	}
	counts := map[string]int{"alpha": 9, "beta": 14, goneWorkshop: 3}
	langs := []string{"en", "fr", "ar", "ru", "zh"}
	g := 0
	for i := 0; i < 14; i++ {
		for _, slug := range []string{"alpha", "beta", goneWorkshop} {
			if i >= counts[slug] {
				continue
			}
			r := &forms.Response{
				ID: fmt.Sprintf("r%03d", g), SubmissionID: fmt.Sprintf("00000000-0000-4000-8000-%012d", g),
				Workshop: slug, Lang: langs[g%len(langs)], Source: forms.Sources[0],
				SubmittedAt: seedStart.Add(time.Duration(g) * time.Minute),
				Answers:     forms.Answers{"overall": {Number: 1 + g%5}},
			}
			tf.code(r, g)
			tf.responses = append(tf.responses, r)
			g++
		}
	}
	// A coding of a comment that does not exist: one emptied since it was
	// coded, and a response since removed.
	for _, r := range tf.responses {
		if _, ok := r.Answers["comment"]; !ok {
			tf.codings[export.QuoteKey{ResponseID: r.ID, Question: "comment"}] = export.Coding{Themes: []string{tf.themes[0].ID}, Translation: "emptied"}
			break
		}
	}
	tf.codings[export.QuoteKey{ResponseID: "removed", Question: "comment"}] = export.Coding{Themes: []string{tf.themes[1].ID}}
	return tf
}

// code gives the g-th response its comments, and codes, translates and
// stars some of them; one theme id is of a theme merged away.
func (tf *themedForum) code(r *forms.Response, g int) {
	ids := func(picks ...int) []string {
		var out []string
		for _, p := range picks {
			out = append(out, tf.themes[p].ID)
		}
		return out
	}
	if g%4 != 3 {
		text := plainTexts[g%len(plainTexts)]
		if g%7 == 2 {
			text = formulaTexts[g%len(formulaTexts)]
		}
		r.Answers["comment"] = forms.Answer{Text: text}
		key := export.QuoteKey{ResponseID: r.ID, Question: "comment"}
		var c export.Coding
		switch g % 5 {
		case 0:
			c.Themes = ids(0)
		case 1:
			c.Themes = ids(1, 0) // out of order: the workbook orders them
		case 2:
			c.Themes = []string{"merged_away"}
		case 3:
			c.Themes = append(ids(2), "merged_away")
		}
		switch g % 3 {
		case 0:
			c.Translation = fmt.Sprintf("In English: comment %d", g)
		case 1:
			if g%2 == 1 {
				c.Translation = "+1 for the exercises"
			}
		}
		if len(c.Themes) > 0 || c.Translation != "" {
			tf.codings[key] = c
		}
		tf.starred[key] = g%3 != 2
	}
	if r.Workshop != "alpha" && g%2 == 0 {
		r.Answers["beta_idea"] = forms.Answer{Text: fmt.Sprintf("Idea %d", g)}
		key := export.QuoteKey{ResponseID: r.ID, Question: "beta_idea"}
		tf.codings[key] = export.Coding{Themes: ids(2, 1)}
		tf.starred[key] = g%4 == 0
	}
}

// source hands the export the responses of one workshop (all if empty) in
// submission order, as the store's EachResponse does.
func (tf *themedForum) source(slug string) export.Source {
	return func(ctx context.Context, fn func(*forms.Response) error) error {
		for _, r := range tf.responses {
			if slug == "" || r.Workshop == slug {
				if err := fn(r); err != nil {
					return err
				}
			}
		}
		return nil
	}
}

// comments are the comments of the export of one workshop (all if empty) as
// the test works them out: the non-empty answers to text questions, in
// submission order, with the codings' live themes in the themes' order.
func (tf *themedForum) comments(slug string) []themedComment {
	var out []themedComment
	for _, r := range tf.responses {
		if slug != "" && r.Workshop != slug {
			continue
		}
		qs := tf.forms.Questions()
		if w := tf.forms.Workshop(r.Workshop); w != nil {
			qs = w.Questions
		}
		for _, q := range qs {
			a, ok := r.Answers[q.ID]
			if !ok || q.Type != forms.FreeText || a.Text == "" {
				continue
			}
			key := export.QuoteKey{ResponseID: r.ID, Question: q.ID}
			c := tf.codings[key]
			cm := themedComment{workshop: r.Workshop, question: q.ID, text: a.Text, lang: r.Lang, translation: c.Translation, starred: tf.starred[key]}
			for _, th := range tf.themes {
				if slices.Contains(c.Themes, th.ID) {
					cm.themes = append(cm.themes, th.ID)
				}
			}
			out = append(out, cm)
		}
	}
	return out
}

func (tf *themedForum) label(id string) string {
	for _, th := range tf.themes {
		if th.ID == id {
			return th.Label
		}
	}
	return ""
}

func (tf *themedForum) labels(ids []string) string {
	var out []string
	for _, id := range ids {
		out = append(out, tf.label(id))
	}
	return strings.Join(out, "; ")
}

func (tf *themedForum) title(slug string) string {
	if w := tf.forms.Workshop(slug); w != nil {
		return w.Title.Get("en")
	}
	return slug
}

func (tf *themedForum) questionLabel(id string) string {
	for _, q := range tf.forms.Questions() {
		if q.ID == id {
			return q.Label.Get("en")
		}
	}
	return id
}

func (tf *themedForum) build(t *testing.T, opt export.Options) *book {
	t.Helper()
	wb, err := export.Build(context.Background(), tf.forms, tf.source(opt.Workshop), opt)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	var buf strings.Builder
	if _, err := wb.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return openBook(t, []byte(buf.String()))
}

// at is a row's cell, "" past its end (GetRows leaves off empty cells).
func at(row []string, i int) string {
	if i < len(row) {
		return row[i]
	}
	return ""
}

// exportSlugs are the workshops an export has columns for, in forum order.
func (tf *themedForum) exportSlugs(slug string) []string {
	if slug != "" {
		return []string{slug}
	}
	var out []string
	for _, w := range tf.forms.Workshops {
		out = append(out, w.Slug)
	}
	return out
}

// quoted reports whether a cell's format has Excel's quote prefix.
func quoted(t *testing.T, b *book, sheet, ref string) bool {
	t.Helper()
	id, err := b.x.GetCellStyle(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	xfs := cellFormats(t, b)
	if id < 0 || id >= len(xfs) {
		t.Fatalf("%s!%s: style %d of %d", sheet, ref, id, len(xfs))
	}
	q := xfs[id].attr("quotePrefix")
	return q == "1" || q == "true"
}

// checkThemeCounts compares the Themes sheet's counts with the test's: a
// row per theme, Not yet coded and All comments, a column per workshop of
// the export, one for the gone workshop when it has comments, and Total.
func checkThemeCounts(t *testing.T, b *book, tf *themedForum, slug string, themes []forms.Theme) {
	t.Helper()
	const sh = export.SheetThemes
	cms := tf.comments(slug)
	slugs := tf.exportSlugs(slug)
	header := []string{"Theme"}
	for _, s := range slugs {
		header = append(header, tf.title(s))
	}
	other := false
	for _, cm := range cms {
		other = other || !slices.Contains(slugs, cm.workshop)
	}
	if other {
		header = append(header, "Workshops no longer in the forms file")
	}
	header = append(header, "Total")
	rows := b.rows(sh)
	if at(rows[0], 0) != "Comments by theme" {
		t.Errorf("title %q", rows[0])
	}
	if got := strings.Join(rows[1], "|"); got != strings.Join(header, "|") {
		t.Fatalf("header %q, want %q", got, strings.Join(header, "|"))
	}
	// counts is the test's row: per workshop, gone workshops, total.
	counts := func(keep func(themedComment) bool) []int {
		out := make([]int, len(header)-1)
		for _, cm := range cms {
			if !keep(cm) {
				continue
			}
			col := slices.Index(slugs, cm.workshop)
			if col < 0 {
				col = len(slugs)
			}
			out[col]++
			out[len(out)-1]++
		}
		return out
	}
	check := func(row int, name string, want []int) {
		t.Helper()
		if got := b.str(sh, c(1, row)); got != name {
			t.Errorf("%s!A%d = %q, want %q", sh, row, got, name)
		}
		for i, n := range want {
			b.wantNum(sh, c(i+2, row), float64(n))
		}
	}
	for i, th := range themes {
		check(3+i, th.Label, counts(func(cm themedComment) bool { return slices.Contains(cm.themes, th.ID) }))
	}
	check(3+len(themes), "Not yet coded", counts(func(cm themedComment) bool { return len(cm.themes) == 0 }))
	check(4+len(themes), "All comments", counts(func(themedComment) bool { return true }))
	if !b.bold(sh, c(len(header), 4+len(themes))) {
		t.Error("the All comments row is not bold")
	}
	panes, err := b.x.GetPanes(sh)
	if err != nil || !panes.Freeze || panes.YSplit != 2 {
		t.Errorf("panes %+v %v, want the title and header frozen", panes, err)
	}
	for col := 1; col <= len(header); col++ {
		name, _ := excelize.ColumnNumberToName(col)
		if w, err := b.x.GetColWidth(sh, name); err != nil || w < 14 {
			t.Errorf("column %s is %v wide (%v)", name, w, err)
		}
	}
}

// wantQuotes are the starred comments as Themes lists them: theme by theme,
// then by workshop in forum order (gone workshops last), in the order given.
func (tf *themedForum) wantQuotes(slug string) [][]string {
	rank := func(s string) int {
		for i, w := range tf.forms.Workshops {
			if w.Slug == s {
				return i
			}
		}
		return len(tf.forms.Workshops)
	}
	starred := slices.DeleteFunc(tf.comments(slug), func(cm themedComment) bool { return !cm.starred })
	slices.SortStableFunc(starred, func(a, b themedComment) int { return rank(a.workshop) - rank(b.workshop) })
	var out [][]string
	for _, th := range tf.themes {
		for _, cm := range starred {
			if slices.Contains(cm.themes, th.ID) {
				out = append(out, []string{th.Label, tf.title(cm.workshop), tf.questionLabel(cm.question), cm.text, cm.translation, cm.lang})
			}
		}
	}
	return out
}

func TestThemesSheet(t *testing.T) {
	tf := newThemedForum(t)
	opt := export.Options{Themes: tf.themes, Codings: tf.codings, KeyQuotes: tf.starred}
	b := tf.build(t, opt)
	cms := tf.comments("")

	// The forum must give every count something to count.
	var coded, uncoded, translated, gone, starredCoded int
	for _, cm := range cms {
		switch {
		case len(cm.themes) > 1:
			coded++
		case len(cm.themes) == 0:
			uncoded++
		}
		if cm.translation != "" {
			translated++
		}
		if cm.workshop == goneWorkshop {
			gone++
		}
		if cm.starred && len(cm.themes) > 0 {
			starredCoded++
		}
	}
	if coded == 0 || uncoded == 0 || translated == 0 || gone == 0 || starredCoded == 0 {
		t.Fatalf("the forum has %d comments with two themes, %d uncoded, %d translated, %d of a gone workshop, %d starred and coded",
			coded, uncoded, translated, gone, starredCoded)
	}

	t.Run("Sheets", func(t *testing.T) {
		want := []string{"Overview", "alpha", "beta", "Themes", "Key quotes", "Comments", "Responses", "About"}
		if got := b.x.GetSheetList(); !slices.Equal(got, want) {
			t.Errorf("sheets %v, want %v", got, want)
		}
	})
	t.Run("Counts", func(t *testing.T) { checkThemeCounts(t, b.with(t), tf, "", tf.themes) })
	t.Run("Quotes", func(t *testing.T) {
		b := b.with(t)
		rows := b.rows(export.SheetThemes)
		r := findRow(t, rows, 1, "Starred quotes by theme", 3)
		if got := strings.Join(rows[r], "|"); got != "Theme|Workshop|Question|Quote|Translation|Language" {
			t.Errorf("quotes header %q", got)
		}
		want := tf.wantQuotes("")
		got := rows[r+1:]
		if len(got) != len(want) {
			t.Fatalf("%d quotes, want %d: %q", len(got), len(want), got)
		}
		for i, w := range want {
			for j := range w {
				if at(got[i], j) != w[j] {
					t.Errorf("quote %d = %q, want %q", i+1, got[i], w)
					break
				}
			}
		}
	})
	t.Run("Comments", func(t *testing.T) { checkCommentColumns(t, b.with(t), tf, cms) })
	t.Run("KeyQuotes", func(t *testing.T) {
		b := b.with(t)
		rows := b.rows(export.SheetKeyQuotes)
		var want []themedComment
		for _, cm := range cms {
			if cm.starred {
				want = append(want, cm)
			}
		}
		if len(rows)-1 != len(want) {
			t.Fatalf("%d key quotes, want %d", len(rows)-1, len(want))
		}
		byText := map[string]themedComment{}
		for _, cm := range want {
			byText[cm.text+"|"+cm.workshop+"|"+cm.lang+"|"+cm.translation] = cm
		}
		for i, row := range rows[1:] {
			cm, ok := byText[at(row, 2)+"|"+tf.workshopOf(at(row, 0))+"|"+at(row, 3)+"|"+at(row, 6)]
			if !ok || at(row, 5) != tf.labels(cm.themes) {
				t.Errorf("key quote %d = %q: no starred comment with these themes and translation", i+1, row)
			}
		}
	})
	t.Run("QuotePrefix", func(t *testing.T) {
		b := b.with(t)
		n := 0
		for _, sh := range []string{export.SheetThemes, export.SheetComments, export.SheetKeyQuotes} {
			for _, tc := range textCells(t, b, sh) {
				v := b.str(sh, tc.ref)
				if looksLikeFormula(v) {
					n++
					if !quoted(t, b, sh, tc.ref) {
						t.Errorf("%s!%s = %q is not quote-prefixed", sh, tc.ref, v)
					}
				}
			}
		}
		if n == 0 {
			t.Error("no formula-like label or translation to check")
		}
	})
	t.Run("About", func(t *testing.T) {
		b := b.with(t)
		rows := b.rows(export.SheetAbout)
		b.wantNum(export.SheetAbout, c(2, findRow(t, rows, 1, "Comments coded with a theme", 2)), float64(len(cms)-uncoded))
		b.wantNum(export.SheetAbout, c(2, findRow(t, rows, 1, "Themes", 2)), float64(len(tf.themes)))
		findRow(t, rows, 1, export.SheetThemes, findRow(t, rows, 1, "Sheets", 2))
	})
}

// workshopOf finds a workshop's slug from the title the workbook shows.
func (tf *themedForum) workshopOf(title string) string {
	for _, w := range tf.forms.Workshops {
		if w.Title.Get("en") == title {
			return w.Slug
		}
	}
	return title
}

// checkCommentColumns compares the Comments sheet's Themes and Translation
// columns, and its filter, with the test's comments.
func checkCommentColumns(t *testing.T, b *book, tf *themedForum, cms []themedComment) {
	t.Helper()
	rows := b.rows(export.SheetComments)
	if got := strings.Join(rows[0], "|"); got != "Workshop|Question|Answer|Language|Submitted at (UTC)|Themes|Translation" {
		t.Fatalf("header %q", got)
	}
	if len(rows)-1 != len(cms) {
		t.Fatalf("%d comments, want %d", len(rows)-1, len(cms))
	}
	for i, cm := range cms {
		row := rows[i+1]
		if at(row, 0) != tf.title(cm.workshop) || at(row, 2) != cm.text || at(row, 5) != tf.labels(cm.themes) || at(row, 6) != cm.translation {
			t.Errorf("comment %d = %q, want %s: %q with themes %q and translation %q", i+1, row, cm.workshop, cm.text, tf.labels(cm.themes), cm.translation)
		}
	}
	want := fmt.Sprintf(`<autoFilter ref="A1:G%d"`, len(cms)+1)
	if xml := b.sheetXML(export.SheetComments); !strings.Contains(strings.ReplaceAll(xml, "$", ""), want) {
		t.Errorf("the filter is not %s", want)
	}
}

// TestThemesSheetOneWorkshop: a workshop's export counts its comments only.
func TestThemesSheetOneWorkshop(t *testing.T) {
	tf := newThemedForum(t)
	b := tf.build(t, export.Options{Workshop: "beta", Themes: tf.themes, Codings: tf.codings, KeyQuotes: tf.starred})
	if got := b.x.GetSheetList(); !slices.Equal(got, []string{"Overview", "beta", "Themes", "Key quotes", "Comments", "Responses", "About"}) {
		t.Errorf("sheets %v", got)
	}
	checkThemeCounts(t, b, tf, "beta", tf.themes)
	checkCommentColumns(t, b, tf, tf.comments("beta"))
	rows := b.rows(export.SheetThemes)
	r := findRow(t, rows, 1, "Starred quotes by theme", 3)
	if got, want := len(rows)-r-1, len(tf.wantQuotes("beta")); got != want {
		t.Errorf("%d quotes, want %d", got, want)
	}
}

// TestThemesSheetNoThemes: before the first theme the sheet still counts
// the comments, all not yet coded, and says how to add themes; translations
// are in Comments all the same.
func TestThemesSheetNoThemes(t *testing.T) {
	tf := newThemedForum(t)
	tf.themes = nil
	b := tf.build(t, export.Options{Codings: tf.codings, KeyQuotes: tf.starred})
	checkThemeCounts(t, b, tf, "", nil)
	checkCommentColumns(t, b, tf, tf.comments(""))
	rows := b.rows(export.SheetThemes)
	findRow(t, rows, 1, "No theme yet. Add themes on the comments page (/admin/comments) and code comments with them: "+
		"each theme then has a row here, with its starred quotes below.", 3)
	r := findRow(t, rows, 1, "Starred quotes by theme", 3)
	if len(rows) != r+2 || !strings.HasPrefix(rows[r+1][0], "No starred comment is coded") {
		t.Errorf("quotes %q, want none", rows[r:])
	}
}

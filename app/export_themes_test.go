package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"feedback/store"
)

// themedComment is a comment the test stored and coded through the app, as
// the test knows it.
type themedComment struct {
	workshop, question, text string
	themes                   []string // theme ids
	translation              string
	starred                  bool
}

// themedDesk drives the real app as the rapporteur and a participant's
// browser do, and keeps what it did.
type themedDesk struct {
	t        *testing.T
	a        *testApp
	comments map[store.CommentKey]*themedComment
}

// post sends a form with the admin token and asks for JSON; it returns the
// decoded answer, failing unless the status is want.
func (d *themedDesk) post(path string, form url.Values, want int) map[string]any {
	d.t.Helper()
	res, body := d.a.do(d.t, postForm(path, form, "Authorization", "Bearer "+testToken, "Accept", "application/json"))
	var out map[string]any
	if res.StatusCode != want || json.Unmarshal([]byte(body), &out) != nil {
		d.t.Fatalf("POST %s %v: status %d, want %d: %s", path, form, res.StatusCode, want, body)
	}
	return out
}

// submit stores (or, with the same sid, changes) a response through the JSON
// API and returns its public id.
func (d *themedDesk) submit(sid, slug, lang string, texts map[string]string) string {
	d.t.Helper()
	answers := map[string]any{"overall": 4}
	for q, text := range texts {
		answers[q] = text
	}
	b, err := json.Marshal(map[string]any{"submission_id": sid, "lang": lang, "answers": answers})
	if err != nil {
		d.t.Fatal(err)
	}
	res, body := d.a.do(d.t, postJSON("/api/v1/workshops/"+slug+"/responses", string(b)))
	var out struct{ ID string }
	if res.StatusCode/100 != 2 || json.Unmarshal([]byte(body), &out) != nil || out.ID == "" {
		d.t.Fatalf("submit to %s: status %d: %s", slug, res.StatusCode, body)
	}
	for q, text := range texts {
		d.comments[store.CommentKey{ResponseID: out.ID, Question: q}] = &themedComment{workshop: slug, question: q, text: text}
	}
	return out.ID
}

func (d *themedDesk) tag(k store.CommentKey, theme string) {
	d.t.Helper()
	d.post("/admin/comments/theme", url.Values{"response": {k.ResponseID}, "question": {k.Question}, "theme": {theme}, "on": {"1"}}, http.StatusOK)
	c := d.comments[k]
	c.themes = append(c.themes, theme)
}

func (d *themedDesk) translate(k store.CommentKey, text string) {
	d.t.Helper()
	d.post("/admin/comments/translation", url.Values{"response": {k.ResponseID}, "question": {k.Question}, "text": {text}}, http.StatusOK)
	d.comments[k].translation = text
}

func (d *themedDesk) star(k store.CommentKey) {
	d.t.Helper()
	d.post("/admin/comments/star", url.Values{"response": {k.ResponseID}, "question": {k.Question}, "star": {"1"}}, http.StatusOK)
	d.comments[k].starred = true
}

// workbook downloads the workbook (of one workshop if slug is set).
func (d *themedDesk) workbook(slug string) *excelize.File {
	d.t.Helper()
	path := "/admin/export.xlsx"
	if slug != "" {
		path += "?workshop=" + slug
	}
	res, body := d.a.do(d.t, get(path, "Authorization", "Bearer "+testToken))
	if res.StatusCode != http.StatusOK {
		d.t.Fatalf("GET %s: status %d: %s", path, res.StatusCode, body)
	}
	x, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		d.t.Fatalf("GET %s: not a workbook: %v", path, err)
	}
	d.t.Cleanup(func() { x.Close() })
	return x
}

// TestExportThemes: themes added, comments tagged, translated and starred
// through the real routes come out in the workbook's Themes sheet, counted
// as the test counts them and as the store's Themes does, and in the
// Comments and Key quotes sheets' new columns; a comment emptied after it
// was tagged counts nowhere.
func TestExportThemes(t *testing.T) {
	a := mustApp(t)
	ctx := context.Background()
	d := &themedDesk{t: t, a: a, comments: map[store.CommentKey]*themedComment{}}
	added := d.post("/admin/themes", url.Values{"label": {"Costs and fees"}}, http.StatusCreated)
	costs, _ := added["id"].(string)
	themes, err := a.db.Themes(ctx)
	if err != nil || len(themes) != 3 || themes[2].ID != costs {
		t.Fatalf("themes %+v %v, want the two declared and %q", themes, err, costs)
	}
	ids := []string{themes[0].ID, themes[1].ID, costs}

	var keys []store.CommentKey
	sids := map[string]string{} // public id → submission id
	for i := range 12 {
		slug := []string{"alpha", "beta"}[i%2]
		texts := map[string]string{"comment": fmt.Sprintf("Comment %d from %s", i, slug)}
		if slug == "beta" && i%4 == 1 {
			texts["beta_idea"] = fmt.Sprintf("Idea %d", i)
		}
		sid := uuid.NewString()
		id := d.submit(sid, slug, "en", texts)
		sids[id] = sid
		for _, q := range []string{"comment", "beta_idea"} {
			if _, ok := texts[q]; ok {
				keys = append(keys, store.CommentKey{ResponseID: id, Question: q})
			}
		}
	}
	for i, k := range keys {
		switch i % 4 {
		case 0:
			d.tag(k, ids[0])
		case 1:
			d.tag(k, ids[2])
			d.tag(k, ids[1])
		case 2:
			d.tag(k, ids[2])
		}
		if i%3 == 0 {
			d.translate(k, fmt.Sprintf("Translation %d", i))
		}
		if i%2 == 0 {
			d.star(k)
		}
	}
	// The participant takes her comment back: its tags and translation stay
	// in the store but it is no comment any more.
	i := slices.IndexFunc(keys, func(k store.CommentKey) bool {
		c := d.comments[k]
		return c.workshop == "alpha" && len(c.themes) > 0 && c.translation != "" && c.starred
	})
	if i < 0 {
		t.Fatal("no alpha comment is tagged, translated and starred: nothing to empty")
	}
	gone := keys[i]
	d.submit(sids[gone.ResponseID], "alpha", "en", map[string]string{})
	delete(d.comments, gone)

	stored, err := a.db.Themes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, slug := range []string{"", "beta"} {
		t.Run("Workshop="+slug, func(t *testing.T) {
			d.t = t
			x := d.workbook(slug)
			checkThemesSheet(t, x, d, slug, stored)
			if slug == "" {
				checkThemesAgainstStore(t, x, stored)
			}
			checkThemedComments(t, x, d, slug)
		})
	}
}

// inExport lists the test's comments of one workshop (all if empty), in no
// particular order.
func (d *themedDesk) inExport(slug string) []*themedComment {
	var out []*themedComment
	for _, c := range d.comments {
		if slug == "" || c.workshop == slug {
			out = append(out, c)
		}
	}
	return out
}

// labels names a comment's themes as the workbook does: labels in the
// themes' order, joined with "; ".
func themedLabels(c *themedComment, themes []store.ThemeCount) string {
	var out []string
	for _, th := range themes {
		if slices.Contains(c.themes, th.ID) {
			out = append(out, th.Label)
		}
	}
	return strings.Join(out, "; ")
}

// sheetNumber reads a cell that must hold a number.
func sheetNumber(t *testing.T, x *excelize.File, sheet, ref string) int {
	t.Helper()
	typ, err := x.GetCellType(sheet, ref)
	v, verr := x.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
	n, nerr := strconv.Atoi(v)
	if err != nil || verr != nil || nerr != nil || (typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber) {
		t.Fatalf("%s!%s = %q (type %v), want a number", sheet, ref, v, typ)
	}
	return n
}

// checkThemesSheet compares the Themes sheet with the test's counts: a row
// per theme, Not yet coded and All comments, a column per workshop of the
// export and Total; then each theme's starred quotes.
func checkThemesSheet(t *testing.T, x *excelize.File, d *themedDesk, slug string, themes []store.ThemeCount) {
	t.Helper()
	const sh = "Themes"
	var slugs, header []string
	header = append(header, "Theme")
	for _, w := range d.a.srv.forms.Workshops {
		if slug == "" || w.Slug == slug {
			slugs = append(slugs, w.Slug)
			header = append(header, w.Title.Get("en"))
		}
	}
	header = append(header, "Total")
	rows, err := x.GetRows(sh)
	if err != nil || len(rows) < 2 || strings.Join(rows[1], "|") != strings.Join(header, "|") {
		t.Fatalf("Themes header %q (%v), want %q", rows, err, header)
	}
	cs := d.inExport(slug)
	check := func(row int, name string, keep func(*themedComment) bool) {
		t.Helper()
		if got, _ := x.GetCellValue(sh, cellName(1, row)); got != name {
			t.Errorf("Themes!A%d = %q, want %q", row, got, name)
		}
		total := 0
		for i, s := range slugs {
			n := 0
			for _, c := range cs {
				if c.workshop == s && keep(c) {
					n++
				}
			}
			total += n
			if got := sheetNumber(t, x, sh, cellName(i+2, row)); got != n {
				t.Errorf("Themes row %q, %s: %d, want %d", name, s, got, n)
			}
		}
		if got := sheetNumber(t, x, sh, cellName(len(slugs)+2, row)); got != total {
			t.Errorf("Themes row %q, Total: %d, want %d", name, got, total)
		}
	}
	for i, th := range themes {
		check(3+i, th.Label, func(c *themedComment) bool { return slices.Contains(c.themes, th.ID) })
	}
	check(3+len(themes), "Not yet coded", func(c *themedComment) bool { return len(c.themes) == 0 })
	check(4+len(themes), "All comments", func(*themedComment) bool { return true })

	at := slices.IndexFunc(rows, func(r []string) bool { return len(r) > 0 && r[0] == "Starred quotes by theme" })
	if at < 0 {
		t.Fatal("Themes has no starred quotes")
	}
	var want, got []string
	for _, th := range themes {
		for _, c := range cs {
			if c.starred && slices.Contains(c.themes, th.ID) {
				want = append(want, th.Label+"|"+c.text+"|"+c.translation)
			}
		}
	}
	for _, r := range rows[at+2:] {
		r = append(r, "", "", "", "", "")
		got = append(got, r[0]+"|"+r[3]+"|"+r[4])
	}
	slices.Sort(want)
	slices.Sort(got)
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("starred quotes by theme %q, want %q", got, want)
	}
}

// checkThemesAgainstStore: the whole forum's Themes sheet says what the
// store's Themes does.
func checkThemesAgainstStore(t *testing.T, x *excelize.File, stored []store.ThemeCount) {
	t.Helper()
	workshops := []string{"alpha", "beta"}
	for i, th := range stored {
		for j, slug := range workshops {
			if got := sheetNumber(t, x, "Themes", cellName(j+2, 3+i)); got != th.Workshops[slug] {
				t.Errorf("theme %s in %s: the workbook counts %d, the store %d", th.ID, slug, got, th.Workshops[slug])
			}
		}
		if got := sheetNumber(t, x, "Themes", cellName(len(workshops)+2, 3+i)); got != th.Comments {
			t.Errorf("theme %s: the workbook counts %d, the store %d", th.ID, got, th.Comments)
		}
	}
}

// checkThemedComments compares the Themes and Translation columns of the
// Comments and Key quotes sheets with the test's comments.
func checkThemedComments(t *testing.T, x *excelize.File, d *themedDesk, slug string) {
	t.Helper()
	themes, err := d.a.db.Themes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	byText := map[string]*themedComment{}
	starred := 0
	for _, c := range d.inExport(slug) {
		byText[c.text] = c
		if c.starred {
			starred++
		}
	}
	for sheet, want := range map[string]int{"Comments": len(byText), "Key quotes": starred} {
		rows, err := x.GetRows(sheet)
		if err != nil || len(rows)-1 != want {
			t.Fatalf("%s has %d rows (%v), want a header and %d", sheet, len(rows), err, want)
		}
		if h := strings.Join(rows[0][5:], "|"); h != "Themes|Translation" {
			t.Errorf("%s header ends %q", sheet, h)
		}
		for _, r := range rows[1:] {
			r = append(r, "", "", "", "", "", "", "")
			c := byText[r[2]]
			if c == nil {
				t.Errorf("%s row %q: no such comment", sheet, r[:7])
				continue
			}
			if r[5] != themedLabels(c, themes) || r[6] != c.translation {
				t.Errorf("%s row %q: want themes %q and translation %q", sheet, r[:7], themedLabels(c, themes), c.translation)
			}
		}
	}
}

func cellName(col, row int) string {
	c, _ := excelize.CoordinatesToCellName(col, row)
	return c
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"feedback/forms"
	"feedback/forms/formstest"
	"feedback/store"
)

// summaryForms is the small fixture with a second 1–5 rating, later, and the
// figures declared: overall the headline, the gain from overall to later.
func summaryForms(t *testing.T) *forms.Forms {
	t.Helper()
	later := "  - id: later\n    type: rating\n    label: {en: \"And a week later?\"}\n\n  - id: pace\n"
	text := strings.Replace(string(formstest.Bytes()), "  - id: pace\n", later, 1)
	text += "\nfigures:\n  headline: overall\n  gain: [overall, later]\n"
	f, err := forms.Parse("summary.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// storedAnswers is what the test sent for one submission: its scores by
// question (a question left out is unanswered) and its comment.
type storedAnswers struct {
	workshop, id string
	scores       map[string]int
	comment      string
}

// summaryModel is what the test stored, and the figures it computes from it.
type summaryModel struct {
	f       *forms.Forms
	bySID   map[string]*storedAnswers
	tags    map[[2]string]bool // response id, theme
	themes  []string
	removed map[string]bool
}

func (m *summaryModel) mean(w, q string) *float64 {
	sum, n := 0, 0
	for _, a := range m.bySID {
		if v, ok := a.scores[q]; ok && a.workshop == w && !m.removed[a.id] {
			sum, n = sum+v, n+1
		}
	}
	if n == 0 {
		return nil
	}
	v := float64(sum) / float64(n)
	return &v
}

func (m *summaryModel) responses(w string) int {
	n := 0
	for _, a := range m.bySID {
		if (w == "" || a.workshop == w) && !m.removed[a.id] {
			n++
		}
	}
	return n
}

func (m *summaryModel) nps(w string) *float64 {
	pro, det, n := 0, 0, 0
	for _, a := range m.bySID {
		v, ok := a.scores["recommend"]
		if !ok || a.workshop != w || m.removed[a.id] {
			continue
		}
		n++
		if v >= 9 {
			pro++
		} else if v <= 6 {
			det++
		}
	}
	if n == 0 {
		return nil
	}
	v := 100 * float64(pro-det) / float64(n)
	return &v
}

func (m *summaryModel) gain(w string) *float64 {
	before, after := m.mean(w, "overall"), m.mean(w, "later")
	if before == nil || after == nil {
		return nil
	}
	v := *after - *before
	return &v
}

func (m *summaryModel) themeCounts(w string) map[string]int {
	out := map[string]int{}
	for _, th := range m.themes {
		out[th] = 0
	}
	for _, a := range m.bySID {
		for _, th := range m.themes {
			if a.workshop == w && !m.removed[a.id] && m.tags[[2]string{a.id, th}] {
				out[th]++
			}
		}
	}
	return out
}

// send stores or changes a submission through the API.
func (m *summaryModel) send(t *testing.T, a *testApp, sid, workshop string, scores map[string]int, comment string, want int) {
	t.Helper()
	answers := map[string]any{}
	for q, v := range scores {
		answers[q] = v
	}
	if comment != "" {
		answers["comment"] = comment
	}
	body, _ := json.Marshal(map[string]any{"submission_id": sid, "lang": "en", "answers": answers})
	res, out := a.do(t, postJSON("/api/v1/workshops/"+workshop+"/responses", string(body)))
	if res.StatusCode != want {
		t.Fatalf("%s: status %d, want %d: %s", sid, res.StatusCode, want, out)
	}
	var saved struct{ ID string }
	if err := json.Unmarshal([]byte(out), &saved); err != nil || saved.ID == "" {
		t.Fatalf("%s: %s", sid, out)
	}
	m.bySID[sid] = &storedAnswers{workshop: workshop, id: saved.ID, scores: scores, comment: comment}
}

type summaryWorkshop struct {
	Slug      string
	Title     string
	Responses int
	Means     map[string]*float64
	NPS       *float64
	Gain      *float64
	Themes    map[string]int
}

type summaryDoc struct {
	Responses *int
	Workshops []summaryWorkshop
}

func summaryOf(t *testing.T, a *testApp) summaryDoc {
	t.Helper()
	res, body := a.do(t, get("/admin/summary.json", "Authorization", "Bearer "+testToken))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("summary.json: status %d: %s", res.StatusCode, body)
	}
	var doc summaryDoc
	if err := json.Unmarshal([]byte(body), &doc); err != nil || doc.Responses == nil {
		t.Fatalf("summary.json: %v: %s", err, body)
	}
	return doc
}

// overviewRows reads the Overview sheet of the workbook back: the header and
// a row per workshop title, every cell as stored (numbers unformatted).
func overviewRows(t *testing.T, a *testApp) (header []string, rows map[string][]string) {
	t.Helper()
	res, body := a.do(t, get("/admin/export.xlsx", "Authorization", "Bearer "+testToken))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("export.xlsx: status %d", res.StatusCode)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	all, err := f.GetRows("Overview", excelize.Options{RawCellValue: true})
	if err != nil || len(all) == 0 {
		t.Fatalf("Overview: %v", err)
	}
	// The workshops' rows come first; the titles come again lower down,
	// in the table of sources.
	rows = map[string][]string{}
	for _, r := range all[1:] {
		if len(r) == 0 {
			break
		}
		rows[r[0]] = r
	}
	return all[0], rows
}

// sameFigure compares a summary.json figure with the Overview's cell to two
// decimals, and with the test's own figure: null, blank and none together.
func sameFigure(t *testing.T, what string, got *float64, cellText string, want *float64) {
	t.Helper()
	if (got == nil) != (cellText == "") || (got == nil) != (want == nil) {
		t.Errorf("%s: summary.json %v, Overview %q, test %v: one is blank and another not", what, ptrText(got), cellText, ptrText(want))
		return
	}
	if got == nil {
		return
	}
	v, err := strconv.ParseFloat(cellText, 64)
	if err != nil {
		t.Errorf("%s: Overview cell %q is not a number", what, cellText)
		return
	}
	if fmt.Sprintf("%.2f", *got) != fmt.Sprintf("%.2f", v) || math.Abs(*got-*want) > 1e-4 {
		t.Errorf("%s: summary.json %.4f, Overview %.4f, test %.4f", what, *got, v, *want)
	}
}

func ptrText(v *float64) string {
	if v == nil {
		return "null"
	}
	return strconv.FormatFloat(*v, 'f', 4, 64)
}

// check compares summary.json with the Overview and with the test's figures.
func (m *summaryModel) check(t *testing.T, a *testApp) {
	t.Helper()
	doc := summaryOf(t, a)
	header, rows := overviewRows(t, a)
	col := func(name string) int {
		for i, h := range header {
			if h == name {
				return i
			}
		}
		t.Fatalf("Overview has no column %q: %q", name, header)
		return -1
	}
	var ratings []string
	var meanCols []int
	for _, q := range m.f.Questions() {
		if q.Type == forms.Rating {
			ratings = append(ratings, q.ID)
		}
	}
	for i, h := range header {
		if strings.HasPrefix(h, "Mean ") {
			meanCols = append(meanCols, i)
		}
	}
	if len(meanCols) != len(ratings) {
		t.Fatalf("Overview mean columns %q, ratings %v", header, ratings)
	}
	if *doc.Responses != m.responses("") || len(doc.Workshops) != len(m.f.Workshops) {
		t.Fatalf("summary.json: %d responses in %d workshops, want %d in %d", *doc.Responses, len(doc.Workshops), m.responses(""), len(m.f.Workshops))
	}
	for i, w := range m.f.Workshops {
		ws := doc.Workshops[i]
		row, ok := rows[w.Title.Get("en")]
		if ws.Slug != w.Slug || ws.Title != w.Title.Get("en") || !ok {
			t.Fatalf("workshop %d: %s %q, Overview row %v", i, ws.Slug, ws.Title, ok)
		}
		if ws.Responses != m.responses(w.Slug) || cell(row, col("Responses")) != strconv.Itoa(ws.Responses) {
			t.Errorf("%s: responses %d, Overview %q, want %d", w.Slug, ws.Responses, cell(row, col("Responses")), m.responses(w.Slug))
		}
		if len(ws.Means) != len(ratings) {
			t.Errorf("%s: means %v, want one for each of %v", w.Slug, ws.Means, ratings)
		}
		for j, q := range ratings {
			sameFigure(t, w.Slug+" mean "+q, ws.Means[q], cell(row, meanCols[j]), m.mean(w.Slug, q))
		}
		sameFigure(t, w.Slug+" gain", ws.Gain, cell(row, col(m.f.Figures.GainName())), m.gain(w.Slug))
		sameFigure(t, w.Slug+" NPS", ws.NPS, cell(row, col("NPS")), m.nps(w.Slug))
		if want := m.themeCounts(w.Slug); fmt.Sprint(ws.Themes) != fmt.Sprint(want) {
			t.Errorf("%s: themes %v, want %v", w.Slug, ws.Themes, want)
		}
	}
}

// reopen stops the app and starts another on the same database file, as a
// restart of the service does.
func reopen(t *testing.T, a *testApp, f *forms.Forms) *testApp {
	t.Helper()
	if err := a.db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(context.Background(), a.path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	srv, err := newServer(config{Addr: "127.0.0.1:0", DB: a.path, AdminToken: testToken, PublicURL: "https://feedback.example.org"},
		f, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return &testApp{App: srv.app(), srv: srv, db: db, path: a.path}
}

// TestSummaryJSON stores responses through the API, changes some, codes
// comments with themes, removes one and restarts the service; after each
// step summary.json equals the Overview sheet of the workbook and the
// figures the test computes from what it sent.
func TestSummaryJSON(t *testing.T) {
	f := summaryForms(t)
	a := mustAppOn(t, f, func(*config) {})
	m := &summaryModel{f: f, bySID: map[string]*storedAnswers{}, tags: map[[2]string]bool{}, removed: map[string]bool{}}
	for _, th := range f.Themes {
		m.themes = append(m.themes, th.ID)
	}
	sid := func(i int) string { return fmt.Sprintf("30000000-0000-4000-8000-%012d", i) }
	// Alpha answers everything; beta only overall, so its pace, later,
	// gain and NPS have no figure.
	for i := 0; i < 17; i++ {
		scores := map[string]int{"overall": 1 + i*7%5, "later": 1 + (i*3+1)%5, "pace": 1 + i%3, "recommend": i * 5 % 11}
		if i%4 == 3 {
			delete(scores, "later")
		}
		m.send(t, a, sid(i), "alpha", scores, fmt.Sprintf("Alpha comment %d", i), http.StatusCreated)
	}
	for i := 17; i < 24; i++ {
		m.send(t, a, sid(i), "beta", map[string]int{"overall": 2 + i%4}, fmt.Sprintf("Beta comment %d", i), http.StatusCreated)
	}
	t.Run("Stored", func(t *testing.T) { m.check(t, a) })

	t.Run("Changed", func(t *testing.T) {
		m.send(t, a, sid(2), "alpha", map[string]int{"overall": 5, "pace": 3, "recommend": 10}, "Alpha comment 2", http.StatusOK)
		m.send(t, a, sid(5), "alpha", map[string]int{"overall": 1, "later": 5, "recommend": 0}, "Alpha comment 5", http.StatusOK)
		m.send(t, a, sid(20), "beta", map[string]int{"overall": 1}, "Beta comment 20", http.StatusOK)
		m.check(t, a)
	})

	t.Run("Themes", func(t *testing.T) {
		ctx := context.Background()
		extra, err := a.db.AddTheme(ctx, "Facilitation")
		if err != nil {
			t.Fatal(err)
		}
		m.themes = append(m.themes, extra.ID)
		for i, th := range map[int]string{1: "skills", 3: "skills", 4: "digital", 6: extra.ID, 18: "skills", 19: "digital", 21: "digital"} {
			m.tag(t, a, sid(i), th)
		}
		m.tag(t, a, sid(1), "digital") // one comment, two themes
		m.check(t, a)
	})

	t.Run("Removed", func(t *testing.T) {
		for _, i := range []int{3, 19} { // both coded
			id := m.bySID[sid(i)].id
			if err := a.db.DeleteResponse(context.Background(), id); err != nil {
				t.Fatal(err)
			}
			m.removed[id] = true
		}
		m.check(t, a)
	})

	t.Run("Restarted", func(t *testing.T) {
		a = reopen(t, a, f)
		m.check(t, a)
	})
}

func (m *summaryModel) tag(t *testing.T, a *testApp, sid, theme string) {
	t.Helper()
	id := m.bySID[sid].id
	if err := a.db.TagComment(context.Background(), id, "comment", theme, true); err != nil {
		t.Fatal(err)
	}
	m.tags[[2]string{id, theme}] = true
}

package export_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"feedback/export"
	"feedback/forms"
	"feedback/store"
	"feedback/store/storetest"
)

// The forms file before and after the organizer edits it on the second day:
// alpha loses its two pilot questions and gains usefulness (a rating) and
// follow_up (a single choice); beta stays as it was.
const (
	changesBefore = `
workshops:
  - slug: alpha
    title: Alpha session
    questions:
      - {id: overall, type: rating, required: true, label: "How was the session?"}
      - {id: pilot_comment, type: text, label: "What about the pilot?"}
      - {id: pilot_score, type: nps, label: "Would you recommend the pilot?"}
  - slug: beta
    title: Beta session
    questions:
      - {id: overall, type: rating, required: true, label: "How was the session?"}
`
	changesAfter = `
workshops:
  - slug: alpha
    title: Alpha session
    questions:
      - {id: overall, type: rating, required: true, label: "How was the session?"}
      - {id: usefulness, type: rating, label: "How useful was it?"}
      - id: follow_up
        type: single
        label: Would you like a follow-up session?
        options: [{id: "yes", label: "Yes"}, {id: "no", label: "No"}]
  - slug: beta
    title: Beta session
    questions:
      - {id: overall, type: rating, required: true, label: "How was the session?"}
`
)

func mustParse(t *testing.T, yaml string) *forms.Forms {
	t.Helper()
	f, err := forms.Parse("forms.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestWorkbookFormsChanged runs the forum through a change of forms file on
// each store: responses under the first file, a restart with the second,
// more responses (one from a replica still on the first file), then the
// workbook. Its "asked of" figures, on the workshop sheet, in the Overview
// and in the codebook, must match what the test counts from the responses
// it stored and the time of the restart.
func TestWorkbookFormsChanged(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "feedback.db")
		testWorkbookFormsChanged(t, func() store.Store {
			db, err := store.Open(context.Background(), path, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			return db
		})
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		url := storetest.PostgresURL(t)
		testWorkbookFormsChanged(t, func() store.Store {
			db, err := store.OpenPostgres(context.Background(), url)
			if err != nil {
				t.Fatal(err)
			}
			return db
		})
	})
}

func testWorkbookFormsChanged(t *testing.T, open func() store.Store) {
	ctx := context.Background()
	before, after := mustParse(t, changesBefore), mustParse(t, changesAfter)
	start := time.Date(2025, 6, 24, 9, 0, 0, 0, time.UTC)
	restart := time.Date(2025, 6, 25, 8, 30, 0, 0, time.UTC)
	var stored []*forms.Response
	save := func(db store.Store, workshop string, at time.Time, a forms.Answers) {
		t.Helper()
		r := &forms.Response{SubmissionID: uuid.NewString(), Workshop: workshop, Lang: "en", SubmittedAt: at, Answers: a}
		if _, err := db.SaveResponse(ctx, r); err != nil {
			t.Fatal(err)
		}
		stored = append(stored, r)
	}

	db := open()
	if _, err := db.RecordForms(ctx, before, start); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 23; i++ {
		a := forms.Answers{"overall": {Number: 1 + i%5}}
		if i%3 != 0 {
			a["pilot_score"] = forms.Answer{Number: i % 11}
		}
		if i%4 == 1 {
			a["pilot_comment"] = forms.Answer{Text: fmt.Sprintf("pilot note %d", i)}
		}
		save(db, "alpha", start.Add(time.Duration(i)*time.Hour), a)
		if i%3 == 0 {
			save(db, "beta", start.Add(time.Duration(i)*time.Hour), forms.Answers{"overall": {Number: 4}})
		}
	}
	db.Close()

	db = open()
	defer db.Close()
	change, err := db.RecordForms(ctx, after, restart)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(change.Added, " ") != "alpha/usefulness alpha/follow_up" ||
		strings.Join(change.Removed, " ") != "alpha/pilot_comment alpha/pilot_score" {
		t.Fatalf("change %+v", change)
	}
	for i := 0; i < 17; i++ {
		a := forms.Answers{"overall": {Number: 1 + (i*2)%5}}
		if i%2 == 0 {
			a["usefulness"] = forms.Answer{Number: 1 + i%5}
		}
		if i%3 != 2 {
			a["follow_up"] = forms.Answer{Choices: []string{[]string{"yes", "no"}[i%2]}}
		}
		save(db, "alpha", restart.Add(time.Duration(i)*time.Minute), a)
		if i%4 == 0 {
			save(db, "beta", restart.Add(time.Duration(i)*time.Minute), forms.Answers{"overall": {Number: 2}})
		}
	}
	// A replica still on the old file during a rolling restart.
	save(db, "alpha", restart.Add(90*time.Second), forms.Answers{"overall": {Number: 3}, "pilot_score": {Number: 10}})

	// What the app hands the export: the recorded periods, and the questions
	// stored answers have that the new file lacks.
	periods, err := db.QuestionPeriods(ctx)
	if err != nil {
		t.Fatal(err)
	}
	retired := []*forms.Question{
		{ID: "pilot_comment", Type: forms.FreeText, Label: forms.Text{"en": "pilot_comment (no longer in the forms file)"}},
		{ID: "pilot_score", Type: forms.Rating, Label: forms.Text{"en": "pilot_score (no longer in the forms file)"}},
	}
	src := func(ctx context.Context, fn func(*forms.Response) error) error {
		return db.EachResponse(ctx, store.Filter{}, fn)
	}
	wb, err := export.Build(ctx, after, src, export.Options{Retired: retired, Periods: periods, Now: restart.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := wb.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	wb.Close()
	b := openBook(t, buf.Bytes())

	// The test's own figures.
	var alpha []*forms.Response
	for _, r := range stored {
		if r.Workshop == "alpha" {
			alpha = append(alpha, r)
		}
	}
	askedOf := func(id string, beforeRestart bool) int {
		n := 0
		for _, r := range alpha {
			if _, ok := r.Answers[id]; ok || r.SubmittedAt.Before(restart) == beforeRestart {
				n++
			}
		}
		return n
	}
	want := map[string][2]int{ // n, asked of
		"usefulness":    {answered(alpha, "usefulness"), askedOf("usefulness", false)},
		"follow_up":     {answered(alpha, "follow_up"), askedOf("follow_up", false)},
		"pilot_comment": {answered(alpha, "pilot_comment"), askedOf("pilot_comment", true)},
		"pilot_score":   {answered(alpha, "pilot_score"), askedOf("pilot_score", true)},
	}
	if want["pilot_score"][1] != 24 || want["usefulness"][1] != 18 || len(alpha) != 41 {
		t.Fatalf("the test means 41 responses, 24 asked pilot_score, 18 usefulness: %v of %d", want, len(alpha))
	}

	t.Run("WorkshopSheet", func(t *testing.T) {
		b := b.with(t)
		const sh = "alpha"
		rows := b.rows(sh)
		top := findRow(t, rows, 1, "Questions changed", 2)
		if got := strings.Join(rows[top][:6], "|"); got != "Question|Text|n|Asked of|Change|In the form (UTC)" {
			t.Fatalf("header %q", got)
		}
		kinds := map[string]string{"usefulness": "added", "follow_up": "added", "pilot_comment": "removed", "pilot_score": "removed"}
		var listed []string
		for r := top + 2; r <= len(rows) && len(rows[r-1]) > 0 && rows[r-1][0] != ""; r++ {
			id := rows[r-1][0]
			listed = append(listed, id)
			b.wantNum(sh, c(3, r), float64(want[id][0]))
			b.wantNum(sh, c(4, r), float64(want[id][1]))
			if got := b.str(sh, c(5, r)); got != kinds[id] {
				t.Errorf("%s: change %q, want %q", id, got, kinds[id])
			}
			when := "since 2025-06-25 08:30"
			if kinds[id] == "removed" {
				when = "until 2025-06-25 08:30"
			}
			if got := b.str(sh, c(6, r)); got != when {
				t.Errorf("%s: in the form %q, want %q", id, got, when)
			}
		}
		if strings.Join(listed, " ") != "usefulness follow_up pilot_comment pilot_score" {
			t.Errorf("changed questions %v: the new ones in form order, then the removed ones", listed)
		}
		// The ratings table gives asked of beside n; overall was asked
		// of every response.
		for _, id := range []string{"overall", "usefulness"} {
			r := findRow(t, rows, 1, id, top+6)
			b.wantNum(sh, c(3, r), float64(answered(alpha, id)))
			asked := len(alpha)
			if id == "usefulness" {
				asked = want[id][1]
			}
			b.wantNum(sh, c(4, r), float64(asked))
		}
		choice := findRow(t, rows, 1, "follow_up", top+6)
		b.wantNum(sh, c(3, findRow(t, rows, 2, "People who answered", choice)), float64(want["follow_up"][0]))
		b.wantNum(sh, c(3, findRow(t, rows, 2, "Asked of (responses whose form had it)", choice)), float64(want["follow_up"][1]))
		b.wantNum(sh, "C2", float64(len(alpha)))

		// beta did not change: no table.
		for _, row := range b.rows("beta") {
			if len(row) > 0 && row[0] == "Questions changed" {
				t.Error("beta lists changes it did not have")
			}
		}
	})

	t.Run("Overview", func(t *testing.T) {
		b := b.with(t)
		rows := b.rows("Overview")
		col := 0
		for i, h := range rows[0] {
			if h == "Questions changed during the forum" {
				col = i + 1
			}
		}
		if col == 0 {
			t.Fatalf("no column of changes: %q", rows[0])
		}
		wantText := fmt.Sprintf("usefulness added: asked of %d of %d responses\nfollow_up added: asked of %d of %d responses\n"+
			"pilot_comment removed: asked of %d of %d responses\npilot_score removed: asked of %d of %d responses",
			want["usefulness"][1], len(alpha), want["follow_up"][1], len(alpha), want["pilot_comment"][1], len(alpha), want["pilot_score"][1], len(alpha))
		if got := b.str("Overview", c(col, 2)); got != wantText {
			t.Errorf("alpha: %q, want %q", got, wantText)
		}
		if got := b.str("Overview", c(col, 3)); got != "" {
			t.Errorf("beta: %q, want nothing", got)
		}
	})

	t.Run("About", func(t *testing.T) {
		b := b.with(t)
		rows := b.rows("About")
		head := findRow(t, rows, 1, "Question id", 2)
		if got := strings.Join(rows[head-1][:8], "|"); got != "Question id|Type|Required|Scale or options (id = English label)|Text (English)|Asked in|n|Asked of" {
			t.Fatalf("codebook header %q", got)
		}
		all := 0
		for _, r := range stored {
			if before.Workshop(r.Workshop) != nil {
				all++
			}
		}
		wantRows := map[string][2]int{"overall": {answered(stored, "overall"), all}}
		for id, v := range want {
			wantRows[id] = v
		}
		ids := make([]string, 0, len(wantRows))
		for id := range wantRows {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			r := findRow(t, rows, 1, id, head+1)
			b.wantNum("About", c(7, r), float64(wantRows[id][0]))
			b.wantNum("About", c(8, r), float64(wantRows[id][1]))
			if id == "pilot_score" && (rows[r-1][3] != "no longer in the forms file" || rows[r-1][5] != "alpha (until 2025-06-25 08:30)") {
				t.Errorf("codebook row of a removed question: %q", rows[r-1])
			}
			if id == "follow_up" && rows[r-1][5] != "alpha (since 2025-06-25 08:30)" {
				t.Errorf("codebook row of an added question: %q", rows[r-1])
			}
		}
		findRow(t, rows, 1, "Asked of", head)
	})

	t.Run("OneWorkshop", func(t *testing.T) {
		// The download of one workshop: its own changes only, and the
		// Overview has the column only when that workshop changed.
		for _, slug := range []string{"alpha", "beta"} {
			src := func(ctx context.Context, fn func(*forms.Response) error) error {
				return db.EachResponse(ctx, store.Filter{Workshop: slug}, fn)
			}
			var own []*forms.Question
			if slug == "alpha" {
				own = retired
			}
			wb, err := export.Build(ctx, after, src, export.Options{Workshop: slug, Retired: own, Periods: periods})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if _, err := wb.WriteTo(&buf); err != nil {
				t.Fatal(err)
			}
			wb.Close()
			b := openBook(t, buf.Bytes())
			head := b.rows("Overview")[0]
			hasColumn := head[len(head)-1] == "Questions changed during the forum"
			if hasColumn != (slug == "alpha") {
				t.Errorf("%s: Overview header %q", slug, head)
			}
			if slug == "alpha" {
				b.wantNum(slug, c(4, findRow(t, b.rows(slug), 1, "pilot_score", 3)), float64(want["pilot_score"][1]))
			}
		}
	})
}

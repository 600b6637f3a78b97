package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"feedback/forms"
	"feedback/forms/formstest"
	"feedback/store"
	"feedback/store/storetest"
)

// TestStoresExportTheSame stores the same responses (changes, retired
// questions and starred quotes included) in SQLite and in PostgreSQL, and
// checks that the app serves the same workbooks and CSV from both, cell for
// cell: the app and the export cannot tell the stores apart.
func TestStoresExportTheSame(t *testing.T) {
	ctx := context.Background()
	lite, err := store.Open(ctx, filepath.Join(t.TempDir(), "feedback.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lite.Close() })
	pg, err := store.OpenPostgres(ctx, storetest.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Close() })

	// The small fixture, with figures declared so that the workbook's
	// headline and profile breakdowns are compared too.
	f := formstest.Small(t)
	f.Figures = forms.Figures{Headline: "overall", Profile: []string{"sector"}}
	base := time.Date(2025, 6, 25, 9, 0, 0, 0, time.UTC)
	var responses []*forms.Response
	for i := 0; i < 240; i++ {
		w := f.Workshops[i%len(f.Workshops)]
		a := forms.Answers{
			"overall":   {Number: 1 + i%5},
			"pace":      {Number: 1 + (i/3)%3},
			"recommend": {Number: i % 11},
			"formats":   {Choices: []string{"exercises", "talks"}[:1+i%2]},
		}
		if i%4 != 0 {
			a["sector"] = forms.Answer{Choices: []string{[]string{"government", "academia", "other"}[i%3]}}
		}
		if i%5 == 0 {
			a["comment"] = forms.Answer{Text: fmt.Sprintf("=1+%d, \"quoted\"; ещё; 第%d", i, i)}
		}
		if w.Slug == "beta" && i%3 == 0 {
			a["beta_idea"] = forms.Answer{Text: fmt.Sprintf("idea %d", i)}
		}
		if i%17 == 0 {
			a["pilot_score"] = forms.Answer{Number: 0} // a question a later forms file dropped
		}
		responses = append(responses, &forms.Response{SubmissionID: uuid.NewString(), Workshop: w.Slug,
			Lang: []string{"en", "fr", "ar", "zh", "ru"}[i%5], SubmittedAt: base.Add(time.Duration(i) * 1500 * time.Millisecond), Answers: a})
	}
	ids := map[store.Store][]string{}
	for _, s := range []store.Store{lite, pg} {
		for i, r := range responses {
			cp := *r
			saved, err := s.SaveResponse(ctx, &cp)
			if err != nil {
				t.Fatal(err)
			}
			ids[s] = append(ids[s], saved.ID)
			if i%11 == 0 {
				changed := *r
				changed.Answers = forms.Answers{"overall": {Number: 5 - i%5}, "pace": {Number: 2}, "comment": {Text: "later: more time"}}
				if _, err := s.SaveResponse(ctx, &changed); err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, i := range []int{5, 40, 120} {
			if err := s.StarComment(ctx, ids[s][i], "comment", true); err != nil {
				t.Fatal(err)
			}
			time.Sleep(3 * time.Millisecond) // most recent first: give each star its own millisecond
		}
	}

	exportedAt := time.Date(2025, 6, 27, 16, 45, 0, 0, time.UTC)
	apps := map[string]*testApp{}
	for name, s := range map[string]store.Store{"sqlite": lite, "postgres": pg} {
		cfg := config{Addr: "127.0.0.1:0", DB: name, AdminToken: testToken, PublicURL: "https://feedback.example.org"}
		srv, err := newServer(cfg, f, s, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		srv.now = func() time.Time { return exportedAt }
		apps[name] = &testApp{App: srv.app(), srv: srv}
	}
	fetch := func(name, path string) []byte {
		t.Helper()
		res, body := apps[name].do(t, get(path, "Authorization", "Bearer "+testToken))
		if res.StatusCode != 200 {
			t.Fatalf("%s %s: %d %.200s", name, path, res.StatusCode, body)
		}
		return []byte(body)
	}
	for _, path := range []string{"/admin/export.xlsx", "/admin/export.xlsx?workshop=" + f.Workshops[1].Slug} {
		one, two := readWorkbook(t, fetch("sqlite", path)), readWorkbook(t, fetch("postgres", path))
		if len(one) < 4 {
			t.Fatalf("%s: sheets %v", path, sheetNames(one))
		}
		compareWorkbooks(t, one, two)
		if got := len(one["Key quotes"]); path == "/admin/export.xlsx" && got != 4 {
			t.Errorf("Key quotes has %d rows, want a header and 3 quotes", got)
		}
		if got := len(one["Responses"]); path == "/admin/export.xlsx" && got != 1+len(responses) {
			t.Errorf("Responses has %d rows, want %d", got, 1+len(responses))
		}
	}
	if one, two := fetch("sqlite", "/admin/export.csv"), fetch("postgres", "/admin/export.csv"); !bytes.Equal(one, two) {
		t.Errorf("the CSV differs:\n%.600s\n---\n%.600s", one, two)
	} else if !bytes.Contains(one, []byte("pilot_score")) {
		t.Errorf("the CSV has no column for the retired question: %.300s", one)
	}
}

// readWorkbook returns every sheet's cell values, by sheet name.
func readWorkbook(t *testing.T, body []byte) map[string][][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := map[string][][]string{}
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name)
		if err != nil {
			t.Fatal(err)
		}
		sheets[name] = rows
	}
	return sheets
}

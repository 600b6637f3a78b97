package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"mime"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func TestAdminExport(t *testing.T) {
	s, app, db := adminTestServer(t, adminTestToken)
	s.now = func() time.Time { return time.Date(2025, 6, 25, 15, 30, 42, 0, time.UTC) }
	rs := adminSeed(t, db)
	if err := db.StarComment(context.Background(), rs[0].ID, "comment", true); err != nil {
		t.Fatal(err)
	}
	count := func(slug string) int {
		n := 0
		for _, r := range rs {
			if slug == "" || r.Workshop == slug {
				n++
			}
		}
		return n
	}
	filename := func(t *testing.T, res *http.Response) string {
		t.Helper()
		disp, params, err := mime.ParseMediaType(res.Header.Get("Content-Disposition"))
		if err != nil || disp != "attachment" {
			t.Fatalf("Content-Disposition %q: %v", res.Header.Get("Content-Disposition"), err)
		}
		return params["filename"]
	}

	for _, tc := range []struct{ slug, name string }{
		{"", "workshop-feedback-2025-06-25T1530Z.xlsx"},
		{"alpha", "workshop-feedback-alpha-2025-06-25T1530Z.xlsx"},
	} {
		t.Run("XLSX"+tc.slug, func(t *testing.T) {
			path := "/admin/export.xlsx"
			if tc.slug != "" {
				path += "?workshop=" + tc.slug
			}
			res, body := adminDo(t, app, bearerGet(t, path))
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", res.StatusCode, body)
			}
			if ct := res.Header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
				t.Errorf("Content-Type %q", ct)
			}
			if got := filename(t, res); got != tc.name {
				t.Errorf("filename %q, want %q", got, tc.name)
			}
			x, err := excelize.OpenReader(strings.NewReader(body))
			if err != nil {
				t.Fatalf("not a workbook: %v", err)
			}
			defer x.Close()
			rows, err := x.GetRows("Responses")
			if err != nil || len(rows)-1 != count(tc.slug) {
				t.Fatalf("%d responses (%v), want %d", len(rows)-1, err, count(tc.slug))
			}
			quotes, _ := x.GetRows("Key quotes")
			if tc.slug == "" || tc.slug == rs[0].Workshop {
				if len(quotes) != 2 || quotes[1][2] != rs[0].Answers["comment"].Text {
					t.Errorf("key quotes %q, want the starred comment", quotes)
				}
			}
		})
	}
	t.Run("ErrUnknownWorkshop", func(t *testing.T) {
		for _, p := range []string{"/admin/export.xlsx?workshop=nope", "/admin/export.csv?workshop=nope"} {
			if res, _ := adminDo(t, app, bearerGet(t, p)); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s: status %d, want 404", p, res.StatusCode)
			}
		}
	})
	t.Run("CSV", func(t *testing.T) {
		res, body := adminDo(t, app, bearerGet(t, "/admin/export.csv"))
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("status %d type %q", res.StatusCode, res.Header.Get("Content-Type"))
		}
		if got := filename(t, res); got != "workshop-feedback-2025-06-25T1530Z.csv" {
			t.Errorf("filename %q", got)
		}
		if !strings.HasPrefix(body, "\uFEFF") {
			t.Fatal("no UTF-8 BOM")
		}
		recs, err := csv.NewReader(bytes.NewReader([]byte(body[3:]))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs)-1 != len(rs) {
			t.Fatalf("%d rows, want %d", len(recs)-1, len(rs))
		}
		col := -1
		for i, h := range recs[0] {
			if h == "comment" {
				col = i
			}
		}
		for i, r := range rs {
			want := r.Answers["comment"].Text
			if strings.HasPrefix(want, "=") {
				want = "'" + want
			}
			if recs[i+1][col] != want || recs[i+1][0] != r.SubmissionID {
				t.Errorf("row %d: %q, want %q", i+1, recs[i+1][col], want)
			}
			if recs[i+1][2] != r.SubmittedAt.Format(time.RFC3339) {
				t.Errorf("row %d submitted at %q", i+1, recs[i+1][2])
			}
		}
		res, body = adminDo(t, app, bearerGet(t, "/admin/export.csv?workshop=beta"))
		if n := strings.Count(body, "\r\n") - 1; res.StatusCode != http.StatusOK || n != count("beta") {
			t.Errorf("one workshop: status %d, %d rows, want %d", res.StatusCode, n, count("beta"))
		}
	})
}

package export_test

import (
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"feedback/export"
)

// TestOpensInLibreOffice has LibreOffice read the workbook and write every
// sheet back as CSV: a file it had to repair would not convert, and the
// figures it reads on the Overview and the Themes sheet must be ours. It needs soffice (libreoffice-calc): skipped
// by hand where that is not installed, failed under CI=true (.ci/run installs
// it). EXPORT_KEEP=dir keeps the workbook.
func TestOpensInLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("soffice not installed: .ci/run installs libreoffice-calc-nogui")
		}
		t.Skip("soffice not installed (apt-get install libreoffice-calc-nogui)")
	}
	s := seed(t)
	dir := t.TempDir()
	if keep := os.Getenv("EXPORT_KEEP"); keep != "" {
		dir = keep
	}
	path := filepath.Join(dir, "workbook.xlsx")
	// The first declared theme codes every second comment, the second every
	// third.
	themes := s.forms.Themes
	codings := map[export.QuoteKey]export.Coding{}
	coded := map[string]map[string]int{} // theme id → workshop → comments
	for i, r := range s.responses {
		if r.Answers["comment"].Text == "" {
			continue
		}
		var c export.Coding
		for j, th := range themes[:2] {
			if i%(j+2) == 0 {
				c.Themes = append(c.Themes, th.ID)
				if coded[th.ID] == nil {
					coded[th.ID] = map[string]int{}
				}
				coded[th.ID][r.Workshop]++
			}
		}
		codings[export.QuoteKey{ResponseID: r.ID, Question: "comment"}] = c
	}
	wb, err := export.Build(context.Background(), s.forms, s.source(""), export.Options{Themes: themes, Codings: codings})
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wb.WriteTo(out); err != nil {
		t.Fatal(err)
	}
	out.Close()
	wb.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	profile := "-env:UserInstallation=file://" + filepath.Join(t.TempDir(), "profile")
	// On a new profile LibreOffice may set the profile up, restart itself and
	// exit 0 without converting anything; the second run, on the profile now
	// made, converts. The twelfth option, -1, writes every sheet, each to
	// workbook-<sheet>.csv.
	for try := 1; ; try++ {
		cmd := exec.CommandContext(ctx, soffice, profile,
			"--headless", "--norestore", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1", "--outdir", dir, path)
		msg, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("soffice: %v\n%s", err, msg)
		}
		if _, err = os.Stat(filepath.Join(dir, "workbook-Overview.csv")); err == nil {
			break
		}
		if try == 2 {
			t.Fatalf("LibreOffice wrote no CSV: %v\n%s", err, msg)
		}
	}
	recs := readCSV(t, filepath.Join(dir, "workbook-Overview.csv"))
	// The Overview's first figures: responses and mean overall.
	fm := s.forms
	for i, w := range fm.Workshops {
		row := recs[i+1]
		rs := s.byWorkshop(w.Slug)
		if row[0] != w.Title.Get("en") || row[1] != strconv.Itoa(len(rs)) {
			t.Errorf("LibreOffice reads row %d as %q, want %q with %d responses", i+2, row[:2], w.Title.Get("en"), len(rs))
		}
		if m, ok := meanOf(rs, "overall"); ok && row[2] != strconv.FormatFloat(m, 'f', 2, 64) {
			t.Errorf("LibreOffice shows mean overall %q for %s, want %.2f", row[2], w.Slug, m)
		}
	}
	if total := recs[len(fm.Workshops)+1]; !strings.HasPrefix(total[0], "All workshops") || total[1] != strconv.Itoa(len(s.responses)) {
		t.Errorf("total row %q", total)
	}

	// The Themes sheet: a row per theme under the title and the header, a
	// column per workshop and the total.
	recs = readCSV(t, filepath.Join(dir, "workbook-Themes.csv"))
	for i, th := range themes {
		row := recs[i+2]
		total := 0
		want := []string{th.Label}
		for _, w := range fm.Workshops {
			want = append(want, strconv.Itoa(coded[th.ID][w.Slug]))
			total += coded[th.ID][w.Slug]
		}
		want = append(want, strconv.Itoa(total))
		if total == 0 || strings.Join(row[:len(want)], "|") != strings.Join(want, "|") {
			t.Errorf("LibreOffice reads Themes row %d as %q, want %q", i+3, row, want)
		}
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return recs
}

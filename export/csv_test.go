package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"
	"time"

	"feedback/export"
	"feedback/forms"
)

// defused is what a spreadsheet-safe CSV must hold for a text: the text
// itself, or with a leading apostrophe when a spreadsheet would run it.
func defused(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func TestCSV(t *testing.T) {
	s := seed(t)
	f := s.forms
	// beta has a question of its own, after the comment, so that the
	// carriage-return text below is followed by a comma in both files.
	for _, slug := range []string{"", "beta"} {
		name := slug
		if name == "" {
			name = "All"
		}
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := export.WriteCSV(context.Background(), &buf, f, s.source(slug), export.Options{Workshop: slug}); err != nil {
				t.Fatal(err)
			}
			data := buf.Bytes()
			if !bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
				t.Fatal("CSV does not start with a UTF-8 BOM")
			}
			if !bytes.Contains(data, []byte("\r\n")) {
				t.Error("CSV lines should end with CRLF (RFC 4180)")
			}
			recs, err := csv.NewReader(bytes.NewReader(data[3:])).ReadAll()
			if err != nil {
				t.Fatalf("CSV does not parse: %v", err)
			}
			qs := f.Questions()
			if slug != "" {
				qs = f.Workshop(slug).Questions
			}
			head := []string{"submission_id", "workshop", "submitted_at_utc", "language", "source"}
			for _, q := range qs {
				head = append(head, q.ID)
			}
			if strings.Join(recs[0], "|") != strings.Join(head, "|") {
				t.Fatalf("header %q, want %q", recs[0], head)
			}
			rs := s.responses
			if slug != "" {
				rs = s.byWorkshop(slug)
			}
			if len(recs)-1 != len(rs) {
				t.Fatalf("%d rows, want %d", len(recs)-1, len(rs))
			}
			formulas := 0
			for i, r := range rs {
				want := []string{r.SubmissionID, r.Workshop, r.SubmittedAt.UTC().Format(time.RFC3339), r.Lang, r.Source}
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
						// A lone carriage return does not survive CRLF
						// line ends (see WriteCSV).
						want = append(want, strings.ReplaceAll(defused(a.Text), "\r", ""))
						if defused(a.Text) != a.Text {
							formulas++
						}
					}
				}
				if strings.Join(recs[i+1], "|") != strings.Join(want, "|") {
					t.Errorf("row %d = %q, want %q", i+1, recs[i+1], want)
				}
			}
			if slug == "" && formulas == 0 {
				t.Error("the seed should hold formula-like texts")
			}
			for _, ft := range formulaTexts {
				for _, rec := range recs {
					for _, v := range rec {
						if v == ft {
							t.Errorf("formula-like text %q left as is", ft)
						}
					}
				}
			}
			// A text that starts with a carriage return: with CRLF line
			// ends, encoding/csv writes no lone CR, so the apostrophe comes
			// first and nothing runs.
			if !bytes.Contains(data, []byte(`,"'=cmd|' /C calc'!A0",`)) {
				t.Error("a text starting with a carriage return should come out apostrophe first")
			}
			if slug == "" {
				for _, p := range plainTexts[:3] {
					if !bytes.Contains(data, []byte(p)) {
						t.Errorf("%q not in the CSV as UTF-8", p)
					}
				}
			}
		})
	}
	t.Run("ErrUnknownWorkshop", func(t *testing.T) {
		err := export.WriteCSV(context.Background(), &bytes.Buffer{}, f, s.source(""), export.Options{Workshop: "nope"})
		if forms.ErrorCode(err) != forms.ENOTFOUND {
			t.Errorf("got %v, want not found", err)
		}
	})
}

package export

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/xuri/excelize/v2"

	"feedback/forms"
)

// xlsSheets is a workbook for a test: each sheet's rows, the header first.
type xlsSheets map[string][][]string

// xlsWorkbook writes sheets as an .xlsx, survey first.
func xlsWorkbook(tb testing.TB, sheets xlsSheets) []byte {
	tb.Helper()
	book := excelize.NewFile()
	defer book.Close()
	first := true
	for _, name := range []string{"survey", "choices", "settings", "workshops", "Survey", "SETTINGS"} {
		rows, ok := sheets[name]
		if !ok {
			continue
		}
		if first {
			if err := book.SetSheetName("Sheet1", name); err != nil {
				tb.Fatal(err)
			}
			first = false
		} else if _, err := book.NewSheet(name); err != nil {
			tb.Fatal(err)
		}
		for r, row := range rows {
			cells := make([]any, len(row))
			for c, v := range row {
				cells[c] = v
			}
			if err := book.SetSheetRow(name, xlsCellName(r+1), &cells); err != nil {
				tb.Fatal(err)
			}
		}
	}
	var b bytes.Buffer
	if _, err := book.WriteTo(&b); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func xlsParse(tb testing.TB, sheets xlsSheets) (*forms.Forms, error) {
	tb.Helper()
	return ParseXLSForm("forum.xlsx", bytes.NewReader(xlsWorkbook(tb, sheets)))
}

func mustXLS(tb testing.TB, sheets xlsSheets) *forms.Forms {
	tb.Helper()
	f, err := xlsParse(tb, sheets)
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

func condJSON(tb testing.TB, c *forms.Condition) string {
	tb.Helper()
	if c == nil {
		return ""
	}
	b, err := json.Marshal(c)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// xlsChoices is a small choices sheet: role (gov, uni) and formats (talks, labs).
var xlsChoices = [][]string{
	{"list_name", "name", "label::English (en)", "label::French (fr)"},
	{"role", "gov", "Government", "Administration"},
	{"role", "uni", "University", "Université"},
	{"formats", "talks", "Talks", "Exposés"},
	{"formats", "labs", "Labs", "Ateliers"},
}

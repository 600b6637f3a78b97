package export

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzXLSForm fills a workbook's cells with random content: the reader
// returns forms or an error naming the file, never panics, and never hands
// back a form that is half loaded.
func FuzzXLSForm(f *testing.F) {
	f.Add("range", "overall", "How was it?", "yes", "", "start=1 end=5", "nps", "role", "gov")
	f.Add("select_one role or_other", "role", "Role?", "true()", "${overall} >= 4", "", "", "role", "gov")
	f.Add("begin group", "g", "G", "", "(${a} = 'x' and ${b} > 2) or selected(${c}, 'y')", "", "", "", "")
	f.Add("text", "t", "T ${x}", "maybe", "${t} != ''", "step=0", "", "r", "1")
	f.Add("select one from role", "x", "", "", "((((", "start=-9223372036854775808 end=9223372036854775807", "", "role", "")
	f.Add("note", "n", "label", "", "${", "", "", "\x00", "'")
	// A second "overall" on a scale whose bounds overflow made the next
	// row's relevant count through every int.
	f.Add("range", "overall", "Again?", "", "${overall} > 0", "start=-9223372036854775808 end=9223372036854775807", "", "", "")
	f.Fuzz(func(t *testing.T, typ, name, label, required, relevant, params, appearance, list, choice string) {
		sheets := xlsSheets{
			"survey": {
				{"type", "name", "label", "required", "relevant", "parameters", "appearance"},
				{"range", "overall", "Overall?", "", "", "start=1 end=5"},
				{typ, name, label, required, relevant, params, appearance},
				{"text", "last", "Last?", "", relevant},
			},
			"choices": {{"list_name", "name", "label"}, {list, choice, label}, {"role", "gov", "Gov"}},
		}
		book := xlsWorkbook(t, sheets)
		fs, err := ParseXLSForm("fuzz.xlsx", bytes.NewReader(book))
		if err != nil {
			if fs != nil {
				t.Fatal("forms and an error")
			}
			if !strings.HasPrefix(err.Error(), "fuzz.xlsx: ") || strings.Contains(err.Error(), "cannot be read (") {
				t.Fatalf("error %q", err)
			}
			return
		}
		if len(fs.Workshops) != 1 || len(fs.Workshops[0].Questions) < 2 {
			t.Fatalf("forms %+v", fs.Workshops)
		}
	})
}

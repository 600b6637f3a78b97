package export_test

import (
	"encoding/xml"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"feedback/export"
)

// cellFormat is one <xf> of xl/styles.xml's cellXfs, as written.
type cellFormat struct {
	Attrs []xml.Attr `xml:",any,attr"`
	Inner string     `xml:",innerxml"`
}

// attr returns the value of an attribute, or "".
func (x cellFormat) attr(name string) string {
	for _, a := range x.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// withoutQuote is the format with its quote prefix taken off, to compare
// with the format it is the twin of.
func (x cellFormat) withoutQuote() string {
	var attrs []string
	for _, a := range x.Attrs {
		if a.Name.Local != "quotePrefix" {
			attrs = append(attrs, a.Name.Local+"="+a.Value)
		}
	}
	sort.Strings(attrs)
	return strings.Join(attrs, " ") + " | " + x.Inner
}

func cellFormats(t *testing.T, b *book) []cellFormat {
	t.Helper()
	var ss struct {
		CellXfs struct {
			Xf []cellFormat `xml:"xf"`
		} `xml:"cellXfs"`
	}
	if err := xml.Unmarshal([]byte(b.parts["xl/styles.xml"]), &ss); err != nil {
		t.Fatalf("xl/styles.xml: %v", err)
	}
	return ss.CellXfs.Xf
}

// textCell is a cell of a sheet's XML that holds a string, with its style
// index.
type textCell struct {
	ref   string
	style int
}

func textCells(t *testing.T, b *book, sheet string) []textCell {
	t.Helper()
	var ws struct {
		Rows []struct {
			Cells []struct {
				R string `xml:"r,attr"`
				S string `xml:"s,attr"`
				T string `xml:"t,attr"`
			} `xml:"c"`
		} `xml:"sheetData>row"`
	}
	if err := xml.Unmarshal([]byte(b.sheetXML(sheet)), &ws); err != nil {
		t.Fatalf("sheet %s: %v", sheet, err)
	}
	var out []textCell
	for _, row := range ws.Rows {
		for _, c := range row.Cells {
			if c.T != "s" && c.T != "inlineStr" && c.T != "str" {
				continue
			}
			s := 0
			if c.S != "" {
				var err error
				if s, err = strconv.Atoi(c.S); err != nil {
					t.Fatalf("%s!%s: style %q", sheet, c.R, c.S)
				}
			}
			out = append(out, textCell{ref: c.R, style: s})
		}
	}
	return out
}

// looksLikeFormula is what Excel would take for a formula if typed.
func looksLikeFormula(v string) bool {
	return v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0]))
}

// A formula-like text is a string cell, but once edited in Excel (F2, Enter)
// it would be read as typed and become a formula, unless its format has the
// quote prefix, as a typed leading apostrophe gives. Every other text keeps
// its ordinary format, and the twin keeps everything else of it.
func TestQuotePrefix(t *testing.T) {
	s := seed(t)
	keys := map[export.QuoteKey]bool{}
	starredFormula, starredPlain := false, false
	for _, r := range s.responses {
		text := r.Answers["comment"].Text
		switch {
		case text == formulaTexts[0] && !starredFormula:
			starredFormula = true
		case text == plainTexts[3] && !starredPlain:
			starredPlain = true
		default:
			continue
		}
		keys[export.QuoteKey{ResponseID: r.ID, Question: "comment"}] = true
	}
	if !starredFormula || !starredPlain {
		t.Fatal("seed has no comment to star")
	}
	b, _ := buildBook(t, s, export.Options{KeyQuotes: keys})
	xfs := cellFormats(t, b)
	format := func(sheet string, c textCell) cellFormat {
		t.Helper()
		if c.style < 0 || c.style >= len(xfs) {
			t.Fatalf("%s!%s: style %d of %d", sheet, c.ref, c.style, len(xfs))
		}
		return xfs[c.style]
	}

	formulas := map[string]int{}
	for _, sheet := range b.x.GetSheetList() {
		// The format of the plain texts of each column, to compare the
		// twins with.
		plain := map[string]string{}
		var quoted []textCell
		for _, c := range textCells(t, b, sheet) {
			v := b.str(sheet, c.ref)
			quote := format(sheet, c).attr("quotePrefix")
			col := strings.TrimRight(c.ref, "0123456789")
			if !looksLikeFormula(v) {
				if quote == "1" || quote == "true" {
					t.Errorf("%s!%s = %q is quote-prefixed", sheet, c.ref, v)
				}
				if _, ok := plain[col]; !ok && c.ref != col+"1" {
					plain[col] = format(sheet, c).withoutQuote()
				}
				continue
			}
			// xsd:boolean: Excel writes "1", encoding/xml (so excelize) "true".
			if quote != "1" && quote != "true" {
				t.Errorf("%s!%s = %q has style %d without quotePrefix (%q)", sheet, c.ref, v, c.style, quote)
			}
			formulas[sheet]++
			quoted = append(quoted, c)
			if fm, err := b.x.GetCellFormula(sheet, c.ref); err != nil || fm != "" {
				t.Errorf("%s!%s holds formula %q", sheet, c.ref, fm)
			}
			known := false
			for _, ft := range formulaTexts {
				known = known || v == ft
			}
			if !known {
				t.Errorf("%s!%s = %q, not a text as typed", sheet, c.ref, v)
			}
		}
		for _, c := range quoted {
			col := strings.TrimRight(c.ref, "0123456789")
			want, ok := plain[col]
			if !ok {
				continue
			}
			if got := format(sheet, c).withoutQuote(); got != want {
				t.Errorf("%s!%s: quoted format %s, want the column's text format %s", sheet, c.ref, got, want)
			}
		}
	}
	// Comments and Key quotes wrap their text: the twin must too.
	for _, sheet := range []string{"Comments", "Key quotes"} {
		for _, c := range textCells(t, b, sheet) {
			if looksLikeFormula(b.str(sheet, c.ref)) && !regexp.MustCompile(`wrapText="(1|true)"`).MatchString(format(sheet, c).Inner) {
				t.Errorf("%s!%s: quoted format lost its wrap: %s", sheet, c.ref, format(sheet, c).Inner)
			}
		}
	}
	var comments int
	for _, cm := range commentsOf(s.forms, s.responses) {
		if looksLikeFormula(cm.text) {
			comments++
		}
	}
	for sheet, want := range map[string]int{"Comments": comments, "Responses": comments, "Key quotes": 1} {
		if formulas[sheet] != want {
			t.Errorf("%s: %d quote-prefixed formula-like texts, want %d", sheet, formulas[sheet], want)
		}
	}
}

package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"feedback/forms"
)

// xlsAt is where a line of the generated YAML came from.
type xlsAt struct {
	sheet string
	row   int
}

// xlsYAML is the forms file being written, with the origin of each line, so
// that forms.Parse's "file:line:" becomes "file: sheet row N:".
type xlsYAML struct {
	b  strings.Builder
	at []xlsAt
}

func (y *xlsYAML) line(at xlsAt, indent int, s string) {
	y.b.WriteString(strings.Repeat(" ", indent))
	y.b.WriteString(s)
	y.b.WriteByte('\n')
	y.at = append(y.at, at)
}

// xlsQuote writes s as a double-quoted scalar on one line: JSON's string
// escapes are YAML's.
func xlsQuote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

// yamlText writes a text as a flow map of language to string, in the
// workbook's order of languages.
func (x *xlsReader) yamlText(t forms.Text) string {
	langs := make([]string, 0, len(t))
	for l := range t {
		langs = append(langs, l)
	}
	slices.SortFunc(langs, func(a, b string) int {
		ia, ib := slices.Index(x.languages, a), slices.Index(x.languages, b)
		if ia != ib {
			return ia - ib
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(langs))
	for i, l := range langs {
		parts[i] = xlsQuote(l) + ": " + xlsQuote(t[l])
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// xlsSettings is what the settings sheet says.
type xlsSettings struct {
	row                        int
	title, id, defaultLanguage string
}

// convert reads the workbook's sheets and writes the forms file.
func (x *xlsReader) convert(book *excelize.File) ([]byte, error) {
	st, err := x.settings(book)
	if err != nil {
		return nil, err
	}
	choices, ok, err := x.readSheet(book, "choices", xlsChoicesColumns)
	if err != nil {
		return nil, err
	}
	if ok {
		if err := x.choices(choices); err != nil {
			return nil, err
		}
	}
	survey, ok, err := x.readSheet(book, "survey", xlsSurveyColumns)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, x.fail("", 0, "no survey sheet: an XLSForm has its questions in a sheet named survey")
	}
	workshops, hasWorkshops, err := x.readSheet(book, "workshops", xlsWorkshopsColumns)
	if err != nil {
		return nil, err
	}
	if len(x.languages) > 0 {
		quoted := make([]string, len(x.languages))
		for i, l := range x.languages {
			quoted[i] = xlsQuote(l)
		}
		x.y.line(xlsAt{survey.name, survey.header}, 0, "languages: ["+strings.Join(quoted, ", ")+"]")
	}
	if err := x.survey(survey); err != nil {
		return nil, err
	}
	if err := x.workshops(st, workshops, hasWorkshops); err != nil {
		return nil, err
	}
	return []byte(x.y.b.String()), nil
}

// settings reads the settings sheet's first row and, with it, the language
// of the plain label columns.
func (x *xlsReader) settings(book *excelize.File) (xlsSettings, error) {
	var st xlsSettings
	s, ok, err := x.readSheet(book, "settings", xlsSettingsColumns)
	if err != nil || !ok || len(s.rows) == 0 {
		return st, err
	}
	r := s.rows[0]
	st = xlsSettings{row: r.n, title: r.vals["form_title"], id: r.vals["form_id"], defaultLanguage: r.vals["default_language"]}
	if st.defaultLanguage != "" {
		if x.lang = xlsLanguageOf(st.defaultLanguage); x.lang == "" {
			return st, x.fail(s.name, r.n, "default_language %q: say which language with its code, as in English (en)", st.defaultLanguage)
		}
	}
	return st, nil
}

// workshops writes the workshops: the rows of our workshops sheet, or one
// form named by the settings' form_id (or the file's name), as pyxform
// names a form.
func (x *xlsReader) workshops(st xlsSettings, ws *xlsSheet, ok bool) error {
	x.y.line(xlsAt{}, 0, "workshops:")
	fallback := forms.Text(nil)
	if st.title != "" {
		fallback = forms.Text{forms.DefaultLanguage: st.title}
	}
	if !ok {
		at, slug := xlsAt{"settings", st.row}, st.id
		if st.row == 0 {
			at = xlsAt{}
		}
		if slug == "" {
			slug = slugOfFile(x.name)
		}
		if fallback == nil {
			fallback = forms.Text{forms.DefaultLanguage: slug}
		}
		x.y.line(at, 2, "- slug: "+xlsQuote(slug))
		x.y.line(at, 4, "title: "+x.yamlText(fallback))
		return nil
	}
	if len(ws.rows) == 0 {
		return x.fail(ws.name, 0, "no workshops: give each a row with its slug and title, or remove the sheet")
	}
	for _, r := range ws.rows {
		at := xlsAt{ws.name, r.n}
		x.y.line(at, 2, "- slug: "+xlsQuote(r.vals["slug"]))
		if t := xlsOrText(r.text("title"), fallback); t != nil {
			x.y.line(at, 4, "title: "+x.yamlText(t))
		}
		for _, k := range []string{"opens_at", "closes_at"} {
			if v := r.vals[k]; v != "" {
				t, err := xlsTime(v)
				if err != nil {
					return x.fail(ws.name, r.n, "%s %q is not a date and time: write 2025-06-25T09:00:00Z (UTC) or use a date cell", k, v)
				}
				x.y.line(at, 4, k+": "+t.Format(time.RFC3339))
			}
		}
	}
	return nil
}

func xlsOrText(t, def forms.Text) forms.Text {
	if t != nil {
		return t
	}
	return def
}

// xlsTime reads a date cell (Excel's serial number) or a written time; one
// without a zone is UTC.
func xlsTime(v string) (time.Time, error) {
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		t, err := excelize.ExcelDateToTime(f, false)
		return t.UTC().Round(time.Second), err
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, errors.New("not a time")
}

var (
	xlsParsedLine = regexp.MustCompile(`^(\d+): (.*)$`)
	// xlsWords puts forms.Parse's words for the forms file into an XLSForm's.
	xlsWords = strings.NewReplacer("show_if", "relevant", `section "`, `group "`, "question id ", "question name ",
		"duplicate option id", "duplicate choice name", "option id ", "choice name ", "option without id", "choice without name")
)

// rewrite turns forms.Parse's "file:line: problem" into "file: sheet row N:
// problem", in the workbook's words.
func (x *xlsReader) rewrite(err error) error {
	lines := strings.Split(err.Error(), "\n")
	for i, l := range lines {
		rest, ok := strings.CutPrefix(l, x.name+":")
		if !ok {
			continue
		}
		m := xlsParsedLine.FindStringSubmatch(rest)
		if m == nil {
			lines[i] = x.name + ":" + xlsWords.Replace(rest)
			continue
		}
		var at xlsAt
		if n, _ := strconv.Atoi(m[1]); n >= 1 && n <= len(x.y.at) {
			at = x.y.at[n-1]
		}
		lines[i] = x.fail(at.sheet, at.row, "%s", xlsWords.Replace(m[2])).Error()
	}
	return errors.New(strings.Join(lines, "\n"))
}

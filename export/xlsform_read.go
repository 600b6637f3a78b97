package export

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/xuri/excelize/v2"

	"feedback/forms"
)

// LoadXLSForm reads a forms file written as an XLSForm (xlsform.org): the
// survey, choices and settings sheets, and an optional workshops sheet of
// our own. Organizers who build forms in KoboToolbox or ODK can start from
// the workbook they have. The workbook is turned into the forms file's YAML
// and checked by forms.Parse, so that both ways in follow one set of rules;
// every error names the file, the sheet and the row.
func LoadXLSForm(path string) (*forms.Forms, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("forms: %w", err)
	}
	defer file.Close()
	return ParseXLSForm(path, file)
}

// ParseXLSForm is LoadXLSForm over a workbook already open; name is how
// errors call it (and, without a form_id, the form's slug). It returns the
// forms whole or an error, never part of a form.
func ParseXLSForm(name string, r io.Reader) (fs *forms.Forms, err error) {
	defer func() {
		// The workbook's library has panicked on broken files before: a
		// forms file that cannot be read stops the start with its name.
		if p := recover(); p != nil {
			fs, err = nil, fmt.Errorf("%s: the workbook cannot be read (%v)", name, p)
		}
	}()
	book, err := excelize.OpenReader(r)
	if err != nil {
		return nil, fmt.Errorf("%s: not an Excel workbook (.xlsx): %v", name, err)
	}
	defer book.Close()
	x := &xlsReader{name: name, lang: forms.DefaultLanguage, asked: map[string]*xlsAsked{}}
	data, err := x.convert(book)
	if err != nil {
		return nil, err
	}
	fs, err = forms.Parse(name, data)
	if err != nil {
		return nil, x.rewrite(err)
	}
	return fs, nil
}

// xlsSheet is one sheet as the reader sees it: each row's cells by column
// key ("type", and "label" by language).
type xlsSheet struct {
	name   string
	header int // the header's row number
	rows   []xlsRow
}

type xlsRow struct {
	n     int               // the row's number in Excel
	vals  map[string]string // plain columns
	texts map[string]forms.Text
}

// text returns the row's text in a translated column, or nil.
func (r xlsRow) text(key string) forms.Text {
	if t := r.texts[key]; len(t) > 0 {
		return t
	}
	return nil
}

// xlsColumns says what a sheet's columns mean to the reader: read, ignored
// (they change nothing the service does), or refused with a reason when a
// cell of theirs has a value.
type xlsColumns struct {
	read, texts, ignore map[string]bool
	refuse              map[string]string
	ignoreOthers        bool
	known               string
}

func xlsSet(keys ...string) map[string]bool {
	m := map[string]bool{}
	for _, k := range keys {
		m[k] = true
	}
	return m
}

// The columns of each sheet, per xlsform.org. Ignored: media (image, audio,
// video: a picture next to a label is decoration here), guidance_hint
// (hidden from participants by default), constraint_message and
// required_message (the service words its own messages in every language),
// and KoboToolbox's bookkeeping ($kuid, $autoname …). appearance is read
// for nps only: the others change how a phone lays a question out. Refused,
// since ignoring them would change what is asked or stored: calculation,
// choice_filter, default, readonly, repeat_count, trigger, and any column
// the reader does not know. In choices every other column is ignored: such
// columns serve choice_filter, which is refused. min_label and max_label
// are ours: what the ends of a range mean.
var (
	xlsSurveyColumns = xlsColumns{
		read:   xlsSet("type", "name", "required", "relevant", "appearance", "parameters", "constraint"),
		texts:  xlsSet("label", "hint", "min_label", "max_label"),
		ignore: xlsSet("media", "guidance_hint", "constraint_message", "required_message"),
		refuse: map[string]string{
			"calculate":     "calculations are not supported: the service computes nothing in the form",
			"choice_filter": "choice_filter is not supported: give the question a list of its own in choices",
			"default":       "default answers are not supported: leave default empty",
			"readonly":      "readonly is not supported: every question can be answered",
			"repeat_count":  "repeats are not supported: each question is asked once",
			"trigger":       "trigger is not supported",
		},
		known: "type, name, label, hint, required, relevant, appearance, parameters, constraint, min_label, max_label",
	}
	xlsChoicesColumns  = xlsColumns{read: xlsSet("list_name", "name"), texts: xlsSet("label"), ignoreOthers: true}
	xlsSettingsColumns = xlsColumns{
		read:   xlsSet("form_title", "form_id", "default_language"),
		ignore: xlsSet("version", "instance_name", "style", "namespaces", "allow_choice_duplicates", "clean_text_values"),
		refuse: map[string]string{
			"public_key":     "public_key is not supported: answers are kept by this service, not encrypted for another",
			"submission_url": "submission_url is not supported: answers are kept by this service",
		},
		known: "form_title, form_id, default_language",
	}
	xlsWorkshopsColumns = xlsColumns{read: xlsSet("slug", "opens_at", "closes_at"), texts: xlsSet("title"), known: "slug, title, opens_at, closes_at"}
)

// xlsAliases are the old and alternative spellings of column headers that
// real files still carry (pyxform's aliases).
var xlsAliases = map[string]string{
	"list name": "list_name", "relevance": "relevant", "caption": "label",
	"constraint message": "constraint_message", "constraining message": "constraint_message",
	"required message": "required_message", "read_only": "readonly", "calculation": "calculate",
	"count": "repeat_count", "jr:count": "repeat_count", "image": "media", "big-image": "media",
	"audio": "media", "video": "media", "set form title": "form_title", "set form id": "form_id",
	"id_string": "form_id",
}

var xlsSpaces = regexp.MustCompile(`\s+`)

// xlsHeader reads a column header: its key and, for a translated column
// (label::French (fr), or the old label:French), the language as written.
func xlsHeader(raw string) (key, lang string, translated bool) {
	h := xlsSpaces.ReplaceAllString(strings.TrimSpace(raw), " ")
	low := strings.ToLower(h)
	if a, ok := xlsAliases[low]; ok {
		return a, "", false
	}
	if i := strings.Index(h, "::"); i >= 0 {
		key, lang, translated = strings.TrimSpace(low[:i]), strings.TrimSpace(h[i+2:]), true
	} else if i := strings.Index(h, ":"); i >= 0 {
		key, lang, translated = strings.TrimSpace(low[:i]), strings.TrimSpace(h[i+1:]), true
	} else {
		key = low
	}
	if a, ok := xlsAliases[key]; ok {
		key = a
	}
	return key, lang, translated
}

// readSheet reads the sheet called want (in any case) by cols; ok is false
// when the workbook has no such sheet. The first non-empty row is the header.
func (x *xlsReader) readSheet(book *excelize.File, want string, cols xlsColumns) (*xlsSheet, bool, error) {
	var found string
	for _, n := range book.GetSheetList() {
		if strings.EqualFold(strings.TrimSpace(n), want) {
			found = n
			break
		}
	}
	if found == "" {
		return nil, false, nil
	}
	grid, err := book.GetRows(found, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, false, x.fail(want, 0, "cannot be read: %v", err)
	}
	s := &xlsSheet{name: want}
	head := -1
	for i, cells := range grid {
		empty := strings.TrimSpace(strings.Join(cells, "")) == ""
		switch {
		case head < 0 && !empty:
			head = i
		case head >= 0 && !empty:
			s.rows = append(s.rows, xlsRow{n: i + 1, vals: map[string]string{}, texts: map[string]forms.Text{}})
		}
	}
	if head < 0 {
		return s, true, nil
	}
	s.header = head + 1
	return s, true, x.fillSheet(s, grid, head, cols)
}

// fillSheet places each cell of the rows under its column's key.
func (x *xlsReader) fillSheet(s *xlsSheet, grid [][]string, head int, cols xlsColumns) error {
	seen := map[string]string{}
	for c, raw := range grid[head] {
		if strings.TrimSpace(raw) == "" || strings.HasPrefix(strings.TrimSpace(raw), "$") {
			continue
		}
		key, langName, translated := xlsHeader(raw)
		lang := x.lang
		switch {
		case cols.texts[key]:
			if translated {
				if lang = xlsLanguageOf(langName); lang == "" {
					return x.fail(s.name, s.header, "column %q: say which language with its code, as in %s::Georgian (ka)", raw, key)
				}
			}
			x.addLanguage(lang)
		case translated && !cols.ignore[key] && !cols.ignoreOthers:
			return x.fail(s.name, s.header, "column %q: %s is not translated (the service reads %s)", raw, key, cols.known)
		}
		full := key
		if cols.texts[key] {
			full = key + "::" + lang
		}
		if prev, dup := seen[full]; dup && (cols.read[key] || cols.texts[key]) {
			return x.fail(s.name, s.header, "columns %q and %q say the same thing: keep one", prev, raw)
		}
		seen[full] = raw
		for i := range s.rows {
			r := &s.rows[i]
			if v := cellAt(grid[r.n-1], c); v != "" {
				if err := x.place(s.name, r, cols, key, lang, raw, v); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// place files one non-empty cell, or refuses a column that cannot be honoured.
func (x *xlsReader) place(sheet string, r *xlsRow, cols xlsColumns, key, lang, raw, v string) error {
	switch {
	case cols.texts[key]:
		if r.texts[key] == nil {
			r.texts[key] = forms.Text{}
		}
		r.texts[key][lang] = v
	case cols.read[key]:
		r.vals[key] = v
	case key == "readonly" && !xlsTrue(v):
	case cols.refuse[key] != "":
		return x.fail(sheet, r.n, "%s", cols.refuse[key])
	case cols.ignore[key], cols.ignoreOthers:
	default:
		return x.fail(sheet, r.n, "column %q is not supported (the service reads %s)", raw, cols.known)
	}
	return nil
}

func cellAt(cells []string, i int) string {
	if i < len(cells) {
		return strings.TrimSpace(cells[i])
	}
	return ""
}

// xlsBool reads a yes/no cell as pyxform does, with 1 and 0 too; ok is
// false for anything else (a condition in required, say).
func xlsBool(v string) (b, ok bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "yes", "true", "true()", "1", "y":
		return true, true
	case "", "no", "false", "false()", "0", "n":
		return false, true
	}
	return false, false
}

func xlsTrue(v string) bool { b, _ := xlsBool(v); return b }

// slugOfFile makes a workshop slug of a file's name, as pyxform takes the
// form's id from it when the settings give none.
func slugOfFile(path string) string {
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(base) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.TrimRight(b.String(), "-")
	if len(s) > 63 {
		s = strings.TrimRight(s[:63], "-")
	}
	if s == "" {
		s = "form"
	}
	return s
}

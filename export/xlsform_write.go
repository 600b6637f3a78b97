package export

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"feedback/forms"
)

// WriteXLSForm writes workshop slug's form as an XLSForm (xlsform.org), so
// that it can be translated, reviewed or moved to KoboToolbox or ODK, and
// read back with LoadXLSForm as the same form: every question, choice, hint,
// section and condition, a label::Language (code) column for every language
// of the forms file, and our workshops sheet with its title and schedule.
func WriteXLSForm(w io.Writer, f *forms.Forms, slug string) error {
	book, err := XLSForm(f, slug)
	if err != nil {
		return err
	}
	defer book.Close()
	_, err = book.WriteTo(w)
	return err
}

// XLSForm builds the workbook WriteXLSForm writes.
func XLSForm(f *forms.Forms, slug string) (*excelize.File, error) {
	w := f.Workshop(slug)
	if w == nil {
		return nil, forms.Errorf(forms.ENOTFOUND, "no workshop %q", slug)
	}
	o := &xlsOut{w: w, langs: xlsLanguagesOf(f, w)}
	o.build()
	book := excelize.NewFile()
	for i, s := range o.sheets {
		if i == 0 {
			if err := book.SetSheetName(book.GetSheetName(0), s.name); err != nil {
				return nil, err
			}
		} else if _, err := book.NewSheet(s.name); err != nil {
			return nil, err
		}
		for r, row := range s.rows {
			cells := make([]any, len(row))
			for c, v := range row {
				cells[c] = v
			}
			if err := book.SetSheetRow(s.name, xlsCellName(r+1), &cells); err != nil {
				return nil, err
			}
		}
		if err := book.SetPanes(s.name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return nil, err
		}
		if err := book.SetColWidth(s.name, "A", "Z", 22); err != nil {
			return nil, err
		}
	}
	return book, nil
}

func xlsCellName(row int) string {
	name, _ := excelize.CoordinatesToCellName(1, row)
	return name
}

// xlsLanguagesOf lists the forms file's languages, then any other a text of
// the workshop is in.
func xlsLanguagesOf(f *forms.Forms, w *forms.Workshop) []string {
	langs := slices.Clone(f.Languages)
	add := func(t forms.Text) {
		for l := range t {
			if !slices.Contains(langs, l) {
				langs = append(langs, l)
			}
		}
	}
	add(w.Title)
	for _, q := range w.Questions {
		for _, t := range []forms.Text{q.Label, q.Hint, q.MinLabel, q.MaxLabel} {
			add(t)
		}
		for _, o := range q.Options {
			add(o.Label)
		}
		if q.Section != nil {
			add(q.Section.Title)
			add(q.Section.Text)
		}
	}
	if !slices.Contains(langs, forms.DefaultLanguage) {
		langs = append([]string{forms.DefaultLanguage}, langs...)
	}
	return langs
}

// xlsOutSheet is a sheet being written: its header, then its rows.
type xlsOutSheet struct {
	name string
	rows [][]string
}

type xlsOut struct {
	w      *forms.Workshop
	langs  []string
	sheets []*xlsOutSheet
	names  map[string]bool // every name used in the survey
}

// columns are a sheet's headers, translated ones once per language.
func (o *xlsOut) columns(plain []string, translated ...string) []string {
	out := slices.Clone(plain)
	for _, t := range translated {
		for _, l := range o.langs {
			out = append(out, t+"::"+xlsLanguageTitle(l))
		}
	}
	return out
}

// add appends a row of values by column, texts by language.
func (o *xlsOut) add(s *xlsOutSheet, vals map[string]string, texts map[string]forms.Text) {
	row := make([]string, len(s.rows[0]))
	for i, h := range s.rows[0] {
		key, lang, ok := strings.Cut(h, "::")
		if !ok {
			row[i] = vals[h]
			continue
		}
		code := xlsLanguageOf(lang)
		row[i] = texts[key][code]
	}
	s.rows = append(s.rows, row)
}

func (o *xlsOut) build() {
	w := o.w
	surveyCols := []string{"required", "relevant", "appearance", "parameters"}
	var translated []string
	var scaleLabels, lengths bool
	o.names = map[string]bool{}
	for _, q := range w.Questions {
		o.names[q.ID] = true
		scaleLabels = scaleLabels || q.MinLabel != nil || q.MaxLabel != nil
		lengths = lengths || q.Type == forms.FreeText && q.OtherOf == "" && q.MaxLength != forms.DefaultMaxLength
	}
	if lengths {
		surveyCols = append(surveyCols, "constraint")
	}
	if scaleLabels {
		translated = append(translated, "min_label", "max_label")
	}
	head := append(o.columns([]string{"type", "name"}, "label", "hint"), surveyCols...)
	survey := &xlsOutSheet{name: "survey", rows: [][]string{append(head, o.columns(nil, translated...)...)}}
	choices := &xlsOutSheet{name: "choices", rows: [][]string{o.columns([]string{"list_name", "name"}, "label")}}
	settings := &xlsOutSheet{name: "settings", rows: [][]string{{"form_title", "form_id", "default_language"}}}
	workshops := &xlsOutSheet{name: "workshops", rows: [][]string{o.columns([]string{"slug"}, "title")}}
	workshops.rows[0] = append(workshops.rows[0], "opens_at", "closes_at")
	o.sheets = []*xlsOutSheet{survey, choices, settings, workshops}
	o.survey(survey, choices)
	o.add(settings, map[string]string{"form_title": w.Title.Get(forms.DefaultLanguage), "form_id": w.Slug,
		"default_language": xlsLanguageTitle(forms.DefaultLanguage)}, nil)
	o.add(workshops, map[string]string{"slug": w.Slug, "opens_at": xlsTimeText(w.OpensAt), "closes_at": xlsTimeText(w.ClosesAt)},
		map[string]forms.Text{"title": w.Title})
}

func xlsTimeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// unique returns a survey name not used by a question or a group yet.
func (o *xlsOut) unique(base string) string {
	name := base
	for i := 2; o.names[name]; i++ {
		name = base + "_" + strconv.Itoa(i)
	}
	o.names[name] = true
	return name
}

// survey writes the questions, each section as a group (its text as a note
// under the label), each choice question's options as a list of its own.
func (o *xlsOut) survey(survey, choices *xlsOutSheet) {
	var section *forms.Section
	n := 0
	for _, q := range o.w.Questions {
		if q.OtherOf != "" {
			continue // or_other asks it
		}
		if q.Section != section {
			if section != nil {
				o.add(survey, map[string]string{"type": "end group"}, nil)
			}
			if section = q.Section; section != nil {
				n++
				name := o.unique("section_" + strconv.Itoa(n))
				o.add(survey, map[string]string{"type": "begin group", "name": name, "relevant": xlsRelevant(section.ShowIf, o.w)},
					map[string]forms.Text{"label": section.Title})
				if section.Text != nil {
					o.add(survey, map[string]string{"type": "note", "name": o.unique(name + "_text")}, map[string]forms.Text{"label": section.Text})
				}
			}
		}
		o.question(survey, choices, q)
	}
	if section != nil {
		o.add(survey, map[string]string{"type": "end group"}, nil)
	}
}

func (o *xlsOut) question(survey, choices *xlsOutSheet, q *forms.Question) {
	vals := map[string]string{"name": q.ID, "relevant": xlsRelevant(q.ShowIf, o.w)}
	if q.Required {
		vals["required"] = "yes"
	}
	switch q.Type {
	case forms.Rating, forms.NPS:
		vals["type"] = "range"
		vals["parameters"] = fmt.Sprintf("start=%d end=%d step=1", q.Min, q.Max)
		if q.Type == forms.NPS {
			vals["appearance"] = "nps"
		}
	case forms.FreeText:
		vals["type"] = "text"
		if q.MaxLength != forms.DefaultMaxLength {
			vals["constraint"] = fmt.Sprintf("string-length(.) <= %d", q.MaxLength)
		}
	default:
		vals["type"] = "select_one " + q.ID
		if q.Type == forms.Multi {
			vals["type"] = "select_multiple " + q.ID
		}
		if q.Other {
			vals["type"] += " or_other"
		}
		for _, opt := range q.Options {
			if q.Other && opt.ID == forms.OtherOption {
				continue // or_other adds it
			}
			o.add(choices, map[string]string{"list_name": q.ID, "name": opt.ID}, map[string]forms.Text{"label": opt.Label})
		}
	}
	o.add(survey, vals, map[string]forms.Text{"label": q.Label, "hint": q.Hint, "min_label": q.MinLabel, "max_label": q.MaxLabel})
}

// xlsRelevant writes a condition in XLSForm's syntax: ${q} = 'x',
// selected(${q}, 'x'), ${q} <= 2 (numbers unquoted), joined by and and or.
func xlsRelevant(c *forms.Condition, w *forms.Workshop) string {
	s, _ := xlsRelevantJoined(c, w)
	return s
}

// xlsRelevantJoined returns the expression and how its top level is joined
// ("and", "or" or ""), to put it in parentheses where it is needed.
func xlsRelevantJoined(c *forms.Condition, w *forms.Workshop) (string, string) {
	if c == nil {
		return "", ""
	}
	join := func(list []*forms.Condition, conj, other string) (string, string) {
		parts := make([]string, len(list))
		for i, s := range list {
			e, j := xlsRelevantJoined(s, w)
			if j == other {
				e = "(" + e + ")"
			}
			parts[i] = e
		}
		return strings.Join(parts, " "+conj+" "), conj
	}
	switch {
	case c.Any != nil:
		return join(c.Any, "or", "and")
	case c.All != nil:
		return join(c.All, "and", "or")
	case c.Answered:
		return "${" + c.Question + "} != ''", ""
	}
	ref := "${" + c.Question + "}"
	q := w.Question(c.Question)
	if q != nil && q.IsScore() {
		return xlsScores(ref, q, c.In)
	}
	parts := make([]string, len(c.In))
	for i, v := range c.In {
		parts[i] = ref + " = '" + v + "'"
		if q == nil || q.Type == forms.Multi {
			parts[i] = "selected(" + ref + ", '" + v + "')"
		}
	}
	if len(parts) == 1 {
		return parts[0], ""
	}
	return strings.Join(parts, " or "), "or"
}

// xlsScores writes a set of scores: a bound when they run to an end of the
// scale, a span, or each score.
func xlsScores(ref string, q *forms.Question, in []string) (string, string) {
	vals := make([]int, 0, len(in))
	for _, v := range in {
		n, _ := strconv.Atoi(v)
		vals = append(vals, n)
	}
	slices.Sort(vals)
	vals = slices.Compact(vals)
	if len(vals) == 0 {
		return "", ""
	}
	lo, hi := vals[0], vals[len(vals)-1]
	switch {
	case len(vals) == 1:
		return fmt.Sprintf("%s = %d", ref, lo), ""
	case hi-lo+1 != len(vals):
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = fmt.Sprintf("%s = %d", ref, v)
		}
		return strings.Join(parts, " or "), "or"
	case lo == q.Min:
		return fmt.Sprintf("%s <= %d", ref, hi), ""
	case hi == q.Max:
		return fmt.Sprintf("%s >= %d", ref, lo), ""
	}
	return fmt.Sprintf("%s >= %d and %s <= %d", ref, lo, ref, hi), "and"
}

package export

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"feedback/forms"
)

// xlsReader turns a workbook into the forms file's YAML, remembering which
// sheet and row each line came from.
type xlsReader struct {
	name      string // the file, as errors name it
	lang      string // the settings' default_language: plain label columns are in it
	languages []string
	asked     map[string]*xlsAsked // the questions of earlier rows, for relevant
	lists     map[string][]xlsRow  // the choices sheet by list_name (nil: no sheet)
	y         xlsYAML
}

// xlsAsked is what a relevant needs to know of an earlier question.
type xlsAsked struct {
	typ    forms.Type
	lo, hi int
}

// fail is an error at a sheet's row (row 0: the sheet; sheet "": the file).
func (x *xlsReader) fail(sheet string, row int, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	switch {
	case sheet == "":
		return fmt.Errorf("%s: %s", x.name, msg)
	case row == 0:
		return fmt.Errorf("%s: %s: %s", x.name, sheet, msg)
	}
	return fmt.Errorf("%s: %s row %d: %s", x.name, sheet, row, msg)
}

func (x *xlsReader) addLanguage(l string) {
	if !slices.Contains(x.languages, l) {
		x.languages = append(x.languages, l)
	}
}

// xlsMetadata are types that record facts of the phone (when the form was
// opened, the device, the user), never asked. Answers here are anonymous:
// they are left out. KoboToolbox adds start and end to every form.
var xlsMetadata = xlsSet("start", "end", "today", "deviceid", "imei", "subscriberid", "simserial",
	"phonenumber", "username", "email", "audit", "start-geopoint")

const (
	xlsUseScale = "use range with parameters start=… end=… for a scale, or text"
	xlsNoPlace  = "answers are anonymous and no location is recorded"
	xlsNoFiles  = "the service takes no files: use text"
	xlsNoRepeat = "each question is asked once: write the questions out"
	xlsOneBox   = "use select_one with a list of one choice"
	xlsUseList  = "put the choices in the choices sheet and use select_one or select_multiple"
)

// xlsInstead says what to use instead of a type the service does not ask.
var xlsInstead = map[string]string{
	"integer": xlsUseScale, "decimal": xlsUseScale,
	"date": "use text", "time": "use text", "datetime": "use text", "barcode": "use text",
	"geopoint": xlsNoPlace, "geotrace": xlsNoPlace, "geoshape": xlsNoPlace,
	"image": xlsNoFiles, "photo": xlsNoFiles, "audio": xlsNoFiles, "video": xlsNoFiles, "file": xlsNoFiles,
	"background-audio": "the service records nothing but the answers",
	"calculate":        "the service computes nothing in the form: remove the row", "hidden": "remove the row",
	"begin repeat": xlsNoRepeat, "end repeat": xlsNoRepeat, "acknowledge": xlsOneBox, "trigger": xlsOneBox,
	"rank": "use select_multiple", "select_one_from_file": xlsUseList, "select_multiple_from_file": xlsUseList,
	"select_one_external": xlsUseList, "xml-external": "remove the row", "csv-external": "remove the row",
}

// xlsTypeWords are the spellings of the types with more than one, longest
// first: pyxform's aliases, which old files still use.
var xlsTypeWords = []struct{ words, kind string }{
	{"add select multiple prompt using", "select_multiple"}, {"add select one prompt using", "select_one"},
	{"select all that apply from", "select_multiple"}, {"select all that apply", "select_multiple"},
	{"select one from file", "select_one_from_file"}, {"select multiple from file", "select_multiple_from_file"},
	{"select one from", "select_one"}, {"select one", "select_one"}, {"select multiple", "select_multiple"},
	{"begin group", "begin group"}, {"end group", "end group"}, {"begin repeat", "begin repeat"}, {"end repeat", "end repeat"},
	{"begin_group", "begin group"}, {"end_group", "end group"}, {"begin_repeat", "begin repeat"}, {"end_repeat", "end repeat"},
	{"select1", "select_one"},
}

// xlsParseType reads a type cell: the kind and, for a choice, the list
// (whose case counts) and whether it ends in or_other.
func xlsParseType(v string) (kind, list string, other bool, ok bool) {
	orig := strings.Fields(v)
	low := strings.Fields(strings.ToLower(v))
	if len(low) == 0 {
		return "", "", false, true
	}
	kind, n := low[0], 1
	for _, tw := range xlsTypeWords {
		w := strings.Fields(tw.words)
		if len(low) >= len(w) && slices.Equal(low[:len(w)], w) {
			kind, n = tw.kind, len(w)
			break
		}
	}
	if kind != "select_one" && kind != "select_multiple" {
		return kind, "", false, n == len(low) || xlsInstead[kind] != ""
	}
	if n >= len(orig) {
		return kind, "", false, false
	}
	list, rest := orig[n], strings.Join(low[n+1:], " ")
	switch rest {
	case "":
	case "or_other", "or other":
		other = true
	default:
		return kind, list, false, false
	}
	return kind, list, other, true
}

// xlsGroup is an open begin group, written out once the notes under it are
// read.
type xlsGroup struct {
	row     xlsRow
	written bool
	text    forms.Text
	textRow int
	asked   int // questions in it so far
}

// survey writes the survey sheet's rows as the forms file's questions:.
func (x *xlsReader) survey(s *xlsSheet) error {
	x.y.line(xlsAt{s.name, s.header}, 0, "questions:")
	var group *xlsGroup
	closedAt, count := 0, 0 // closedAt: the last end group's row, while no group is open
	for _, r := range s.rows {
		kind, list, other, ok := xlsParseType(r.vals["type"])
		switch {
		case !ok:
			return x.fail(s.name, r.n, "type %q cannot be read: write, for example, select_one %s or select_one %[2]s or_other", r.vals["type"], xlsOr(list, "list_name"))
		case kind == "":
			if len(r.vals) > 0 || len(r.texts) > 0 {
				return x.fail(s.name, r.n, "the type is empty")
			}
		case kind == "begin group":
			if group != nil {
				return x.fail(s.name, r.n, "a group inside a group is not supported: the service shows one level of sections; end the group of row %d first", group.row.n)
			}
			group = &xlsGroup{row: r}
		case kind == "end group":
			if group == nil {
				return x.fail(s.name, r.n, "end group without a begin group before it")
			}
			if err := x.section(s.name, group); err != nil {
				return err
			}
			group, closedAt = nil, r.n
		case kind == "note":
			if err := x.note(s.name, r, group); err != nil {
				return err
			}
		case xlsMetadata[kind]:
		case kind == "range" || kind == "text" || kind == "select_one" || kind == "select_multiple":
			if group == nil && closedAt > 0 {
				return x.fail(s.name, r.n, "question %q comes after end group (row %d) outside any group: the service shows a group as a section that runs to the next one, so put it in a group of its own or before the first group", r.vals["name"], closedAt)
			}
			if group != nil {
				if err := x.section(s.name, group); err != nil {
					return err
				}
				group.asked++
			}
			if err := x.question(s.name, r, kind, list, other); err != nil {
				return err
			}
			count++
		default:
			if instead, ok := xlsInstead[kind]; ok {
				return x.fail(s.name, r.n, "type %q is not supported: %s", kind, instead)
			}
			return x.fail(s.name, r.n, "type %q is not supported: use range, select_one, select_multiple, text, note, begin group or end group", kind)
		}
	}
	if group != nil {
		if err := x.section(s.name, group); err != nil {
			return err
		}
	}
	if count == 0 {
		return x.fail(s.name, 0, "no questions: the service asks range, select_one, select_multiple and text")
	}
	return nil
}

func xlsOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// note reads a note: the text under a group's heading, which is where a
// section keeps its text.
func (x *xlsReader) note(sheet string, r xlsRow, g *xlsGroup) error {
	if g == nil || g.asked > 0 {
		return x.fail(sheet, r.n, "a note is shown as the text under a group's heading: put it right after begin group")
	}
	for _, k := range []string{"relevant", "required", "constraint", "parameters"} {
		if r.vals[k] != "" {
			return x.fail(sheet, r.n, "a note with %s is not supported: a note is the text under its group's heading", k)
		}
	}
	if r.text("hint") != nil {
		return x.fail(sheet, r.n, "a note's hint is not supported: write it in the label")
	}
	if err := x.noPiping(sheet, r, "label"); err != nil {
		return err
	}
	if g.textRow == 0 {
		g.text, g.textRow = forms.Text{}, r.n
	}
	for l, v := range r.text("label") {
		if g.text[l] != "" {
			v = g.text[l] + "\n\n" + v
		}
		g.text[l] = v
	}
	return nil
}

// section writes an open group's heading, once.
func (x *xlsReader) section(sheet string, g *xlsGroup) error {
	if g.written {
		return nil
	}
	g.written = true
	r := g.row
	for _, k := range []string{"required", "constraint", "parameters"} {
		if v := r.vals[k]; v != "" && (k != "required" || xlsTrue(v)) {
			return x.fail(sheet, r.n, "a group with %s is not supported: give it to the questions in it", k)
		}
	}
	if r.text("hint") != nil {
		return x.fail(sheet, r.n, "a group's hint is not supported: put a note right after begin group, it is shown under the heading")
	}
	if r.text("label") == nil {
		return x.fail(sheet, r.n, "begin group needs a label: it is the heading of the section")
	}
	if err := x.noPiping(sheet, r, "label"); err != nil {
		return err
	}
	x.y.line(xlsAt{sheet, r.n}, 2, "- section: "+x.yamlText(r.text("label")))
	if g.textRow > 0 {
		x.y.line(xlsAt{sheet, g.textRow}, 4, "text: "+x.yamlText(g.text))
	}
	return x.showIf(sheet, r, 4)
}

// showIf writes a row's relevant as show_if.
func (x *xlsReader) showIf(sheet string, r xlsRow, indent int) error {
	rel := r.vals["relevant"]
	if rel == "" {
		return nil
	}
	c, err := x.relevant(rel)
	if err != nil {
		return x.fail(sheet, r.n, "relevant %q: %v", rel, err)
	}
	x.y.line(xlsAt{sheet, r.n}, indent, "show_if: "+c.yaml())
	return nil
}

// noPiping refuses a text that inserts an answer (${q}): the service shows
// texts as written.
func (x *xlsReader) noPiping(sheet string, r xlsRow, keys ...string) error {
	for _, k := range keys {
		for _, v := range r.text(k) {
			if strings.Contains(v, "${") {
				return x.fail(sheet, r.n, "%s %q: ${…} inside a text is not supported (the service does not insert answers into texts)", k, v)
			}
		}
	}
	return nil
}

// xlsScale reads a range's parameters: start=1 end=5 step=1, by default
// 1 to 10 as in ODK.
func xlsScale(params string) (start, end int, err error) {
	start, end = 1, 10
	params = strings.NewReplacer(" =", "=", "= ", "=").Replace(xlsSpaces.ReplaceAllString(params, " "))
	for _, p := range strings.FieldsFunc(params, func(r rune) bool { return r == ' ' || r == ',' || r == ';' }) {
		k, v, _ := strings.Cut(p, "=")
		k = strings.ToLower(k)
		switch k {
		case "start", "end", "step":
			n, convErr := strconv.Atoi(v)
			switch {
			case convErr != nil:
				return 0, 0, fmt.Errorf("%s %q must be a whole number", k, v)
			case k == "start":
				start = n
			case k == "end":
				end = n
			case n != 1:
				return 0, 0, fmt.Errorf("step=%d is not supported: a scale goes up by 1", n)
			}
		case "tick_interval", "placeholder", "tick_labelset":
		default:
			return 0, 0, fmt.Errorf("parameter %q is not supported (range reads start, end and step)", p)
		}
	}
	if start >= end {
		return 0, 0, fmt.Errorf("start (%d) must be less than end (%d)", start, end)
	}
	// A negative difference is an overflow: bounds near the ends of int
	// would otherwise pass as a short scale.
	if d := end - start; d > 100 || d < 0 {
		return 0, 0, fmt.Errorf("a scale of more than 100 steps cannot be answered on a phone")
	}
	return start, end, nil
}

package export

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"feedback/forms"
)

// xlsMaxLength is the one constraint read: on a text, its length.
var xlsMaxLength = regexp.MustCompile(`^string-length\(\s*\.\s*\)\s*(<=|<)\s*(\d{1,6})$`)

// question writes a survey row of kind range, text, select_one or
// select_multiple as a question of the forms file.
func (x *xlsReader) question(sheet string, r xlsRow, kind, list string, other bool) error {
	at := xlsAt{sheet, r.n}
	name := r.vals["name"]
	if name == "" {
		return x.fail(sheet, r.n, "name is required: it is the question's id, under which answers are stored")
	}
	if err := x.noPiping(sheet, r, "label", "hint", "min_label", "max_label"); err != nil {
		return err
	}
	required, ok := xlsBool(r.vals["required"])
	if !ok {
		return x.fail(sheet, r.n, "required %q is not supported: write yes or no (a condition in required is not supported)", r.vals["required"])
	}
	if kind != "range" && r.vals["parameters"] != "" {
		return x.fail(sheet, r.n, "parameters are read for range only")
	}
	if kind != "range" && (r.text("min_label") != nil || r.text("max_label") != nil) {
		return x.fail(sheet, r.n, "min_label and max_label are for range only")
	}
	if c := r.vals["constraint"]; c != "" && (kind != "text" || !xlsMaxLength.MatchString(c)) {
		return x.fail(sheet, r.n, "constraint %q is not supported: the service checks an answer by its type only (on a text, string-length(.) <= N sets its length)", c)
	}
	asked, lines, err := x.answerLines(r, kind, other)
	if err != nil {
		return x.fail(sheet, r.n, "%v", err)
	}
	if required {
		lines = append(lines, "required: true")
	}
	x.y.line(at, 2, "- id: "+xlsQuote(name))
	for _, l := range lines {
		x.y.line(at, 4, l)
	}
	for _, k := range []string{"label", "hint", "min_label", "max_label"} {
		if t := r.text(k); t != nil {
			x.y.line(at, 4, k+": "+x.yamlText(t))
		}
	}
	if err := x.showIf(sheet, r, 4); err != nil {
		return err
	}
	if asked.typ == forms.Single || asked.typ == forms.Multi {
		if err := x.options(sheet, r, list); err != nil {
			return err
		}
	}
	x.asked[name] = asked
	if other {
		x.asked[name+"_other"] = &xlsAsked{typ: forms.FreeText}
	}
	return nil
}

// answerLines are the lines that say how a question is answered: its type
// and its scale, length or "other".
func (x *xlsReader) answerLines(r xlsRow, kind string, other bool) (*xlsAsked, []string, error) {
	switch kind {
	case "range":
		typ, lo, hi, err := xlsRange(r)
		if err != nil {
			return nil, nil, err
		}
		return &xlsAsked{typ: typ, lo: lo, hi: hi}, []string{"type: " + string(typ), fmt.Sprintf("min: %d", lo), fmt.Sprintf("max: %d", hi)}, nil
	case "text":
		lines := []string{"type: text"}
		if m := xlsMaxLength.FindStringSubmatch(r.vals["constraint"]); m != nil {
			n, _ := strconv.Atoi(m[2])
			if m[1] == "<" {
				n--
			}
			lines = append(lines, fmt.Sprintf("max_length: %d", n))
		}
		return &xlsAsked{typ: forms.FreeText}, lines, nil
	}
	typ := forms.Single
	if kind == "select_multiple" {
		typ = forms.Multi
	}
	lines := []string{"type: " + string(typ)}
	if other {
		lines = append(lines, "other: true")
	}
	return &xlsAsked{typ: typ}, lines, nil
}

// xlsRange reads a range row: a rating on its scale, or the NPS when its
// appearance says nps.
func xlsRange(r xlsRow) (forms.Type, int, int, error) {
	lo, hi, err := xlsScale(r.vals["parameters"])
	if err != nil {
		return "", 0, 0, fmt.Errorf("parameters %q: %v", r.vals["parameters"], err)
	}
	for _, a := range strings.Fields(strings.ToLower(r.vals["appearance"])) {
		if a == "nps" {
			if lo != 0 || hi != 10 {
				return "", 0, 0, fmt.Errorf("appearance nps is the 0 to 10 scale: write parameters start=0 end=10")
			}
			return forms.NPS, lo, hi, nil
		}
	}
	return forms.Rating, lo, hi, nil
}

// options writes the choices of list under a select's question.
func (x *xlsReader) options(sheet string, r xlsRow, list string) error {
	rows, ok := x.lists[list]
	if !ok {
		if x.lists == nil {
			return x.fail(sheet, r.n, "list %q: the workbook has no choices sheet", list)
		}
		return x.fail(sheet, r.n, "list %q is not in the choices sheet's list_name column", list)
	}
	x.y.line(xlsAt{sheet, r.n}, 4, "options:")
	for _, c := range rows {
		if err := x.noPiping("choices", c, "label"); err != nil {
			return err
		}
		at := xlsAt{"choices", c.n}
		x.y.line(at, 6, "- id: "+xlsQuote(c.vals["name"]))
		if t := c.text("label"); t != nil {
			x.y.line(at, 8, "label: "+x.yamlText(t))
		}
	}
	return nil
}

// choices groups the choices sheet's rows by list_name.
func (x *xlsReader) choices(s *xlsSheet) error {
	x.lists = map[string][]xlsRow{}
	for _, r := range s.rows {
		list, name := r.vals["list_name"], r.vals["name"]
		switch {
		case list == "" && name == "":
			if len(r.texts) > 0 {
				return x.fail(s.name, r.n, "list_name and name are empty")
			}
		case list == "":
			return x.fail(s.name, r.n, "list_name is empty: say which list choice %q is in", name)
		case name == "":
			return x.fail(s.name, r.n, "name is required: it is the choice's id, under which answers are stored")
		default:
			x.lists[list] = append(x.lists[list], r)
		}
	}
	return nil
}

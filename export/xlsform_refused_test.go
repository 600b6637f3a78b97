package export

import (
	"testing"
)

// TestXLSFormRefused holds every type, column and shape the service does not
// support to a message with the file, the sheet, the row and what to do.
func TestXLSFormRefused(t *testing.T) {
	head := []string{"type", "name", "label", "required", "parameters", "appearance", "constraint"}
	row := func(cells ...string) xlsSheets {
		return xlsSheets{"survey": {head, {"text", "first", "First?"}, cells}, "choices": xlsChoices}
	}
	for _, tc := range []struct {
		name   string
		sheets xlsSheets
		want   string
	}{
		{"Integer", row("integer", "age", "Age?"), `survey row 3: type "integer" is not supported: use range with parameters start=… end=… for a scale, or text`},
		{"Decimal", row("decimal", "x", "X?"), `survey row 3: type "decimal" is not supported: use range with parameters start=… end=… for a scale, or text`},
		{"Date", row("date", "d", "When?"), `survey row 3: type "date" is not supported: use text`},
		{"Geopoint", row("geopoint", "where", "Where?"), `survey row 3: type "geopoint" is not supported: answers are anonymous and no location is recorded`},
		{"Calculate", row("calculate", "c"), `survey row 3: type "calculate" is not supported: the service computes nothing in the form: remove the row`},
		{"Repeat", row("begin repeat", "r", "R"), `survey row 3: type "begin repeat" is not supported: each question is asked once: write the questions out`},
		{"Image", row("image", "pic", "Photo?"), `survey row 3: type "image" is not supported: the service takes no files: use text`},
		{"FromFile", row("select_one_from_file places.csv", "p", "P?"), `survey row 3: type "select_one_from_file" is not supported: put the choices in the choices sheet and use select_one or select_multiple`},
		{"Unknown", row("colour", "c", "C?"), `survey row 3: type "colour" is not supported: use range, select_one, select_multiple, text, note, begin group or end group`},
		{"SelectWithoutList", row("select_one", "s", "S?"), `survey row 3: type "select_one" cannot be read: write, for example, select_one list_name or select_one list_name or_other`},
		{"UnknownList", row("select_one nope", "s", "S?"), `survey row 3: list "nope" is not in the choices sheet's list_name column`},
		{"Constraint", row("range", "r", "R?", "", "start=1 end=5", "", ". > 2"), `survey row 3: constraint ". > 2" is not supported: the service checks an answer by its type only (on a text, string-length(.) <= N sets its length)`},
		{"RequiredExpression", row("text", "t", "T?", "${first} != ''"), `survey row 3: required "${first} != ''" is not supported: write yes or no (a condition in required is not supported)`},
		{"Step", row("range", "r", "R?", "", "start=1 end=10 step=2"), `survey row 3: parameters "start=1 end=10 step=2": step=2 is not supported: a scale goes up by 1`},
		{"NPSScale", row("range", "r", "R?", "", "start=1 end=10", "nps"), `survey row 3: appearance nps is the 0 to 10 scale: write parameters start=0 end=10`},
		{"ParametersOnText", row("text", "t", "T?", "", "rows=3"), `survey row 3: parameters are read for range only`},
		{"NoName", row("text", "", "T?"), `survey row 3: name is required: it is the question's id, under which answers are stored`},
		{"Piping", row("text", "t", "You said ${first}: why?"), `survey row 3: label "You said ${first}: why?": ${…} inside a text is not supported (the service does not insert answers into texts)`},
		{"NoteOutsideGroup", row("note", "n", "Hello"), `survey row 3: a note is shown as the text under a group's heading: put it right after begin group`},
		{"GroupWithoutLabel", xlsSheets{"survey": {head, {"begin group", "g"}, {"text", "t", "T?"}, {"end group"}}},
			`survey row 2: begin group needs a label: it is the heading of the section`},
		{"NestedGroup", xlsSheets{"survey": {head, {"begin group", "g", "G"}, {"begin group", "h", "H"}}},
			`survey row 3: a group inside a group is not supported: the service shows one level of sections; end the group of row 2 first`},
		{"AfterGroup", xlsSheets{"survey": {head, {"begin group", "g", "G"}, {"text", "t", "T?"}, {"end group"}, {"text", "u", "U?"}}},
			`survey row 5: question "u" comes after end group (row 4) outside any group: the service shows a group as a section that runs to the next one, so put it in a group of its own or before the first group`},
		{"EndWithoutBegin", row("end group"), `survey row 3: end group without a begin group before it`},
		{"EmptyGroup", xlsSheets{"survey": {head, {"text", "t", "T?"}, {"begin group", "g", "G"}, {"end group"}}},
			`survey row 3: group "G" has no questions after it`},
		{"ChoiceFilter", xlsSheets{"survey": {{"type", "name", "label", "choice_filter"}, {"select_one role", "r", "R?", "country = 'uz'"}}, "choices": xlsChoices},
			`survey row 2: choice_filter is not supported: give the question a list of its own in choices`},
		{"Default", xlsSheets{"survey": {{"type", "name", "label", "default"}, {"text", "t", "T?", "none"}}}, `survey row 2: default answers are not supported: leave default empty`},
		{"Readonly", xlsSheets{"survey": {{"type", "name", "label", "read_only"}, {"text", "t", "T?", "yes"}}}, `survey row 2: readonly is not supported: every question can be answered`},
		{"UnknownColumn", xlsSheets{"survey": {{"type", "name", "label", "colour"}, {"text", "t", "T?", "red"}}},
			`survey row 2: column "colour" is not supported (the service reads type, name, label, hint, required, relevant, appearance, parameters, constraint, min_label, max_label)`},
		{"LanguageWithoutCode", xlsSheets{"survey": {{"type", "name", "label::Klingon"}, {"text", "t", "T?"}}},
			`survey row 1: column "label::Klingon": say which language with its code, as in label::Georgian (ka)`},
		{"DuplicateColumns", xlsSheets{"survey": {{"type", "name", "label", "label::English (en)"}, {"text", "t", "T?", "T?"}}},
			`survey row 1: columns "label" and "label::English (en)" say the same thing: keep one`},
		{"NoEnglish", xlsSheets{"survey": {{"type", "name", "label::French (fr)"}, {"text", "t", "T ?"}}},
			`survey row 2: question "t" label needs an English (en) text`},
		{"BadName", row("text", "Your Name", "T?"), `survey row 3: question name "Your Name" must start with a letter and use only a-z, 0-9 and _ (and not be submission_id, lang, csrf, page or nav)`},
		{"DuplicateName", row("text", "first", "Again?"), `survey row 3: duplicate question name "first"`},
		{"NumericChoice", xlsSheets{"survey": {head, {"select_one yn", "yn", "Y?"}}, "choices": {{"list_name", "name", "label"}, {"yn", "1", "Yes"}}},
			`choices row 2: question "yn": choice name "1" must start with a letter and use only a-z, 0-9 and _`},
		{"DuplicateChoice", xlsSheets{"survey": {head, {"select_one yn", "yn", "Y?"}}, "choices": {{"list_name", "name", "label"}, {"yn", "y", "Yes"}, {"yn", "y", "Oui"}}},
			`choices row 3: question "yn": duplicate choice name "y"`},
		{"ChoiceWithoutList", xlsSheets{"survey": {head, {"text", "t", "T?"}}, "choices": {{"list_name", "name", "label"}, {"", "y", "Yes"}}},
			`choices row 2: list_name is empty: say which list choice "y" is in`},
		{"PublicKey", xlsSheets{"survey": {head, {"text", "t", "T?"}}, "settings": {{"form_id", "public_key"}, {"f", "MIIB"}}},
			`settings row 2: public_key is not supported: answers are kept by this service, not encrypted for another`},
		{"DefaultLanguage", xlsSheets{"survey": {head, {"text", "t", "T?"}}, "settings": {{"default_language"}, {"Klingon"}}},
			`settings row 2: default_language "Klingon": say which language with its code, as in English (en)`},
		{"NoQuestions", xlsSheets{"survey": {head, {"start", "start"}}}, `survey: no questions: the service asks range, select_one, select_multiple and text`},
		{"NoSurvey", xlsSheets{"choices": xlsChoices}, `no survey sheet: an XLSForm has its questions in a sheet named survey`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := xlsParse(t, tc.sheets)
			if want := "forum.xlsx: " + tc.want; err == nil || err.Error() != want {
				t.Errorf("error\n%v\nwant\n%s", err, want)
			}
			if f != nil {
				t.Error("a refused workbook returned forms")
			}
		})
	}
}

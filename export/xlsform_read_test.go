package export

import (
	"slices"
	"strings"
	"testing"
	"time"

	"feedback/forms"
)

var xlsSurveyHeader = []string{"type", "name", "label::English (en)", "label::French (fr)", "hint::English (en)", "required", "relevant", "appearance", "parameters", "constraint"}

func TestXLSFormRead(t *testing.T) {
	f := mustXLS(t, xlsSheets{
		"survey": {
			xlsSurveyHeader,
			{"start", "start"},
			{"range", "overall", "How was it?", "Comment était-ce ?", "1 is low", "yes", "", "", "start=1 end=5 step=1"},
			{"range", "recommend", "Recommend it?", "Le recommanderiez-vous ?", "", "", "", "nps", "start=0 end=10"},
			{"range", "pace", "Pace?", "", "", "", "", "likert", ""},
			{"select_one role or_other", "role", "Where do you work?", "Où travaillez-vous ?", "", "true"},
			{"select_multiple formats", "formats", "What helped?", "", "", "", "${overall} >= 4", "minimal"},
			{"begin group", "low", "What went wrong", "Ce qui n’allait pas", "", "", "${overall} <= 2", "field-list"},
			{"note", "low_note", "A few questions.", "Quelques questions."},
			{"text", "wrong", "What went wrong?", "", "", "1", "", "multiline", "", "string-length(.) <= 300"},
			{"end group"},
			{"begin group", "about", "About you"},
			{"text", "comment", "Anything else?"},
			{"end group"},
			{"end", "end"},
		},
		"choices":  xlsChoices,
		"settings": {{"form_title", "form_id", "default_language", "version"}, {"Forum plenary", "plenary", "English (en)", "2025061501"}},
	})
	if len(f.Workshops) != 1 || f.Workshops[0].Slug != "plenary" || f.Workshops[0].Title["en"] != "Forum plenary" {
		t.Fatalf("workshops: %+v", f.Workshops)
	}
	if !slices.Equal(f.Languages, []string{"en", "fr"}) {
		t.Errorf("languages %v", f.Languages)
	}
	w := f.Workshops[0]
	var ids []string
	for _, q := range w.Questions {
		ids = append(ids, q.ID)
	}
	if want := []string{"overall", "recommend", "pace", "role", "role_other", "formats", "wrong", "comment"}; !slices.Equal(ids, want) {
		t.Fatalf("questions %v, want %v", ids, want)
	}
	overall := w.Question("overall")
	if overall.Type != forms.Rating || overall.Min != 1 || overall.Max != 5 || !overall.Required || overall.Hint["en"] != "1 is low" || overall.Label["fr"] != "Comment était-ce ?" {
		t.Errorf("overall: %+v", overall)
	}
	if q := w.Question("recommend"); q.Type != forms.NPS || q.Min != 0 || q.Max != 10 {
		t.Errorf("recommend: %+v", q)
	}
	if q := w.Question("pace"); q.Type != forms.Rating || q.Min != 1 || q.Max != 10 {
		t.Errorf("pace (range without parameters is 1 to 10, as in ODK): %+v", q)
	}
	role := w.Question("role")
	if role.Type != forms.Single || !role.Other || !role.Required || len(role.Options) != 3 || role.Options[1].Label["fr"] != "Université" {
		t.Errorf("role: %+v", role)
	}
	if q := w.Question("formats"); q.Type != forms.Multi || condJSON(t, q.ShowIf) != `{"in":[4,5],"question":"overall"}` {
		t.Errorf("formats: %+v %s", q, condJSON(t, q.ShowIf))
	}
	wrong := w.Question("wrong")
	if wrong.MaxLength != 300 || !wrong.Required || wrong.Section == nil || wrong.Section.Title["fr"] != "Ce qui n’allait pas" ||
		wrong.Section.Text["en"] != "A few questions." || condJSON(t, wrong.Section.ShowIf) != `{"in":[1,2],"question":"overall"}` {
		t.Errorf("wrong: %+v section %+v", wrong, wrong.Section)
	}
	if q := w.Question("comment"); q.Section == nil || q.Section.Title["en"] != "About you" || q.Section.ShowIf != nil || q.MaxLength != forms.DefaultMaxLength {
		t.Errorf("comment: %+v", q)
	}
}

func TestXLSFormReadOldSpellings(t *testing.T) {
	f := mustXLS(t, xlsSheets{
		"Survey": {
			{"TYPE", "Name", "Label:English", "label:French", "Hint", "Required", "relevance"},
			{"select one from role", "role", "Where?", "Où ?", "", "TRUE"},
			{"select all that apply from formats or other", "formats", "What?", "Quoi ?", "Pick any", "no", "${role} = 'gov'"},
			{"begin_group", "g", "Group", "Groupe"},
			{"text", "comment", "More?"},
			{"end_group"},
		},
		"choices":  {{"List Name", "NAME", "Label:English", "label:french"}, {"role", "gov", "Gov", "Adm"}, {"formats", "talks", "Talks", "Exposés"}},
		"SETTINGS": {{"Form_ID"}, {"old-form"}},
	})
	w := f.Workshop("old-form")
	if w == nil {
		t.Fatalf("workshops %+v", f.Workshops)
	}
	role, formats := w.Question("role"), w.Question("formats")
	if role.Type != forms.Single || !role.Required || role.Label["fr"] != "Où ?" || role.Options[0].Label["fr"] != "Adm" {
		t.Errorf("role: %+v", role)
	}
	if formats.Type != forms.Multi || !formats.Other || formats.Hint["en"] != "Pick any" || condJSON(t, formats.ShowIf) != `{"in":["gov"],"question":"role"}` {
		t.Errorf("formats: %+v", formats)
	}
	if q := w.Question("comment"); q.Section == nil || q.Section.Title["fr"] != "Groupe" {
		t.Errorf("comment: %+v", q)
	}
}

// xlsWithRelevant is a survey of each kind of question, then one asked when rel holds.
func xlsWithRelevant(rel string) xlsSheets {
	return xlsSheets{
		"survey": {
			xlsSurveyHeader,
			{"range", "overall", "Overall?", "", "", "", "", "", "start=1 end=5"},
			{"select_one role", "role", "Role?"},
			{"select_multiple formats", "formats", "Formats?"},
			{"text", "comment", "Comment?"},
			{"text", "q", "Follow-up?", "", "", "", rel},
			{"text", "later", "Later?"},
		},
		"choices": xlsChoices,
	}
}

func TestXLSFormRelevant(t *testing.T) {
	for _, tc := range []struct{ relevant, want string }{
		{"${role} = 'gov'", `{"in":["gov"],"question":"role"}`},
		{`${role}="gov"`, `{"in":["gov"],"question":"role"}`},
		{"${overall} = 3", `{"in":[3],"question":"overall"}`},
		{"${overall} = '3'", `{"in":[3],"question":"overall"}`},
		{"${overall} < 3", `{"in":[1,2],"question":"overall"}`},
		{"${overall} <= 2", `{"in":[1,2],"question":"overall"}`},
		{"${overall} > 3", `{"in":[4,5],"question":"overall"}`},
		{"${overall} >= 4", `{"in":[4,5],"question":"overall"}`},
		{"${comment} != ''", `{"answered":true,"question":"comment"}`},
		{"selected(${formats}, 'labs')", `{"in":["labs"],"question":"formats"}`},
		{"selected(${role}, 'uni')", `{"in":["uni"],"question":"role"}`},
		{"${role} = 'gov' or ${role} = 'uni'", `{"in":["gov","uni"],"question":"role"}`},
		{"${overall} = 1 or ${overall} = 5", `{"in":[1,5],"question":"overall"}`},
		{"${overall} >= 2 and ${overall} <= 3", `{"in":[2,3],"question":"overall"}`},
		{"${role} = 'gov' and ${overall} > 3", `{"all":[{"in":["gov"],"question":"role"},{"in":[4,5],"question":"overall"}]}`},
		{"(${role} = 'gov' and ${overall} > 3) or selected(${formats}, 'talks')",
			`{"any":[{"all":[{"in":["gov"],"question":"role"},{"in":[4,5],"question":"overall"}]},{"in":["talks"],"question":"formats"}]}`},
	} {
		t.Run(tc.relevant, func(t *testing.T) {
			f, err := xlsParse(t, xlsWithRelevant(tc.relevant))
			if err != nil {
				t.Fatal(err)
			}
			if got := condJSON(t, f.Workshops[0].Question("q").ShowIf); got != tc.want {
				t.Errorf("show_if %s, want %s", got, tc.want)
			}
		})
	}
}

func TestXLSFormRelevantRefused(t *testing.T) {
	const at = `forum.xlsx: survey row 6: relevant `
	for _, tc := range []struct{ relevant, want string }{
		{"${role} = 'gov' and ${overall} > 3 or ${comment} != ''", `"${role} = 'gov' and ${overall} > 3 or ${comment} != ''": and and or are mixed: add parentheses, as in (${a} = 'x' and ${b} = 'y') or ${c} > 3`},
		{"${later} != ''", `"${later} != ''": ${later} is not a question of an earlier row (a condition may only name an earlier question)`},
		{"not(${role} = 'gov')", `"not(${role} = 'gov')": this expression is not supported: ` + xlsRelevantHelp},
		{"count-selected(${formats}) > 1", `"count-selected(${formats}) > 1": this expression is not supported: ` + xlsRelevantHelp},
		{"${formats} = 'labs'", `"${formats} = 'labs'": ${formats} is a select_multiple: use selected(${formats}, 'labs')`},
		{"${overall} != 3", `"${overall} != 3": ${overall} != 3 also holds when it is not answered: list the scores that count, as in ${overall} < 3 or ${overall} > 3`},
		{"${overall} > 5", `"${overall} > 5": ${overall} > 5 holds for no score of overall (1 to 5)`},
		{"${comment} = 'x'", `"${comment} = 'x'": ${comment} is a text: only ${comment} != '' (answered) can be asked of it`},
		{"${role} = ''", `"${role} = ''": asking only when ${role} is not answered is not supported`},
		{"${overall} = 2.5", `"${overall} = 2.5": ${overall} is a range: compare it with a whole number`},
		{"${role} = 'gov", `"${role} = 'gov": a text without its closing quote`},
	} {
		t.Run(tc.relevant, func(t *testing.T) {
			_, err := xlsParse(t, xlsWithRelevant(tc.relevant))
			if err == nil || err.Error() != at+tc.want {
				t.Errorf("error\n%v\nwant\n%s", err, at+tc.want)
			}
		})
	}
	// A value forms.Parse refuses comes back at the row, in the workbook's words.
	_, err := xlsParse(t, xlsWithRelevant("${role} = 'zzz'"))
	if want := `forum.xlsx: survey row 6: relevant: "zzz" is not an option of question "role" (gov, uni)`; err == nil || err.Error() != want {
		t.Errorf("error\n%v\nwant\n%s", err, want)
	}
}

func TestXLSFormWorkshops(t *testing.T) {
	survey := [][]string{{"type", "name", "label"}, {"text", "comment", "Anything else?"}}
	t.Run("FileName", func(t *testing.T) {
		f, err := ParseXLSForm("/tmp/My Forum_2025.xlsx", strings.NewReader(string(xlsWorkbook(t, xlsSheets{"survey": survey}))))
		if err != nil {
			t.Fatal(err)
		}
		if w := f.Workshops; len(w) != 1 || w[0].Slug != "my-forum-2025" || w[0].Title["en"] != "my-forum-2025" {
			t.Errorf("workshops %+v", w)
		}
	})
	t.Run("Sheet", func(t *testing.T) {
		f := mustXLS(t, xlsSheets{"survey": survey, "settings": {{"form_title"}, {"Plenary"}}, "workshops": {
			{"slug", "title::English (en)", "title::French (fr)", "opens_at", "closes_at"},
			{"alpha", "Alpha", "Alpha FR", "2025-06-25T09:00:00Z", "2025-06-25 18:00"},
			{"beta", "", "", "45833.375"},
		}})
		if len(f.Workshops) != 2 {
			t.Fatalf("workshops %+v", f.Workshops)
		}
		a, b := f.Workshops[0], f.Workshops[1]
		if a.Title["fr"] != "Alpha FR" || !a.OpensAt.Equal(time.Date(2025, 6, 25, 9, 0, 0, 0, time.UTC)) || !a.ClosesAt.Equal(time.Date(2025, 6, 25, 18, 0, 0, 0, time.UTC)) {
			t.Errorf("alpha %+v", a)
		}
		if b.Title["en"] != "Plenary" || !b.OpensAt.Equal(time.Date(2025, 6, 25, 9, 0, 0, 0, time.UTC)) || !b.ClosesAt.IsZero() {
			t.Errorf("beta (form_title as its title, a date cell) %+v", b)
		}
	})
	t.Run("ErrBadSlug", func(t *testing.T) {
		_, err := xlsParse(t, xlsSheets{"survey": survey, "workshops": {{"slug", "title"}, {"Alpha One", "A"}}})
		if want := `forum.xlsx: workshops row 2: workshop slug "Alpha One" must be lower-case letters, digits and dashes`; err == nil || err.Error() != want {
			t.Errorf("error %v, want %s", err, want)
		}
	})
	t.Run("ErrBadTime", func(t *testing.T) {
		_, err := xlsParse(t, xlsSheets{"survey": survey, "workshops": {{"slug", "title", "opens_at"}, {"a", "A", "tomorrow"}}})
		if want := `forum.xlsx: workshops row 2: opens_at "tomorrow" is not a date and time: write 2025-06-25T09:00:00Z (UTC) or use a date cell`; err == nil || err.Error() != want {
			t.Errorf("error %v, want %s", err, want)
		}
	})
}

// TestXLSFormIgnored holds the columns and types that change nothing the
// service does to being read without a word.
func TestXLSFormIgnored(t *testing.T) {
	f := mustXLS(t, xlsSheets{
		"survey": {
			{"type", "name", "label", "appearance", "media::image::English (en)", "guidance_hint", "constraint_message", "required_message", "$kuid", "readonly"},
			{"start", "start"}, {"deviceid", "deviceid"}, {"username", "username"},
			{"text", "comment", "Anything else?", "multiline", "photo.jpg", "Long help", "Too long", "Please answer", "abc123", "no"},
			{"today", "today"},
		},
		"choices": {{"list_name", "name", "label", "country", "image"}, {"unused", "x", "X", "uz", "x.png"}},
	})
	if qs := f.Workshops[0].Questions; len(qs) != 1 || qs[0].ID != "comment" {
		t.Errorf("questions %+v", qs)
	}
}

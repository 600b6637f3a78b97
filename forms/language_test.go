package forms_test

import (
	"slices"
	"testing"

	"feedback/forms"
)

// A forms file may be in any language it lists; a text in one it does not
// list is refused at its line.
func TestParseLanguages(t *testing.T) {
	t.Run("OKGeorgian", func(t *testing.T) {
		f, err := forms.Parse("f.yaml", []byte(`languages: [en, ka]
title: {en: Forum, ka: ფორუმი}
questions:
  - id: overall
    type: single
    label: {en: "How was it?", ka: "როგორი იყო?"}
    options:
      - {id: good, label: {en: Good, ka: კარგი}}
workshops:
  - {slug: one, title: {en: One, ka: ერთი}}
`))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(f.Languages, []string{"en", "ka"}) || !f.HasLanguage("ka") || f.HasLanguage("fr") {
			t.Errorf("languages = %v", f.Languages)
		}
		q := f.Workshop("one").Question("overall")
		if q.Label.Get("ka") != "როგორი იყო?" || !q.Label.Has("ka") || q.Options[0].Label.Get("ka") != "კარგი" {
			t.Errorf("question = %+v", q)
		}
	})
	t.Run("OKRegionAndThreeLetters", func(t *testing.T) {
		f, err := forms.Parse("f.yaml", []byte("languages: [en, pt-BR, fil]\nquestions:\n  - {id: q, type: text, label: {en: Q, pt-BR: P, fil: F}}\nworkshops:\n  - {slug: a, title: A}\n"))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(f.Languages, []string{"en", "pt-BR", "fil"}) {
			t.Errorf("languages = %v", f.Languages)
		}
	})
	tests := []struct{ name, file, want string }{
		{"ErrLabelInUnlistedLanguage", "languages: [en, ka]\nquestions:\n  - id: q\n    type: text\n    label: {en: Q, ka: ქ, fr: Q}\nworkshops:\n  - {slug: a, title: A}\n",
			`f.yaml:5: question "q" label has a text in unknown language "fr" (the file's languages: en, ka)`},
		{"ErrShippedLanguageNotListed", "languages: [en]\nquestions:\n  - {id: q, type: text, label: Q}\nworkshops:\n  - {slug: a, title: {en: A, ar: أ}}\n",
			`f.yaml:5: title has a text in unknown language "ar" (the file's languages: en)`},
		{"ErrTitleBeforeLanguages", "title: {en: Forum, ka: ფორუმი}\nlanguages: [en]\nquestions:\n  - {id: q, type: text, label: Q}\nworkshops:\n  - {slug: a, title: A}\n",
			`f.yaml:1: title has a text in unknown language "ka" (the file's languages: en)`},
		{"ErrRegionLowerCase", "languages: [en, pt-br]\nquestions:\n  - {id: q, type: text, label: Q}\nworkshops:\n  - {slug: a, title: A}\n",
			`f.yaml:1: unknown language "pt-br": write an ISO 639 code of two or three lower-case letters (en, ka, fil), optionally with a region (pt-BR)`},
		{"ErrListedTwice", "languages:\n  - en\n  - ka\n  - ka\nquestions:\n  - {id: q, type: text, label: Q}\nworkshops:\n  - {slug: a, title: A}\n",
			`f.yaml:2: language "ka" is listed twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := forms.Parse("f.yaml", []byte(tt.file))
			if err == nil || err.Error() != tt.want {
				t.Errorf("error\n got: %v\nwant: %s", err, tt.want)
			}
		})
	}
}

func TestIsLanguageCode(t *testing.T) {
	for code, want := range map[string]bool{
		"en": true, "ka": true, "fil": true, "ckb": true, "pt-BR": true, "zh-TW": true,
		"": false, "e": false, "engl": false, "EN": false, "pt-br": false, "pt_BR": false, "zh-Hant": false, "en-": false,
	} {
		if got := forms.IsLanguageCode(code); got != want {
			t.Errorf("IsLanguageCode(%q) = %v, want %v", code, got, want)
		}
	}
}

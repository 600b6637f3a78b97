package forms_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"feedback/forms"
	"feedback/forms/formstest"
)

// mustWorkshop is the small fixture's beta: every type of question, and two
// text questions (its own beta_idea, up to 100 characters, and comment, up to
// 200).
func mustWorkshop(t *testing.T) *forms.Workshop {
	t.Helper()
	return formstest.Small(t).Workshop("beta")
}

// required is the smallest valid input: the required rating.
func required() forms.Input {
	return forms.Input{"overall": {"4"}}
}

func with(extra forms.Input) forms.Input {
	in := required()
	for k, v := range extra {
		in[k] = v
	}
	return in
}

func TestValidate(t *testing.T) {
	w := mustWorkshop(t)
	ok := []struct {
		name string
		in   forms.Input
		want forms.Answers
	}{
		{"OKRequiredOnly", required(), forms.Answers{"overall": {Number: 4}}},
		{"OKRatingBounds", with(forms.Input{"overall": {"5"}, "pace": {"1"}}),
			forms.Answers{"overall": {Number: 5}, "pace": {Number: 1}}},
		{"OKNPSZero", with(forms.Input{"recommend": {"0"}}), forms.Answers{"overall": {Number: 4}, "recommend": {Number: 0}}},
		{"OKNPSTen", with(forms.Input{"recommend": {" 10 "}}), forms.Answers{"overall": {Number: 4}, "recommend": {Number: 10}}},
		{"OKSingle", with(forms.Input{"sector": {"academia"}}), forms.Answers{"overall": {Number: 4}, "sector": {Choices: []string{"academia"}}}},
		{"OKMultiSortedByForm", with(forms.Input{"formats": {"exercises", "talks"}}),
			forms.Answers{"overall": {Number: 4}, "formats": {Choices: []string{"talks", "exercises"}}}},
		{"OKTextTrimmed", with(forms.Input{"comment": {"  Ясно и полезно \r\nشكرا  "}}),
			forms.Answers{"overall": {Number: 4}, "comment": {Text: "Ясно и полезно \nشكرا"}}},
		{"OKTextAtLimit", with(forms.Input{"beta_idea": {strings.Repeat("é", 100)}}),
			forms.Answers{"overall": {Number: 4}, "beta_idea": {Text: strings.Repeat("é", 100)}}},
		{"OKBlankOptionalIgnored", with(forms.Input{"pace": {""}, "comment": {"   "}, "formats": {""}}),
			forms.Answers{"overall": {Number: 4}}},
		{"OKFormulaTextKept", with(forms.Input{"beta_idea": {"=HYPERLINK(\"x\")"}}),
			forms.Answers{"overall": {Number: 4}, "beta_idea": {Text: "=HYPERLINK(\"x\")"}}},
	}
	for _, tt := range ok {
		t.Run(tt.name, func(t *testing.T) {
			got, err := w.Validate(tt.in, "en")
			if err != nil {
				t.Fatalf("Validate: %v (%v)", err, forms.FieldErrors(err))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("answers = %+v, want %+v", got, tt.want)
			}
		})
	}

	// The words of these messages, in every language, are the app's; it
	// checks that each of these problems reads as it should.
	msg := func(key string) forms.Problem { return forms.Problem{Key: key} }
	score := func(key string, min, max int) forms.Problem {
		return forms.Problem{Key: key, Args: map[string]any{"min": min, "max": max}}
	}
	bad := []struct {
		name, lang string
		in         forms.Input
		want       map[string]forms.Problem
	}{
		{"ErrRequiredMissing", "en", forms.Input{"pace": {"3"}}, map[string]forms.Problem{"overall": msg(forms.MsgRequired)}},
		{"ErrRequiredBlank", "en", forms.Input{"overall": {" "}, "pace": {"3"}}, map[string]forms.Problem{"overall": msg(forms.MsgRequired)}},
		{"ErrEveryProblemFrench", "fr", forms.Input{"pace": {"9"}}, map[string]forms.Problem{
			"overall": msg(forms.MsgRequired), "pace": score(forms.MsgOutOfRange, 1, 3)}},
		{"ErrRatingTooHigh", "en", with(forms.Input{"overall": {"6"}}), map[string]forms.Problem{"overall": score(forms.MsgOutOfRange, 1, 5)}},
		{"ErrRatingZero", "en", with(forms.Input{"pace": {"0"}}), map[string]forms.Problem{"pace": score(forms.MsgOutOfRange, 1, 3)}},
		{"ErrRatingNotNumber", "en", with(forms.Input{"pace": {"five"}}), map[string]forms.Problem{"pace": score(forms.MsgNotAScore, 1, 3)}},
		{"ErrRatingFraction", "en", with(forms.Input{"pace": {"2.5"}}), map[string]forms.Problem{"pace": score(forms.MsgNotAScore, 1, 3)}},
		{"ErrRatingTwice", "en", with(forms.Input{"pace": {"2", "3"}}), map[string]forms.Problem{"pace": msg(forms.MsgOneScore)}},
		{"ErrNPSEleven", "ru", with(forms.Input{"recommend": {"11"}}), map[string]forms.Problem{"recommend": score(forms.MsgOutOfRange, 0, 10)}},
		{"ErrNPSNegative", "en", with(forms.Input{"recommend": {"-1"}}), map[string]forms.Problem{"recommend": score(forms.MsgOutOfRange, 0, 10)}},
		{"ErrSingleUnknownOption", "en", with(forms.Input{"sector": {"astronaut"}}), map[string]forms.Problem{"sector": msg(forms.MsgUnknownOption)}},
		{"ErrSingleTwice", "en", with(forms.Input{"sector": {"academia", "other"}}), map[string]forms.Problem{"sector": msg(forms.MsgOneChoice)}},
		{"ErrMultiUnknownOption", "en", with(forms.Input{"formats": {"talks", "karaoke"}}), map[string]forms.Problem{"formats": msg(forms.MsgUnknownOption)}},
		{"ErrMultiDuplicate", "en", with(forms.Input{"formats": {"talks", "talks"}}), map[string]forms.Problem{"formats": msg(forms.MsgDuplicateChoice)}},
		{"ErrTextTooLong", "en", with(forms.Input{"comment": {strings.Repeat("a", 201)}}),
			map[string]forms.Problem{"comment": {Key: forms.MsgTooLong, Args: map[string]any{"max": 200, "length": 201}}}},
		{"ErrTextTooLongArabic", "ar", with(forms.Input{"beta_idea": {strings.Repeat("ب", 101)}}),
			map[string]forms.Problem{"beta_idea": {Key: forms.MsgTooLong, Args: map[string]any{"max": 100, "length": 101}}}},
		{"ErrTextInvalidUTF8", "en", with(forms.Input{"comment": {"ok \xff\xfe"}}), map[string]forms.Problem{"comment": msg(forms.MsgInvalidText)}},
		{"ErrTextControlChar", "en", with(forms.Input{"comment": {"bell\x07"}}), map[string]forms.Problem{"comment": msg(forms.MsgInvalidText)}},
		{"ErrTextNUL", "en", with(forms.Input{"comment": {"a\x00b"}}), map[string]forms.Problem{"comment": msg(forms.MsgInvalidText)}},
		{"ErrTextBidiOverride", "en", with(forms.Input{"comment": {"abc\u202Edef"}}), map[string]forms.Problem{"comment": msg(forms.MsgInvalidText)}},
		{"ErrTextTwice", "en", with(forms.Input{"comment": {"a", "b"}}), map[string]forms.Problem{"comment": msg(forms.MsgOneText)}},
		{"ErrUnknownQuestion", "en", with(forms.Input{"favourite_colour": {"blue"}}), map[string]forms.Problem{"favourite_colour": msg(forms.MsgUnknownQuestion)}},
		{"ErrUnknownLanguage", "xx", forms.Input{"pace": {"3"}}, map[string]forms.Problem{"overall": msg(forms.MsgRequired)}},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			got, err := w.Validate(tt.in, tt.lang)
			if err == nil {
				t.Fatalf("no error; answers %+v", got)
			}
			if got != nil {
				t.Errorf("partial answers returned: %+v", got)
			}
			var fe *forms.Error
			if !errors.As(err, &fe) || fe.Code != forms.EINVALID || fe.Key != forms.MsgInvalid {
				t.Errorf("err = %#v, want EINVALID with %s", err, forms.MsgInvalid)
			}
			if fields := forms.FieldErrors(err); !reflect.DeepEqual(fields, tt.want) {
				t.Errorf("fields\n got: %v\nwant: %v", fields, tt.want)
			}
		})
	}
}

func TestInputFromJSON(t *testing.T) {
	w := mustWorkshop(t)
	raw := func(s string) map[string]json.RawMessage {
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	t.Run("OK", func(t *testing.T) {
		in, errs := w.InputFromJSON(raw(`{"overall":5,"pace":3.0,"formats":["talks"],"sector":"academia","comment":"x","recommend":null}`), "en")
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		want := forms.Input{"overall": {"5"}, "pace": {"3"}, "formats": {"talks"}, "sector": {"academia"}, "comment": {"x"}, "recommend": nil}
		if !reflect.DeepEqual(in, want) {
			t.Errorf("input = %v, want %v", in, want)
		}
	})
	wrong := map[string]string{
		"RatingAsString":  `{"overall":"5"}`,
		"RatingFraction":  `{"overall":4.5}`,
		"RatingAsList":    `{"overall":[5]}`,
		"MultiAsString":   `{"formats":"talks"}`,
		"MultiOfNumbers":  `{"formats":[1,2]}`,
		"SingleAsList":    `{"sector":["academia"]}`,
		"TextAsNumber":    `{"comment":42}`,
		"TextAsObject":    `{"comment":{"a":1}}`,
		"RatingHuge":      `{"overall":1e300}`,
		"MultiEmptyEntry": `{"formats":[""]}`,
	}
	for name, body := range wrong {
		t.Run("Err"+name, func(t *testing.T) {
			_, errs := w.InputFromJSON(raw(body), "en")
			if len(errs) != 1 {
				t.Fatalf("errors = %v", errs)
			}
			for _, p := range errs {
				if !reflect.DeepEqual(p, forms.Problem{Key: forms.MsgWrongType}) {
					t.Errorf("problem = %+v", p)
				}
			}
		})
	}
}

func TestValidSubmissionID(t *testing.T) {
	for s, want := range map[string]bool{
		"1b4e28ba-2fa1-41d2-883f-0016d3cca427":  true,
		"1B4E28BA-2FA1-41D2-883F-0016D3CCA427":  true,
		"":                                      false,
		"1b4e28ba2fa141d2883f0016d3cca427":      false,
		"not-a-uuid":                            false,
		"1b4e28ba-2fa1-41d2-883f-0016d3cca427x": false,
		"<script>alert(1)</script>":             false,
	} {
		if got := forms.ValidSubmissionID(s); got != want {
			t.Errorf("ValidSubmissionID(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestAnswersEqualAndValues(t *testing.T) {
	w := mustWorkshop(t)
	a := forms.Answers{"overall": {Number: 4}, "formats": {Choices: []string{"talks"}}, "comment": {Text: "x"}}
	b := forms.Answers{"overall": {Number: 4}, "formats": {Choices: []string{"talks"}}, "comment": {Text: "x"}}
	if !a.Equal(b) {
		t.Error("equal answers not Equal")
	}
	b["comment"] = forms.Answer{Text: "y"}
	if a.Equal(b) {
		t.Error("different answers Equal")
	}
	want := map[string][]string{"overall": {"4"}, "formats": {"talks"}, "comment": {"x"}}
	if got := a.Values(w); !reflect.DeepEqual(got, want) {
		t.Errorf("Values = %v", got)
	}
	// Round trip: the values of valid answers validate to the same answers.
	a["pace"] = forms.Answer{Number: 2}
	back, err := w.Validate(forms.Input(a.Values(w)), "en")
	if err != nil || !back.Equal(a) {
		t.Errorf("round trip = %v, %v", back, err)
	}
}

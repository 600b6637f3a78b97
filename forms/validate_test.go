package forms_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"feedback/forms"
)

func mustWorkshop(t *testing.T) *forms.Workshop {
	t.Helper()
	return forms.Default().Workshop("digital-government")
}

// required is the smallest valid input: both required ratings.
func required() forms.Input {
	return forms.Input{"satisfaction": {"4"}, "relevance": {"5"}}
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
		{"OKRequiredOnly", required(), forms.Answers{"satisfaction": {Number: 4}, "relevance": {Number: 5}}},
		{"OKRatingBounds", with(forms.Input{"apply": {"1"}, "facilitation": {"5"}}),
			forms.Answers{"satisfaction": {Number: 4}, "relevance": {Number: 5}, "apply": {Number: 1}, "facilitation": {Number: 5}}},
		{"OKNPSZero", with(forms.Input{"recommend": {"0"}}), forms.Answers{"satisfaction": {Number: 4}, "relevance": {Number: 5}, "recommend": {Number: 0}}},
		{"OKNPSTen", with(forms.Input{"recommend": {" 10 "}}), forms.Answers{"satisfaction": {Number: 4}, "relevance": {Number: 5}, "recommend": {Number: 10}}},
		{"OKSingle", with(forms.Input{"role": {"academia"}}), forms.Answers{"satisfaction": {Number: 4}, "relevance": {Number: 5}, "role": {Choices: []string{"academia"}}}},
		{"OKMultiSortedByForm", with(forms.Input{"useful_formats": {"practical_tools", "presentations"}}),
			forms.Answers{"satisfaction": {Number: 4}, "relevance": {Number: 5}, "useful_formats": {Choices: []string{"presentations", "practical_tools"}}}},
		{"OKTextTrimmed", with(forms.Input{"takeaway": {"  Ясно и полезно \r\nشكرا  "}}),
			forms.Answers{"satisfaction": {Number: 4}, "relevance": {Number: 5}, "takeaway": {Text: "Ясно и полезно \nشكرا"}}},
		{"OKTextAtLimit", with(forms.Input{"improve": {strings.Repeat("é", 1000)}}),
			forms.Answers{"satisfaction": {Number: 4}, "relevance": {Number: 5}, "improve": {Text: strings.Repeat("é", 1000)}}},
		{"OKBlankOptionalIgnored", with(forms.Input{"apply": {""}, "takeaway": {"   "}, "useful_formats": {""}}),
			forms.Answers{"satisfaction": {Number: 4}, "relevance": {Number: 5}}},
		{"OKFormulaTextKept", with(forms.Input{"next_step": {"=HYPERLINK(\"x\")"}}),
			forms.Answers{"satisfaction": {Number: 4}, "relevance": {Number: 5}, "next_step": {Text: "=HYPERLINK(\"x\")"}}},
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
		{"ErrRequiredMissing", "en", forms.Input{"relevance": {"3"}}, map[string]forms.Problem{"satisfaction": msg(forms.MsgRequired)}},
		{"ErrRequiredBlank", "en", forms.Input{"satisfaction": {" "}, "relevance": {"3"}}, map[string]forms.Problem{"satisfaction": msg(forms.MsgRequired)}},
		{"ErrBothRequiredFrench", "fr", forms.Input{}, map[string]forms.Problem{
			"satisfaction": msg(forms.MsgRequired), "relevance": msg(forms.MsgRequired)}},
		{"ErrRatingTooHigh", "en", with(forms.Input{"satisfaction": {"6"}}), map[string]forms.Problem{"satisfaction": score(forms.MsgOutOfRange, 1, 5)}},
		{"ErrRatingZero", "en", with(forms.Input{"apply": {"0"}}), map[string]forms.Problem{"apply": score(forms.MsgOutOfRange, 1, 5)}},
		{"ErrRatingNotNumber", "en", with(forms.Input{"apply": {"five"}}), map[string]forms.Problem{"apply": score(forms.MsgNotAScore, 1, 5)}},
		{"ErrRatingFraction", "en", with(forms.Input{"apply": {"2.5"}}), map[string]forms.Problem{"apply": score(forms.MsgNotAScore, 1, 5)}},
		{"ErrRatingTwice", "en", with(forms.Input{"apply": {"2", "3"}}), map[string]forms.Problem{"apply": msg(forms.MsgOneScore)}},
		{"ErrNPSEleven", "ru", with(forms.Input{"recommend": {"11"}}), map[string]forms.Problem{"recommend": score(forms.MsgOutOfRange, 0, 10)}},
		{"ErrNPSNegative", "en", with(forms.Input{"recommend": {"-1"}}), map[string]forms.Problem{"recommend": score(forms.MsgOutOfRange, 0, 10)}},
		{"ErrSingleUnknownOption", "en", with(forms.Input{"role": {"astronaut"}}), map[string]forms.Problem{"role": msg(forms.MsgUnknownOption)}},
		{"ErrSingleTwice", "en", with(forms.Input{"gender": {"woman", "man"}}), map[string]forms.Problem{"gender": msg(forms.MsgOneChoice)}},
		{"ErrMultiUnknownOption", "en", with(forms.Input{"useful_formats": {"presentations", "karaoke"}}), map[string]forms.Problem{"useful_formats": msg(forms.MsgUnknownOption)}},
		{"ErrMultiDuplicate", "en", with(forms.Input{"useful_formats": {"presentations", "presentations"}}), map[string]forms.Problem{"useful_formats": msg(forms.MsgDuplicateChoice)}},
		{"ErrTextTooLong", "en", with(forms.Input{"takeaway": {strings.Repeat("a", 1001)}}),
			map[string]forms.Problem{"takeaway": {Key: forms.MsgTooLong, Args: map[string]any{"max": 1000, "length": 1001}}}},
		{"ErrTextTooLongArabic", "ar", with(forms.Input{"takeaway": {strings.Repeat("ب", 1001)}}),
			map[string]forms.Problem{"takeaway": {Key: forms.MsgTooLong, Args: map[string]any{"max": 1000, "length": 1001}}}},
		{"ErrTextInvalidUTF8", "en", with(forms.Input{"takeaway": {"ok \xff\xfe"}}), map[string]forms.Problem{"takeaway": msg(forms.MsgInvalidText)}},
		{"ErrTextControlChar", "en", with(forms.Input{"takeaway": {"bell\x07"}}), map[string]forms.Problem{"takeaway": msg(forms.MsgInvalidText)}},
		{"ErrTextNUL", "en", with(forms.Input{"takeaway": {"a\x00b"}}), map[string]forms.Problem{"takeaway": msg(forms.MsgInvalidText)}},
		{"ErrTextBidiOverride", "en", with(forms.Input{"takeaway": {"abc\u202Edef"}}), map[string]forms.Problem{"takeaway": msg(forms.MsgInvalidText)}},
		{"ErrTextTwice", "en", with(forms.Input{"takeaway": {"a", "b"}}), map[string]forms.Problem{"takeaway": msg(forms.MsgOneText)}},
		{"ErrUnknownQuestion", "en", with(forms.Input{"favourite_colour": {"blue"}}), map[string]forms.Problem{"favourite_colour": msg(forms.MsgUnknownQuestion)}},
		{"ErrUnknownLanguage", "xx", forms.Input{"relevance": {"3"}}, map[string]forms.Problem{"satisfaction": msg(forms.MsgRequired)}},
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
		in, errs := w.InputFromJSON(raw(`{"satisfaction":5,"relevance":4.0,"useful_formats":["case_studies"],"role":"academia","takeaway":"x","apply":null}`), "en")
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		want := forms.Input{"satisfaction": {"5"}, "relevance": {"4"}, "useful_formats": {"case_studies"}, "role": {"academia"}, "takeaway": {"x"}, "apply": nil}
		if !reflect.DeepEqual(in, want) {
			t.Errorf("input = %v, want %v", in, want)
		}
	})
	wrong := map[string]string{
		"RatingAsString":  `{"satisfaction":"5"}`,
		"RatingFraction":  `{"satisfaction":4.5}`,
		"RatingAsList":    `{"satisfaction":[5]}`,
		"MultiAsString":   `{"useful_formats":"case_studies"}`,
		"MultiOfNumbers":  `{"useful_formats":[1,2]}`,
		"SingleAsList":    `{"role":["academia"]}`,
		"TextAsNumber":    `{"takeaway":42}`,
		"TextAsObject":    `{"takeaway":{"a":1}}`,
		"RatingHuge":      `{"satisfaction":1e300}`,
		"MultiEmptyEntry": `{"useful_formats":[""]}`,
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
	a := forms.Answers{"satisfaction": {Number: 4}, "useful_formats": {Choices: []string{"presentations"}}, "takeaway": {Text: "x"}}
	b := forms.Answers{"satisfaction": {Number: 4}, "useful_formats": {Choices: []string{"presentations"}}, "takeaway": {Text: "x"}}
	if !a.Equal(b) {
		t.Error("equal answers not Equal")
	}
	b["takeaway"] = forms.Answer{Text: "y"}
	if a.Equal(b) {
		t.Error("different answers Equal")
	}
	want := map[string][]string{"satisfaction": {"4"}, "useful_formats": {"presentations"}, "takeaway": {"x"}}
	if got := a.Values(w); !reflect.DeepEqual(got, want) {
		t.Errorf("Values = %v", got)
	}
	// Round trip: the values of valid answers validate to the same answers.
	a["relevance"] = forms.Answer{Number: 2}
	back, err := w.Validate(forms.Input(a.Values(w)), "en")
	if err != nil || !back.Equal(a) {
		t.Errorf("round trip = %v, %v", back, err)
	}
}

package forms

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"
)

// Input is a response as it arrives, before it is checked: every question id
// with the raw strings given for it. A form post and a JSON body both become
// an Input, so they are checked by the same rules.
type Input map[string][]string

var (
	validateOnce sync.Once
	validate     *validator.Validate
)

func validatorInstance() *validator.Validate {
	validateOnce.Do(func() {
		validate = validator.New()
		// plaintext accepts valid UTF-8 without control characters other than
		// line breaks and tabs: what a person can type into a text box.
		_ = validate.RegisterValidation("plaintext", func(fl validator.FieldLevel) bool {
			return isPlainText(fl.Field().String())
		})
	})
	return validate
}

func isPlainText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r == '\n' || r == '\t' {
			continue
		}
		if unicode.IsControl(r) || r == '\uFFFD' || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) {
			return false
		}
	}
	return true
}

// ValidSubmissionID reports whether s looks like the random UUID a form carries.
func ValidSubmissionID(s string) bool {
	return len(s) == 36 && validatorInstance().Var(s, "uuid") == nil
}

// Validate checks in against the workshop's questions and returns the answers
// to store, or an *Error with code EINVALID and one message per question id in
// the participant's language. Nothing partial is ever returned.
func (w *Workshop) Validate(in Input, lang string) (Answers, error) {
	v := validatorInstance()
	answers := Answers{}
	fields := map[string]string{}
	for id := range in {
		if w.Question(id) == nil {
			fields[id] = Message(lang, MsgUnknownQuestion)
		}
	}
	for _, q := range w.Questions {
		raw := nonEmpty(in[q.ID])
		if len(raw) == 0 {
			if q.Required {
				fields[q.ID] = Message(lang, MsgRequired)
			}
			continue
		}
		ans, msg := checkAnswer(v, q, raw, lang)
		if msg != "" {
			fields[q.ID] = msg
			continue
		}
		answers[q.ID] = ans
	}
	if len(fields) > 0 {
		return nil, &Error{Code: EINVALID, Message: Message(lang, MsgInvalid), Fields: fields}
	}
	return answers, nil
}

func nonEmpty(vals []string) []string {
	var out []string
	for _, s := range vals {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

func checkAnswer(v *validator.Validate, q *Question, raw []string, lang string) (Answer, string) {
	switch q.Type {
	case Rating, NPS:
		if len(raw) > 1 {
			return Answer{}, Message(lang, MsgOneScore)
		}
		n, err := strconv.Atoi(strings.TrimSpace(raw[0]))
		if err != nil {
			return Answer{}, Messagef(lang, MsgNotAScore, q.Min, q.Max)
		}
		if v.Var(n, tagsOf(q).scoreRange) != nil {
			return Answer{}, Messagef(lang, MsgOutOfRange, q.Min, q.Max)
		}
		return Answer{Number: n}, ""
	case Single:
		if len(raw) > 1 {
			return Answer{}, Message(lang, MsgOneChoice)
		}
		if v.Var(raw[0], tagsOf(q).single) != nil {
			return Answer{}, Message(lang, MsgUnknownOption)
		}
		return Answer{Choices: []string{raw[0]}}, ""
	case Multi:
		if err := v.Var(raw, tagsOf(q).multi); err != nil {
			var ve validator.ValidationErrors
			if errors.As(err, &ve) && len(ve) > 0 && ve[0].Tag() == "unique" {
				return Answer{}, Message(lang, MsgDuplicateChoice)
			}
			return Answer{}, Message(lang, MsgUnknownOption)
		}
		choices := append([]string(nil), raw...)
		sortChoices(q, choices)
		return Answer{Choices: choices}, ""
	default:
		if len(raw) > 1 {
			return Answer{}, Message(lang, MsgOneText)
		}
		text := strings.TrimSpace(strings.ReplaceAll(raw[0], "\r\n", "\n"))
		if v.Var(text, "plaintext") != nil {
			return Answer{}, Message(lang, MsgInvalidText)
		}
		if v.Var(text, tagsOf(q).maxLength) != nil {
			return Answer{}, Messagef(lang, MsgTooLong, q.MaxLength, utf8.RuneCountInString(text))
		}
		return Answer{Text: text}, ""
	}
}

// questionTags are a question's validator rules, built once per question: the
// submit path checks a dozen answers per response and should not format
// the same rule strings again each time.
type questionTags struct {
	scoreRange, single, multi, maxLength string
}

var tagCache sync.Map // *Question → *questionTags

func tagsOf(q *Question) *questionTags {
	if t, ok := tagCache.Load(q); ok {
		return t.(*questionTags)
	}
	opts := optionList(q)
	t := &questionTags{
		scoreRange: fmt.Sprintf("min=%d,max=%d", q.Min, q.Max),
		single:     "oneof=" + opts,
		multi:      "unique,dive,oneof=" + opts,
		maxLength:  fmt.Sprintf("max=%d", q.MaxLength),
	}
	actual, _ := tagCache.LoadOrStore(q, t)
	return actual.(*questionTags)
}

func optionList(q *Question) string {
	ids := make([]string, len(q.Options))
	for i, o := range q.Options {
		ids[i] = o.ID
	}
	return strings.Join(ids, " ")
}

// InputFromJSON turns the "answers" object of an API request into an Input,
// refusing values of the wrong JSON type for their question with a message
// per question rather than one error for the whole body.
func (w *Workshop) InputFromJSON(answers map[string]json.RawMessage, lang string) (Input, map[string]string) {
	in := Input{}
	fields := map[string]string{}
	for id, raw := range answers {
		q := w.Question(id)
		if q == nil {
			fields[id] = Message(lang, MsgUnknownQuestion)
			continue
		}
		vals, ok := jsonValues(q, raw)
		if !ok {
			fields[id] = Message(lang, MsgWrongType)
			continue
		}
		in[id] = vals
	}
	return in, fields
}

func jsonValues(q *Question, raw json.RawMessage) ([]string, bool) {
	s := strings.TrimSpace(string(raw))
	if s == "null" {
		return nil, true
	}
	switch q.Type {
	case Rating, NPS:
		var f float64
		if err := json.Unmarshal(raw, &f); err != nil || f != math.Trunc(f) || math.Abs(f) > 1e9 {
			return nil, false
		}
		return []string{strconv.Itoa(int(f))}, true
	case Multi:
		var list []string
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, false
		}
		for _, x := range list {
			if x == "" {
				return nil, false
			}
		}
		return list, true
	default:
		var str string
		if err := json.Unmarshal(raw, &str); err != nil {
			return nil, false
		}
		return []string{str}, true
	}
}

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
// to store, or an *Error with code EINVALID and a Problem per question id. A
// question whose condition does not hold is not asked: an answer to it is
// refused (MsgNotAsked), and it is not required.
// Nothing partial is ever returned. The second argument, once the language of
// the messages, is unused: what is wrong is said by keys, which the app puts
// into the participant's words.
func (w *Workshop) Validate(in Input, _ string) (Answers, error) {
	v := validatorInstance()
	answers := Answers{}
	fields := map[string]Problem{}
	for id := range in {
		if w.Question(id) == nil {
			fields[id] = Problem{Key: MsgUnknownQuestion}
		}
	}
	for _, q := range w.Questions {
		raw := nonEmpty(in[q.ID])
		// Conditions read earlier questions only, so the answers so far
		// decide whether q is asked.
		if !q.Applies(answers) {
			if len(raw) > 0 {
				fields[q.ID] = Problem{Key: MsgNotAsked}
			}
			continue
		}
		if len(raw) == 0 {
			if q.Required {
				fields[q.ID] = Problem{Key: MsgRequired}
			}
			continue
		}
		ans, p := checkAnswer(v, q, raw)
		if p.Key != "" {
			fields[q.ID] = p
			continue
		}
		answers[q.ID] = ans
	}
	if len(fields) > 0 {
		return nil, &Error{Code: EINVALID, Key: MsgInvalid, Fields: fields}
	}
	return answers, nil
}

// Asked returns in without the answers to questions that stopped applying:
// a participant who changes an earlier answer on the form gets no error for
// a follow-up she can no longer see. Answers to unknown questions are kept,
// so that Validate still refuses them.
func (w *Workshop) Asked(in Input) Input {
	if !w.Conditional() {
		return in // every question is asked: nothing to drop
	}
	applies := w.Applying(in)
	out := make(Input, len(in))
	for id, vals := range in {
		if q := w.Question(id); q == nil || applies[id] {
			out[id] = vals
		}
	}
	return out
}

// Applying says which questions are asked, given in: each question's
// condition read against the answers before it that are valid.
func (w *Workshop) Applying(in Input) map[string]bool {
	applies := make(map[string]bool, len(w.Questions))
	if !w.Conditional() {
		for _, q := range w.Questions {
			applies[q.ID] = true
		}
		return applies
	}
	v := validatorInstance()
	answers := Answers{}
	for _, q := range w.Questions {
		if !q.Applies(answers) {
			continue
		}
		applies[q.ID] = true
		if raw := nonEmpty(in[q.ID]); len(raw) > 0 {
			if a, p := checkAnswer(v, q, raw); p.Key == "" {
				answers[q.ID] = a
			}
		}
	}
	return applies
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

// checkAnswer turns the non-blank raw values of q into its answer, or says
// what is wrong with them.
func checkAnswer(v *validator.Validate, q *Question, raw []string) (Answer, Problem) {
	switch q.Type {
	case Rating, NPS:
		if len(raw) > 1 {
			return Answer{}, Problem{Key: MsgOneScore}
		}
		n, err := strconv.Atoi(strings.TrimSpace(raw[0]))
		if err != nil {
			return Answer{}, Problem{Key: MsgNotAScore, Args: scoreRange(q)}
		}
		if v.Var(n, tagsOf(q).scoreRange) != nil {
			return Answer{}, Problem{Key: MsgOutOfRange, Args: scoreRange(q)}
		}
		return Answer{Number: n}, Problem{}
	case Single:
		if len(raw) > 1 {
			return Answer{}, Problem{Key: MsgOneChoice}
		}
		if v.Var(raw[0], tagsOf(q).single) != nil {
			return Answer{}, Problem{Key: MsgUnknownOption}
		}
		return Answer{Choices: []string{raw[0]}}, Problem{}
	case Multi:
		if err := v.Var(raw, tagsOf(q).multi); err != nil {
			var ve validator.ValidationErrors
			if errors.As(err, &ve) && len(ve) > 0 && ve[0].Tag() == "unique" {
				return Answer{}, Problem{Key: MsgDuplicateChoice}
			}
			return Answer{}, Problem{Key: MsgUnknownOption}
		}
		choices := append([]string(nil), raw...)
		sortChoices(q, choices)
		return Answer{Choices: choices}, Problem{}
	default:
		if len(raw) > 1 {
			return Answer{}, Problem{Key: MsgOneText}
		}
		text := strings.TrimSpace(strings.ReplaceAll(raw[0], "\r\n", "\n"))
		if v.Var(text, "plaintext") != nil {
			return Answer{}, Problem{Key: MsgInvalidText}
		}
		if v.Var(text, tagsOf(q).maxLength) != nil {
			return Answer{}, Problem{Key: MsgTooLong, Args: map[string]any{"max": q.MaxLength, "length": utf8.RuneCountInString(text)}}
		}
		return Answer{Text: text}, Problem{}
	}
}

// scoreRange fills the {min} and {max} of a score question's messages.
func scoreRange(q *Question) map[string]any {
	return map[string]any{"min": q.Min, "max": q.Max}
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
// refusing values of the wrong JSON type for their question with a Problem
// per question rather than one error for the whole body. The second
// argument is unused, as Validate's.
func (w *Workshop) InputFromJSON(answers map[string]json.RawMessage, _ string) (Input, map[string]Problem) {
	in := Input{}
	fields := map[string]Problem{}
	for id, raw := range answers {
		q := w.Question(id)
		if q == nil {
			fields[id] = Problem{Key: MsgUnknownQuestion}
			continue
		}
		vals, ok := jsonValues(q, raw)
		if !ok {
			fields[id] = Problem{Key: MsgWrongType}
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

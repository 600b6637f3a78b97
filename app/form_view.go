package main

import (
	"encoding/json"
	"slices"
	"strconv"

	"feedback/forms"
)

// A form comes in pages when it has conditions (forms.Workshop.Pages): a page
// ends before the first question whose condition reads an answer given on
// it. Without JavaScript the participant posts a page and gets the next one
// with only the questions that apply, her answers so far carried in hidden
// fields. The page is rendered with every other question too, hidden and
// disabled (so a browser without JavaScript neither shows nor sends them),
// for form.js to turn into one page that shows and hides questions as she
// answers, from each one's data-show-if.

// formView is a workshop's form as the template shows it: every question with
// the participant's answers and the message for it, if any.
type formView struct {
	Slug         string
	Title        string
	Action       string
	SubmissionID string
	Lang         string
	Questions    []questionView
	Errors       []fieldError
	Notice       string // a problem that is no one field's: not saved, closed
	Returning    bool   // this phone already answered and may change it
	// Page is the page shown, 1 to Pages; Back offers the page before.
	Page, Pages int
	Back        bool
	Carry       []carried // answers of the questions on other pages
}

// Last reports whether the page shown is the one that sends the response.
func (v *formView) Last() bool { return v.Page >= v.Pages }

type fieldError struct {
	ID, Label, Message string
}

// carried is one answer kept in a hidden field while another page is shown.
type carried struct{ Name, Value string }

type questionView struct {
	ID, Type, Label, Error, Hint string
	Note                         string // the forms file's hint
	Required                     bool
	MinLabel, MaxLabel           string
	Choices                      []choiceView
	Text                         string
	MaxLength                    int
	// Off is set on a question that is not on the page shown, or does not
	// apply: rendered hidden and disabled.
	Off bool
	// ShowIf is the question's condition as JSON, for form.js.
	ShowIf  string
	Section *sectionView // a heading to show before the question
}

type sectionView struct {
	Title, Text, ShowIf string
	Off                 bool
	Repeat              bool // repeated at the top of a page; one page needs it once
}

type choiceView struct {
	Value, Label, ID string
	Checked          bool
}

// formPages is a workshop's pages and the page of each question.
type formPages struct {
	pages  [][]*forms.Question
	pageOf map[string]int // 1-based
}

// firstPageOf is the first page with one of errs' questions, or page (1 at
// least) when none is on a page.
func (fp formPages) firstPageOf(errs map[string]string, page int) int {
	first := 0
	for id := range errs {
		if p, ok := fp.pageOf[id]; ok && (first == 0 || p < first) {
			first = p
		}
	}
	if first == 0 {
		return max(page, 1)
	}
	return first
}

// page is the page q is on.
func (fp formPages) page(q *forms.Question) int {
	if fp.pageOf == nil {
		return 1
	}
	return fp.pageOf[q.ID]
}

func pagesOf(w *forms.Workshop) formPages {
	if !w.Conditional() {
		return formPages{pages: [][]*forms.Question{w.Questions}} // one page: pageOf is not needed
	}
	fp := formPages{pages: w.Pages(), pageOf: map[string]int{}}
	for i, qs := range fp.pages {
		for _, q := range qs {
			fp.pageOf[q.ID] = i + 1
		}
	}
	return fp
}

// formView builds page of w's form with values; page 0 is the first.
func (s *server) formView(w *forms.Workshop, lang, submissionID string, values map[string][]string, errs map[string]string, page int) *formView {
	fp := pagesOf(w)
	page = min(max(page, 1), len(fp.pages))
	v := &formView{
		Slug: w.Slug, Title: w.Title.Get(lang), Action: "/w/" + w.Slug, SubmissionID: submissionID, Lang: lang,
		Page: page, Pages: len(fp.pages), Back: page > 1,
	}
	applies := w.Applying(values)
	var prev *forms.Section
	for i, q := range w.Questions {
		qv := s.questionView(q, lang, values[q.ID], errs[q.ID])
		on := fp.page(q) == page
		qv.Off = !on || !applies[q.ID]
		if !on && applies[q.ID] {
			for _, val := range values[q.ID] {
				v.Carry = append(v.Carry, carried{Name: q.ID, Value: val})
			}
		}
		if q.Section != nil && (q.Section != prev || (on && i > 0 && fp.page(w.Questions[i-1]) != page)) {
			qv.Section = s.sectionView(q.Section, lang, q.Section == prev, qv.Off)
		}
		prev = q.Section
		v.Questions = append(v.Questions, qv)
		if msg, ok := errs[q.ID]; ok {
			v.Errors = append(v.Errors, fieldError{ID: q.ID, Label: qv.Label, Message: msg})
		}
	}
	showHeadings(v.Questions)
	// Errors about fields the form does not have (a tampered or outdated
	// form) still reach the summary, so nothing is refused silently.
	for id, msg := range errs {
		if w.Question(id) == nil {
			v.Errors = append(v.Errors, fieldError{ID: "", Label: id, Message: msg})
		}
	}
	return v
}

// showHeadings shows a section's heading when a question under it, on the
// same page, is shown.
func showHeadings(qs []questionView) {
	for i := range qs {
		sec := qs[i].Section
		if sec == nil {
			continue
		}
		sec.Off = true
		for j := i; j < len(qs) && (j == i || qs[j].Section == nil); j++ {
			if !qs[j].Off {
				sec.Off = false
				break
			}
		}
	}
}

func (s *server) sectionView(sec *forms.Section, lang string, repeat, off bool) *sectionView {
	return &sectionView{Title: sec.Title.Get(lang), Text: sec.Text.Get(lang), ShowIf: conditionJSON(sec.ShowIf), Off: off, Repeat: repeat}
}

// questionView is one question with the participant's answer and its error.
func (s *server) questionView(q *forms.Question, lang string, given []string, errMsg string) questionView {
	qv := questionView{
		ID: q.ID, Type: string(q.Type), Label: s.questionLabel(q, lang), Required: q.Required,
		Error: errMsg, Note: q.Hint.Get(lang), ShowIf: conditionJSON(q.Condition()),
	}
	checked := func(val string) bool { return slices.Contains(given, val) }
	switch q.Type {
	case forms.Rating, forms.NPS:
		qv.MinLabel, qv.MaxLabel = q.MinLabel.Get(lang), q.MaxLabel.Get(lang)
		if qv.MinLabel != "" && qv.MaxLabel != "" {
			qv.Hint = s.text.Tf(lang, "rating_scale", "min", q.Min, "low", qv.MinLabel, "max", q.Max, "high", qv.MaxLabel)
		}
		for _, n := range q.Scores() {
			val := strconv.Itoa(n)
			qv.Choices = append(qv.Choices, choiceView{Value: val, Label: val, ID: q.ID + "-" + val, Checked: checked(val)})
		}
	case forms.Single, forms.Multi:
		qv.Hint = s.text.T(lang, "choose_one")
		if q.Type == forms.Multi {
			qv.Hint = s.text.T(lang, "choose_any")
		}
		for _, o := range q.Options {
			qv.Choices = append(qv.Choices, choiceView{Value: o.ID, Label: s.optionLabel(q, o, lang), ID: q.ID + "-" + o.ID, Checked: checked(o.ID)})
		}
	default:
		qv.MaxLength = q.MaxLength
		qv.Hint = s.text.Tf(lang, "max_chars", "max", q.MaxLength)
		if len(given) > 0 {
			qv.Text = given[0]
		}
	}
	return qv
}

// questionLabel is a question's label in lang; the "please specify" question
// of an other: true choice is worded by the catalogue.
func (s *server) questionLabel(q *forms.Question, lang string) string {
	if q.OtherOf != "" {
		// "Where do you work? — Please specify": the page it is on may not
		// show the choice it follows.
		for _, p := range s.forms.Questions() {
			if p.ID == q.OtherOf {
				return s.questionLabel(p, lang) + " — " + s.text.T(lang, "other_specify")
			}
		}
		return s.text.T(lang, "other_specify")
	}
	return q.Label.Get(lang)
}

// optionLabel is an option's label in lang; the "other" option of an
// other: true choice is worded by the catalogue.
func (s *server) optionLabel(q *forms.Question, o forms.Option, lang string) string {
	if q.Other && o.ID == forms.OtherOption {
		return s.text.T(lang, "other_option")
	}
	return o.Label.Get(lang)
}

// conditionJSON is a condition in the forms file's notation, "" for none.
func conditionJSON(c *forms.Condition) string {
	if c == nil {
		return ""
	}
	b, err := json.Marshal(c)
	if err != nil {
		return ""
	}
	return string(b)
}

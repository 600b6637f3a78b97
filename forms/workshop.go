package forms

import "time"

// Workshop is one session of the forum with its feedback form.
type Workshop struct {
	Slug  string
	Title Text
	// OpensAt and ClosesAt bound when the form takes responses; a zero time
	// means no bound.
	OpensAt, ClosesAt time.Time
	Questions         []*Question
	// Questionnaire names the list of questions the workshop asks before its
	// own: "" for the default one, "none" for only its own.
	Questionnaire string
	// ResultsPublic is the forms file's results: public: once the workshop
	// is closed, its figures are given back to the public (results.go);
	// the organizer's decision wins over it.
	ResultsPublic bool
}

// Conditional reports whether any question of the form has a condition (its
// own or its section's): only then can answers stop applying, or the form
// come in more than one page.
func (w *Workshop) Conditional() bool {
	for _, q := range w.Questions {
		if q.Condition() != nil {
			return true
		}
	}
	return false
}

// Pages splits the form into the pages a participant without JavaScript is
// shown: a page ends before the first question whose condition (or its
// section's) reads an answer given on that page, so that every page asks
// only questions that are known to apply.
func (w *Workshop) Pages() [][]*Question {
	var pages [][]*Question
	var page []*Question
	onPage := map[string]bool{}
	for _, q := range w.Questions {
		for _, id := range q.Condition().Questions() {
			if onPage[id] {
				pages = append(pages, page)
				page, onPage = nil, map[string]bool{}
				break
			}
		}
		page = append(page, q)
		onPage[q.ID] = true
	}
	if len(page) > 0 {
		pages = append(pages, page)
	}
	return pages
}

// Question returns the workshop's question with id, or nil.
func (w *Workshop) Question(id string) *Question {
	for _, q := range w.Questions {
		if q.ID == id {
			return q
		}
	}
	return nil
}

// OpenAt reports whether the form takes responses at t by its schedule.
func (w *Workshop) OpenAt(t time.Time) bool {
	if !w.OpensAt.IsZero() && t.Before(w.OpensAt) {
		return false
	}
	if !w.ClosesAt.IsZero() && !t.Before(w.ClosesAt) {
		return false
	}
	return true
}

// Forms is a loaded forms file: the workshops in forum order.
type Forms struct {
	// Title is the forum's, heading every page, poster and workbook (may be
	// empty).
	Title     Text
	Languages []string
	Workshops []*Workshop
	// Location is the forum's time zone: times shown to people are in it
	// (stored times are UTC). UTC when the file names none.
	Location *time.Location
	// Figures are what the summaries lead with, as the file declares them.
	Figures Figures
	// Themes are the comment themes the file declares (themes:), the first
	// the store knows; the rapporteur adds more on the comments page.
	Themes []Theme
}

// Figures names the questions the summaries lead with. Nothing is shown of a
// figure that is not declared.
type Figures struct {
	// Headline is a rating: the Overview's chart and the dashboard's first
	// figure.
	Headline string
	// Gain is two ratings on one scale, before and after: "after − before".
	Gain []string
	// Profile are single choices to break the figures down by.
	Profile []string
}

// Workshop returns the workshop with slug, or nil.
func (f *Forms) Workshop(slug string) *Workshop {
	for _, w := range f.Workshops {
		if w.Slug == slug {
			return w
		}
	}
	return nil
}

// Questions returns every distinct question of every workshop, in the order
// they are first asked: the columns of a table of all responses.
func (f *Forms) Questions() []*Question {
	var qs []*Question
	seen := map[string]bool{}
	for _, w := range f.Workshops {
		for _, q := range w.Questions {
			if !seen[q.ID] {
				seen[q.ID] = true
				qs = append(qs, q)
			}
		}
	}
	return qs
}

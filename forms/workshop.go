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
	Languages []string
	Workshops []*Workshop
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

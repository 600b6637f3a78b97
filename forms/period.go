package forms

import (
	"sort"
	"time"
)

// The forms file may change mid-forum: a question added, removed or renamed
// (a new id) between two starts of the service. A summary that divides by
// every response would then be wrong about such a question, so the store
// records, at each start, which questions each workshop's form asks from then
// on, and the summaries count, for each question, the responses that were
// asked it.

// Period is a span of time in which a workshop's form asked a question.
type Period struct {
	// From is when the form began to ask it. Zero means from before the
	// first record: responses collected before the service recorded its
	// forms count as asked the questions the form had then.
	From time.Time
	// Until is when the form stopped asking it; zero means it still does.
	Until time.Time
}

// Contains reports whether t falls in the period, From included, Until not:
// a response stored at the instant of a restart belongs to the new form.
func (p Period) Contains(t time.Time) bool {
	if !p.From.IsZero() && t.Before(p.From) {
		return false
	}
	return p.Until.IsZero() || t.Before(p.Until)
}

// Always reports whether the period covers the whole forum so far: the
// question was asked from the first record and still is.
func (p Period) Always() bool { return p.From.IsZero() && p.Until.IsZero() }

// QuestionPeriods holds, for each workshop slug and question id, the periods
// in which the workshop's form asked that question, in time order. A workshop
// without an entry has nothing recorded (the store predates the record, or
// cannot keep one): its current form is taken to have been asked of all its
// responses.
type QuestionPeriods map[string]map[string][]Period

// Recorded reports whether anything is known of the workshop's past forms.
func (qp QuestionPeriods) Recorded(slug string) bool {
	_, ok := qp[slug]
	return ok
}

// Periods returns the periods in which the workshop asked the question, nil
// when it never did or nothing is recorded.
func (qp QuestionPeriods) Periods(slug, id string) []Period { return qp[slug][id] }

// Changed reports whether the workshop's form did not ask the question all
// along: it was added, removed, or both, after the first record.
func (qp QuestionPeriods) Changed(slug, id string) bool {
	if !qp.Recorded(slug) {
		return false
	}
	ps := qp[slug][id]
	return len(ps) != 1 || !ps[0].Always()
}

// Questions returns the ids of every question the workshop's form has asked
// since the first record, sorted.
func (qp QuestionPeriods) Questions(slug string) []string {
	ids := make([]string, 0, len(qp[slug]))
	for id := range qp[slug] {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Asked reports whether response r, to workshop w (nil when the forms file no
// longer has it), was asked the question with id. An answer proves it was, so
// asked is never fewer than answered (a replica still on the old forms file
// during a rolling restart, or clocks a little apart, cannot make it so).
// Otherwise the workshop's record decides by the response's submission time;
// without a record, the workshop's current form does.
//
// A participant who changes a response later is taken to have been asked
// what the form had when they first sent it, plus what they answered since.
func (qp QuestionPeriods) Asked(w *Workshop, r *Response, id string) bool {
	return qp.AskedOf(w, r)(id)
}

// AskedOf is Asked for every question of one response, with the look-ups
// that do not depend on the question done once: a tally asks it of each
// question of every response.
func (qp QuestionPeriods) AskedOf(w *Workshop, r *Response) func(id string) bool {
	byQuestion, recorded := qp[r.Workshop]
	return func(id string) bool {
		if !recorded {
			if w != nil && w.Question(id) != nil {
				return true
			}
		} else {
			for _, p := range byQuestion[id] {
				if p.Contains(r.SubmittedAt) {
					return true
				}
			}
		}
		_, answered := r.Answers[id]
		return answered
	}
}

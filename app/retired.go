package main

import (
	"context"
	"sort"
	"sync"

	"feedback/forms"
)

// The forms file may change mid-forum: a question renamed (a new id), added
// or removed after responses exist. Answers are stored by question id, so
// nothing is deleted; what follows makes sure nothing is dropped on the way
// out either. A question that stored responses answer but the forms file no
// longer asks is "retired": its answers keep their columns in the raw data,
// and a participant who changes a response keeps the answers the new form no
// longer shows.

// retiredCache is the retired questions, read from the store once, at start
// (run calls retiredQuestions before serving, so no participant's request
// pays for the scan): answers to questions the forms file lacks cannot be
// added while the service runs. A failed read is tried again on next use.
type retiredCache struct {
	mu     sync.Mutex
	loaded bool
	bySlug map[string][]*forms.Question // per workshop, by id
}

// retiredQuestions returns, per workshop slug, the questions its stored
// responses answer that the workshop no longer asks, as questions of the
// type their answers have, ordered by id.
func (s *server) retiredQuestions(ctx context.Context) (map[string][]*forms.Question, error) {
	s.retired.mu.Lock()
	loaded, bySlug := s.retired.loaded, s.retired.bySlug
	s.retired.mu.Unlock()
	if loaded {
		return bySlug, nil
	}
	// Read outside the lock: requests that come while it runs (only before
	// the first read succeeded) read too, rather than queue behind a lock.
	answered, err := s.db.AnsweredQuestions(ctx)
	if err != nil {
		return nil, err // not cached: the next request asks again
	}
	out := map[string][]*forms.Question{}
	for slug, qs := range answered {
		w := s.forms.Workshop(slug)
		for id, t := range qs {
			if w != nil && w.Question(id) != nil {
				continue
			}
			out[slug] = append(out[slug], &forms.Question{ID: id, Type: t,
				Label: forms.Text{forms.DefaultLanguage: id + " (no longer in the forms file)"}})
		}
		sort.Slice(out[slug], func(i, j int) bool { return out[slug][i].ID < out[slug][j].ID })
	}
	if len(out) > 0 {
		ids := 0
		for _, qs := range out {
			ids += len(qs)
		}
		s.log.Info("stored answers to questions the forms file no longer asks are kept and exported", "questions", ids)
	}
	s.retired.mu.Lock()
	defer s.retired.mu.Unlock()
	if s.retired.loaded {
		return s.retired.bySlug, nil
	}
	s.retired.bySlug, s.retired.loaded = out, true
	return out, nil
}

// retiredColumns are the extra columns of a raw export: the retired
// questions of one workshop, or of all of them less those another workshop
// still asks (their answers already have a column).
func (s *server) retiredColumns(ctx context.Context, slug string) ([]*forms.Question, error) {
	retired, err := s.retiredQuestions(ctx)
	if err != nil || len(retired) == 0 {
		return nil, err
	}
	if slug != "" {
		return retired[slug], nil
	}
	asked := map[string]bool{}
	for _, q := range s.forms.Questions() {
		asked[q.ID] = true
	}
	var out []*forms.Question
	for _, qs := range retired {
		for _, q := range qs {
			if !asked[q.ID] {
				asked[q.ID] = true
				out = append(out, q)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// keepRetiredAnswers adds to a participant's new answers the answers their
// stored response gives to questions this workshop no longer asks: the form
// could not show them, so sending it must not erase them. It costs a read
// only when the workshop has retired questions; if that read fails the save
// goes on with the answers as sent (and meets the same fault, if any).
func (s *server) keepRetiredAnswers(ctx context.Context, w *forms.Workshop, submissionID string, answers forms.Answers) forms.Answers {
	retired, err := s.retiredQuestions(ctx)
	if err != nil || len(retired[w.Slug]) == 0 {
		return answers
	}
	prev, err := s.db.ResponseBySubmission(ctx, submissionID)
	if err != nil || prev.Workshop != w.Slug {
		return answers
	}
	var out forms.Answers
	for id, a := range prev.Answers {
		if w.Question(id) != nil {
			continue
		}
		if out == nil {
			out = make(forms.Answers, len(answers)+1)
			for k, v := range answers {
				out[k] = v
			}
		}
		out[id] = a
	}
	if out == nil {
		return answers
	}
	return out
}

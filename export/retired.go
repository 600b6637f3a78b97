package export

import "feedback/forms"

// rawColumns are the question columns of the raw data: the questions of the
// forms file (rawQuestions), then the retired ones the app found answered in
// the store, so that an answer to a question removed mid-forum still reaches
// the rapporteur. A new slice: rawQuestions may return a workshop's own.
func rawColumns(f *forms.Forms, opt Options) []*forms.Question {
	qs := rawQuestions(f, opt.Workshop)
	out := make([]*forms.Question, 0, len(qs)+len(opt.Retired))
	out = append(out, qs...)
	for _, q := range opt.Retired {
		if !hasQuestion(out, q.ID) {
			out = append(out, q)
		}
	}
	return out
}

func hasQuestion(qs []*forms.Question, id string) bool {
	for _, q := range qs {
		if q.ID == id {
			return true
		}
	}
	return false
}

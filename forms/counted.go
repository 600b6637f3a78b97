package forms

// CountedSummary makes the summary of a workshop from kept counts instead of
// its responses (the store's tallies): responses, each score's count by
// question, and the non-empty text answers by question. It holds what the
// dashboard shows (means, gain, NPS, distributions) and equals the summary of
// the same responses added one by one, for those figures; it has no choice
// counts, no profile groups and no Asked.
func CountedSummary(questions []*Question, responses int, scores map[string]map[int]int, texts map[string]int) *Summary {
	s := newSummary(questions)
	s.Responses = responses
	for _, q := range questions {
		switch {
		case q.IsScore():
			t := s.Scores[q.ID]
			for score, n := range scores[q.ID] {
				t.AddN(score, n)
			}
		case q.Type == FreeText:
			s.Texts[q.ID] = texts[q.ID]
		}
	}
	return s
}

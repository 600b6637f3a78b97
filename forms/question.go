package forms

// Type is the kind of a question; it decides how an answer is given, checked,
// stored and summarised.
type Type string

// The question types of the forms file.
const (
	Rating   Type = "rating" // a score between Min and Max, e.g. 1–5
	NPS      Type = "nps"    // the 0–10 likelihood to recommend, summarised as a Net Promoter Score
	Single   Type = "single" // one option
	Multi    Type = "multi"  // any number of options
	FreeText Type = "text"   // free text up to MaxLength characters
)

// DefaultMaxLength bounds a text answer when the forms file does not.
const DefaultMaxLength = 1000

// Question is one question of a workshop's form.
type Question struct {
	ID       string
	Type     Type
	Required bool
	Label    Text
	// Min and Max bound a Rating or NPS score; MinLabel and MaxLabel say what
	// the ends of the scale mean.
	Min, Max           int
	MinLabel, MaxLabel Text
	// MaxLength bounds a FreeText answer, in characters (not bytes).
	MaxLength int
	Options   []Option
	// Hint is shown under the label.
	Hint Text
	// Section is the heading the question is under, or nil.
	Section *Section
	// ShowIf is the question's own condition (nil: always asked, as far as
	// its section is); Condition joins it with its section's.
	ShowIf *Condition
	// Other adds "Other (please specify)" to a choice: the option OtherOption
	// and a text question OtherID() asked when it is chosen.
	Other bool
	// OtherOf names the choice whose "other" text this question is.
	OtherOf string
}

// OtherOption is the option id of "Other (please specify)".
const OtherOption = "other"

// OtherID is the id of the text question that asks what "other" is.
func (q *Question) OtherID() string { return q.ID + "_other" }

// Section is a heading in a form, with an optional text under it; its
// condition covers every question up to the next section.
type Section struct {
	Title  Text
	Text   Text
	ShowIf *Condition
}

// Condition is whether the question is asked: its own condition and its
// section's, both (nil: always).
func (q *Question) Condition() *Condition {
	var sec *Condition
	if q.Section != nil {
		sec = q.Section.ShowIf
	}
	return and(sec, q.ShowIf)
}

// Applies reports whether the question is asked, given the answers to the
// questions before it.
func (q *Question) Applies(answers Answers) bool { return q.Condition().Holds(answers) }

// Option is one choice of a Single or Multi question. Its ID is stable, so that
// answers given in any language, or before a label was reworded, add up.
type Option struct {
	ID    string
	Label Text
}

// Scores returns the possible scores of a Rating or NPS question, lowest first.
func (q *Question) Scores() []int {
	if q.Type != Rating && q.Type != NPS {
		return nil
	}
	s := make([]int, 0, q.Max-q.Min+1)
	for v := q.Min; v <= q.Max; v++ {
		s = append(s, v)
	}
	return s
}

// Option returns the option with id, if the question has it.
func (q *Question) Option(id string) (Option, bool) {
	for _, o := range q.Options {
		if o.ID == id {
			return o, true
		}
	}
	return Option{}, false
}

// IsScore reports whether the question's answers are numbers.
func (q *Question) IsScore() bool { return q.Type == Rating || q.Type == NPS }

// IsChoice reports whether the question's answers are option ids.
func (q *Question) IsChoice() bool { return q.Type == Single || q.Type == Multi }

package forms

// "Other (please specify)": a choice question with other: true gets the
// option OtherOption and, right after it, a text question asked only when
// that option is chosen. Its answers are comments under the choice.

// otherLabel and otherTextLabel are the English labels of the option and of
// the text question, as the workbook shows them; participants read them in
// their language from the interface's catalogue (keys other_option and
// other_specify), since the forms file does not word them.
var (
	otherLabel     = Text{DefaultLanguage: "Other (please specify)"}
	otherTextLabel = Text{DefaultLanguage: "Please specify"}
)

// otherMaxLength bounds the "please specify" text.
const otherMaxLength = 200

// otherQuestion is the text question that asks what q's "other" is: asked
// when it is chosen, required then if q is required.
func otherQuestion(q *Question) *Question {
	return &Question{
		ID: q.OtherID(), Type: FreeText, Required: q.Required, MaxLength: otherMaxLength,
		Label: otherTextLabel, Section: q.Section, OtherOf: q.ID,
		ShowIf: &Condition{Question: q.ID, In: []string{OtherOption}},
	}
}

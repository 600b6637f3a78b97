// Package forms is the domain of the feedback service: the forms file and the
// workshops it declares, their questions, the answers of a response and how
// they are validated, the summaries the rapporteur reads, and the one error
// type with its codes. What a participant is told is carried as message keys
// and arguments (Problem), never as words: the app holds the words.
//
// It imports nothing of ours, and nothing of the web framework, the
// databases or the workbook: the store, the export and the app depend on it,
// never the other way round.
package forms

package main

import (
	"context"
	"log/slog"
	"time"

	"feedback/forms"
	"feedback/store"
)

// recordForms records, before the service serves, which questions each
// workshop's form asks from now on, so that the workbook can say of how many
// responses a question added or removed mid-forum was asked. It logs what
// changed since the last start, for the organizer who edited the file. A
// failure does not stop the start: participants' forms matter more than the
// record, and the next start records the forms again (responses until then
// count by the forms last recorded, and always as asked what they answer).
func recordForms(ctx context.Context, db store.Store, f *forms.Forms, now time.Time, log *slog.Logger) {
	change, err := db.RecordForms(ctx, f, now)
	if err != nil {
		log.Error("could not record the forms file's questions: the workbook may count questions changed since the last start as asked of every response", "err", err)
		return
	}
	if len(change.Added)+len(change.Removed) > 0 {
		log.Info("the forms file changed since the last start: the workbook counts these questions over the responses asked them, and keeps every stored answer",
			"added", change.Added, "removed", change.Removed)
	}
}

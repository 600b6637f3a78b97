package store

import (
	"context"
	"time"

	"feedback/forms"
)

// Store is what the app needs from storage. SQLite implements it for one
// machine, PostgreSQL (postgres.go) for replicas sharing a database server;
// every implementation must pass the same test suite (storetest), so the app
// and the export never need to know which one they talk to.
type Store interface {
	// SaveResponse stores a response keyed by its submission_id and returns
	// once it is durable, or once ctx ends: a response whose caller was not
	// told may still be stored, and is a retry when sent again.
	SaveResponse(ctx context.Context, r *forms.Response) (Saved, error)
	// ResponseBySubmission finds a stored response (ENOTFOUND if none).
	ResponseBySubmission(ctx context.Context, submissionID string) (*forms.Response, error)
	// EachResponse streams stored responses in submission order.
	EachResponse(ctx context.Context, f Filter, fn func(r *forms.Response) error) error
	// DeleteResponse removes a response by its public id, with its answers
	// (ENOTFOUND if none): a paper sheet keyed twice is taken out again.
	DeleteResponse(ctx context.Context, id string) error
	// CountResponses counts responses per workshop slug.
	CountResponses(ctx context.Context) (map[string]int, error)
	// SetWorkshopOpen overrides a workshop's schedule (nil: back to schedule).
	SetWorkshopOpen(ctx context.Context, slug string, open *bool) error
	// WorkshopOverrides returns the organizer's overrides by slug.
	WorkshopOverrides(ctx context.Context) (map[string]bool, error)
	// SetWorkshopPublished publishes or withdraws a workshop's results (nil:
	// back to the forms file's results: key), and WorkshopPublished returns
	// those decisions by slug (published.go).
	SetWorkshopPublished(ctx context.Context, slug string, public *bool) error
	WorkshopPublished(ctx context.Context) (map[string]bool, error)
	// StarComment stars or unstars a comment as a key quote (ENOTFOUND if
	// the response has no such text answer).
	StarComment(ctx context.Context, responseID, question string, starred bool) error
	// Stars returns the starred comments, most recently starred first.
	Stars(ctx context.Context) ([]Star, error)
	// LoginFailures, RecordLoginFailure and ForgetLoginFailures count wrong
	// admin tokens per client (a keyed hash of its address) in storage, so
	// that a guesser is slowed down by every replica alike.
	LoginFailures(ctx context.Context, client string) (int, time.Time, error)
	RecordLoginFailure(ctx context.Context, client string, now time.Time, forget time.Duration) (int, error)
	ForgetLoginFailures(ctx context.Context, client string) error
	// RecordForms notes at start which questions each workshop's form asks
	// from now on, and QuestionPeriods returns that history, so that the
	// summaries say of how many responses each question was asked after the
	// forms file changed mid-forum (question_periods.go).
	RecordForms(ctx context.Context, f *forms.Forms, now time.Time) (FormsChange, error)
	QuestionPeriods(ctx context.Context) (forms.QuestionPeriods, error)
	// AnsweredQuestions lists, per workshop, the question ids stored answers
	// are to, with the type of those answers: the app finds in it questions
	// the forms file no longer asks, whose answers must still be exported.
	AnsweredQuestions(ctx context.Context) (map[string]map[string]forms.Type, error)
	// Desk serves the rapporteur's desk (desk.go).
	Desk
	// Ping checks that storage can be read and written.
	Ping(ctx context.Context) error
	// Close waits for pending writes and releases the storage.
	Close() error
}

var _ Store = (*DB)(nil)

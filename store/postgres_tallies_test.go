package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"feedback/forms"
	"feedback/store/storetest"
)

// TestPostgresTalliesCompacted: two replicas append their counts, a
// replica folds them into tallies within a few seconds, and the counts read
// the same before and after.
func TestPostgresTalliesCompacted(t *testing.T) {
	storetest.RequirePostgres(t)
	dbURL := storetest.PostgresURL(t)
	a, b := mustOpenPostgres(t, dbURL), mustOpenPostgres(t, dbURL)
	ctx := context.Background()
	for i := 0; i < 30; i++ {
		s := a
		if i%2 == 1 {
			s = b
		}
		r := &forms.Response{SubmissionID: uuid.NewString(), Workshop: "alpha", Lang: "en",
			Answers: forms.Answers{"overall": {Number: 1 + i%5}, "formats": {Choices: []string{"talks"}}, "comment": {Text: "ok"}}}
		if _, err := s.SaveResponse(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	before, err := a.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if before.Responses["alpha"] != 30 || before.Scores["alpha"]["overall"][3] != 6 || before.Texts["alpha"]["comment"] != 30 {
		t.Fatalf("counts before compaction: %+v", before)
	}
	for i := 0; storetest.PostgresCount(t, dbURL, `SELECT count(*) FROM tally_deltas`) > 0; i++ {
		if i > 100 {
			t.Fatal("the deltas were never folded into tallies")
		}
		time.Sleep(100 * time.Millisecond)
	}
	after, err := b.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, after) {
		t.Errorf("counts after compaction %+v, want %+v", after, before)
	}
}

package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"feedback/forms"
	"feedback/store"
)

// sendAll sends n responses to the stores, round robin, at once; every tenth
// is sent twice at the same time, to two different stores if there are two.
// It returns how many calls said they created a response.
func sendAll(t *testing.T, stores []store.Store, ids []string) int {
	t.Helper()
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 2*len(ids))
	created := make(chan bool, 2*len(ids))
	send := func(s store.Store, i int) {
		defer wg.Done()
		r := &forms.Response{SubmissionID: ids[i], Workshop: "gamma", Lang: "en",
			Answers: forms.Answers{"overall": {Number: 1 + i%5}, "pace": {Number: 1 + (i/5)%3}}}
		saved, err := s.SaveResponse(ctx, r)
		errs <- err
		created <- saved.Created
	}
	for i := range ids {
		wg.Add(1)
		go send(stores[i%len(stores)], i)
		if i%10 == 0 {
			wg.Add(1)
			go send(stores[(i+1)%len(stores)], i)
		}
	}
	wg.Wait()
	close(errs)
	close(created)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	for c := range created {
		if c {
			n++
		}
	}
	return n
}

func newIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = uuid.NewString()
	}
	return ids
}

// testConcurrentSaves sends many responses at once, a tenth of them twice and
// at the same time, and checks each submission is stored exactly once.
func testConcurrentSaves(t *testing.T, b Backend) {
	s, place := mustOpen(t, b)
	const n = 400
	if got := sendAll(t, []store.Store{s}, newIDs(n)); got != n {
		t.Errorf("created = %d, want %d", got, n)
	}
	if got := b.Count(t, place, `SELECT count(*) FROM responses`); got != n {
		t.Errorf("responses = %d, want %d", got, n)
	}
	if got := b.Count(t, place, `SELECT count(*) FROM answers`); got != 2*n {
		t.Errorf("answers = %d, want %d", got, 2*n)
	}
}

// testTwoStores opens the same place twice, as two replicas of the app would,
// sends the same submissions to both at once, and changes some answers from
// both at once: each submission is stored once, with one of the answer sets
// whole, never a mix of the two.
func testTwoStores(t *testing.T, b Backend) {
	ctx := context.Background()
	place := b.New(t)
	one := mustOpenAt(t, b, place)
	two := mustOpenAt(t, b, place)
	const n = 200
	ids := newIDs(n)
	if got := sendAll(t, []store.Store{one, two}, ids); got != n {
		t.Errorf("created = %d, want %d", got, n)
	}
	if got := b.Count(t, place, `SELECT count(*) FROM responses`); got != n {
		t.Errorf("responses = %d, want %d", got, n)
	}

	// The same participant changes their answers on both replicas at once.
	a := forms.Answers{"overall": {Number: 5}, "formats": {Choices: []string{"talks", "exercises"}}}
	c := forms.Answers{"overall": {Number: 1}, "comment": {Text: "shorter talks"}}
	var wg sync.WaitGroup
	errs := make(chan error, 2*len(ids[:40]))
	for _, id := range ids[:40] {
		for i, s := range []store.Store{one, two} {
			wg.Add(1)
			go func(s store.Store, answers forms.Answers) {
				defer wg.Done()
				_, err := s.SaveResponse(ctx, &forms.Response{SubmissionID: id, Workshop: "gamma", Lang: "en", Answers: answers})
				errs <- err
			}(s, []forms.Answers{a, c}[i])
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	rows := 2 * (n - 40) // answer rows of the responses not changed
	for _, id := range ids[:40] {
		got, err := two.ResponseBySubmission(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case got.Answers.Equal(a):
			rows += 3
		case got.Answers.Equal(c):
			rows += 2
		default:
			t.Errorf("%s: answers = %+v, a mix of two changes", id, got.Answers)
		}
	}
	if got := b.Count(t, place, `SELECT count(*) FROM responses`); got != n {
		t.Errorf("responses after changes = %d, want %d", got, n)
	}
	if got := b.Count(t, place, `SELECT count(*) FROM answers`); got != rows {
		t.Errorf("answers after changes = %d, want %d: the replaced answers were not all removed", got, rows)
	}
	// What one replica wrote, the other reads.
	if x, y := len(all(t, one, store.Filter{})), len(all(t, two, store.Filter{})); x != n || y != n {
		t.Errorf("read %d and %d responses, want %d", x, y, n)
	}
}

// testCloseKeepsAcknowledged closes the store while responses are coming
// in, as a SIGTERM does: every save that succeeded is stored, and every one
// that did not says the store is unavailable.
func testCloseKeepsAcknowledged(t *testing.T, b Backend) {
	ctx := context.Background()
	place := b.New(t)
	s, err := b.Open(t, place)
	if err != nil {
		t.Fatal(err)
	}
	const n = 200
	ids := newIDs(n)
	acked := make(chan string, n)
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.SaveResponse(ctx, &forms.Response{SubmissionID: id, Workshop: "beta", Lang: "en",
				Answers: forms.Answers{"overall": {Number: 1 + i%5}}})
			switch {
			case err == nil:
				acked <- id
			case forms.ErrorCode(err) != forms.EUNAVAILABLE:
				t.Errorf("save during close: %v", err)
			}
		}()
		if i == n/2 {
			go s.Close()
		}
	}
	wg.Wait()
	close(acked)
	s.Close()
	s = mustOpenAt(t, b, place)
	stored := map[string]bool{}
	for _, r := range all(t, s, store.Filter{}) {
		stored[r.SubmissionID] = true
	}
	nAcked := 0
	for id := range acked {
		nAcked++
		if !stored[id] {
			t.Errorf("%s was acknowledged, then lost on close", id)
		}
	}
	t.Logf("%d of %d acknowledged before the store closed", nAcked, n)
}

// testChangeLimit changes one response as fast as it can, through two stores
// at the same place (two replicas): the per-minute limit holds across both,
// the refusal says how long to wait, nothing of the refused change is
// stored, and a retry of what is stored is never refused.
func testChangeLimit(t *testing.T, b Backend) {
	ctx := context.Background()
	place := b.New(t)
	stores := []store.Store{mustOpenAt(t, b, place), mustOpenAt(t, b, place)}
	limit := store.ChangeLimits[0]
	for _, l := range store.ChangeLimits {
		if l.Window < limit.Window {
			limit = l
		}
	}
	sid := uuid.NewString()
	version := func(i int) *forms.Response {
		return &forms.Response{SubmissionID: sid, Workshop: "alpha", Lang: "fr",
			Answers: forms.Answers{"overall": {Number: 1 + i%5}, "comment": {Text: fmt.Sprintf("version %d", i)}}}
	}
	if _, err := stores[0].SaveResponse(ctx, version(0)); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for i := 1; i <= limit.Max; i++ {
		saved, err := stores[i%2].SaveResponse(ctx, version(i))
		if err != nil || !saved.Changed {
			t.Fatalf("change %d: %+v, %v", i, saved, err)
		}
	}
	_, err := stores[0].SaveResponse(ctx, version(limit.Max+1))
	if forms.ErrorCode(err) != forms.ELIMIT {
		t.Fatalf("change %d within %v: err = %v, want a limit", limit.Max+1, time.Since(start), err)
	}
	var le *store.LimitError
	if !errors.As(err, &le) || le.RetryAfter <= 0 || le.RetryAfter > limit.Window {
		t.Errorf("refusal = %v, want a wait within %v", err, limit.Window)
	}
	got, err := stores[1].ResponseBySubmission(ctx, sid)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Answers.Equal(version(limit.Max).Answers) {
		t.Errorf("stored = %+v, want the last accepted change", got.Answers)
	}
	// The phone retrying what was accepted is not a change.
	if saved, err := stores[1].SaveResponse(ctx, version(limit.Max)); err != nil || saved.Changed || saved.Created {
		t.Errorf("retry after the limit: %+v, %v", saved, err)
	}
	if n := b.Count(t, place, `SELECT count(*) FROM responses`); n != 1 {
		t.Errorf("responses = %d", n)
	}
}

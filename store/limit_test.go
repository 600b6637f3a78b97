package store

import (
	"context"
	"errors"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"feedback/forms"
)

// clock is a settable time for the writer; atomic so that the test may move
// it while the writer goroutine reads it.
type clock struct{ ms atomic.Int64 }

func newClock(t time.Time) *clock {
	c := &clock{}
	c.ms.Store(t.UnixMilli())
	return c
}
func (c *clock) now() time.Time          { return time.UnixMilli(c.ms.Load()).UTC() }
func (c *clock) advance(d time.Duration) { c.ms.Add(d.Milliseconds()) }

// openAt opens the store on path with its time taken from c.
func openAt(tb testing.TB, path string, c *clock) *DB {
	tb.Helper()
	db, err := Open(context.Background(), path, Options{})
	if err != nil {
		tb.Fatal(err)
	}
	// Set before any save: the job's channel send orders it before the
	// writer's first read.
	db.now = c.now
	tb.Cleanup(func() { db.Close() })
	return db
}

func changeTo(sid string, n int) *forms.Response {
	return &forms.Response{SubmissionID: sid, Workshop: "alpha", Lang: "fr",
		Answers: forms.Answers{"overall": {Number: 1 + n%5}, "comment": {Text: "version " + uuid.NewString()}}}
}

// changer changes one stored response again and again, on a store whose
// clock the test moves.
type changer struct {
	t        *testing.T
	db       *DB
	c        *clock
	sid      string
	attempts int
	accepted []time.Time // when each accepted change was made
	last     *forms.Response
}

// newChanger stores a response on a store of its own, ready to be changed.
func newChanger(t *testing.T) *changer {
	t.Helper()
	c := newClock(time.Date(2025, 6, 25, 9, 0, 0, 0, time.UTC))
	ch := &changer{t: t, db: openAt(t, filepath.Join(t.TempDir(), "feedback.db"), c), c: c, sid: uuid.NewString()}
	if _, err := ch.db.SaveResponse(context.Background(), changeTo(ch.sid, 0)); err != nil {
		t.Fatal(err)
	}
	return ch
}

// change sends new answers for the response.
func (ch *changer) change() error {
	ch.attempts++
	r := changeTo(ch.sid, ch.attempts)
	saved, err := ch.db.SaveResponse(context.Background(), r)
	if err == nil {
		if !saved.Changed {
			ch.t.Fatalf("change %d: saved = %+v", ch.attempts, saved)
		}
		ch.accepted, ch.last = append(ch.accepted, ch.c.now()), r
	}
	return err
}

// burst makes as many changes as the per-minute limit allows, a second apart.
func (ch *changer) burst() {
	ch.t.Helper()
	for i := 0; i < ChangeLimits[0].Max; i++ {
		if err := ch.change(); err != nil {
			ch.t.Fatalf("change %d: %v", i+1, err)
		}
		ch.c.advance(time.Second)
	}
}

// Each case starts from a response of its own, so that it runs alone too.
func TestChangeLimits(t *testing.T) {
	ctx := context.Background()
	perMinute, perHour := ChangeLimits[0], ChangeLimits[1]
	t.Run("OKUpToPerMinute", func(t *testing.T) {
		newChanger(t).burst()
	})
	t.Run("ErrPerMinute", func(t *testing.T) {
		ch := newChanger(t)
		ch.burst()
		err := ch.change()
		assertLimited(t, err, ch.accepted[0].Add(perMinute.Window).Sub(ch.c.now()))
		// Nothing of the refused change was stored.
		got, err := ch.db.ResponseBySubmission(ctx, ch.sid)
		if err != nil || !got.Answers.Equal(ch.last.Answers) {
			t.Fatalf("stored after refusal = %+v, %v; want %+v", got, err, ch.last.Answers)
		}
	})
	t.Run("OKRetryIsNotAChange", func(t *testing.T) {
		ch := newChanger(t)
		ch.burst()
		if err := ch.change(); forms.ErrorCode(err) != forms.ELIMIT {
			t.Fatalf("change past the limit: %v", err)
		}
		saved, err := ch.db.SaveResponse(ctx, ch.last)
		if err != nil || saved.Changed || saved.Created {
			t.Fatalf("retry: %+v, %v", saved, err)
		}
	})
	t.Run("ErrPerHour", func(t *testing.T) {
		ch := newChanger(t)
		ch.burst()
		// Changes spaced so that no minute holds more than the per-minute
		// limit: only the hourly one stops them.
		ch.c.advance(perMinute.Window)
		for len(ch.accepted) < perHour.Max {
			if err := ch.change(); err != nil {
				t.Fatalf("change %d: %v", ch.attempts, err)
			}
			ch.c.advance(perMinute.Window/time.Duration(perMinute.Max) + time.Second)
		}
		err := ch.change()
		assertLimited(t, err, ch.accepted[0].Add(perHour.Window).Sub(ch.c.now()))
		var le *LimitError
		errors.As(err, &le)
		ch.c.advance(le.RetryAfter)
		if err := ch.change(); err != nil {
			t.Fatalf("after Retry-After: %v", err)
		}
	})
	t.Run("OKHistoryStaysSmall", func(t *testing.T) {
		ch := newChanger(t)
		ch.burst()
		ch.c.advance(2 * perHour.Window)
		if err := ch.change(); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := ch.db.read.QueryRowContext(ctx, `SELECT count(*) FROM response_changes`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("%d change rows kept, want 1", n)
		}
	})
}

// TestChangeLimitsSharedByReplicas changes one response through two stores on
// the same file, as two replicas would: the limit counts both.
func TestChangeLimitsSharedByReplicas(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "feedback.db")
	c := newClock(time.Date(2025, 6, 25, 9, 0, 0, 0, time.UTC))
	a, b := openAt(t, path, c), openAt(t, path, c)
	sid := uuid.NewString()
	if _, err := a.SaveResponse(ctx, changeTo(sid, 0)); err != nil {
		t.Fatal(err)
	}
	max := ChangeLimits[0].Max
	for i := 1; i <= max; i++ {
		db := a
		if i%2 == 0 {
			db = b
		}
		if _, err := db.SaveResponse(ctx, changeTo(sid, i)); err != nil {
			t.Fatalf("change %d: %v", i, err)
		}
	}
	_, err := a.SaveResponse(ctx, changeTo(sid, max+1))
	assertLimited(t, err, ChangeLimits[0].Window)
	_, err = b.SaveResponse(ctx, changeTo(sid, max+2))
	assertLimited(t, err, ChangeLimits[0].Window)
}

// assertLimited checks that err is the refusal of a change: ELIMIT with the
// wait for Retry-After, and no words for the participant (the app has them).
func assertLimited(t *testing.T, err error, wantWait time.Duration) {
	t.Helper()
	if forms.ErrorCode(err) != forms.ELIMIT {
		t.Fatalf("err = %v, want ELIMIT", err)
	}
	var fe *forms.Error
	if !errors.As(err, &fe) || fe.Message == "" || len(fe.Fields) > 0 {
		t.Errorf("refusal = %#v, want an internal message and no fields", fe)
	}
	var le *LimitError
	if !errors.As(err, &le) || le.RetryAfter != wantWait {
		t.Errorf("retry after = %v, want %v", le, wantWait)
	}
}

func TestChangeWait(t *testing.T) {
	now := time.Date(2025, 6, 25, 12, 0, 0, 0, time.UTC)
	ago := func(ds ...time.Duration) []time.Time {
		var out []time.Time
		for _, d := range ds {
			out = append(out, now.Add(-d))
		}
		return out
	}
	tests := []struct {
		name string
		past []time.Time
		want time.Duration
	}{
		{"OKNone", nil, 0},
		{"OKUnderBoth", ago(time.Second, 2*time.Second, 3*time.Second, 4*time.Second), 0},
		{"ErrMinuteFull", ago(time.Second, 2*time.Second, 3*time.Second, 4*time.Second, 10*time.Second), 50 * time.Second},
		{"OKMinuteFreedUp", ago(time.Second, 2*time.Second, 3*time.Second, 4*time.Second, 61*time.Second), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := changeWait(tt.past, now); got != tt.want {
				t.Errorf("changeWait = %v, want %v", got, tt.want)
			}
		})
	}
}

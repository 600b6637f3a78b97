package export

import (
	"context"
	"errors"
	"testing"

	"feedback/forms"
)

// TestPipeline checks the reader and writer halves of the export's one pass:
// every kept response arrives in order and as a copy, and an error on either
// side stops both and is returned.
func TestPipeline(t *testing.T) {
	src := func(n int, fail error) Source {
		return func(ctx context.Context, fn func(*forms.Response) error) error {
			r := &forms.Response{Answers: forms.Answers{}} // reused, as a store may
			for i := 0; i < n; i++ {
				r.SubmissionID = string(rune('a' + i%26))
				r.Answers["q"] = forms.Answer{Number: i, Choices: []string{"x"}}
				if err := fn(r); err != nil {
					return err
				}
			}
			return fail
		}
	}
	all := func(*forms.Response) bool { return true }
	t.Run("OK", func(t *testing.T) {
		var got []*forms.Response
		err := pipeline(context.Background(), src(1000, nil), func(r *forms.Response) bool { return r.Answers["q"].Number%2 == 0 },
			func(r *forms.Response) error { got = append(got, r); return nil })
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 500 {
			t.Fatalf("got %d responses, want 500", len(got))
		}
		for i, r := range got {
			if r.Answers["q"].Number != 2*i {
				t.Fatalf("response %d has %d: out of order or not copied", i, r.Answers["q"].Number)
			}
		}
	})
	t.Run("ErrWriter", func(t *testing.T) {
		boom := errors.New("disk full")
		n := 0
		err := pipeline(context.Background(), src(100000, nil), all, func(*forms.Response) error {
			n++
			if n == 10 {
				return boom
			}
			return nil
		})
		if !errors.Is(err, boom) || n != 10 {
			t.Fatalf("err = %v after %d", err, n)
		}
	})
	t.Run("ErrReader", func(t *testing.T) {
		broken := errors.New("database gone")
		n := 0
		err := pipeline(context.Background(), src(50, broken), all, func(*forms.Response) error { n++; return nil })
		if !errors.Is(err, broken) || n != 50 {
			t.Fatalf("err = %v after %d", err, n)
		}
	})
	t.Run("ErrCancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		n := 0
		err := pipeline(ctx, func(ctx context.Context, fn func(*forms.Response) error) error {
			for {
				if err := fn(&forms.Response{}); err != nil {
					return err
				}
			}
		}, all, func(*forms.Response) error {
			if n++; n == 5 {
				cancel()
			}
			return nil
		})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
	})
}

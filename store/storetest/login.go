package storetest

import (
	"context"
	"sync"
	"testing"
	"time"
)

// testLoginFailures checks that wrong admin tokens are counted in storage:
// two stores on one place (two replicas) add up to one count, a quiet client
// starts afresh, and a right token clears the count.
func testLoginFailures(t *testing.T, b Backend) {
	ctx := context.Background()
	s, place := mustOpen(t, b)
	other := mustOpenAt(t, b, place)
	now := time.Date(2025, 6, 25, 15, 30, 0, 0, time.UTC)
	const forget = 30 * time.Minute

	if n, last, err := s.LoginFailures(ctx, "client-a"); err != nil || n != 0 || !last.IsZero() {
		t.Fatalf("unknown client = %d, %v, %v", n, last, err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			st := s
			if i%2 == 1 {
				st = other
			}
			if _, err := st.RecordLoginFailure(ctx, "client-a", now, forget); err != nil {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	n, last, err := other.LoginFailures(ctx, "client-a")
	if err != nil || n != 10 || !last.Equal(now) {
		t.Fatalf("after 10 failures on two stores = %d, %v, %v", n, last, err)
	}
	if n, _, _ := s.LoginFailures(ctx, "client-b"); n != 0 {
		t.Errorf("another client counts %d", n)
	}
	// Quiet for longer than forget: the next failure is the first again.
	n, err = s.RecordLoginFailure(ctx, "client-a", now.Add(forget+time.Second), forget)
	if err != nil || n != 1 {
		t.Errorf("after a quiet spell = %d, %v", n, err)
	}
	n, err = s.RecordLoginFailure(ctx, "client-a", now.Add(forget+2*time.Second), forget)
	if err != nil || n != 2 {
		t.Errorf("next failure = %d, %v", n, err)
	}
	if err := other.ForgetLoginFailures(ctx, "client-a"); err != nil {
		t.Fatal(err)
	}
	if n, _, _ := s.LoginFailures(ctx, "client-a"); n != 0 {
		t.Errorf("after a right token = %d", n)
	}
}

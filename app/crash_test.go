package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
)

// crashServer is the real binary, run so that the test can kill it.
type crashServer struct {
	base   string
	cmd    *exec.Cmd
	stderr bytes.Buffer
	exited chan error
}

func startCrashServer(t *testing.T, bin, dbPath, formsPath string) *crashServer {
	t.Helper()
	addr := freeAddr(t)
	s := &crashServer{base: "http://" + addr, exited: make(chan error, 1)}
	s.cmd = exec.Command(bin, "-addr", addr, "-db", dbPath, "-forms", formsPath, "-admin-token", "crash-test-token", "-public-url", s.base)
	s.cmd.Stderr = &s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.exited <- s.cmd.Wait() }()
	t.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			s.cmd.Process.Kill()
			<-s.exited
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for {
		res, err := http.Get(s.base + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s
			}
		}
		select {
		case err := <-s.exited:
			t.Fatalf("server exited before answering: %v\n%s", err, s.stderr.String())
		case <-time.After(30 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not answer /healthz: %v\n%s", err, s.stderr.String())
		}
	}
}

// crashAnswers draws valid, varied answers for the small fixture's
// questionnaire.
func crashAnswers(rng *rand.Rand) map[string]any {
	a := map[string]any{
		"overall": 1 + rng.IntN(5),
		"pace":    1 + rng.IntN(3),
	}
	if rng.IntN(2) == 0 {
		a["recommend"] = rng.IntN(11)
	}
	if rng.IntN(2) == 0 {
		a["sector"] = []string{"government", "academia", "other"}[rng.IntN(3)]
	}
	if rng.IntN(2) == 0 {
		a["formats"] = []string{"talks", "exercises"}[:1+rng.IntN(2)]
	}
	if rng.IntN(3) == 0 {
		a["comment"] = []string{"Очень полезно", "=1+1 stays text", "多谢", "Practical tools"}[rng.IntN(4)]
	}
	return a
}

// ack is what the server told a client about one submission.
type ack struct {
	id      string
	overall int
}

// TestCrashKeepsAcknowledged starts the real binary, sends it concurrent
// responses (new ones, retries, and the same new one twice at once), kills it
// with SIGKILL while requests are in flight, starts it again on the same
// file, and checks that every acknowledged response is there exactly once,
// with its answers, and that SQLite finds the file sound.
func TestCrashKeepsAcknowledged(t *testing.T) {
	bin := buildBinary(t)
	dbPath := filepath.Join(t.TempDir(), "feedback.db")
	formsPath := smallFormsFile(t)
	srv := startCrashServer(t, bin, dbPath, formsPath)
	slugs := []string{"alpha", "beta"}

	const workers = 24
	client := &http.Client{
		Timeout:   5 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: workers, MaxConnsPerHost: workers},
	}
	defer client.CloseIdleConnections()
	post := func(base, slug, sid string, answers map[string]any) (int, string, error) {
		body, _ := json.Marshal(map[string]any{"submission_id": sid, "lang": "en", "answers": answers})
		res, err := client.Post(base+"/api/v1/workshops/"+slug+"/responses", "application/json", bytes.NewReader(body))
		if err != nil {
			return 0, "", err
		}
		defer res.Body.Close()
		raw, err := io.ReadAll(res.Body)
		if err != nil {
			return 0, "", err // the answer was cut off: not acknowledged
		}
		var out struct {
			ID           string `json:"id"`
			SubmissionID string `json:"submission_id"`
		}
		if res.StatusCode == http.StatusCreated || res.StatusCode == http.StatusOK {
			if err := json.Unmarshal(raw, &out); err != nil || out.ID == "" || out.SubmissionID != sid {
				return 0, "", fmt.Errorf("acknowledgement %q: %v", raw, err)
			}
		}
		return res.StatusCode, out.ID, nil
	}

	var (
		mu       sync.Mutex
		acked    = map[string]ack{}    // submission_id → what was acknowledged
		slugOf   = map[string]string{} // submission_id → workshop
		sentWith = map[string]map[string]any{}
		problems []string
		killed   atomic.Bool
		inFlight atomic.Int64
		sent     atomic.Int64
		wg       sync.WaitGroup
	)
	record := func(sid, slug string, answers map[string]any, status int, id string) {
		mu.Lock()
		defer mu.Unlock()
		switch status {
		case http.StatusCreated, http.StatusOK:
			if prev, ok := acked[sid]; ok && prev.id != id {
				problems = append(problems, fmt.Sprintf("%s acknowledged as %s and as %s", sid, prev.id, id))
			}
			acked[sid] = ack{id: id, overall: answers["overall"].(int)}
			slugOf[sid], sentWith[sid] = slug, answers
		default:
			problems = append(problems, fmt.Sprintf("%s: status %d", sid, status))
		}
	}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 42))
			var mine []string // this worker's acknowledged submissions
			for i := 0; !killed.Load() && i < 2000; i++ {
				sid, slug, answers := uuid.NewString(), slugs[rng.IntN(len(slugs))], crashAnswers(rng)
				twice := false
				switch {
				case i%5 == 4 && len(mine) > 0:
					// A retry of an acknowledged submission, as a phone on
					// bad Wi-Fi sends it: the same body again.
					sid = mine[rng.IntN(len(mine))]
					mu.Lock()
					slug, answers = slugOf[sid], sentWith[sid]
					mu.Unlock()
				case i%7 == 6:
					twice = true // a double tap: the same new submission twice at once
				}
				n := 1
				if twice {
					n = 2
				}
				var inner sync.WaitGroup
				for k := 0; k < n; k++ {
					inner.Add(1)
					go func() {
						defer inner.Done()
						inFlight.Add(1)
						sent.Add(1)
						status, id, err := post(srv.base, slug, sid, answers)
						inFlight.Add(-1)
						if err != nil {
							if !killed.Load() {
								mu.Lock()
								problems = append(problems, fmt.Sprintf("%s before the kill: %v", sid, err))
								mu.Unlock()
							}
							return
						}
						record(sid, slug, answers, status, id)
					}()
				}
				inner.Wait()
				mu.Lock()
				if _, ok := acked[sid]; ok {
					mine = append(mine, sid)
				}
				mu.Unlock()
			}
		}(w)
	}

	// Kill mid-load: once enough is acknowledged, or after a bounded time.
	deadline := time.Now().Add(6 * time.Second)
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 500 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	killed.Store(true)
	busy := inFlight.Load()
	if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-srv.exited
	wg.Wait()
	client.CloseIdleConnections()
	mu.Lock()
	for _, p := range problems {
		t.Error(p)
	}
	mu.Unlock()
	if busy == 0 {
		t.Fatal("no request was in flight when the server was killed")
	}
	if len(acked) < 50 {
		t.Fatalf("only %d responses acknowledged before the kill: not a load", len(acked))
	}
	t.Logf("%d requests sent, %d submissions acknowledged, %d in flight at SIGKILL", sent.Load(), len(acked), busy)

	// Start again on the same file: recovery from the WAL, then every
	// acknowledged submission sent once more must find its stored response.
	srv = startCrashServer(t, bin, dbPath, formsPath)
	checked := 0
	for sid, a := range acked {
		if checked == 100 {
			break
		}
		checked++
		status, id, err := post(srv.base, slugOf[sid], sid, sentWith[sid])
		if err != nil || status != http.StatusOK || id != a.id {
			t.Errorf("after restart, %s answered %d %q (%v); acknowledged before as %q", sid, status, id, err, a.id)
		}
	}
	client.CloseIdleConnections()
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-srv.exited:
		if err != nil {
			t.Fatalf("restarted server: %v\n%s", err, srv.stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("restarted server did not stop on SIGTERM")
	}

	// The file itself, read as an outside observer.
	raw, err := sql.Open("sqlite", "file:"+dbPath+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	ctx := context.Background()
	var integrity string
	if err := raw.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&integrity); err != nil || integrity != "ok" {
		t.Fatalf("integrity_check = %q (%v)", integrity, err)
	}
	var rows, distinct int
	if err := raw.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT submission_id) FROM responses`).Scan(&rows, &distinct); err != nil {
		t.Fatal(err)
	}
	if rows != distinct {
		t.Errorf("%d rows for %d submission_ids: some stored twice", rows, distinct)
	}
	if rows < len(acked) {
		t.Errorf("%d rows stored, %d submissions acknowledged", rows, len(acked))
	}
	lost := 0
	for sid, a := range acked {
		var (
			n, overall int
			id         string
		)
		err := raw.QueryRowContext(ctx, `SELECT count(*), max(r.public_id), max(a.number) FROM responses r
			LEFT JOIN answers a ON a.response_id = r.id AND a.question = 'overall'
			WHERE r.submission_id = ?`, sid).Scan(&n, &id, &overall)
		if err != nil || n != 1 || id != a.id || overall != a.overall {
			lost++
			if lost <= 5 {
				t.Errorf("acknowledged %s (id %s, overall %d): stored %d times as %q with overall %d (%v)",
					sid, a.id, a.overall, n, id, overall, err)
			}
		}
	}
	if lost > 0 {
		t.Errorf("%d of %d acknowledged responses missing or changed", lost, len(acked))
	}
	if strings.Contains(srv.stderr.String(), `"level":"ERROR"`) {
		t.Errorf("restarted server logged errors:\n%s", srv.stderr.String())
	}
}

package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"feedback/forms"
	"feedback/forms/formsgen"
	"feedback/store"
)

// The rapporteur's desk at scale (issue 14): the dashboard and summary.json
// must answer in at most deskCeiling of server time at a million responses,
// since their figures are kept in the store, and storing a response may cost
// at most 10 % more than before the kept counts. At each size the bench
// fills one database up to it, then measures on it the two pages' server
// time (Server-Timing) and the submit rate of this build and of the
// baseline: the same service built from the last commit before the desk.

const (
	// deskCeiling is the most server time the two pages may take.
	deskCeiling = 50 * time.Millisecond
	// deskSlowdown is the most the submit rate may fall below the
	// baseline's.
	deskSlowdown = 0.10
	// deskClients is the submit load's concurrency.
	deskClients = 64
	// deskSamples is how many times each page is asked for.
	deskSamples = 30
)

// deskRows runs the desk's measurements at every size.
func deskRows(ctx context.Context, o options, dir string, mk func(path, int, uint64) *load, progress io.Writer) ([]row, bool, error) {
	baseline, why := o.baseline, "no -baseline or -baseline-rev"
	if baseline == "" && o.baselineRev != "" {
		var err error
		if baseline, err = buildBaseline(ctx, dir, o.baselineRev, progress); err != nil {
			why = err.Error()
		}
	}
	db := filepath.Join(dir, "desk.db")
	var rows []row
	ok, stored := true, 0
	for _, size := range o.deskSizes {
		fmt.Fprintf(progress, "desk: storing up to %d responses\n", size)
		backlog, err := fillDesk(ctx, db, stored, size)
		if err != nil {
			return nil, false, err
		}
		// The fill kept the writer busy: what it left is taken in at the
		// next start, timed here.
		began := time.Now()
		if stored, err = countStored(ctx, db); err != nil {
			return nil, false, err
		}
		took := time.Since(began)
		rows = append(rows, row{name: fmt.Sprintf("desk: take in %dk left by the fill", backlog/1000), clients: "-",
			elapsed: fmt.Sprintf("%.2f s", took.Seconds()), rate: fmt.Sprintf("%.0f", float64(backlog)/took.Seconds()),
			p50: "-", p99: "-", ratio: "-", cpu: "-", rss: "-", check: fmt.Sprintf("%.0f µs a response, done when the writer is idle", float64(took.Microseconds())/float64(max(backlog, 1)))})
		r, good, err := deskSize(ctx, o, dir, db, stored, baseline, why, mk, progress)
		if err != nil {
			return nil, false, err
		}
		rows, ok = append(rows, r...), ok && good
		if stored, err = countStored(ctx, db); err != nil {
			return nil, false, err
		}
	}
	return rows, ok, nil
}

// deskSize measures the pages and both builds' submit rate at one size.
func deskSize(ctx context.Context, o options, dir, db string, stored int, baseline, why string,
	mk func(path, int, uint64) *load, progress io.Writer) ([]row, bool, error) {
	copyDB := filepath.Join(dir, "desk-baseline.db")
	if baseline != "" {
		if err := copyFile(db, copyDB); err != nil {
			return nil, false, err
		}
		defer os.Remove(copyDB)
	}
	size := fmt.Sprintf("%dk", stored/1000)
	pages, up, err := measurePages(ctx, o.server, db, progress)
	if err != nil {
		return nil, false, err
	}
	ok := true
	rows := []row{{name: "desk: start at " + size + ", this build", clients: "-", elapsed: fmt.Sprintf("%.2f s", up.Seconds()),
		rate: "-", p50: "-", p99: "-", ratio: "-", cpu: "-", rss: "-", check: "until /healthz answers"}}
	if baseline != "" {
		bup, err := startTime(ctx, baseline, copyDB)
		if err != nil {
			return nil, false, err
		}
		rows = append(rows, row{name: "desk: start at " + size + ", baseline", clients: "-", elapsed: fmt.Sprintf("%.2f s", bup.Seconds()),
			rate: "-", p50: "-", p99: "-", ratio: "-", cpu: "-", rss: "-", check: "until /healthz answers"})
	}
	for _, p := range pages {
		check := fmt.Sprintf("p50 %s, max %s ≤ %s", ms(p.p50), ms(p.max), ms(deskCeiling))
		if p.max > deskCeiling {
			ok, check = false, check+" FAIL"
		}
		rows = append(rows, row{name: fmt.Sprintf("desk: GET %s at %s", p.path, size), clients: "1", elapsed: "-",
			rate: "-", p50: ms(p.p50), p99: ms(p.max), ratio: "-", cpu: "-", rss: "-", check: "server time " + check})
	}
	fmt.Fprintf(progress, "desk: submit at %s, this build\n", size)
	now, _, err := runServer(ctx, o, db, mk(pathAPI, deskClients, uint64(stored)), false, progress)
	if err != nil {
		return nil, false, err
	}
	rows = append(rows, loadRow("desk: submit at "+size+", this build", deskClients, now, 0, "-", "-"))
	if baseline == "" {
		rows[len(rows)-1].check = "baseline skipped: " + why
		return rows, ok, nil
	}
	fmt.Fprintf(progress, "desk: submit at %s, baseline\n", size)
	bo := o
	bo.server = baseline
	before, _, err := runServer(ctx, bo, copyDB, mk(pathAPI, deskClients, uint64(stored)), false, progress)
	if err != nil {
		return nil, false, err
	}
	ratio := now.rate() / before.rate()
	check := fmt.Sprintf("%.2f× the baseline's rate (≥ %.2f)", ratio, 1-deskSlowdown)
	if ratio < 1-deskSlowdown {
		ok, check = false, check+" FAIL"
	}
	rows[len(rows)-1].check = check
	rows = append(rows, loadRow("desk: submit at "+size+", baseline", deskClients, before, 0, "-", "-"))
	return rows, ok, nil
}

// pageTimes are the server times of one page.
type pageTimes struct {
	path     string
	p50, max time.Duration
}

// startTime is how long server takes to answer /healthz on db.
func startTime(ctx context.Context, server, db string) (time.Duration, error) {
	began := time.Now()
	sp, err := start(ctx, nil, "-addr", server, "-db", db, "-admin-token", "bench-only-token")
	if err != nil {
		return 0, err
	}
	up := time.Since(began)
	return up, sp.stop()
}

// measurePages starts the server on db and asks for each page deskSamples
// times, reading the server's time from its Server-Timing header; it also
// says how long the server took to start.
func measurePages(ctx context.Context, server, db string, progress io.Writer) ([]pageTimes, time.Duration, error) {
	began := time.Now()
	sp, err := start(ctx, nil, "-addr", server, "-db", db, "-admin-token", "bench-only-token")
	if err != nil {
		return nil, 0, err
	}
	up := time.Since(began)
	defer sp.stop()
	var out []pageTimes
	for _, path := range []string{"/admin", "/admin/summary.json"} {
		fmt.Fprintf(progress, "desk: GET %s\n", path)
		var times []time.Duration
		for i := 0; i < deskSamples+2; i++ {
			d, err := serverTime(ctx, "http://"+sp.addr+path)
			if err != nil {
				return nil, 0, err
			}
			if i >= 2 { // the first two warm the caches
				times = append(times, d)
			}
		}
		sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
		out = append(out, pageTimes{path: path, p50: times[len(times)/2], max: times[len(times)-1]})
	}
	return out, up, nil
}

// serverTime asks for url as the rapporteur and returns its Server-Timing.
func serverTime(ctx context.Context, url string) (time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer bench-only-token")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("loadgen: %s: %w", url, err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("loadgen: %s: %s", url, res.Status)
	}
	h := res.Header.Get("Server-Timing")
	v, err := strconv.ParseFloat(strings.TrimPrefix(h, "app;dur="), 64)
	if err != nil {
		return 0, fmt.Errorf("loadgen: %s: Server-Timing %q", url, h)
	}
	return time.Duration(v * float64(time.Millisecond)), nil
}

// fillDesk stores responses in db until it holds size, from many goroutines
// so that the writer batches them, and returns how many it left for the
// desk to take in.
func fillDesk(ctx context.Context, path string, stored, size int) (int, error) {
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		return 0, err
	}
	defer db.Close()
	f := forms.Default()
	rng := rand.New(rand.NewPCG(uint64(stored), 14))
	if err := storeAll(ctx, db, func(each func(*forms.Response) error) error {
		for i := stored; i < size; i++ {
			if err := each(formsgen.Response(f, rng, crowd, exportStart.Add(time.Duration(i)*time.Second))); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return 0, fmt.Errorf("loadgen: fill the desk's database: %w", err)
	}
	if err := db.Close(); err != nil {
		return 0, err
	}
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return 0, fmt.Errorf("loadgen: the desk's backlog: %w", err)
	}
	defer raw.Close()
	var backlog int
	if err := raw.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM responses) - (SELECT count(*) FROM responses WHERE id <= (SELECT value FROM desk_state WHERE key = 'desk'))`).Scan(&backlog); err != nil {
		return 0, fmt.Errorf("loadgen: the desk's backlog: %w", err)
	}
	return backlog, nil
}

// countStored counts db's responses.
func countStored(ctx context.Context, path string) (int, error) {
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		return 0, err
	}
	defer db.Close()
	counts, err := db.CountResponses(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range counts {
		n += c
	}
	return n, nil
}

// copyFile copies a closed SQLite database (its WAL is checkpointed at
// close).
func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return fmt.Errorf("loadgen: copy database: %w", err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("loadgen: copy database: %w", err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("loadgen: copy database: %w", err)
	}
	return out.Close()
}

// buildBaseline builds the service at rev (a git worktree of this checkout)
// into dir: the same submit path without the desk's kept counts.
func buildBaseline(ctx context.Context, dir, rev string, progress io.Writer) (string, error) {
	tree := filepath.Join(dir, "baseline-src")
	fmt.Fprintf(progress, "desk: building the baseline (%s)\n", rev)
	add := exec.CommandContext(ctx, "git", "worktree", "add", "--detach", tree, rev)
	if out, err := add.CombinedOutput(); err != nil {
		return "", fmt.Errorf("git worktree add %s: %v: %s", rev, err, strings.TrimSpace(string(out)))
	}
	defer exec.Command("git", "worktree", "remove", "--force", tree).Run()
	bin := filepath.Join(dir, "feedback-baseline")
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", bin, "./app")
	build.Dir = tree
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build %s: %v: %s", rev, err, strings.TrimSpace(string(out)))
	}
	return bin, nil
}

// settleDesk opens the store at path and waits until its writer has taken
// every response in and indexed every comment for search.
func settleDesk(ctx context.Context, path string) error {
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return fmt.Errorf("loadgen: settle the desk: %w", err)
	}
	defer raw.Close()
	for deadline := time.Now().Add(10 * time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var done bool
		err := raw.QueryRowContext(ctx, `SELECT (SELECT value FROM desk_state WHERE key = 'fts') >= (SELECT coalesce(max(id), 0) FROM comment_search)
			AND (SELECT value FROM desk_state WHERE key = 'desk') >= (SELECT coalesce(max(id), 0) FROM responses)`).Scan(&done)
		if err != nil {
			return fmt.Errorf("loadgen: settle the desk: %w", err)
		}
		if done {
			return db.Close()
		}
	}
	return errors.New("loadgen: the desk did not settle in 10 minutes")
}

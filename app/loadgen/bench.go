package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"

	"feedback/forms"
)

// bench runs every load and the export, prints the table to out and reports
// whether every check passed.
func bench(ctx context.Context, o options, out, progress io.Writer) (bool, error) {
	dir, err := os.MkdirTemp("", "feedback-bench-")
	if err != nil {
		return false, fmt.Errorf("loadgen: temp dir: %w", err)
	}
	if o.keep {
		fmt.Fprintln(progress, "keeping", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	if o.server == "" {
		if o.server, err = buildServer(ctx, dir, progress); err != nil {
			return false, err
		}
	}
	self, err := os.Executable()
	if err != nil {
		return false, fmt.Errorf("loadgen: own path: %w", err)
	}
	sets := makeAnswerSets(forms.Default(), 512, 1)
	mk := func(p path, clients int, seed uint64) *load {
		return &load{clients: clients, warmup: o.warmup, duration: o.duration, maxRequests: o.maxRequests,
			path: p, sets: sets, seed: seed}
	}

	// The ceiling, at every concurrency the submit path is measured at.
	levels := slices.Clone(o.clients)
	if o.formClients > 0 && !slices.Contains(levels, o.formClients) {
		levels = append(levels, o.formClients)
	}
	ceiling := map[int]float64{}
	var rows []row
	if len(levels) > 0 {
		if rows, err = measureCeiling(ctx, self, levels, mk, ceiling, progress); err != nil {
			return false, err
		}
	}

	sqliteRows, allOK, err := submitRows(ctx, o, dir, mk, ceiling, progress)
	if err != nil {
		return false, err
	}
	rows = append(rows, sqliteRows...)

	// The same submit path on the PostgreSQL store, one and two replicas
	// (postgres.go); skipped unless FEEDBACK_BENCH_POSTGRES is set.
	pgRows, pgOK, err := postgresRows(ctx, o, mk, ceiling, progress)
	if err != nil {
		return false, err
	}
	rows, allOK = append(rows, pgRows...), allOK && pgOK

	if len(o.deskSizes) > 0 {
		dr, ok, err := deskRows(ctx, o, dir, mk, progress)
		if err != nil {
			return false, err
		}
		rows, allOK = append(rows, dr...), allOK && ok
	}

	if o.exportN > 0 {
		er, err := exportRows(ctx, self, dir, o.exportN, progress)
		if err != nil {
			return false, err
		}
		rows = append(rows, er...)
	}

	fmt.Fprintf(out, "\n%s\n\n", machine())
	printTable(out, rows)
	fmt.Fprintf(out, "\nEach load: %s measured after %s of warm-up, closed-loop keep-alive clients on loopback.\n", o.duration, o.warmup)
	return allOK, nil
}

// buildServer builds ./app into dir, so that the bench measures the binary
// as it is deployed, not `go run`.
func buildServer(ctx context.Context, dir string, progress io.Writer) (string, error) {
	bin := filepath.Join(dir, "feedback")
	fmt.Fprintln(progress, "building ./app")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", bin, "./app")
	cmd.Stdout, cmd.Stderr = progress, progress
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("loadgen: build ./app: %w", err)
	}
	return bin, nil
}

// measureCeiling runs the bare Fiber handler in a process of its own and
// drives it at every level; it records each level's rate in ceiling.
func measureCeiling(ctx context.Context, self string, levels []int, mk func(path, int, uint64) *load,
	ceiling map[int]float64, progress io.Writer) ([]row, error) {
	cp, err := start(ctx, nil, "-ceiling-addr", self)
	if err != nil {
		return nil, err
	}
	var rows []row
	for _, c := range levels {
		fmt.Fprintf(progress, "ceiling, %d clients\n", c)
		l := mk(pathAPI, c, uint64(c))
		l.addr, l.pid = cp.addr, cp.cmd.Process.Pid
		res, err := l.run(ctx)
		if err != nil {
			cp.kill()
			return nil, err
		}
		ceiling[c] = res.rate()
		rows = append(rows, loadRow("ceiling: bare Fiber", c, res, 0, "", "-"))
	}
	rss, err := cp.peakRSS()
	if err != nil {
		cp.kill()
		return nil, err
	}
	if err := cp.stop(); err != nil {
		return nil, err
	}
	rows[len(rows)-1].rss = mib(rss)
	return rows, nil
}

// submitRun is one load of the submit paths on SQLite.
type submitRun struct {
	name    string
	p       path
	clients int
}

// submitRows measures the submit path at every -clients level and the
// browser path at -form-clients, each on a fresh server and database, and
// reports whether every audit passed.
func submitRows(ctx context.Context, o options, dir string, mk func(path, int, uint64) *load,
	ceiling map[int]float64, progress io.Writer) ([]row, bool, error) {
	var runs []submitRun
	for _, c := range o.clients {
		runs = append(runs, submitRun{"submit: POST /api/v1/…/responses", pathAPI, c})
	}
	if o.formClients > 0 {
		runs = append(runs, submitRun{"browser: POST /w/{slug} (303)", pathForm, o.formClients})
	}
	var rows []row
	allOK := true
	for i, r := range runs {
		fmt.Fprintf(progress, "%s, %d clients\n", r.name, r.clients)
		db := filepath.Join(dir, fmt.Sprintf("run%d.db", i))
		l := mk(r.p, r.clients, uint64(1000+i))
		profiling := o.profileDir != "" && r.clients == 64 && r.p == pathAPI
		res, rss, err := runServer(ctx, o, db, l, profiling, progress)
		if err != nil {
			return nil, false, err
		}
		a, err := auditDB(ctx, db, res.acked)
		if err != nil {
			return nil, false, err
		}
		check := a.String()
		if res.errors > 0 || len(res.statuses) > 1 || !a.ok() {
			allOK = false
			check += fmt.Sprintf(" FAIL %v errors=%d %v", res.statuses, res.errors, res.firstErr)
		}
		rows = append(rows, loadRow(r.name, r.clients, res, ceiling[r.clients], mib(rss), check))
		_ = os.Remove(db)
	}
	return rows, allOK, nil
}

// runServer starts the server on the SQLite file db, drives l against it,
// profiling it if asked, and stops it; it returns the load's result and the
// server's peak RSS.
func runServer(ctx context.Context, o options, db string, l *load, profiling bool, progress io.Writer) (*result, int64, error) {
	var (
		env       []string
		debugAddr string
		err       error
	)
	if profiling {
		if debugAddr, err = freeAddr(); err != nil {
			return nil, 0, err
		}
		env = append(env, "FEEDBACK_PPROF="+debugAddr)
	}
	sp, err := start(ctx, env, "-addr", o.server, "-db", db, "-admin-token", "bench-only-token")
	if err != nil {
		return nil, 0, err
	}
	l.addr, l.pid = sp.addr, sp.cmd.Process.Pid
	var profErr chan error
	if profiling {
		profErr = make(chan error, 1)
		go func() { profErr <- saveProfiles(ctx, debugAddr, o.profileDir, o.warmup, o.duration) }()
	}
	res, err := l.run(ctx)
	if err != nil {
		sp.kill()
		return nil, 0, err
	}
	if profErr != nil {
		if err := <-profErr; err != nil {
			fmt.Fprintln(progress, "profile:", err)
		}
	}
	rss, rssErr := sp.peakRSS()
	if err := sp.stop(); err != nil {
		return nil, 0, err
	}
	if rssErr != nil {
		return nil, 0, rssErr
	}
	return res, rss, nil
}

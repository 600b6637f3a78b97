package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// The PostgreSQL rows: the same submit load against the real binary on the
// PostgreSQL store, once with one replica and once with two replicas sharing
// the database (the clients split between them, as a load balancer would).
// They run when FEEDBACK_BENCH_POSTGRES (or the tests' FEEDBACK_TEST_POSTGRES)
// names a server (`make bench` starts a throwaway cluster when PostgreSQL is
// installed); each run gets a schema of its own, dropped afterwards.

// postgresBenchEnv names the server the PostgreSQL rows use, as a
// postgres:// URL of a role that may create schemas.
const postgresBenchEnv = "FEEDBACK_BENCH_POSTGRES"

// postgresClients are the loads the PostgreSQL rows are measured at: a busy
// room and a crowd, both also measured on SQLite and on the ceiling.
var postgresClients = []int{64, 256}

func postgresRows(ctx context.Context, o options, mk func(path, int, uint64) *load, ceiling map[int]float64, progress io.Writer) ([]row, bool, error) {
	base := os.Getenv(postgresBenchEnv)
	if base == "" {
		base = os.Getenv("FEEDBACK_TEST_POSTGRES") // the tests' server, as .ci/postgres.sh starts it
	}
	if base == "" {
		fmt.Fprintf(progress, "PostgreSQL rows skipped: %s is not set\n", postgresBenchEnv)
		return nil, true, nil
	}
	var (
		rows  []row
		allOK = true
	)
	for _, replicas := range []int{1, 2} {
		for _, c := range postgresClients {
			name := fmt.Sprintf("postgres, %d replica: POST /api/v1/…", replicas)
			if replicas > 1 {
				name = fmt.Sprintf("postgres, %d replicas: POST /api/v1/…", replicas)
			}
			fmt.Fprintf(progress, "%s, %d clients\n", name, c)
			r, ok, err := postgresRun(ctx, o, base, replicas, c, mk, ceiling[c])
			if err != nil {
				return nil, false, err
			}
			r.name = name
			rows = append(rows, r)
			allOK = allOK && ok
		}
	}
	return rows, allOK, nil
}

// postgresRun measures one load against replicas copies of the server on a
// new schema and audits the schema afterwards.
func postgresRun(ctx context.Context, o options, base string, replicas, clients int, mk func(path, int, uint64) *load, ceiling float64) (row, bool, error) {
	dbURL, auditURL, drop, err := newSchema(ctx, base)
	if err != nil {
		return row{}, false, err
	}
	defer drop()
	var procs []*process
	defer func() {
		for _, p := range procs {
			p.kill()
		}
	}()
	for i := 0; i < replicas; i++ {
		p, err := start(ctx, nil, "-addr", o.server, "-db", dbURL, "-admin-token", "bench-only-token")
		if err != nil {
			return row{}, false, err
		}
		procs = append(procs, p)
	}
	// The server's CPU counts too: SQLite's work is inside the app's process,
	// PostgreSQL's is in the server's.
	postmaster := postmasterPID(ctx, auditURL)
	pg0, pgErr := serverTreeCPU(postmaster)
	// One closed-loop load per replica, all at once, the clients shared out.
	results := make(chan *result, replicas)
	errs := make(chan error, replicas)
	for i, p := range procs {
		l := mk(pathAPI, clients/replicas, uint64(5000+100*replicas+i))
		l.addr, l.pid = p.addr, p.cmd.Process.Pid
		go func() {
			res, err := l.run(ctx)
			results <- res
			errs <- err
		}()
	}
	var parts []*result
	for range procs {
		parts = append(parts, <-results)
		if err := <-errs; err != nil {
			return row{}, false, err
		}
	}
	res := mergeResults(parts)
	pg1, pgErr1 := serverTreeCPU(postmaster)
	var rss []string
	for _, p := range procs {
		b, err := p.peakRSS()
		if err != nil {
			return row{}, false, err
		}
		rss = append(rss, mib(b))
	}
	stopped := procs
	procs = nil
	for _, p := range stopped {
		if err := p.stop(); err != nil {
			return row{}, false, err
		}
	}
	a, err := auditPostgres(ctx, auditURL, res.acked)
	if err != nil {
		return row{}, false, err
	}
	ok := res.errors == 0 && len(res.statuses) == 1 && a.ok()
	check := a.String()
	if !ok {
		check += fmt.Sprintf(" FAIL %v errors=%d %v", res.statuses, res.errors, res.firstErr)
	}
	r := loadRow("", clients, res, ceiling, strings.Join(rss, "+"), check)
	// PostgreSQL's CPU is read around the whole load, warm-up included, so
	// it is shared over every acknowledged response.
	if app := res.cpuPerResponse(); app > 0 && pgErr == nil && pgErr1 == nil && len(res.acked) > 0 {
		pg := (pg1 - pg0) / time.Duration(len(res.acked))
		r.cpu = fmt.Sprintf("%.0f+%.0f µs", float64(app.Nanoseconds())/1000, float64(pg.Nanoseconds())/1000)
	}
	return r, ok, nil
}

// postmasterPID finds the PostgreSQL server's main process when it runs on
// this machine (0 if not): the parent of the backend serving a connection.
func postmasterPID(ctx context.Context, dbURL string) int {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return 0
	}
	defer conn.Close(ctx)
	var backend int
	if err := conn.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&backend); err != nil {
		return 0
	}
	ppid, err := parentPID(backend)
	if err != nil {
		return 0
	}
	return ppid
}

// parentPID reads a process's parent from /proc.
func parentPID(pid int) (int, error) {
	f, err := statFields(pid)
	if err != nil {
		return 0, err
	}
	if len(f) < 2 {
		return 0, errors.New("loadgen: odd /proc stat")
	}
	return strconv.Atoi(f[1])
}

// serverTreeCPU is the CPU time used so far by the PostgreSQL server: its
// main process and every process it started (backends, WAL writer,
// checkpointer) that is still running.
func serverTreeCPU(postmaster int) (time.Duration, error) {
	if postmaster <= 0 {
		return 0, errors.New("loadgen: PostgreSQL is not on this machine")
	}
	total, err := processCPU(postmaster)
	if err != nil {
		return 0, err
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, fmt.Errorf("loadgen: list processes: %w", err)
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if ppid, err := parentPID(pid); err == nil && ppid == postmaster {
			if c, err := processCPU(pid); err == nil {
				total += c
			}
		}
	}
	return total, nil
}

// mergeResults adds up loads that ran side by side over the same time.
func mergeResults(parts []*result) *result {
	total := &result{statuses: map[int]int{}}
	for _, p := range parts {
		total.add(p)
	}
	total.finish()
	return total
}

// newSchema makes an empty schema on the server at base and returns a URL
// for the server (base with the schema as its search_path), one for a single
// connection of the bench's own (without base's pool settings), and a
// function that drops the schema.
func newSchema(ctx context.Context, base string) (serverURL, auditURL string, drop func(), err error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", "", nil, fmt.Errorf("loadgen: %s is not a URL", postgresBenchEnv)
	}
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", "", nil, fmt.Errorf("loadgen: schema name: %w", err)
	}
	schema := "bench_" + hex.EncodeToString(b)
	withParams := func(keepPool bool) string {
		v := *u
		q := v.Query()
		for k := range q {
			// The pool's own settings (pool_max_conns…) mean nothing to one connection.
			if !keepPool && strings.HasPrefix(k, "pool_") {
				q.Del(k)
			}
		}
		if schema != "" {
			q.Set("search_path", schema)
		}
		v.RawQuery = q.Encode()
		return v.String()
	}
	serverURL, auditURL = withParams(true), withParams(false)
	conn, err := pgx.Connect(ctx, auditURL)
	if err != nil {
		return "", "", nil, fmt.Errorf("loadgen: connect to %s: %w", postgresBenchEnv, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		return "", "", nil, fmt.Errorf("loadgen: create schema: %w", err)
	}
	drop = func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if conn, err := pgx.Connect(ctx, auditURL); err == nil {
			_, _ = conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
			conn.Close(ctx)
		}
	}
	return serverURL, auditURL, drop, nil
}

// auditPostgres checks, as auditDB does for a file, that every acknowledged
// submission_id is stored exactly once.
func auditPostgres(ctx context.Context, dbURL string, acked []string) (audit, error) {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return audit{}, fmt.Errorf("loadgen: audit: %w", err)
	}
	defer conn.Close(ctx)
	a := audit{integrity: "ok"}
	if err := conn.QueryRow(ctx, `SELECT count(*), count(*) - count(DISTINCT submission_id) FROM responses`).
		Scan(&a.stored, &a.duplicate); err != nil {
		return a, fmt.Errorf("loadgen: count responses: %w", err)
	}
	rows, err := conn.Query(ctx, `SELECT submission_id FROM responses`)
	if err != nil {
		return a, fmt.Errorf("loadgen: read responses: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return a, fmt.Errorf("loadgen: read responses: %w", err)
	}
	stored := make(map[string]struct{}, len(ids))
	for _, id := range ids {
		stored[id] = struct{}{}
	}
	a.acked, a.missing = missingOf(acked, stored)
	return a, nil
}

package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/puddle/v2"

	"feedback/forms"
)

// The PostgreSQL store is for more than one machine: any number of app
// replicas share one database server, and everything they must agree on
// (responses, open/close overrides, starred quotes, change counts) lives in
// it. Commits run with synchronous_commit on: a response is flushed to the
// server's WAL before SaveResponse returns. New responses are stored in
// batches, many per commit (postgres_writer.go).

//go:embed migrations_pg/*.sql
var pgMigrations embed.FS

// Postgres is the store on a PostgreSQL server, for running several replicas
// of the app behind a load balancer.
type Postgres struct {
	pool *pgxpool.Pool
	jobs chan *pgJob // new responses for the writers (postgres_writer.go)
	stop chan struct{}
	wg   sync.WaitGroup

	closeOnce sync.Once
	mu        sync.RWMutex // orders a send on jobs before Close's stop
	closed    atomic.Bool
}

var _ Store = (*Postgres)(nil)

// IsPostgresURL reports whether the -db setting names a PostgreSQL server
// (postgres:// or postgresql://) rather than a SQLite file, so that main can
// pick the store from the one setting operators already know.
func IsPostgresURL(db string) bool {
	s := strings.ToLower(db)
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// defaultPoolConns is the pool size when the URL sets no pool_max_conns:
// pgx's default (the number of CPUs, at least 4) is too few to let a burst of
// commits share WAL flushes on a small app machine.
const defaultPoolConns = 16

// OpenPostgres connects to the database at the URL, applies the migrations
// not yet applied (one replica at a time), and checks that commits are
// durable. The URL may carry pool_max_conns and any PostgreSQL setting, such
// as search_path to keep the tables in their own schema.
func OpenPostgres(ctx context.Context, url string) (*Postgres, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// The parse error quotes the URL, password included: keep it out.
		return nil, errors.New("store: open postgres: the URL cannot be parsed")
	}
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = defaultPoolConns
	}
	// An acknowledged response must survive a crash of the server: a database
	// whose default is synchronous_commit=off would lose the last ones.
	switch v := strings.ToLower(cfg.ConnConfig.RuntimeParams["synchronous_commit"]); v {
	case "":
		cfg.ConnConfig.RuntimeParams["synchronous_commit"] = "on"
	case "off", "false", "no", "0":
		return nil, fmt.Errorf("store: open postgres: synchronous_commit=%s would lose acknowledged responses in a crash", v)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, translatePG(fmt.Errorf("store: open postgres: %w", err))
	}
	if err := migratePG(ctx, pool); err != nil {
		pool.Close()
		return nil, translatePG(fmt.Errorf("store: open postgres: %w", err))
	}
	p := &Postgres{pool: pool, jobs: make(chan *pgJob, pgWriters*pgMaxBatch), stop: make(chan struct{})}
	p.wg.Add(pgWriters + 1)
	for i := 0; i < pgWriters; i++ {
		go p.writer()
	}
	go p.compactor() // postgres_tallies.go
	return p, nil
}

// Close stops taking writes, lets the writers store what is queued, and
// waits for the calls in flight: the pool closes only when every connection
// has been given back. Every SaveResponse that returned success is committed.
func (p *Postgres) Close() error {
	p.closeOnce.Do(func() {
		p.mu.Lock()
		p.closed.Store(true)
		close(p.stop)
		p.mu.Unlock()
		p.wg.Wait()
		p.pool.Close()
	})
	return nil
}

// errClosed is what every call after Close returns.
var errClosed = &forms.Error{Code: forms.EUNAVAILABLE, Message: "store closed"}

func (p *Postgres) checkOpen() error {
	if p.closed.Load() {
		return errClosed
	}
	return nil
}

// Ping checks that the server answers, takes writes and commits durably, for
// /healthz: a replica left pointing at a read-only standby after a failover
// reports itself unhealthy before a participant's response fails.
func (p *Postgres) Ping(ctx context.Context) error {
	if err := p.checkOpen(); err != nil {
		return err
	}
	var (
		recovery           bool
		readOnly, syncMode string
	)
	err := p.pool.QueryRow(ctx, `SELECT pg_is_in_recovery(), current_setting('transaction_read_only'), current_setting('synchronous_commit')`).
		Scan(&recovery, &readOnly, &syncMode)
	if err != nil {
		return translatePG(fmt.Errorf("store: ping: %w", err))
	}
	if recovery || readOnly == "on" {
		return &forms.Error{Code: forms.EUNAVAILABLE, Message: "storage unavailable", Err: errors.New("store: ping: the database is read-only")}
	}
	if syncMode == "off" {
		return &forms.Error{Code: forms.EUNAVAILABLE, Message: "storage unavailable", Err: errors.New("store: ping: synchronous_commit is off")}
	}
	return nil
}

// migratePG applies the embedded migrations in order, each in its own
// transaction and recorded by name. Replicas starting together take turns
// through an advisory lock held for the whole run, keyed by schema so that
// databases in other schemas do not wait for each other.
func migratePG(ctx context.Context, pool *pgxpool.Pool) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Release()
	const lockKey = `hashtext('feedback migrations ' || current_schema())`
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(`+lockKey+`)`); err != nil {
		return fmt.Errorf("migrate: lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(`+lockKey+`)`)
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return fmt.Errorf("create migrations table: %w", err)
	}
	names, err := fs.Glob(pgMigrations, "migrations_pg/*.sql")
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := migrateFilePG(ctx, conn.Conn(), name); err != nil {
			return err
		}
	}
	return nil
}

// migrateFilePG applies one migration in its own transaction, once. It is
// recorded under its base name, as the SQLite store records it, so that both
// stores list the same migrations.
func migrateFilePG(ctx context.Context, conn *pgx.Conn, path string) error {
	name := strings.TrimPrefix(path, "migrations_pg/")
	tx, err := conn.Begin(ctx)
	if err != nil {
		return fmt.Errorf("migration %s: begin: %w", name, err)
	}
	defer tx.Rollback(ctx)
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM migrations WHERE name = $1`, name).Scan(&n); err != nil {
		return fmt.Errorf("migration %s: %w", name, err)
	}
	if n > 0 {
		return nil
	}
	body, err := fs.ReadFile(pgMigrations, path)
	if err != nil {
		return fmt.Errorf("migration %s: %w", name, err)
	}
	// Exec without arguments uses the simple protocol, which runs a file of
	// several statements.
	if _, err := tx.Exec(ctx, string(body)); err != nil {
		return fmt.Errorf("migration %s: %w", name, err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO migrations (name) VALUES ($1)`, name); err != nil {
		return fmt.Errorf("migration %s: record: %w", name, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("migration %s: commit: %w", name, err)
	}
	return nil
}

// Migrations lists the migrations recorded as applied, in order.
func (p *Postgres) Migrations(ctx context.Context) ([]string, error) {
	rows, err := p.pool.Query(ctx, `SELECT name FROM migrations ORDER BY name`)
	if err != nil {
		return nil, translatePG(fmt.Errorf("store: list migrations: %w", err))
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, translatePG(fmt.Errorf("store: list migrations: %w", err))
	}
	return names, nil
}

// translatePG turns PostgreSQL's errors into the domain's codes in one place:
// a server that cannot be reached, is shutting down, is out of disk or
// connections, or is read-only is EUNAVAILABLE (try again later); a broken
// constraint is ECONFLICT.
func translatePG(err error) error {
	if err == nil {
		return nil
	}
	var fe *forms.Error
	if errors.As(err, &fe) {
		return err
	}
	unavailable := &forms.Error{Code: forms.EUNAVAILABLE, Message: "storage unavailable", Err: err}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch class := pe.Code[:2]; {
		case class == "23": // integrity constraint violation, unique_violation 23505 among them
			return &forms.Error{Code: forms.ECONFLICT, Message: "conflict", Err: err}
		case class == "08", // connection exception
			class == "53",      // insufficient resources: disk_full 53100, too_many_connections 53300
			class == "57",      // operator intervention: admin_shutdown 57P01, cannot_connect_now 57P03
			class == "58",      // system error: io_error 58030
			class == "40",      // serialization failure, deadlock: the same request may succeed again
			pe.Code == "25006": // read_only_sql_transaction: a standby
			return unavailable
		}
		return err
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	switch {
	case errors.As(err, &ce), errors.As(err, &ne), pgconn.Timeout(err),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, pgconn.ErrConnClosed),
		errors.Is(err, puddle.ErrClosedPool):
		return unavailable
	}
	return err
}

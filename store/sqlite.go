// The SQLite store: writes go through one goroutine that commits many
// responses per transaction (group commit) with synchronous=FULL in WAL mode:
// a response is on disk before SaveResponse returns, and a burst of a
// thousand phones costs a few dozen fsyncs instead of a thousand. Reads use
// their own pool of connections and never wait for writes.

package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"feedback/forms"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Options tune the store; the zero value is the durable default.
type Options struct {
	// MaxBatch bounds how many responses one transaction commits.
	MaxBatch int
	// ReadConns bounds the pool of reading connections.
	ReadConns int
	// Log receives what the store has to tell the operator (a file whose
	// permissions it tightened, a failed checkpoint, a vanished file), so
	// that it lands in the app's log with everything else; nil is
	// slog.Default().
	Log *slog.Logger
}

// DB is the SQLite store.
type DB struct {
	path  string
	write *sql.DB
	read  *sql.DB
	jobs  chan *saveJob
	stop  chan struct{}
	wg    sync.WaitGroup

	closeOnce sync.Once
	mu        sync.RWMutex // guards closed against a send on jobs after Close
	closed    bool
	maxBatch  int
	now       func() time.Time
	stmts     writeStmts // the writer goroutine's own
	log       *slog.Logger
	// The desk's tables (sqlite_desk_update.go): deskReq asks the writer
	// to bring them up to date; deskBehind and deskSince, the writer's
	// own, say whether responses wait to be taken in and since when.
	deskReq    chan chan error
	deskBehind bool
	ftsBehind  bool
	deskSince  time.Time

	ckpt     *sql.DB // the checkpointer's connection
	ckptKick chan struct{}
	guard    *guard // watches that the file at path is the one in use
}

// connection modes of dsn.
const (
	modeWrite = iota
	modeRead
	modeCheckpoint
)

// dsn puts the pragmas in the connection string, so every connection the pool
// opens gets them: busy_timeout first, so the others wait instead of failing.
func dsn(path string, mode int) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(1)")
	switch mode {
	case modeRead:
		q.Add("_pragma", "query_only(1)")
	case modeWrite:
		q.Set("_txlock", "immediate")
		// Statement journals (a multi-row INSERT with constraints keeps one)
		// stay in memory instead of spilling to a temporary file.
		q.Add("_pragma", "temp_store(MEMORY)")
		// The checkpointer does this work off the writer's path.
		q.Add("_pragma", fmt.Sprintf("wal_autocheckpoint(%d)", writerAutoCheckpoint))
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed) the database at path, applies the
// migrations not yet applied, and starts the writer.
func Open(ctx context.Context, path string, opt Options) (*DB, error) {
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	// Before anything opens the file: see permissions.go.
	if err := secureFiles(opt.Log, path); err != nil {
		return nil, err
	}
	if opt.MaxBatch <= 0 {
		opt.MaxBatch = 512
	}
	if opt.ReadConns <= 0 {
		opt.ReadConns = 4
	}
	// Every connection goes through the guard (guard.go), which notices a
	// database file that vanished or was replaced, and recovers from it.
	g, err := newGuard(path, dsn(path, modeWrite), opt.Log)
	if err != nil {
		return nil, err
	}
	w, err := g.open(dsn(path, modeWrite))
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	if err := migrate(ctx, w); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	// SQLite made the -wal and -shm with the database's mode; this only
	// acts (and logs) if it ever did not.
	if err := tightenAll(opt.Log, path, "-wal", "-shm"); err != nil {
		w.Close()
		return nil, err
	}
	r, err := g.open(dsn(path, modeRead))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open %s for reading: %w", path, err)
	}
	r.SetMaxOpenConns(opt.ReadConns)
	r.SetMaxIdleConns(opt.ReadConns)
	c, err := openCheckpointer(g, path)
	if err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("store: open %s for checkpoints: %w", path, err)
	}
	db := &DB{
		path:     path,
		write:    w,
		read:     r,
		jobs:     make(chan *saveJob, 4*opt.MaxBatch),
		stop:     make(chan struct{}),
		maxBatch: opt.MaxBatch,
		now:      func() time.Time { return time.Now().UTC() },
		ckpt:     c,
		ckptKick: make(chan struct{}, 1),
		guard:    g,
		log:      opt.Log,
		deskReq:  make(chan chan error),
	}
	// Responses stored since the desk last took them in (before the last
	// stop, or before the desk existed) are taken in now.
	if err := db.catchUp(0, deskChunk, false); err != nil {
		r.Close()
		c.Close()
		w.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	g.startKeeper()
	db.stmts.db = w
	db.wg.Add(2)
	go db.writer()
	go db.checkpointer()
	return db, nil
}

// Close stops taking writes, lets the writer commit what it holds, and closes
// the file. Every SaveResponse that returned success is on disk.
func (db *DB) Close() error {
	var err error
	db.closeOnce.Do(func() {
		db.mu.Lock()
		db.closed = true
		close(db.stop)
		db.mu.Unlock()
		db.wg.Wait()
		err = errors.Join(db.read.Close(), db.ckpt.Close(), db.write.Close())
		db.guard.close()
		if err != nil {
			err = fmt.Errorf("store: close: %w", err)
		}
	})
	return err
}

// Path returns the database file's path.
func (db *DB) Path() string { return db.path }

// Ping checks that the file can be read and written, for /healthz: a disk that
// is full or read-only fails here before a participant's response does, and a
// file that vanished is noticed (and recovered, see guard.go) here too.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.guard.checkSpace(); err != nil {
		return err
	}
	if _, err := db.write.ExecContext(ctx, "PRAGMA user_version = 0"); err != nil {
		return translate(fmt.Errorf("store: ping: %w", err))
	}
	return nil
}

func migrate(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("create migrations table: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := migrateFile(ctx, db, name); err != nil {
			return err
		}
	}
	return nil
}

// migrateFile applies one migration in its own transaction, once.
func migrateFile(ctx context.Context, db *sql.DB, name string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migration %s: begin: %w", name, err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM migrations WHERE name = ?`, name).Scan(&n); err != nil {
		return fmt.Errorf("migration %s: %w", name, err)
	}
	if n > 0 {
		return nil
	}
	body, err := fs.ReadFile(migrations, name)
	if err != nil {
		return fmt.Errorf("migration %s: %w", name, err)
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return fmt.Errorf("migration %s: %w", name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO migrations (name, applied_at) VALUES (?, ?)`, name, time.Now().UnixMilli()); err != nil {
		return fmt.Errorf("migration %s: record: %w", name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migration %s: commit: %w", name, err)
	}
	return nil
}

// Migrations lists the migrations recorded as applied, in order.
func (db *DB) Migrations(ctx context.Context) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT name FROM migrations ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("store: list migrations: %w", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("store: list migrations: %w", err)
		}
		names = append(names, strings.TrimPrefix(n, "migrations/"))
	}
	return names, rows.Err()
}

// translate turns SQLite's errors into the domain's codes in one place: a full
// disk, a read-only or vanished file and a lock that outlasted the timeout are
// EUNAVAILABLE (try again later); a broken constraint is ECONFLICT.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var fe *forms.Error
	if errors.As(err, &fe) {
		return err
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_CONSTRAINT:
			return &forms.Error{Code: forms.ECONFLICT, Message: "conflict", Err: err}
		case sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_IOERR,
			sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_CANTOPEN,
			sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_PERM:
			return &forms.Error{Code: forms.EUNAVAILABLE, Message: "storage unavailable", Err: err}
		}
	}
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, os.ErrPermission) {
		return &forms.Error{Code: forms.EUNAVAILABLE, Message: "storage unavailable", Err: err}
	}
	return err
}

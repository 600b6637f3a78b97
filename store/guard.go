package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"

	"feedback/forms"
)

// A database file can vanish under a running service: a clean-up script, an
// `rm -r data/`, a volume unmounted. SQLite does not notice: its connections
// keep writing into the unlinked file, every response is acknowledged, and all
// of it is gone at the next restart. And a connection that outlives its file
// must never meet a new file at the same path: the old file's -wal and -shm
// would be taken for the new one's.
//
// The guard prevents both. Every connection remembers the file it opened; on
// every use it checks that the path still names that file, and is discarded
// if not. No new connection opens until every connection to the old file is
// closed. Then the old file is rescued: a keeper connection, opened with the
// store and held for its whole life, still reads it, and copies it (VACUUM
// INTO) back to the path, or, if another file has taken the path, beside it.
// Meanwhile the store answers EUNAVAILABLE; it recovers by itself once the
// copy is in place, or as soon as the directory is back if it went too.
//
// One recovery runs at a time (guard_recover.go), and it runs outside g.mu,
// which guards only the guard's fields and is never held across a database
// call (STYLE.md, 14): the request that finds the file gone marks a recovery
// in g.rec and does the work; every other new connection waits for that
// recovery's done channel, without the lock and for no longer than its own
// context, and then takes its outcome.

// settleWait bounds how long a request waits for the connections to a
// vanished file to be handed back before it is told to try again.
const settleWait = 2 * time.Second

// guard watches one store's file; its connectors open every connection.
type guard struct {
	path string
	// keeperDSN opens the keeper; it must allow writing (VACUUM INTO).
	keeperDSN string
	now       func() time.Time
	log       *slog.Logger

	live atomic.Int64 // pool connections open, on any file

	// mu guards the fields below, and nothing else: no database call, and
	// no wait for one, happens while it is held.
	mu     sync.Mutex
	cur    os.FileInfo // the file the connections are on
	keeper driver.Conn // holds cur open, to rescue it if it vanishes; nil while a recovery holds it
	wal    os.FileInfo // cur's -wal, as the keeper found it
	fault  string      // the fault last logged, to log each one once
	rec    *recovery   // the recovery running, if one is
	// beforeCopy, if set, runs in a recovery just before the keeper copies
	// the old file, outside mu: tests use it to hold a recovery there.
	beforeCopy func()

	poolsMu sync.Mutex
	pools   []*sql.DB
}

// newGuard makes sure a file exists at path (an empty file is an empty
// database; a new one is 0600, see permissions.go) and starts watching it.
func newGuard(path, keeperDSN string, log *slog.Logger) (*guard, error) {
	if err := createPrivate(path); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, translate(fmt.Errorf("store: create %s: %w", path, err))
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, translate(fmt.Errorf("store: open %s: %w", path, err))
	}
	fi, err := f.Stat()
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	g := &guard{path: path, keeperDSN: keeperDSN, cur: fi, now: time.Now, log: log}
	return g, nil
}

// open returns a pool whose connections are all watched by the guard. The
// pool is expected to keep as many idle connections as it may open (each of
// ours does), which is what a flush restores.
func (g *guard) open(dsn string) (*sql.DB, error) {
	base, err := sqlite.NewConnector(noCreate(dsn))
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(&guardedConnector{base: base, g: g})
	g.poolsMu.Lock()
	g.pools = append(g.pools, db)
	g.poolsMu.Unlock()
	return db, nil
}

// noCreate makes a connection fail (SQLITE_CANTOPEN) rather than create an
// empty database where the file vanished: newGuard created it once, and only
// the guard may put it back.
func noCreate(dsn string) string { return dsn + "&mode=rw" }

// unavailable is the error every use of the store gets during a fault.
func (g *guard) unavailable(format string, args ...any) error {
	return &forms.Error{Code: forms.EUNAVAILABLE, Message: "storage unavailable", Err: fmt.Errorf("store: "+format, args...)}
}

// logFault logs a fault once, not at every request that meets it. The
// caller holds g.mu (see faultOnce for one that does not).
func (g *guard) logFault(msg string, args ...any) {
	if g.fault == msg {
		return
	}
	g.fault = msg
	g.log.Error(msg, append([]any{"db", g.path}, args...)...)
}

// faultOnce is logFault for a caller that does not hold g.mu: the
// bookkeeping takes the lock, the logging does not.
func (g *guard) faultOnce(msg string, args ...any) {
	g.mu.Lock()
	first := g.fault != msg
	g.fault = msg
	g.mu.Unlock()
	if first {
		g.log.Error(msg, append([]any{"db", g.path}, args...)...)
	}
}

// isCurrent reports whether the path still names the file fi.
func (g *guard) isCurrent(fi os.FileInfo) bool {
	now, err := os.Stat(g.path)
	return err == nil && os.SameFile(now, fi)
}

// settle is called before any new connection opens: it returns nil when the
// path names the file the guard knows, moves to the file now at the path once
// nothing uses the old one (rescuing the old one first), or says why the
// store is unavailable for now. While a recovery runs, it waits for it.
func (g *guard) settle(ctx context.Context) error {
	for {
		g.mu.Lock()
		rec, cur := g.rec, g.cur
		g.mu.Unlock()
		if rec != nil {
			if err := g.await(ctx, rec); err != nil {
				return err
			}
			continue
		}
		fi, err := os.Stat(g.path)
		if err == nil && os.SameFile(fi, cur) {
			return nil
		}
		missing := errors.Is(err, fs.ErrNotExist)
		if err != nil && !missing {
			g.faultOnce("store: database file cannot be reached", "err", err)
			return g.unavailable("stat %s: %w", g.path, err)
		}
		if rec = g.claim(cur); rec != nil {
			return g.recover(ctx, rec, missing)
		}
		// Another recovery started, or ended, since the look: look again.
	}
}

// claim marks a recovery from the file cur as running, unless one runs
// already or the guard has moved on from cur; it returns nil then.
func (g *guard) claim(cur os.FileInfo) *recovery {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.rec != nil || g.cur != cur {
		return nil
	}
	g.rec = &recovery{done: make(chan struct{})}
	return g.rec
}

// await waits, without the lock, for the recovery rec to end or ctx to be
// done. A recovery that failed fails its waiters too, with its error, rather
// than each of them starting another; one cut short by its own caller's
// context does not: the next one to look starts another.
func (g *guard) await(ctx context.Context, rec *recovery) error {
	select {
	case <-rec.done:
	case <-ctx.Done():
		return g.unavailable("%s is being recovered: %w", g.path, ctx.Err())
	}
	if rec.err != nil && !rec.retry {
		return rec.err
	}
	return nil
}

// flushIdle closes the idle connections of every pool, so that connections
// to a vanished file do not wait in a pool for their next use.
func (g *guard) flushIdle() {
	g.poolsMu.Lock()
	pools := append([]*sql.DB(nil), g.pools...)
	g.poolsMu.Unlock()
	for _, p := range pools {
		n := p.Stats().MaxOpenConnections
		if n <= 0 {
			n = 2 // database/sql's default
		}
		p.SetMaxIdleConns(0)
		p.SetMaxIdleConns(n)
	}
}

// close is called once every pool is closed: if the file vanished and was
// not rescued yet, this is the last chance, then the keeper goes. settle
// also waits for a recovery still running.
func (g *guard) close() {
	if err := g.settle(context.Background()); err != nil {
		g.log.Error("store: closing with the database file missing; its last state is lost unless restored from a backup", "db", g.path, "err", err)
	}
	// Closing the keeper checkpoints the file: not under the lock.
	g.mu.Lock()
	keeper := g.keeper
	g.keeper = nil
	g.mu.Unlock()
	if keeper != nil {
		keeper.Close()
	}
}

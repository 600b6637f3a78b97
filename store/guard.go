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

	mu     sync.Mutex
	cur    os.FileInfo // the file the connections are on
	keeper driver.Conn // holds cur open, to rescue it if it vanishes
	wal    os.FileInfo // cur's -wal, as the keeper found it
	fault  string      // the fault last logged, to log each one once

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

// startKeeper opens the keeper connection on the current file. Without one
// (it failed to open) a vanished file cannot be rescued, only waited for.
func (g *guard) startKeeper() {
	base, err := sqlite.NewConnector(noCreate(g.keeperDSN))
	if err == nil {
		g.keeper, err = base.Connect(context.Background())
	}
	if err == nil {
		// A read opens the -wal, which the keeper then holds, and tells
		// which file is cur's -wal.
		_, err = g.keeper.(driver.ExecerContext).ExecContext(context.Background(), "SELECT count(*) FROM sqlite_schema", nil)
		g.wal, _ = os.Stat(g.path + "-wal")
	}
	if err != nil {
		if g.keeper != nil {
			g.keeper.Close()
		}
		g.keeper = nil
		g.log.Error("store: no keeper connection: a vanished database file could not be rescued", "db", g.path, "err", err)
	}
}

// dropOldWAL runs once nothing is open on the old file any more. SQLite
// leaves a moved database's -wal and -shm at the path (it cannot tell whose
// they are), and the first connection to the new file would replay that -wal
// into it. The old file's data is in the copy already, so its -wal goes; a
// -wal of unknown origin is moved aside, not deleted. The -shm is only an
// index, rebuilt from the -wal.
func (g *guard) dropOldWAL(stamp string) {
	os.Remove(g.path + "-shm")
	fi, err := os.Stat(g.path + "-wal")
	if err != nil {
		return
	}
	if g.wal != nil && os.SameFile(fi, g.wal) || fi.Size() == 0 {
		os.Remove(g.path + "-wal")
		return
	}
	aside := g.path + ".wal-" + stamp
	if err := os.Rename(g.path+"-wal", aside); err == nil {
		g.log.Warn("store: moved a -wal of unknown origin away from the database", "db", g.path, "moved_to", aside)
	}
}

// unavailable is the error every use of the store gets during a fault.
func (g *guard) unavailable(format string, args ...any) error {
	return &forms.Error{Code: forms.EUNAVAILABLE, Message: "storage unavailable", Err: fmt.Errorf("store: "+format, args...)}
}

// logFault logs a fault once, not at every request that meets it.
func (g *guard) logFault(msg string, args ...any) {
	if g.fault == msg {
		return
	}
	g.fault = msg
	g.log.Error(msg, append([]any{"db", g.path}, args...)...)
}

// isCurrent reports whether the path still names the file fi.
func (g *guard) isCurrent(fi os.FileInfo) bool {
	now, err := os.Stat(g.path)
	return err == nil && os.SameFile(now, fi)
}

// settle is called before any new connection opens: it returns nil when the
// path names the file the guard knows, moves to the file now at the path once
// nothing uses the old one (rescuing the old one first), or says why the
// store is unavailable for now.
func (g *guard) settle(ctx context.Context) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	fi, err := os.Stat(g.path)
	if err == nil && os.SameFile(fi, g.cur) {
		return nil
	}
	missing := errors.Is(err, fs.ErrNotExist)
	if err != nil && !missing {
		g.logFault("store: database file cannot be reached", "err", err)
		return g.unavailable("stat %s: %w", g.path, err)
	}
	// The old file is gone from the path. Close what still uses it; a
	// connection busy with a statement (the checkpointer's, a read) closes
	// when it is handed back, usually within milliseconds: wait a little
	// for that rather than fail this request.
	for deadline := time.Now().Add(settleWait); g.live.Load() > 0 && time.Now().Before(deadline) && ctx.Err() == nil; {
		g.flushIdle()
		if g.live.Load() > 0 {
			time.Sleep(10 * time.Millisecond)
		}
	}
	if n := g.live.Load(); n > 0 {
		g.logFault("store: database file vanished or was replaced; waiting for its connections to close", "open", n)
		return g.unavailable("%s vanished or was replaced; %d connections still use it", g.path, n)
	}
	// Nothing writes to the old file any more: copy it out through the
	// keeper, then let the keeper go.
	if g.keeper != nil {
		stamp := g.now().UTC().Format("20060102T150405.000Z")
		target := g.path + ".vanished-" + stamp
		if missing {
			target = g.path + ".rescue-" + stamp
		}
		if err := vacuumInto(ctx, g.keeper, target); err != nil {
			os.Remove(target)
			g.logFault("store: database file vanished and cannot be rescued yet (is its directory there, and is there space?)", "err", err)
			return g.unavailable("rescue %s: %w", g.path, err)
		}
		if missing {
			if err := os.Rename(target, g.path); err != nil {
				os.Remove(target)
				g.logFault("store: database file vanished; its copy cannot be put back", "err", err)
				return g.unavailable("restore %s: %w", g.path, err)
			}
			g.log.Warn("store: database file had vanished; restored it from the open connection, nothing lost", "db", g.path)
		} else {
			g.log.Warn("store: database file was replaced; now using the new file, the old one's data is kept beside it",
				"db", g.path, "old_data", target)
		}
		// The last connection to the old file: closing it checkpoints
		// into the old file and deletes the old -wal and -shm by name,
		// before any connection opens the file now at the path.
		g.keeper.Close()
		g.keeper = nil
		g.dropOldWAL(stamp)
	} else if missing {
		g.logFault("store: database file vanished; waiting for it to be put back")
		return g.unavailable("%s is missing", g.path)
	}
	// A file moved here by an operator may be readable by others; the
	// service carries on with it either way.
	if err := tightenAll(g.log, g.path, "", "-wal", "-shm"); err != nil {
		g.log.Error("store: the database file now in use may be readable by other local users", "db", g.path, "err", err)
	}
	if fi, err = os.Stat(g.path); err != nil {
		return g.unavailable("stat %s: %w", g.path, err)
	}
	g.cur, g.fault = fi, ""
	g.startKeeper()
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
// not rescued yet, this is the last chance, then the keeper goes.
func (g *guard) close() {
	if !g.isCurrent(g.cur) {
		if err := g.settle(context.Background()); err != nil {
			g.log.Error("store: closing with the database file missing; its last state is lost unless restored from a backup", "db", g.path, "err", err)
		}
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

// vacuumInto copies the database c is on to a new file at target, made 0600
// beforehand (VACUUM INTO takes an empty file as a new one): SQLite would
// make it with its own default mode, readable by all.
func vacuumInto(ctx context.Context, c driver.Conn, target string) error {
	ex, ok := c.(driver.ExecerContext)
	if !ok {
		return errors.New("keeper cannot execute statements")
	}
	if err := createPrivate(target); err != nil {
		return err
	}
	_, err := ex.ExecContext(ctx, "VACUUM INTO ?", []driver.NamedValue{{Ordinal: 1, Value: target}})
	return err
}

// guardedConnector opens connections only when the guard has settled.
type guardedConnector struct {
	base driver.Connector
	g    *guard
}

func (c *guardedConnector) Connect(ctx context.Context) (driver.Conn, error) {
	if err := c.g.settle(ctx); err != nil {
		return nil, err
	}
	conn, err := c.base.Connect(ctx)
	if err != nil {
		return nil, translate(err)
	}
	c.g.mu.Lock()
	file := c.g.cur
	c.g.mu.Unlock()
	if !c.g.isCurrent(file) {
		// The file went between the check and the open.
		conn.Close()
		return nil, c.g.unavailable("%s changed while connecting", c.g.path)
	}
	c.g.live.Add(1)
	return &guardedConn{Conn: conn, g: c.g, file: file}, nil
}

func (c *guardedConnector) Driver() driver.Driver { return c.base.Driver() }

// guardedConn is one connection and the file it opened. It forwards every
// optional interface of the driver's connection (see sqlite.NewConnector).
type guardedConn struct {
	driver.Conn
	g      *guard
	file   os.FileInfo
	closed atomic.Bool
}

// Unwrap lets sqlite.Limit and the like reach the driver's connection.
func (c *guardedConn) Unwrap() driver.Conn { return c.Conn }

func (c *guardedConn) Close() error {
	if c.closed.CompareAndSwap(false, true) {
		c.g.live.Add(-1)
	}
	return c.Conn.Close()
}

// ResetSession runs before a pooled connection is used again: one whose file
// is no longer at the path is discarded (database/sql then opens another,
// through the guard).
func (c *guardedConn) ResetSession(ctx context.Context) error {
	if !c.g.isCurrent(c.file) {
		return driver.ErrBadConn
	}
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

// IsValid runs before a connection goes back to the pool.
func (c *guardedConn) IsValid() bool {
	if !c.g.isCurrent(c.file) {
		return false
	}
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

// BeginTx needs the driver's own BeginTx, which honours ctx and opts;
// modernc's connection has it (TestGuardedConnBeginTx), so there is no
// fallback to the deprecated Begin, which would drop both silently.
func (c *guardedConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	b, ok := c.Conn.(driver.ConnBeginTx)
	if !ok {
		return nil, fmt.Errorf("store: begin: %T cannot begin a transaction with a context", c.Conn)
	}
	return b.BeginTx(ctx, opts)
}

func (c *guardedConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if p, ok := c.Conn.(driver.ConnPrepareContext); ok {
		return p.PrepareContext(ctx, query)
	}
	return c.Conn.Prepare(query)
}

func (c *guardedConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if e, ok := c.Conn.(driver.ExecerContext); ok {
		return e.ExecContext(ctx, query, args)
	}
	return nil, driver.ErrSkip
}

func (c *guardedConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if q, ok := c.Conn.(driver.QueryerContext); ok {
		return q.QueryContext(ctx, query, args)
	}
	return nil, driver.ErrSkip
}

func (c *guardedConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

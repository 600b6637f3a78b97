package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"os"
	"time"

	"modernc.org/sqlite"
)

// A recovery moves the guard from a file that vanished or was replaced to
// the file now at the path (see guard.go). It runs in the request that found
// the fault, outside g.mu: it may wait seconds for connections to close and
// copies the whole database. It takes the keeper out of the guard while it
// runs, and puts back what it leaves, old keeper or new, when it ends.

// recovery is one run; g.rec points at it while it runs.
type recovery struct {
	done  chan struct{} // closed when it ends; err and retry are set by then
	err   error         // why the store is still unavailable, if it is
	retry bool          // err came from its caller's context ending, not from the fault
}

// recovered is what a recovery leaves in the guard's fields.
type recovered struct {
	keeper driver.Conn // the old keeper if the recovery did not close it, else the new one
	wal    os.FileInfo // the -wal that keeper found
	cur    os.FileInfo // the file now in use, if the recovery moved to one
}

// recover runs the recovery rec, claimed by the caller, to its end.
func (g *guard) recover(ctx context.Context, rec *recovery, missing bool) error {
	g.mu.Lock()
	out := recovered{keeper: g.keeper, wal: g.wal}
	beforeCopy := g.beforeCopy
	g.keeper = nil
	g.mu.Unlock()

	err := g.recoverFile(ctx, &out, missing, beforeCopy)

	g.mu.Lock()
	if err == nil {
		g.cur, g.fault = out.cur, ""
	}
	g.keeper, g.wal = out.keeper, out.wal
	rec.err, rec.retry = err, err != nil && ctx.Err() != nil
	g.rec = nil
	g.mu.Unlock()
	close(rec.done)
	return err
}

// recoverFile does a recovery's work, and records in out what it leaves.
func (g *guard) recoverFile(ctx context.Context, out *recovered, missing bool, beforeCopy func()) error {
	// The old file is gone from the path. Close what still uses it; a
	// connection busy with a statement (the checkpointer's, a read) closes
	// when it is handed back, usually within milliseconds: wait a little
	// for that rather than fail this request.
	if n := g.awaitConns(ctx); n > 0 {
		g.faultOnce("store: database file vanished or was replaced; waiting for its connections to close", "open", n)
		return g.unavailable("%s vanished or was replaced; %d connections still use it", g.path, n)
	}
	// Nothing writes to the old file any more: copy it out through the
	// keeper, then let the keeper go.
	if out.keeper != nil {
		if beforeCopy != nil {
			beforeCopy()
		}
		if err := g.rescue(ctx, out.keeper, out.wal, missing); err != nil {
			return err
		}
		out.keeper, out.wal = nil, nil
	} else if missing {
		g.faultOnce("store: database file vanished; waiting for it to be put back")
		return g.unavailable("%s is missing", g.path)
	}
	// A file moved here by an operator may be readable by others; the
	// service carries on with it either way.
	if err := tightenAll(g.log, g.path, "", "-wal", "-shm"); err != nil {
		g.log.Error("store: the database file now in use may be readable by other local users", "db", g.path, "err", err)
	}
	fi, err := os.Stat(g.path)
	if err != nil {
		return g.unavailable("stat %s: %w", g.path, err)
	}
	// The next keeper is in place before any connection opens on the file.
	out.cur = fi
	out.keeper, out.wal = g.openKeeper()
	return nil
}

// awaitConns flushes the pools until no connection is open, for up to
// settleWait or until ctx is done, and returns how many still are.
func (g *guard) awaitConns(ctx context.Context) int64 {
	for deadline := time.Now().Add(settleWait); g.live.Load() > 0 && time.Now().Before(deadline) && ctx.Err() == nil; {
		g.flushIdle()
		if g.live.Load() > 0 {
			time.Sleep(10 * time.Millisecond)
		}
	}
	return g.live.Load()
}

// rescue copies the old file through keeper back to the path if it is
// missing, or beside it if another file took its place, and then closes
// keeper. On an error keeper stays open, for the next try.
func (g *guard) rescue(ctx context.Context, keeper driver.Conn, wal os.FileInfo, missing bool) error {
	stamp := g.now().UTC().Format("20060102T150405.000Z")
	target := g.path + ".vanished-" + stamp
	if missing {
		target = g.path + ".rescue-" + stamp
	}
	if err := vacuumInto(ctx, keeper, target); err != nil {
		os.Remove(target)
		g.faultOnce("store: database file vanished and cannot be rescued yet (is its directory there, and is there space?)", "err", err)
		return g.unavailable("rescue %s: %w", g.path, err)
	}
	if missing {
		if err := os.Rename(target, g.path); err != nil {
			os.Remove(target)
			g.faultOnce("store: database file vanished; its copy cannot be put back", "err", err)
			return g.unavailable("restore %s: %w", g.path, err)
		}
		g.log.Warn("store: database file had vanished; restored it from the open connection, nothing lost", "db", g.path)
	} else {
		g.log.Warn("store: database file was replaced; now using the new file, the old one's data is kept beside it",
			"db", g.path, "old_data", target)
	}
	// The last connection to the old file: closing it checkpoints into the
	// old file and deletes the old -wal and -shm by name, before any
	// connection opens the file now at the path.
	keeper.Close()
	g.dropOldWAL(stamp, wal)
	return nil
}

// startKeeper opens the keeper connection on the current file, when the
// store opens. Without one (it failed to open) a vanished file cannot be
// rescued, only waited for.
func (g *guard) startKeeper() {
	keeper, wal := g.openKeeper()
	g.mu.Lock()
	old := g.keeper
	g.keeper, g.wal = keeper, wal
	g.mu.Unlock()
	if old != nil {
		old.Close()
	}
}

// openKeeper opens a keeper on the file at the path, and returns it with
// the -wal it holds open; it logs a failure and returns nil then.
func (g *guard) openKeeper() (driver.Conn, os.FileInfo) {
	var keeper driver.Conn
	var wal os.FileInfo
	base, err := sqlite.NewConnector(noCreate(g.keeperDSN))
	if err == nil {
		keeper, err = base.Connect(context.Background())
	}
	if err == nil {
		// A read opens the -wal, which the keeper then holds, and tells
		// which file is the current file's -wal.
		_, err = keeper.(driver.ExecerContext).ExecContext(context.Background(), "SELECT count(*) FROM sqlite_schema", nil)
		wal, _ = os.Stat(g.path + "-wal")
	}
	if err != nil {
		if keeper != nil {
			keeper.Close()
		}
		g.log.Error("store: no keeper connection: a vanished database file could not be rescued", "db", g.path, "err", err)
		return nil, nil
	}
	return keeper, wal
}

// dropOldWAL runs once nothing is open on the old file any more; wal is the
// old file's -wal as its keeper found it. SQLite leaves a moved database's
// -wal and -shm at the path (it cannot tell whose they are), and the first
// connection to the new file would replay that -wal into it. The old file's
// data is in the copy already, so its -wal goes; a -wal of unknown origin is
// moved aside, not deleted. The -shm is only an index, rebuilt from the -wal.
func (g *guard) dropOldWAL(stamp string, wal os.FileInfo) {
	os.Remove(g.path + "-shm")
	fi, err := os.Stat(g.path + "-wal")
	if err != nil {
		return
	}
	if wal != nil && os.SameFile(fi, wal) || fi.Size() == 0 {
		os.Remove(g.path + "-wal")
		return
	}
	aside := g.path + ".wal-" + stamp
	if err := os.Rename(g.path+"-wal", aside); err == nil {
		g.log.Warn("store: moved a -wal of unknown origin away from the database", "db", g.path, "moved_to", aside)
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

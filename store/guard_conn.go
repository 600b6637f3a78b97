package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"os"
	"sync/atomic"
)

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

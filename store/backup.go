package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
)

// Backup returns a consistent copy of the whole database, taken while
// responses keep coming in: SQLite's VACUUM INTO reads one snapshot (a read
// transaction, which in WAL mode never waits for the writer nor holds it up)
// and writes it as a compact, standalone file that opens without its -wal.
//
// The copy is an open file already removed from the directory, positioned at
// its start: the caller streams it and closes it, and nothing is left behind
// even if the download is cut. It is built next to the database (same disk,
// and no assumption that /tmp is large); a full disk fails it with
// EUNAVAILABLE and leaves the database untouched. Like the database, the
// copy is readable by the service's user only, and so is the folder it is
// built in, whatever the umask (permissions.go).
func (db *DB) Backup(ctx context.Context) (*os.File, error) {
	dir, err := os.MkdirTemp(filepath.Dir(db.path), ".backup-")
	if err != nil {
		return nil, translate(fmt.Errorf("store: backup: %w", err))
	}
	defer os.RemoveAll(dir)
	if err := os.Chmod(dir, privateDir); err != nil {
		return nil, fmt.Errorf("store: backup: %w", err)
	}
	target := filepath.Join(dir, "feedback.db")
	if err := db.BackupTo(ctx, target); err != nil {
		return nil, err
	}
	f, err := os.Open(target)
	if err != nil {
		return nil, fmt.Errorf("store: backup: %w", err)
	}
	return f, nil
}

// BackupTo writes a consistent copy of the database to a new file at target,
// which must not exist yet, so that no file is ever overwritten by a copy.
// The file is 0600: VACUUM INTO would make it with SQLite's default mode,
// readable by every local user, so it is made beforehand (VACUUM INTO takes
// an empty file as a new one).
func (db *DB) BackupTo(ctx context.Context, target string) error {
	if err := createPrivate(target); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("store: backup: %s already exists", target)
		}
		return translate(fmt.Errorf("store: backup: %w", err))
	}
	// A connection of its own: the reading pool is query_only, which forbids
	// VACUUM INTO, and the writing connection must stay free for responses.
	// mode=ro still lets VACUUM INTO write its target.
	q := url.Values{}
	q.Set("mode", "ro")
	q.Add("_pragma", "busy_timeout(10000)")
	conn, err := sql.Open("sqlite", "file:"+db.path+"?"+q.Encode())
	if err != nil {
		os.Remove(target)
		return fmt.Errorf("store: backup: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, target); err != nil {
		os.Remove(target) // a partial copy of ours, not a file that was there
		return translate(fmt.Errorf("store: backup: %w", err))
	}
	return nil
}

package store

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
)

// The responses hold what participants wrote, some of it about themselves:
// no other local user may read them. Every file the store makes (the
// database, a backup, a rescued copy) is 0600 and every folder it makes
// 0700, whatever the umask: a umask only ever narrows a mode, so each is
// created with that mode and then set to it exactly. SQLite gives a new -wal
// and -shm the database file's own mode. A database left readable by an
// older version, or by an operator's cp, is tightened at start, and the log
// says so.

const (
	privateFile fs.FileMode = 0o600
	privateDir  fs.FileMode = 0o700
)

// secureFiles runs before the database is opened: it creates the missing
// folders above path, and tightens a database, -wal, -shm or -journal that
// is already there.
func secureFiles(log *slog.Logger, path string) error {
	if err := makePrivateDirs(filepath.Dir(path)); err != nil {
		return fmt.Errorf("store: create directory: %w", err)
	}
	return tightenAll(log, path, "", "-wal", "-shm", "-journal")
}

// tightenAll tightens path+suffix for every suffix.
func tightenAll(log *slog.Logger, path string, suffixes ...string) error {
	for _, s := range suffixes {
		if err := tighten(log, path+s); err != nil {
			return fmt.Errorf("store: tighten permissions of %s: %w", path+s, err)
		}
	}
	return nil
}

// makePrivateDirs creates dir and the missing folders above it, each 0700.
// Folders that exist already (the working directory, /var/lib) are the
// operator's, and keep their mode.
func makePrivateDirs(dir string) error {
	fi, err := os.Stat(dir)
	if err == nil {
		if !fi.IsDir() {
			return fmt.Errorf("%s is not a directory", dir)
		}
		return nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if parent := filepath.Dir(dir); parent != dir {
		if err := makePrivateDirs(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, privateDir); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil // made by someone else meanwhile: not ours to change
		}
		return err
	}
	return os.Chmod(dir, privateDir)
}

// createPrivate creates an empty file at path, 0600. It fails if anything is
// at path already, a symbolic link included, so that nothing can redirect
// the data written there.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, privateFile)
	if err != nil {
		return err
	}
	err = f.Chmod(privateFile)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}

// tighten takes from the file at path every permission beyond 0600, and
// logs it; no file at path is fine. It only takes permissions away: a file
// the operator made read-only stays read-only.
func tighten(log *slog.Logger, path string) error {
	if runtime.GOOS == "windows" {
		return nil // access there is ACLs, which os.Chmod does not reach
	}
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	from := fi.Mode().Perm()
	to := from & privateFile
	if to == from {
		return nil
	}
	if err := os.Chmod(path, to); err != nil {
		return err
	}
	log.Warn("store: tightened the permissions of a database file, which other local users could read",
		"file", path, "from", fmt.Sprintf("%#o", from), "to", fmt.Sprintf("%#o", to))
	return nil
}

package store

import (
	"path/filepath"
	"syscall"
)

// minFreeSpace is the free space below which Ping reports the disk as full.
// SQLite may still fit a few commits into space its WAL already holds, so
// writes fail later and one by one; the health check says so first, while
// every acknowledged response is still safe.
const minFreeSpace = 1 << 20

const diskFull = "store: the disk of the database is full"

// checkSpace reports EUNAVAILABLE when the database's disk is (nearly) full.
func (g *guard) checkSpace() error {
	var st syscall.Statfs_t
	if err := syscall.Statfs(filepath.Dir(g.path), &st); err != nil {
		return nil // no answer is not a full disk; the write check decides
	}
	free := st.Bavail * uint64(st.Bsize)
	g.mu.Lock()
	defer g.mu.Unlock()
	if free >= minFreeSpace {
		if g.fault == diskFull {
			g.fault = ""
		}
		return nil
	}
	g.logFault(diskFull, "free_bytes", free)
	return g.unavailable("disk full: %d bytes free beside %s", free, g.path)
}

package main

import (
	"context"
	"os"

	"github.com/gofiber/fiber/v2"
)

// backupStore is a store that can hand out a consistent copy of itself as one
// file: SQLite can; PostgreSQL is backed up with its own tools (pg_dump).
type backupStore interface {
	Backup(ctx context.Context) (*os.File, error)
}

// handleBackup streams a consistent copy of the database, taken while
// responses keep coming in, so the organizer can keep one off the machine at
// any time. The copy is a plain SQLite file: open it with sqlite3, or start
// the service on it with -db.
func (s *server) handleBackup(c *fiber.Ctx) error {
	b, ok := s.db.(backupStore)
	if !ok {
		return fiber.NewError(fiber.StatusNotImplemented, "This service stores its data in PostgreSQL: back it up with pg_dump.")
	}
	f, err := b.Backup(c.UserContext())
	if err != nil {
		return err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	name := "feedback-" + s.now().Format("2006-01-02T1504Z") + ".db"
	s.log.Info("backup downloaded", "file", name, "bytes", st.Size())
	c.Set(fiber.HeaderContentType, "application/vnd.sqlite3")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	// The file is already unlinked; fasthttp closes it once it is sent.
	return c.SendStream(f, int(st.Size()))
}

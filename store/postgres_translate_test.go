package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/puddle/v2"

	"feedback/forms"
)

// TestTranslatePG checks the codes of the server errors that cannot be made
// on a test server (a full disk, too many connections); the live ones
// (connection refused, a shutdown, a read-only role) are made for real in
// postgres_test.go and app/postgres_fault_test.go.
func TestTranslatePG(t *testing.T) {
	pg := func(code string) error {
		return fmt.Errorf("store: save response: %w", &pgconn.PgError{Severity: "ERROR", Code: code, Message: "x"})
	}
	for name, c := range map[string]struct {
		err  error
		want string
	}{
		"UniqueViolation":      {pg("23505"), forms.ECONFLICT},
		"CheckViolation":       {pg("23514"), forms.ECONFLICT},
		"DiskFull":             {pg("53100"), forms.EUNAVAILABLE},
		"TooManyConnections":   {pg("53300"), forms.EUNAVAILABLE},
		"AdminShutdown":        {pg("57P01"), forms.EUNAVAILABLE},
		"CannotConnectNow":     {pg("57P03"), forms.EUNAVAILABLE},
		"IOError":              {pg("58030"), forms.EUNAVAILABLE},
		"ReadOnlyTransaction":  {pg("25006"), forms.EUNAVAILABLE},
		"SerializationFailure": {pg("40001"), forms.EUNAVAILABLE},
		"ConnectionFailure":    {pg("08006"), forms.EUNAVAILABLE},
		"SyntaxErrorIsOurs":    {pg("42601"), forms.EINTERNAL},
		"Refused":              {fmt.Errorf("dial: %w", syscall.ECONNREFUSED), forms.EUNAVAILABLE},
		"CutShort":             {fmt.Errorf("read: %w", io.ErrUnexpectedEOF), forms.EUNAVAILABLE},
		"PoolClosed":           {fmt.Errorf("acquire: %w", puddle.ErrClosedPool), forms.EUNAVAILABLE},
		"Canceled":             {fmt.Errorf("query: %w", context.Canceled), forms.EINTERNAL},
		"Other":                {errors.New("something else"), forms.EINTERNAL},
	} {
		got := translatePG(c.err)
		if code := forms.ErrorCode(got); code != c.want {
			t.Errorf("%s: code %q, want %q (%v)", name, code, c.want, got)
		}
		if !errors.Is(got, c.err) && !errors.Is(got, errors.Unwrap(c.err)) {
			t.Errorf("%s: the cause is lost: %v", name, got)
		}
	}
	if translatePG(nil) != nil {
		t.Error("nil is not nil")
	}
}

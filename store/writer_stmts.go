package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"feedback/forms"
)

// writeStmts are the writer's prepared statements: parsing SQL cost more than
// running it. Only the writer goroutine uses them.
type writeStmts struct {
	db             *sql.DB
	insertResponse *sql.Stmt
	insertAnswers  map[answerShape]*sql.Stmt
	// per transaction
	tx      *sql.Tx
	inTx    map[*sql.Stmt]*sql.Stmt
	scratch []any
}

// answerShape is how many answer rows of each kind a response has; it names
// the multi-row INSERT that stores them. Rows are grouped by kind so that the
// few dozen shapes real forms produce share prepared statements.
type answerShape struct {
	numbers, options, texts int
}

func shapeOf(answers forms.Answers) answerShape {
	var sh answerShape
	for _, a := range answers {
		switch {
		case len(a.Choices) > 0:
			sh.options += len(a.Choices)
		case a.Text != "":
			sh.texts++
		default:
			sh.numbers++
		}
	}
	return sh
}

func (sh answerShape) rows() int { return sh.numbers + sh.options + sh.texts }

// maxPreparedShapes bounds the cache of answer inserts; past it, an unusual
// shape (a forms file with long multiple choices) is inserted unprepared.
const maxPreparedShapes = 256

const insertResponseSQL = `INSERT INTO responses (public_id, submission_id, workshop, lang, submitted_at, updated_at, source)
VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (submission_id) DO NOTHING`

// prepare makes sure every statement the batch needs is prepared.
func (s *writeStmts) prepare(ctx context.Context, batch []*saveJob) error {
	if s.insertResponse == nil {
		p, err := s.db.PrepareContext(ctx, insertResponseSQL)
		if err != nil {
			return fmt.Errorf("prepare: %w", err)
		}
		s.insertResponse = p
	}
	if s.insertAnswers == nil {
		s.insertAnswers = map[answerShape]*sql.Stmt{}
	}
	for _, j := range batch {
		sh := shapeOf(j.r.Answers)
		if sh.rows() == 0 || s.insertAnswers[sh] != nil || len(s.insertAnswers) >= maxPreparedShapes {
			continue
		}
		p, err := s.db.PrepareContext(ctx, answersSQL(sh))
		if err != nil {
			return fmt.Errorf("prepare: %w", err)
		}
		s.insertAnswers[sh] = p
	}
	return nil
}

func (s *writeStmts) begin(tx *sql.Tx) *writeStmts {
	s.tx = tx
	clear(s.inTx)
	return s
}

// inTxStmt binds a prepared statement to the current transaction, once per
// transaction; database/sql finds it already prepared on the connection.
func (s *writeStmts) inTxStmt(ctx context.Context, p *sql.Stmt) *sql.Stmt {
	if t, ok := s.inTx[p]; ok {
		return t
	}
	if s.inTx == nil {
		s.inTx = map[*sql.Stmt]*sql.Stmt{}
	}
	t := s.tx.StmtContext(ctx, p)
	s.inTx[p] = t
	return t
}

func (s *writeStmts) close() {
	if s.insertResponse != nil {
		s.insertResponse.Close()
	}
	for _, p := range s.insertAnswers {
		p.Close()
	}

}

// answersSQL is the INSERT for a shape. The response's row id is bound once
// as ?1 and the columns a kind leaves empty are literal NULLs: binding costs
// more per parameter than SQLite spends storing the value.
func answersSQL(sh answerShape) string {
	var sb strings.Builder
	// OR ROLLBACK: a broken constraint ends the whole transaction (the batch
	// is then tried job by job) instead of undoing just this statement, so
	// SQLite keeps no statement journal for it.
	sb.WriteString(`INSERT OR ROLLBACK INTO answers (response_id, question, number, option, text) VALUES `)
	n := 0
	add := func(count int, row string) {
		for i := 0; i < count; i++ {
			if n > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(row)
			n++
		}
	}
	add(sh.numbers, "(?1, ?, ?, NULL, NULL)")
	add(sh.options, "(?1, ?, NULL, ?, NULL)")
	add(sh.texts, "(?1, ?, NULL, NULL, ?)")
	return sb.String()
}

package main

import (
	"archive/zip"
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/xuri/excelize/v2"

	"feedback/export"
	"feedback/forms"
	"feedback/store"
)

// exportReport is what a child process measured, printed as one JSON line.
type exportReport struct {
	Seconds float64 `json:"seconds"`
	Peak    int64   `json:"peak"`  // VmHWM, bytes
	Bytes   int64   `json:"bytes"` // size of the .xlsx
	Rows    int     `json:"rows"`  // responses written
}

// exportRows fills a database with n responses over every workshop, then
// measures the export and its ceiling, each in a process of its own so that
// its peak memory is its own.
func exportRows(ctx context.Context, self, dir string, n int, progress io.Writer) ([]row, error) {
	dbPath := filepath.Join(dir, "export.db")
	fmt.Fprintf(progress, "export: storing %d responses\n", n)
	if err := fillExportDB(ctx, dbPath, n); err != nil {
		return nil, err
	}
	fmt.Fprintln(progress, "export: excelize StreamWriter alone (ceiling)")
	ceil, err := runExportChild(ctx, self, "ceiling", dbPath, dir, n)
	if err != nil {
		return nil, err
	}
	fmt.Fprintln(progress, "export: the workbook")
	exp, err := runExportChild(ctx, self, "export", dbPath, dir, n)
	if err != nil {
		return nil, err
	}
	mk := func(name string, r exportReport, ratio, notes string) row {
		return row{
			name: name, clients: "-", elapsed: fmt.Sprintf("%.1f s", r.Seconds),
			rate: fmt.Sprintf("%.0f", float64(r.Rows)/r.Seconds), p50: "-", p99: "-",
			ratio: ratio, cpu: "-", rss: mib(r.Peak), check: notes,
		}
	}
	notes := fmt.Sprintf("%.2f× ceiling time, %.1f MiB file", exp.Seconds/ceil.Seconds, float64(exp.Bytes)/(1<<20))
	if exp.Rows != n {
		notes += fmt.Sprintf(" FAIL: %d of %d responses", exp.Rows, n)
	}
	return []row{
		mk(fmt.Sprintf("ceiling: StreamWriter, %dk rows", n/1000), ceil, "1.00", fmt.Sprintf("%.1f MiB file", float64(ceil.Bytes)/(1<<20))),
		mk(fmt.Sprintf("export: workbook of %dk", n/1000), exp, fmt.Sprintf("%.2f", ceil.Seconds/exp.Seconds), notes),
	}, nil
}

// fillExportDB stores the export's responses through the store, as the
// server would, from many goroutines so that the writer batches them.
func fillExportDB(ctx context.Context, path string, n int) error {
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := storeAll(ctx, db, func(each func(*forms.Response) error) error {
		return eachExportResponse(forms.Default(), n, each)
	}); err != nil {
		return fmt.Errorf("loadgen: fill export database: %w", err)
	}
	if err := db.Close(); err != nil {
		return err
	}
	// The export is measured on a database whose desk is up to date, as
	// a running server's is: not while a store takes in what the fill left.
	return settleDesk(ctx, path)
}

// storeAll stores every response gen makes, from 256 goroutines so that
// the writer batches them as it does under load, and returns the first
// error.
func storeAll(ctx context.Context, db *store.DB, gen func(each func(*forms.Response) error) error) error {
	jobs := make(chan *forms.Response, 1024)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for i := 0; i < 256; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range jobs {
				if _, err := db.SaveResponse(ctx, r); err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		}()
	}
	err := gen(func(r *forms.Response) error {
		select {
		case jobs <- r:
			return nil
		case err := <-errs:
			return err
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	close(jobs)
	wg.Wait()
	if err != nil {
		return err
	}
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

func runExportChild(ctx context.Context, self, mode, dbPath, dir string, n int) (exportReport, error) {
	cmd := exec.CommandContext(ctx, self, "-export-run", mode, "-export-db", dbPath,
		"-export-responses", fmt.Sprint(n), "-export-out", filepath.Join(dir, mode+".xlsx"))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return exportReport{}, fmt.Errorf("loadgen: %s run: %w\n%s", mode, err, stderr.String())
	}
	var r exportReport
	if err := json.Unmarshal(out, &r); err != nil {
		return r, fmt.Errorf("loadgen: %s run: %w: %q", mode, err, out)
	}
	return r, nil
}

// exportChildRun is the child process: it runs one measurement and prints
// its report.
func exportChildRun(mode, dbPath, outPath string, n int, out io.Writer) error {
	ctx := context.Background()
	f, err := os.Create(outPath)
	if err != nil {
		return fmt.Errorf("loadgen: %w", err)
	}
	defer f.Close()
	cw := &countWriter{w: bufio.NewWriterSize(f, 1<<16)}
	start := time.Now()
	var rows int
	switch mode {
	case "export":
		rows, err = runExport(ctx, dbPath, cw)
	case "ceiling":
		rows, err = runCeilingExport(n, cw)
	default:
		err = errors.New("loadgen: unknown -export-run " + mode)
	}
	if err != nil {
		return err
	}
	if err := cw.w.(*bufio.Writer).Flush(); err != nil {
		return fmt.Errorf("loadgen: write %s: %w", outPath, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("loadgen: write %s: %w", outPath, err)
	}
	elapsed := time.Since(start)
	peak, err := peakRSSOf(os.Getpid())
	if err != nil {
		return err
	}
	return json.NewEncoder(out).Encode(exportReport{Seconds: elapsed.Seconds(), Peak: peak, Bytes: cw.n, Rows: rows})
}

// runExport is what GET /admin/export.xlsx does: the store's stream of
// responses into the export package, the workbook straight to the writer.
func runExport(ctx context.Context, dbPath string, w io.Writer) (int, error) {
	db, err := store.Open(ctx, dbPath, store.Options{})
	if err != nil {
		return 0, err
	}
	defer db.Close()
	rows := 0
	src := func(ctx context.Context, fn func(r *forms.Response) error) error {
		return db.EachResponse(ctx, store.Filter{}, func(r *forms.Response) error {
			rows++
			return fn(r)
		})
	}
	wb, err := export.Build(ctx, forms.Default(), src, export.Options{})
	if err != nil {
		return rows, fmt.Errorf("loadgen: export: %w", err)
	}
	defer wb.Close()
	if _, err := wb.WriteTo(w); err != nil {
		return rows, fmt.Errorf("loadgen: export: %w", err)
	}
	return rows, wb.Close()
}

// runCeilingExport writes the export's raw cells (one Responses row per
// response, one Comments row per text answer, the same values, types and
// date and wrap styles) with excelize's StreamWriter and nothing else: no
// database, no figures, no summary sheets. It regenerates the data as it
// goes, the same responses the database holds.
func runCeilingExport(n int, w io.Writer) (int, error) {
	f := forms.Default()
	x := excelize.NewFile()
	defer x.Close()
	s, err := newCeilingSheets(x, f.Questions())
	if err != nil {
		return 0, fmt.Errorf("loadgen: ceiling: %w", err)
	}
	if err := eachExportResponse(f, n, s.write); err != nil {
		return s.rows, fmt.Errorf("loadgen: ceiling: %w", err)
	}
	if err := s.responses.Flush(); err != nil {
		return s.rows, fmt.Errorf("loadgen: ceiling: %w", err)
	}
	if err := s.comments.Flush(); err != nil {
		return s.rows, fmt.Errorf("loadgen: ceiling: %w", err)
	}
	// The zip goes straight to w, as the export writes it.
	x.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	if _, err := x.WriteToBuffer(); err != nil {
		return s.rows, fmt.Errorf("loadgen: ceiling: %w", err)
	}
	return s.rows, nil
}

// ceilingSheets are the ceiling's two sheets as they are streamed, with the
// rows written so far.
type ceilingSheets struct {
	responses, comments *excelize.StreamWriter
	date, wrap          int // style ids
	qs                  []*forms.Question
	values              []any // the Responses row, reused
	rows, commentRow    int
}

// newCeilingSheets makes the Responses and Comments sheets of x with the
// export's styles and writes their header rows.
func newCeilingSheets(x *excelize.File, qs []*forms.Question) (*ceilingSheets, error) {
	if err := x.SetSheetName("Sheet1", "Responses"); err != nil {
		return nil, err
	}
	if _, err := x.NewSheet("Comments"); err != nil {
		return nil, err
	}
	s := &ceilingSheets{qs: qs, values: make([]any, 4+len(qs)), commentRow: 1}
	dateFmt := "yyyy-mm-dd hh:mm"
	var err error
	if s.date, err = x.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt}); err != nil {
		return nil, err
	}
	if s.wrap, err = x.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}); err != nil {
		return nil, err
	}
	if s.responses, err = x.NewStreamWriter("Responses"); err != nil {
		return nil, err
	}
	if s.comments, err = x.NewStreamWriter("Comments"); err != nil {
		return nil, err
	}
	header := []any{"submission_id", "workshop", "submitted_at_utc", "language"}
	for _, q := range qs {
		header = append(header, q.ID)
	}
	if err := s.responses.SetRow("A1", header); err != nil {
		return nil, err
	}
	return s, s.comments.SetRow("A1", []any{"Workshop", "Question", "Answer", "Language", "Submitted at (UTC)"})
}

// excelEpoch is day 0 of a spreadsheet's dates.
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// write adds r's row to Responses and its text answers to Comments.
func (s *ceilingSheets) write(r *forms.Response) error {
	s.rows++
	at := excelize.Cell{StyleID: s.date, Value: float64(r.SubmittedAt.Sub(excelEpoch)) / float64(24*time.Hour)}
	s.values[0], s.values[1], s.values[2], s.values[3] = r.SubmissionID, r.Workshop, at, r.Lang
	for i, q := range s.qs {
		a, ok := r.Answers[q.ID]
		switch {
		case !ok:
			s.values[4+i] = nil
		case len(a.Choices) > 0:
			s.values[4+i] = strings.Join(a.Choices, "; ")
		case q.IsScore():
			s.values[4+i] = a.Number
		default:
			s.values[4+i] = a.Text
		}
		if ok && q.Type == forms.FreeText {
			s.commentRow++
			cell, _ := excelize.CoordinatesToCellName(1, s.commentRow)
			if err := s.comments.SetRow(cell, []any{
				excelize.Cell{StyleID: s.wrap, Value: r.Workshop},
				excelize.Cell{StyleID: s.wrap, Value: q.ID},
				excelize.Cell{StyleID: s.wrap, Value: a.Text},
				excelize.Cell{StyleID: s.wrap, Value: r.Lang},
				at,
			}); err != nil {
				return err
			}
		}
	}
	cell, _ := excelize.CoordinatesToCellName(1, s.rows+1)
	return s.responses.SetRow(cell, s.values)
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

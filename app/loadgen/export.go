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
	err = eachExportResponse(forms.Default(), n, func(r *forms.Response) error {
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
		return fmt.Errorf("loadgen: fill export database: %w", err)
	}
	select {
	case err := <-errs:
		return fmt.Errorf("loadgen: fill export database: %w", err)
	default:
	}
	return db.Close()
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
	qs := f.Questions()
	x := excelize.NewFile()
	defer x.Close()
	if err := x.SetSheetName("Sheet1", "Responses"); err != nil {
		return 0, fmt.Errorf("loadgen: ceiling: %w", err)
	}
	if _, err := x.NewSheet("Comments"); err != nil {
		return 0, fmt.Errorf("loadgen: ceiling: %w", err)
	}
	dateFmt := "yyyy-mm-dd hh:mm"
	date, err := x.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return 0, fmt.Errorf("loadgen: ceiling: %w", err)
	}
	wrap, err := x.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return 0, fmt.Errorf("loadgen: ceiling: %w", err)
	}
	resp, err := x.NewStreamWriter("Responses")
	if err != nil {
		return 0, fmt.Errorf("loadgen: ceiling: %w", err)
	}
	comm, err := x.NewStreamWriter("Comments")
	if err != nil {
		return 0, fmt.Errorf("loadgen: ceiling: %w", err)
	}
	header := []any{"submission_id", "workshop", "submitted_at_utc", "language"}
	for _, q := range qs {
		header = append(header, q.ID)
	}
	if err := resp.SetRow("A1", header); err != nil {
		return 0, fmt.Errorf("loadgen: ceiling: %w", err)
	}
	if err := comm.SetRow("A1", []any{"Workshop", "Question", "Answer", "Language", "Submitted at (UTC)"}); err != nil {
		return 0, fmt.Errorf("loadgen: ceiling: %w", err)
	}
	epoch := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	values := make([]any, 4+len(qs))
	rows, commentRow := 0, 1
	err = eachExportResponse(f, n, func(r *forms.Response) error {
		rows++
		at := excelize.Cell{StyleID: date, Value: float64(r.SubmittedAt.Sub(epoch)) / float64(24*time.Hour)}
		values[0], values[1], values[2], values[3] = r.SubmissionID, r.Workshop, at, r.Lang
		for i, q := range qs {
			a, ok := r.Answers[q.ID]
			switch {
			case !ok:
				values[4+i] = nil
			case len(a.Choices) > 0:
				values[4+i] = strings.Join(a.Choices, "; ")
			case q.IsScore():
				values[4+i] = a.Number
			default:
				values[4+i] = a.Text
			}
			if ok && q.Type == forms.FreeText {
				commentRow++
				cell, _ := excelize.CoordinatesToCellName(1, commentRow)
				if err := comm.SetRow(cell, []any{
					excelize.Cell{StyleID: wrap, Value: r.Workshop},
					excelize.Cell{StyleID: wrap, Value: q.ID},
					excelize.Cell{StyleID: wrap, Value: a.Text},
					excelize.Cell{StyleID: wrap, Value: r.Lang},
					at,
				}); err != nil {
					return err
				}
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, rows+1)
		return resp.SetRow(cell, values)
	})
	if err != nil {
		return rows, fmt.Errorf("loadgen: ceiling: %w", err)
	}
	if err := resp.Flush(); err != nil {
		return rows, fmt.Errorf("loadgen: ceiling: %w", err)
	}
	if err := comm.Flush(); err != nil {
		return rows, fmt.Errorf("loadgen: ceiling: %w", err)
	}
	// The zip goes straight to w, as the export writes it.
	x.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	if _, err := x.WriteToBuffer(); err != nil {
		return rows, fmt.Errorf("loadgen: ceiling: %w", err)
	}
	return rows, nil
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

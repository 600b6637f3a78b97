package export

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"feedback/forms"
)

// utf8BOM starts the CSV so that Excel reads it as UTF-8 and shows Cyrillic,
// Arabic and Chinese answers as they were written.
const utf8BOM = "\uFEFF"

// WriteCSV writes the raw responses as CSV (RFC 4180, CRLF line ends, UTF-8
// with a BOM), one row per response, as they stream from src: the same
// columns as the workbook's Responses sheet, the time in RFC 3339 UTC. Only
// opt.Workshop is used. An unknown workshop is forms.ENOTFOUND.
//
// With CRLF line ends encoding/csv writes a lone carriage return inside a
// text as nothing; the form never stores one (it keeps "\n" line breaks), so
// only data written by other means loses it.
func WriteCSV(ctx context.Context, w io.Writer, f *forms.Forms, src Source, opt Options) error {
	if opt.Workshop != "" && f.Workshop(opt.Workshop) == nil {
		return &forms.Error{Code: forms.ENOTFOUND, Message: "no such workshop"}
	}
	bw := bufio.NewWriterSize(w, 64*1024)
	if _, err := bw.WriteString(utf8BOM); err != nil {
		return fmt.Errorf("export: write csv: %w", err)
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	qs := rawColumns(f, opt)
	record := make([]string, len(rawHeader)+len(qs))
	copy(record, rawHeader)
	for i, q := range qs {
		record[len(rawHeader)+i] = csvText(q.ID)
	}
	if err := cw.Write(record); err != nil {
		return fmt.Errorf("export: write csv: %w", err)
	}
	err := src(ctx, func(r *forms.Response) error {
		if opt.Workshop != "" && r.Workshop != opt.Workshop {
			return nil
		}
		record[0] = csvText(r.SubmissionID)
		record[1] = csvText(r.Workshop)
		record[2] = r.SubmittedAt.UTC().Format(time.RFC3339)
		record[3] = csvText(r.Lang)
		record[4] = csvText(r.Source)
		for i, q := range qs {
			a, ok := r.Answers[q.ID]
			switch v := rawValue(q, a, ok).(type) {
			case nil:
				record[len(rawHeader)+i] = ""
			case int:
				record[len(rawHeader)+i] = strconv.Itoa(v)
			case string:
				record[len(rawHeader)+i] = csvText(v)
			}
		}
		if err := cw.Write(record); err != nil {
			return fmt.Errorf("export: write csv: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("export: write csv: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("export: write csv: %w", err)
	}
	return nil
}

// csvText defuses a text that a spreadsheet would run as a formula: one that
// starts with =, +, -, @, a tab or a carriage return (formulaLike) gets a
// leading apostrophe, as OWASP advises for CSV injection. The workbook needs
// no such mark in the text: there every text is a string cell, and a
// formula-like one has a quote-prefixed style.
func csvText(s string) string {
	if formulaLike(s) {
		return "'" + s
	}
	return s
}

package main

import (
	"context"
	"errors"
	"io"
)

// exportRows measures the export; it waits for the export package.
func exportRows(ctx context.Context, self, dir string, n int, progress io.Writer) ([]row, error) {
	return []row{{name: "export: not measured yet", clients: "-", rate: "-", p50: "-", p99: "-", ratio: "-", rss: "-", elapsed: "-", check: "-"}}, nil
}

func exportChildRun(mode, db string, n int, out io.Writer) error {
	return errors.New("loadgen: export not available")
}

package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestVerifyGrad checks -grad: every grad_input of the repository's golden
// copies passes, and a tampered grad_input fails with -grad only.
func TestVerifyGrad(t *testing.T) {
	if code, out, errOut := runV("-grad", "-golden", testdataGolden); code != 0 || out != "1840 passed, 0 failed\n" {
		t.Errorf("-grad on %s: status %d, output %q, stderr %q", testdataGolden, code, out, errOut)
	}
	dir := t.TempDir()
	cases := readCases(t, "avg_pool.json.gz", 3)
	cases[1]["grad_input"].([]any)[0] = json.Number("12345.5")
	writeGolden(t, filepath.Join(dir, "avg.json"), false, cases)
	if code, out, _ := runV("-golden", dir); code != 0 || out != "3 passed, 0 failed\n" {
		t.Errorf("without -grad: status %d, output %q", code, out)
	}
	code, out, _ := runV("-grad", "-golden", dir)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if code != 1 || len(lines) != 2 || !strings.HasPrefix(lines[0], "FAIL "+cases[1]["name"].(string)+": grad_input: 1 of ") || lines[1] != "2 passed, 1 failed" {
		t.Errorf("-grad: status %d, output:\n%s", code, out)
	}
}

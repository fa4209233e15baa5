package pool_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/simdpool/simdpool"
	"github.com/simdpool/simdpool/internal/golden"
	"github.com/simdpool/simdpool/pool"
)

// maxListed caps the failing cases a golden subtest names.
const maxListed = 25

// TestGolden checks every case of testdata/golden (gzip copies of the PyTorch
// vectors in ../shared/golden; see testdata/golden/README.md) on every ISA
// this machine can run, forward and backward: the generic ISA under the exact
// rules, the SIMD ISAs under the SIMD tolerances of the golden README, and
// every grad_input on every ISA under the gradient rules (golden.CheckGrad:
// exact but for LP). One subtest per ISA and file, e.g.
// TestGolden/isa=avx2/max_pool.
func TestGolden(t *testing.T) {
	files, err := golden.LoadDir(filepath.Join("..", "testdata", "golden"))
	if err != nil {
		t.Fatal(err)
	}
	prev := simdpool.Current()
	t.Cleanup(func() {
		if err := simdpool.Use(prev); err != nil {
			t.Error(err)
		}
	})
	for _, isa := range simdpool.Available() {
		t.Run("isa="+string(isa), func(t *testing.T) {
			if err := simdpool.Use(isa); err != nil {
				t.Fatal(err)
			}
			for _, f := range files {
				name := strings.TrimSuffix(strings.TrimSuffix(f.Name, ".gz"), ".json")
				t.Run(name, func(t *testing.T) {
					if got := simdpool.Current(); got != isa {
						t.Fatalf("ISA in use is %s, want %s", got, isa)
					}
					for _, n := range goldenWorkers {
						checkGolden(t, f, isa, n, pool.ChannelsFirst)
					}
				})
			}
		})
	}
}

// goldenWorkers are the worker counts every golden case runs with: the
// results must not depend on them.
var goldenWorkers = []int{1, 2, 3, 7}

// checkGolden checks the cases of f, forward and backward, on n workers
// (sharing every run), in layout l.
func checkGolden(t *testing.T, f *golden.File, isa simdpool.ISA, n int, l pool.Layout) {
	t.Helper()
	w, err := pool.NewWorkers(n)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	w.SetMinShare(0)
	s := golden.CheckAllWithGrad(f.Cases, l, w)
	if s.Failed == 0 {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s on %s (%v), %d workers: %s", f.Name, isa, l, n, s)
	for i, fl := range s.Failures {
		if i == maxListed {
			fmt.Fprintf(&b, "\n  ... and %d more", len(s.Failures)-maxListed)
			break
		}
		fmt.Fprintf(&b, "\n  %s", fl)
	}
	t.Error(b.String())
}

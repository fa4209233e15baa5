package pool_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/simdpool/simdpool"
	"github.com/simdpool/simdpool/internal/golden"
)

// maxListed caps the failing cases a golden subtest names.
const maxListed = 25

// TestGolden checks every case of testdata/golden (gzip copies of the PyTorch
// vectors in ../shared/golden; see testdata/golden/README.md) on every ISA
// this machine can run: the generic ISA under the exact rules, the SIMD ISAs
// under the SIMD tolerances of the golden README. One subtest per ISA and file,
// e.g. TestGolden/isa=avx2/max_pool.
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
			mode := golden.ModeFor(isa)
			for _, f := range files {
				name := strings.TrimSuffix(strings.TrimSuffix(f.Name, ".gz"), ".json")
				t.Run(name, func(t *testing.T) {
					if got := simdpool.Current(); got != isa {
						t.Fatalf("ISA in use is %s, want %s", got, isa)
					}
					s := golden.CheckAll(f.Cases, mode)
					if s.Failed == 0 {
						return
					}
					var b strings.Builder
					fmt.Fprintf(&b, "%s on %s (%s rules): %s", f.Name, isa, mode, s)
					for i, fl := range s.Failures {
						if i == maxListed {
							fmt.Fprintf(&b, "\n  ... and %d more", len(s.Failures)-maxListed)
							break
						}
						fmt.Fprintf(&b, "\n  %s", fl)
					}
					t.Error(b.String())
				})
			}
		})
	}
}

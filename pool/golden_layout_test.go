package pool_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/simdpool/simdpool"
	"github.com/simdpool/simdpool/internal/golden"
	"github.com/simdpool/simdpool/pool"
)

// TestGoldenChannelsLast checks every case of testdata/golden again with its
// tensors channels-last (input and expected outputs permuted, indices
// unchanged), on every ISA, with the rules of TestGolden, forward and
// backward: the channels-last operators must give the channels-first
// results. The cases recorded from
// PyTorch with channels_last inputs (testdata/golden_nhwc) run in both
// layouts. One subtest per ISA, layout and file, e.g.
// TestGoldenChannelsLast/isa=avx2/channels-last/max_pool.
func TestGoldenChannelsLast(t *testing.T) {
	var files []*golden.File
	for _, dir := range []string{"golden", "golden_nhwc"} {
		fs, err := golden.LoadDir(filepath.Join("..", "testdata", dir))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, fs...)
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
			for _, l := range []pool.Layout{pool.ChannelsLast, pool.ChannelsFirst} {
				t.Run(map[pool.Layout]string{pool.ChannelsLast: "channels-last", pool.ChannelsFirst: "channels-first"}[l], func(t *testing.T) {
					for _, f := range files {
						if l == pool.ChannelsFirst && !strings.HasPrefix(f.Cases[0].Layout, "channels_last") {
							continue // TestGolden's
						}
						name := strings.TrimSuffix(strings.TrimSuffix(f.Name, ".gz"), ".json")
						t.Run(name, func(t *testing.T) {
							for _, n := range []int{1, 3} {
								checkGolden(t, f, isa, n, l)
							}
						})
					}
				})
			}
		})
	}
}

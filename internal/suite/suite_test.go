package suite

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simdpool/simdpool"
	"github.com/simdpool/simdpool/internal/race"
)

func TestSuiteBuilds(t *testing.T) {
	cs := Cases()
	require.Len(t, cs, 12)
	for i, c := range cs {
		assert.Equal(t, uint64(i+1), c.Seed)
		// Plan only: the buffers of the big cases cost 100 MB and a second.
		p, err := c.Plan()
		require.NoError(t, err, c.Name)
		assert.Equal(t, c.InputShape, p.InputShape(), c.Name)
	}
}

func TestSweepCasesBuild(t *testing.T) {
	cs := SweepCases()
	require.Len(t, cs, 2*len(SweepPlanes)*len(SweepBatches))
	names := map[string]bool{}
	for _, c := range cs {
		require.NoError(t, c.Check(), c.Name)
		p, err := c.Plan()
		require.NoError(t, err, c.Name)
		assert.Equal(t, c.InputShape, p.InputShape(), c.Name)
		assert.False(t, names[c.Name], "duplicate name %s", c.Name)
		names[c.Name] = true
	}
}

func TestOperatorRunsWithoutAllocating(t *testing.T) {
	cs, err := Select("S5,s6,S4")
	require.NoError(t, err)
	require.Equal(t, []string{"S5", "S6", "S4"}, []string{cs[0].Name, cs[1].Name, cs[2].Name})
	for _, c := range cs {
		o, err := New(c)
		require.NoError(t, err)
		assert.Equal(t, int64(len(o.In)+len(o.Out))*4, o.Bytes())
		for _, v := range o.In {
			require.True(t, v >= -2 && v < 2)
		}
		race.NoAllocs(t, 10, func() {
			if err := o.Run(); err != nil {
				t.Fatal(err)
			}
		}, c.Name)
		cp := NewCopy(o.Bytes())
		assert.InDelta(t, o.Bytes(), cp.Bytes(), 4)
		race.NoAllocs(t, 10, cp.Run)
	}
}

func TestSelectErrors(t *testing.T) {
	_, err := Select("S1,S99")
	assert.ErrorContains(t, err, `unknown case "S99"`)
}

func TestFillMatchesPeers(t *testing.T) {
	// First values of pb_fill_random(p, n, 1) in ../shared/peers/src/bwref.c,
	// recomputed here from its definition.
	p := make([]float32, 3)
	Fill(p, 1)
	x := uint64(1)*0x9E3779B97F4A7C15 + 1
	for i := range p {
		x ^= x >> 12
		x ^= x << 25
		x ^= x >> 27
		r := x * 0x2545F4914F6CDD1D
		assert.Equal(t, float32(float64(r>>40)/float64(1<<24)*4.0-2.0), p[i])
	}
}

func TestCustomCases(t *testing.T) {
	norm := 3.0
	c := Case{Name: "custom", Op: "lp_pool1d", InputShape: []int{2, 3, 17}, Args: Args{NormType: &norm, KernelSize: []int{4}}}
	o, err := New(c)
	require.NoError(t, err)
	assert.Equal(t, []int{2, 3, 4}, o.Plan.OutputShape())

	c = Case{Op: "avg_pool2d", InputShape: []int{1, 1, 4, 4}, Args: Args{KernelSize: []int{2}, Dilation: []int{2}}}
	_, err = c.Plan()
	assert.ErrorContains(t, err, "does not take dilation")

	c = Case{Op: "mean_pool", InputShape: []int{1, 1, 4}}
	_, err = c.Plan()
	assert.ErrorContains(t, err, "unknown op")

	v, err := ParseInts(" 1x64x56, 56 ")
	require.NoError(t, err)
	assert.Equal(t, []int{1, 64, 56, 56}, v)
	_, err = ParseInts("3,a")
	assert.Error(t, err)
	assert.Equal(t, "1x2x3", Shape([]int{1, 2, 3}))
}

func TestSequencePoolingCases(t *testing.T) {
	for _, op := range []string{"masked_mean", "masked_max", "cls", "last_token", "sqrt_mean", "weighted_mean"} {
		require.Contains(t, Ops, op)
		c := Case{Name: "custom", Op: op, InputShape: []int{2, 8, 16}}
		require.NoError(t, c.Check())
		o, err := New(c)
		require.NoError(t, err)
		assert.Nil(t, o.Plan)
		assert.Equal(t, []int{2, 16}, o.Seq.OutputShape())
		assert.Equal(t, int64(2*8*16*4+2*8*8+2*16*4), o.Bytes(), "states, int64 mask and output")
		assert.Equal(t, simdpool.Available(), o.ISAs(), "seqpool has the kernels of every ISA (Go loops where it has none)")
		for _, isa := range o.ISAs() {
			oi, err := o.For(isa)
			require.NoError(t, err)
			require.NoError(t, oi.Run(), "%s under %s", op, isa)
		}
		for _, m := range o.Mask {
			require.Equal(t, int64(1), m)
		}
		race.NoAllocs(t, 10, func() {
			if err := o.Run(); err != nil {
				t.Fatal(err)
			}
		})
		_, err = c.Plan()
		assert.ErrorContains(t, err, "is a sequence pooling")
	}
	c := Case{Op: "masked_mean", InputShape: []int{2, 8, 16}, Args: Args{KernelSize: []int{2}}}
	assert.ErrorContains(t, c.Check(), "does not take kernel_size")
	c = Case{Op: "masked_mean", InputShape: []int{2, 0, 16}}
	assert.ErrorContains(t, c.Check(), "token count T must be greater than zero")
	o, err := New(Case{Op: "max_pool1d", InputShape: []int{1, 2, 8}, Args: Args{KernelSize: []int{2}}})
	require.NoError(t, err)
	assert.Equal(t, simdpool.Available(), o.ISAs())
}

func TestBackwardRunsWithoutAllocating(t *testing.T) {
	cs, err := Select("S4,S5,S1")
	require.NoError(t, err)
	for _, c := range cs {
		b, err := NewBackward(c)
		require.NoError(t, err, c.Name)
		idx := 0
		if b.Plan.HasIndices() {
			idx = 8 * len(b.GradOut)
		}
		assert.Equal(t, int64(4*(len(b.GradIn)+len(b.GradOut))+idx), b.Bytes(), c.Name)
		nonzero := false
		for _, v := range b.GradIn {
			nonzero = nonzero || v != 0
		}
		assert.True(t, nonzero, "%s: the gradient was computed", c.Name)
		for _, isa := range b.ISAs() {
			bi, err := b.For(isa)
			require.NoError(t, err)
			race.NoAllocs(t, 5, func() { require.NoError(t, bi.Run()) }, "%s on %s", c.Name, isa)
		}
	}
	cs, err = Select("S6")
	require.NoError(t, err)
	_, err = NewBackward(cs[0])
	assert.ErrorContains(t, err, "no backward is timed")
	for _, n := range BackwardCases {
		_, err := Select(n)
		require.NoError(t, err)
	}
}

package layout

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRoundTrip(t *testing.T) {
	for _, sh := range [][3]int{{1, 1, 1}, {2, 3, 5}, {1, 64, 49}, {3, 17, 33}, {2, 40, 70}} {
		images, c, n := sh[0], sh[1], sh[2]
		src := make([]int, images*c*n)
		for i := range src {
			src[i] = i
		}
		last := make([]int, len(src))
		ToLast(last, src, images, c, n)
		for im := range images {
			for ch := range c {
				for i := range n {
					require.Equal(t, src[(im*c+ch)*n+i], last[(im*n+i)*c+ch], "%v", sh)
				}
			}
		}
		back := make([]int, len(src))
		ToFirst(back, last, images, c, n)
		require.Equal(t, src, back, "%v", sh)
	}
}

func TestShapes(t *testing.T) {
	require.Equal(t, []int{2, 5, 6, 3}, Shape([]int{2, 3, 5, 6}, 2))
	require.Equal(t, []int{5, 6, 3}, Shape([]int{3, 5, 6}, 2))
	require.Equal(t, []int{4, 5}, Shape([]int{4, 5}, 3), "a shape of another rank stays")
	require.Equal(t, []int{2, 3, 5, 6}, FirstShape([]int{2, 5, 6, 3}, 2))
	require.Equal(t, []int{3, 7}, FirstShape([]int{7, 3}, 1))
	im, c, n := Split([]int{2, 3, 5, 6}, 2)
	require.Equal(t, [3]int{2, 3, 30}, [3]int{im, c, n})
	im, c, n = Split([]int{3, 5, 6, 7}, 3)
	require.Equal(t, [3]int{1, 3, 210}, [3]int{im, c, n})
}

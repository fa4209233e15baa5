//go:build !cgo

package suite

// MemcpyName names the routine that Copy times: without cgo, Go's copy(),
// which is not the C memcpy the peers are measured against (0.6x to 1.25x its
// time depending on the size).
const MemcpyName = "Go copy()"

func memcpy(dst, src []byte) { copy(dst, src) }

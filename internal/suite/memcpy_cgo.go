//go:build cgo

package suite

// #include <string.h>
import "C"

import "unsafe"

// MemcpyName names the routine that Copy times: the C library's memcpy, the
// reference the peers (../shared/peers) are measured against. Go's copy() is a
// different routine, 0.6x to 1.25x its time depending on the size.
const MemcpyName = "libc memcpy"

// memcpy copies src to dst (of equal length) with the C library's memcpy.
func memcpy(dst, src []byte) {
	if len(src) > 0 {
		C.memcpy(unsafe.Pointer(&dst[0]), unsafe.Pointer(&src[0]), C.size_t(len(src)))
	}
}

package main

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal and returns its controlling side (in
// non-blocking mode, so that read deadlines work) and the terminal side.
func openPTY(t *testing.T) (ptm, pts *os.File) {
	t.Helper()
	fd, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	// The ioctls on the raw descriptor: ptm.Fd() would make it blocking.
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		unix.Close(fd)
		t.Fatalf("unlocking the pseudo-terminal: %v", err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		unix.Close(fd)
		t.Fatalf("naming the pseudo-terminal: %v", err)
	}
	ptm = os.NewFile(uintptr(fd), "/dev/ptmx")
	t.Cleanup(func() { ptm.Close() })
	pts, err = os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	require.NoError(t, err)
	t.Cleanup(func() { pts.Close() })
	return ptm, pts
}

func TestProgressOnTerminal(t *testing.T) {
	ptm, pts := openPTY(t)
	assert.True(t, isTerminal(pts))

	p := newProgress(pts, 4)
	p.label = "S7"
	p.step()
	require.NoError(t, ptm.SetReadDeadline(time.Now().Add(10*time.Second)), "no hang if nothing is drawn")
	buf := make([]byte, 256)
	n, err := ptm.Read(buf)
	require.NoError(t, err)
	out := string(buf[:n])
	assert.True(t, strings.HasPrefix(out, "\r\033[K[#######"), "%q", out)
	assert.Contains(t, out, " 25% S7")
}

package pool_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simdpool/simdpool/pool"
)

// requireArg checks that err is a *pool.Error of op naming arg.
func requireArg(t *testing.T, err error, op, arg string) {
	t.Helper()
	var pe *pool.Error
	require.True(t, errors.As(err, &pe), "want a *pool.Error of %s naming %s, got %v", op, arg, err)
	assert.Equal(t, op, pe.Op, "%v", err)
	assert.Equal(t, arg, pe.Arg, "%v", err)
}

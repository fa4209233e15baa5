package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simdpool/simdpool"
	"github.com/simdpool/simdpool/pool"
)

func TestBenchBackward(t *testing.T) {
	var out, errb bytes.Buffer
	code := runBench([]string{"-pass", "backward", "-json", "-cases", "S5,S4", "-rounds", "2", "-target", "100us"}, &out, &errb)
	require.Equal(t, 0, code, errb.String())
	rows := 0
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		var r benchRow
		require.NoError(t, json.Unmarshal(sc.Bytes(), &r))
		assert.Equal(t, "backward", r.Pass)
		assert.Contains(t, []string{"S5", "S4"}, r.Case)
		assert.Positive(t, r.NsPerOp)
		rows++
	}
	assert.Equal(t, 2*(len(simdpool.Available())+1), rows)

	out.Reset()
	code = runBench([]string{"-pass", "backward", "-op", "max_pool2d", "-shape", "1x2x8x8", "-kernel", "2", "-rounds", "2", "-target", "50us"}, &out, &errb)
	require.Equal(t, 0, code, errb.String())
	assert.True(t, strings.HasPrefix(out.String(), "simdpool bench: backward pass;"), out.String())

	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"-pass", "sideways"}, "-pass must be forward or backward"},
		{[]string{"-pass", "backward", "-cases", "S6"}, "S6 has no backward timing"},
	} {
		var out, errb bytes.Buffer
		assert.Equal(t, 2, runBench(tc.args, &out, &errb), "%v", tc.args)
		assert.Contains(t, errb.String(), tc.msg, "%v", tc.args)
	}
}

func TestSelectCasesBackwardDefault(t *testing.T) {
	cs, err := selectCases("", "backward", pool.ChannelsFirst)
	require.NoError(t, err)
	var names []string
	for _, c := range cs {
		names = append(names, c.Name)
	}
	assert.Equal(t, []string{"S1", "S2", "S3", "S4", "S5", "S8", "S11"}, names)
}

package table

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestWriteAlignsTextLeftAndNumbersRight(t *testing.T) {
	var b strings.Builder
	Write(&b, [][]string{{"case", "ns/op"}, {"S10", "7"}, {"S1", "12345"}}, 1)
	assert.Equal(t, "case  ns/op\nS10       7\nS1    12345\n", b.String())
	b.Reset()
	Write(&b, nil, 1)
	assert.Empty(t, b.String())
}

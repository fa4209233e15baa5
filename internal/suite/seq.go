package suite

import "github.com/simdpool/simdpool/seqpool"

// seqOps names the sequence poolings of package seqpool.
func seqOps() []string {
	var names []string
	for _, op := range seqpool.Ops() {
		names = append(names, op.String())
	}
	return names
}

func (c Case) isSeq() bool {
	_, err := seqpool.ParseOp(c.Op)
	return err == nil
}

// SeqPlan builds the seqpool plan of a sequence-pooling case: float32 token
// states of shape (B, T, H) or (T, H) under an int64 attention mask, the
// types a Go embedding server gets from its tokenizer and model.
func (c Case) SeqPlan() (*seqpool.Plan[float32, int64], error) {
	op, err := seqpool.ParseOp(c.Op)
	if err != nil {
		return nil, err
	}
	if err := c.checkArgs(); err != nil {
		return nil, err
	}
	return seqpool.NewPlan[float32, int64](op, c.InputShape, seqpool.Options{})
}

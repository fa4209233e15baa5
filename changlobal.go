package simdpool

// NewGlobalMaxChannelsLast prepares the maximum of each of planes planes of n
// elements laid out channels-last, channels channels per image (images of n
// pixels of channels elements), with its index in the plane when withIdx is
// set: global max pooling of channels-last images, one window covering each
// image.
func NewGlobalMaxChannelsLast[T Float](planes, channels, n int, withIdx bool) (*Program[T], error) {
	return NewMax[T](globalGeometry(planes, channels, n), withIdx)
}

// NewGlobalMeanChannelsLast prepares the mean of each of planes planes of n
// elements laid out channels-last, channels channels per image, summed as
// PyTorch's mean sums a channels-first plane (global average pooling).
func NewGlobalMeanChannelsLast[T Float](planes, channels, n int) (*Program[T], error) {
	g := globalGeometry(planes, channels, n)
	if err := g.check(); err != nil {
		return nil, err
	}
	if g.Channels == 1 {
		return NewGlobalMean[T](planes, n)
	}
	pr := &Program[T]{op: opGlobalMean, g: g, isa: Current(), inLen: planes * n, outLen: planes,
		generic: func(dst []T, _ []int64, src []T, g Geometry, _ int) {
			globalMeanGeneric(dst, src, g.Planes, g.InPlane())
		}}
	cl := &chanPlan[T]{images: planes / channels, c: channels, batch: 1}
	pr.cl = cl
	pr.setExactBufs()
	id := find(kindChannels, kMean, pr.isa, elemOf[T](), 0, 0, 0, 0)
	if id == noKernel {
		cl.exactOnly = true
		return pr, nil
	}
	st := chanStep{kernel: id}
	pr.classArgs(&st.a, axisClass{o0: 0, o1: 1, k1: 1}, axisClass{o0: 0, o1: 1, k1: 1}, axisClass{o0: 0, o1: 1, k1: n})
	st.a.setMean(n, size[T]())
	cl.steps, cl.kernels = []chanStep{st}, []kernelID{id}
	cl.batch = min(maxBatch, max(1, globalBatch/max(n*channels, 1)))
	return pr, nil
}

// globalGeometry is the geometry of a global pooling of planes planes of n
// elements, channels-last with channels channels per image.
func globalGeometry(planes, channels, n int) Geometry {
	return Geometry{Planes: planes, Channels: channels, D: Unit, H: Unit, W: Axis{In: n, Out: 1, Kernel: n, Stride: n, Dilation: 1}}
}

// setMean sets the cascade of cascadeSum for planes of n elements of es bytes
// (see chanArgs).
func (a *chanArgs) setMean(n, es int) {
	lanes := meanF32Lanes
	if es == 8 {
		lanes = meanF64Lanes
	}
	if n < lanes {
		lanes = 1
	}
	a.n, a.lanes, a.width = n, lanes, meanILP*lanes
	a.meanRows = n / a.width
	power := max(meanMinPower, atenCeilLog2(a.meanRows)/meanLevels)
	a.step = 1 << power
	a.mask1 = (a.step - 1) << power
	a.mask2 = a.mask1 << power
	a.vecs = n / lanes
	a.q[2] = bitsT(float64(n)) // the divisor, converted as PyTorch converts it
	if es == 4 {
		a.q[2] = bitsT(float32(n))
	}
}

package main

import "fmt"

// The channels-last mean (chanArgs' mean fields), as on amd64 (see
// asm/amd64/chanmean.go): per image, per Q register of channels (the last one
// ending at the last channel; float32 images of 2 or 3 channels: those lanes,
// loaded and stored exactly), the cascade of the root package's cascadeSum
// lane by lane: its width accumulators four at a time with their four levels
// in V0-V15, into a stack array; then the whole vectors left over, the fold of
// the meanILP accumulators, the scalar tail and the division.

// cfAccs is the stack array of the mean's accumulators (meanILP*8 Q
// registers), from cfFrame on.
const cfAccs = 32 * 16

func (g *cw) mean() {
	for _, p := range []struct {
		name string
		off  int
	}{{"src+8(FP)", cfSrc}, {"dst+16(FP)", cfDst}, {"images+32(FP)", cfImages}} {
		g.I("MOVD %s, R16", p.name)
		g.I("MOVD R16, %d(RSP)", p.off)
	}
	g.I("MOVD ZR, %d(RSP)", cfM)
	g.splat(cDiv, "q", 16) // n as T
	g.Label(g.lbl("image"))
	g.I("MOVD %d(RSP), R16", cfM)
	g.I("MOVD %d(RSP), R17", cfImages)
	g.I("CMP R17, R16")
	g.I("BGE %s", g.lbl("done"))
	g.I("MOVD %s, R16", g.f("c", 0))
	if g.es == 4 {
		g.I("CMP $%d, R16", g.L)
		g.I("BGE %s", g.lbl("wide"))
		g.I("CMP $2, R16")
		g.I("BEQ %s", g.lbl("c2"))
		g.meanImage(3)
		g.I("B %s", g.lbl("next"))
		g.Label(g.lbl("c2"))
		g.meanImage(2)
		g.I("B %s", g.lbl("next"))
	}
	g.Label(g.lbl("wide"))
	g.meanImage(0)
	g.Label(g.lbl("next"))
	g.advance(cfSrc, "srcImage", cfDst, "dstImage")
	g.I("MOVD %d(RSP), R16", cfM)
	g.I("ADD $1, R16")
	g.I("MOVD R16, %d(RSP)", cfM)
	g.I("B %s", g.lbl("image"))
	g.Label(g.lbl("done"))
	g.I("MOVD %d(RSP), R16", cfImages)
	g.I("MOVD R16, ret+40(FP)")
	g.I("RET")
}

// meanImage emits the mean of one image's channels: n = 0 for whole Q
// registers of channels, else the n channels of a narrow float32 image.
func (g *cw) meanImage(n int) {
	lb := func(s string) string { return g.fresh(fmt.Sprintf("m%d_%s", n, s)) }
	add := func(acc V, ptr string) { // acc += the channels at ptr
		if n == 0 {
			g.I("VLD1 (%s), [%s]", ptr, (cLoad + 4).A(g.arr))
		} else {
			g.loadN(cLoad+4, ptr, n)
		}
		g.v3("fadd", acc, acc, cLoad+4)
	}
	// Registers: R1 the block's channels in the image (R1 = src + cb), R2
	// the pixel stride, R3 the row stride, R4 cb, R5 the channel bytes.
	g.I("MOVD %s, R5", g.f("c", 0))
	g.I("LSL $%d, R5, R5", map[int]int{4: 2, 8: 3}[g.es])
	g.I("MOVD R5, R2")
	g.I("MOVD %s, R3", g.f("width", 0))
	g.I("MUL R2, R3, R3")
	g.I("MOVD ZR, R4")
	block, blockOK, imageDone := lb("block"), lb("blockOK"), lb("imageDone")
	g.Label(block)
	g.I("CMP R5, R4")
	g.I("BGE %s", imageDone)
	if n == 0 {
		g.I("ADD $16, R4, R16")
		g.I("CMP R5, R16")
		g.I("BLE %s", blockOK)
		g.I("SUB $16, R5, R4") // the last block ends at the last channel
	}
	g.Label(blockOK)
	g.I("MOVD %d(RSP), R1", cfSrc)
	g.I("ADD R4, R1")

	g.Comment("The cascade accumulators j, four at a time, walk pixels j, j+width, ... with their levels in V0-V15.")
	g.I("MOVD ZR, R6")               // j
	g.I("ADD $%d, RSP, R7", cfFrame) // the accumulators' array
	acc, accsDone, accNext := lb("acc"), lb("accsDone"), lb("accNext")
	g.Label(acc)
	g.I("MOVD %s, R16", g.f("width", 0))
	g.I("CMP R16, R6")
	g.I("BGE %s", accsDone)
	for r := V(0); r < 16; r++ {
		g.I("VEOR %s, %s, %s", r.B16(), r.B16(), r.B16())
	}
	lvl := func(level, a int) V { return V(4*level + a) }
	g.I("MUL R2, R6, R8")
	g.I("ADD R1, R8")  // pixel j of the block
	g.I("MOVD ZR, R9") // rows consumed
	row := func() {
		g.I("MOVD R8, R10")
		for a := range 4 {
			add(lvl(0, a), "R10")
			if a < 3 {
				g.I("ADD R2, R10")
			}
		}
		g.I("ADD R3, R8")
	}
	up := func(from int) {
		for a := range 4 {
			g.v3("fadd", lvl(from+1, a), lvl(from+1, a), lvl(from, a))
			g.I("VEOR %s, %s, %s", lvl(from, a).B16(), lvl(from, a).B16(), lvl(from, a).B16())
		}
	}
	short, shortDone, group, groupRow, rest, merge := lb("short"), lb("shortDone"), lb("group"), lb("groupRow"), lb("rest"), lb("merge")
	g.Comment("Fewer rows than a cascade step: level 0 only, then +0 for the levels above.")
	g.I("MOVD %s, R16", g.f("meanRows", 0))
	g.I("MOVD %s, R17", g.f("step", 0))
	g.I("CMP R17, R16")
	g.I("BGE %s", group)
	g.Label(short)
	g.I("MOVD %s, R16", g.f("meanRows", 0))
	g.I("CMP R16, R9")
	g.I("BGE %s", shortDone)
	row()
	g.I("ADD $1, R9")
	g.I("B %s", short)
	g.Label(shortDone)
	for a := range 4 {
		g.v3("fadd", lvl(0, a), lvl(0, a), lvl(1, a)) // (+0)
	}
	g.I("VST1.P %s, 64(R7)", list(0, 4, g.arr))
	g.I("B %s", accNext)
	g.Label(group)
	g.I("MOVD %s, R16", g.f("step", 0))
	g.I("ADD R9, R16, R11")
	g.I("MOVD %s, R17", g.f("meanRows", 0))
	g.I("CMP R17, R11")
	g.I("BGT %s", rest)
	g.I("MOVD R16, R12")
	g.Label(groupRow)
	row()
	g.I("SUBS $1, R12")
	g.I("BNE %s", groupRow)
	g.I("MOVD R11, R9")
	up(0)
	g.I("MOVD %s, R16", g.f("mask1", 0))
	g.I("TST R16, R9")
	g.I("BNE %s", group)
	up(1)
	g.I("MOVD %s, R16", g.f("mask2", 0))
	g.I("TST R16, R9")
	g.I("BNE %s", group)
	up(2)
	g.I("B %s", group)
	g.Label(rest)
	g.I("MOVD %s, R16", g.f("meanRows", 0))
	g.I("CMP R16, R9")
	g.I("BGE %s", merge)
	row()
	g.I("ADD $1, R9")
	g.I("B %s", rest)
	g.Label(merge)
	for a := range 4 {
		for l := 1; l < 4; l++ {
			g.v3("fadd", lvl(0, a), lvl(0, a), lvl(l, a))
		}
	}
	g.I("VST1.P %s, 64(R7)", list(0, 4, g.arr))
	g.Label(accNext)
	g.I("ADD $4, R6")
	g.I("B %s", acc)
	g.Label(accsDone)

	g.Comment("The whole vectors after the rows into the first vector accumulator's lanes, lane by lane.")
	// R6: lane l; R7: its accumulator; R8: its next element; R9: vectors left;
	// R10: from one vector's lane to the next's; R11: lane l's first element.
	g.I("MOVD %s, R10", g.f("lanes", 0))
	g.I("MUL R2, R10, R10")
	g.I("MOVD %s, R11", g.f("meanRows", 0))
	g.I("MUL R3, R11, R11")
	g.I("ADD R1, R11")
	g.I("ADD $%d, RSP, R7", cfFrame)
	g.I("MOVD ZR, R6")
	lane, extra, extraDone, fold := lb("lane"), lb("extra"), lb("extraDone"), lb("fold")
	g.Label(lane)
	g.I("MOVD %s, R16", g.f("lanes", 0))
	g.I("CMP R16, R6")
	g.I("BGE %s", fold)
	g.I("VLD1 (R7), [V0.%s]", g.arr.goArr())
	g.I("MOVD R11, R8")
	g.I("MOVD %s, R9", g.f("vecs", 0))
	g.I("MOVD %s, R16", g.f("meanRows", 0))
	g.I("SUB R16<<2, R9") // meanILP whole vectors per row
	g.Label(extra)
	g.I("CBZ R9, %s", extraDone)
	add(0, "R8")
	g.I("ADD R10, R8")
	g.I("SUB $1, R9")
	g.I("B %s", extra)
	g.Label(extraDone)
	g.I("VST1.P [V0.%s], 16(R7)", g.arr.goArr())
	g.I("ADD R2, R11")
	g.I("ADD $1, R6")
	g.I("B %s", lane)

	g.Label(fold)
	g.Comment("Accumulators 1..meanILP-1 into the first, lane by lane; then from +0 the scalar tail and the first accumulator's lanes; then the mean.")
	g.I("MOVD %s, R12", g.f("lanes", 0))
	g.I("LSL $4, R12, R12") // the lanes' accumulators, in bytes
	g.I("ADD $%d, RSP, R7", cfFrame)
	g.I("MOVD ZR, R6")
	foldLane, scalar := lb("foldLane"), lb("scalar")
	g.Label(foldLane)
	g.I("MOVD %s, R16", g.f("lanes", 0))
	g.I("CMP R16, R6")
	g.I("BGE %s", scalar)
	g.I("MOVD R7, R8")
	g.I("VLD1 (R8), [V0.%s]", g.arr.goArr())
	for range 3 {
		g.I("ADD R12, R8")
		g.I("VLD1 (R8), [V1.%s]", g.arr.goArr())
		g.v3("fadd", 0, 0, 1)
	}
	g.I("VST1.P [V0.%s], 16(R7)", g.arr.goArr())
	g.I("ADD $1, R6")
	g.I("B %s", foldLane)
	g.Label(scalar)
	g.I("VEOR V2.B16, V2.B16, V2.B16")
	g.I("MOVD %s, R9", g.f("vecs", 0))
	g.I("MOVD %s, R16", g.f("lanes", 0))
	g.I("MUL R16, R9, R9") // the first element after the whole vectors
	g.I("MUL R2, R9, R8")
	g.I("ADD R1, R8")
	tail, lanes, lanes1, divide := lb("tail"), lb("lanes"), lb("lanes1"), lb("divide")
	g.Label(tail)
	g.I("MOVD %s, R16", g.f("n", 0))
	g.I("CMP R16, R9")
	g.I("BGE %s", lanes)
	add(2, "R8")
	g.I("ADD R2, R8")
	g.I("ADD $1, R9")
	g.I("B %s", tail)
	g.Label(lanes)
	g.I("ADD $%d, RSP, R7", cfFrame)
	g.I("MOVD ZR, R6")
	g.Label(lanes1)
	g.I("MOVD %s, R16", g.f("lanes", 0))
	g.I("CMP R16, R6")
	g.I("BGE %s", divide)
	g.I("VLD1.P 16(R7), [V0.%s]", g.arr.goArr())
	g.v3("fadd", 2, 2, 0)
	g.I("ADD $1, R6")
	g.I("B %s", lanes1)
	g.Label(divide)
	g.v3("fdiv", 2, 2, cDiv)
	g.I("MOVD %d(RSP), R8", cfDst)
	g.I("ADD R4, R8")
	if n == 0 {
		g.I("VST1 [V2.%s], (R8)", g.arr.goArr())
	} else {
		g.storeN(2, "R8", n)
	}
	g.I("ADD $16, R4")
	g.I("B %s", block)
	g.Label(imageDone)
}

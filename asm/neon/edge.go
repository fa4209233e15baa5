package main

// The subroutines of a window kernel's edge chunks, called with BL (the
// kernel has a frame, so its LR is saved) and returning with B (R30). They
// clobber R16, R17, R19-R22 and V8-V11 (no tap vector is live when they run).

// stageSub emits stage: copy the ncols columns [C0, C0+ncols) of a row to
// the stack buffer at R19, those outside [0, w) replaced by the fill value.
// In: R16 = the address of column C0 (which may lie outside the row: it is
// never read then), R17 = C0.
func (g *win) stageSub() {
	g.Label(g.lbl("stage"))
	fill := g.fillReg()
	for off := 0; off < g.stageB; off += 32 {
		g.I("FSTPQ (%s, %s), %d(R19)", fill.F(), fill.F(), off)
	}
	g.Comment("The columns inside the row: [max(C0, 0), min(C0+ncols, w)).")
	g.I("MOVD %s, R20", g.f("w", 0))
	g.I("ADD $%d, R17, R21", g.ncols)
	g.I("CMP R20, R21")
	g.I("CSEL GT, R20, R21, R21")
	g.I("CMP $0, R17")
	g.I("CSEL LT, ZR, R17, R22")
	g.I("SUBS R22, R21, R21")
	g.I("BLE %s", g.lbl("stageNone"))
	g.I("SUB R17, R22, R22")
	g.I("ADD R22<<%d, R16, R16", g.sh)
	g.I("ADD R22<<%d, R19, R17", g.sh)
	g.I("LSL $%d, R21, R19", g.sh)
	g.I("B %s", g.lbl("copyOut"))
	g.Label(g.lbl("stageNone"))
	g.I("B (R30)")
}

// copyOutSub emits copyOut: copy R19 bytes (a positive multiple of 4) from
// R16 to R17, reading and writing nothing outside the two ranges: 64 and
// 16 bytes at a time, the last 16 overlapping the ones before; under 16
// bytes, 8 and 4.
func (g *win) copyOutSub() {
	l := func(s string) string { return g.lbl("co" + s) }
	g.Label(g.lbl("copyOut"))
	g.I("CMP $16, R19")
	g.I("BLT %s", l("Small"))
	g.I("ADD R19, R16, R20")
	g.I("SUB $16, R20")
	g.I("ADD R19, R17, R21")
	g.I("SUB $16, R21")
	g.Label(l("64"))
	g.I("CMP $64, R19")
	g.I("BLT %s", l("16"))
	g.I("VLD1.P 64(R16), %s", list(vLoad, 4, B16))
	g.I("VST1.P %s, 64(R17)", list(vLoad, 4, B16))
	g.I("SUB $64, R19")
	g.I("B %s", l("64"))
	g.Label(l("16"))
	g.I("CMP $16, R19")
	g.I("BLT %s", l("Last"))
	g.I("VLD1.P 16(R16), [%s]", vLoad.B16())
	g.I("VST1.P [%s], 16(R17)", vLoad.B16())
	g.I("SUB $16, R19")
	g.I("B %s", l("16"))
	g.Label(l("Last"))
	g.I("CBZ R19, %s", l("Done"))
	g.I("VLD1 (R20), [%s]", vLoad.B16())
	g.I("VST1 [%s], (R21)", vLoad.B16())
	g.I("B (R30)")
	g.Label(l("Small"))
	g.I("TBZ $3, R19, %s", l("4"))
	g.I("MOVD.P 8(R16), R20")
	g.I("MOVD.P R20, 8(R17)")
	g.Label(l("4"))
	g.I("TBZ $2, R19, %s", l("Done"))
	g.I("MOVWU (R16), R20")
	g.I("MOVW R20, (R17)")
	g.Label(l("Done"))
	g.I("B (R30)")
}

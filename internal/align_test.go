package internal

import (
	"testing"

	"github.com/go-quicktest/qt"
)

func TestAlign(t *testing.T) {
	qt.Assert(t, qt.Equals(Align(0, 8), 0))
	qt.Assert(t, qt.Equals(Align(1, 8), 8))
	qt.Assert(t, qt.Equals(Align(8, 8), 8))
	qt.Assert(t, qt.Equals(Align(9, 4), 12))
	qt.Assert(t, qt.Equals(Align(uint32(13), 4), uint32(16)))

	type size uint16
	qt.Assert(t, qt.Equals(Align(size(5), 2), size(6)))
}

func TestIsPow(t *testing.T) {
	for _, n := range []int{1, 2, 4, 1024, 1 << 40} {
		qt.Assert(t, qt.IsTrue(IsPow(n)), qt.Commentf("%d", n))
	}
	for _, n := range []int{0, 3, 6, 1000, -2, -8} {
		qt.Assert(t, qt.IsFalse(IsPow(n)), qt.Commentf("%d", n))
	}
	qt.Assert(t, qt.IsTrue(IsPow(uint8(128))))
	qt.Assert(t, qt.IsFalse(IsPow(int8(-128))))
}

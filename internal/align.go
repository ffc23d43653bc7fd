package internal

// integer is any integer type.
type integer interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 |
		~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr
}

// Align rounds n up to a multiple of alignment, which must be positive.
func Align[I integer](n, alignment I) I {
	return (n + alignment - 1) / alignment * alignment
}

// IsPow reports whether n is a power of two.
func IsPow[I integer](n I) bool {
	return n > 0 && n&(n-1) == 0
}

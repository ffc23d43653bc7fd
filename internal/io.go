package internal

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
)

// EmptyBPFContext is an all-zero context large enough to test-run programs
// that need one, such as socket filters.
var EmptyBPFContext = make([]byte, 15)

// ReadAllCompressed reads the whole gzip-compressed file. It returns an
// error naming the file if it cannot be opened or decompressed.
func ReadAllCompressed(file string) ([]byte, error) {
	fh, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer fh.Close()

	gz, err := gzip.NewReader(fh)
	if err != nil {
		return nil, fmt.Errorf("decompress %s: %w", file, err)
	}
	defer gz.Close()

	data, err := io.ReadAll(gz)
	if err != nil {
		return nil, fmt.Errorf("decompress %s: %w", file, err)
	}
	return data, nil
}

// errNonZero is returned by DiscardZeroes on data that is not all zero.
var errNonZero = errors.New("encountered non-zero byte")

// DiscardZeroes is an io.Writer that accepts only zero bytes. Writing
// anything else fails, which lets binary.Write verify padding.
type DiscardZeroes struct{}

// Write returns len(p) if p is all zero, and an error otherwise.
func (DiscardZeroes) Write(p []byte) (int, error) {
	for i, b := range p {
		if b != 0 {
			return i, errNonZero
		}
	}
	return len(p), nil
}

package testutils

import (
	"math/rand"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"
)

// seed is shared by all tests of a process, so that one TEST_SEED
// reproduces a whole run.
var seed = sync.OnceValues(func() (int64, error) {
	if env := os.Getenv("TEST_SEED"); env != "" {
		return strconv.ParseInt(env, 10, 64)
	}
	return time.Now().UnixNano(), nil
})

// Rand returns a random source seeded from TEST_SEED, or from the clock if
// it is unset. The seed is logged so that a failure can be reproduced. It
// fails the test if TEST_SEED is not an integer.
func Rand(tb testing.TB) *rand.Rand {
	tb.Helper()
	s, err := seed()
	if err != nil {
		tb.Fatal("TEST_SEED:", err)
	}
	tb.Logf("TEST_SEED=%d", s)
	return rand.New(rand.NewSource(s))
}

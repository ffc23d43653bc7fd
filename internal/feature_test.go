package internal

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/go-quicktest/qt"
)

func TestFeatureTestCachesSupported(t *testing.T) {
	var calls atomic.Int32
	fn := NewFeatureTest("foo", "1.0", func() error {
		calls.Add(1)
		return nil
	})
	qt.Assert(t, qt.Equals(calls.Load(), 0), qt.Commentf("probe must not run before first use"))
	qt.Assert(t, qt.IsNil(fn()))
	qt.Assert(t, qt.IsNil(fn()))
	qt.Assert(t, qt.Equals(calls.Load(), 1))
}

func TestFeatureTestCachesNotSupported(t *testing.T) {
	var calls atomic.Int32
	fn := NewFeatureTest("foo", "5.2", func() error {
		calls.Add(1)
		return fmt.Errorf("probe: %w", ErrNotSupported)
	})

	err := fn()
	qt.Assert(t, qt.ErrorIs(err, ErrNotSupported))
	var ufe *UnsupportedFeatureError
	qt.Assert(t, qt.ErrorAs(err, &ufe))
	qt.Assert(t, qt.Equals(ufe.Name, "foo"))
	qt.Assert(t, qt.Equals(ufe.MinimumVersion, Version{5, 2, 0}))
	qt.Assert(t, qt.Equals(err.Error(), "foo not supported (requires >= v5.2)"))

	qt.Assert(t, qt.Equals(fn(), err))
	qt.Assert(t, qt.Equals(calls.Load(), 1))
}

func TestFeatureTestDoesNotCacheOtherErrors(t *testing.T) {
	var calls atomic.Int32
	errFlaky := errors.New("flaky")
	fn := NewFeatureTest("foo", "5.2", func() error {
		if calls.Add(1) == 1 {
			return errFlaky
		}
		return nil
	})

	err := fn()
	qt.Assert(t, qt.ErrorIs(err, errFlaky))
	qt.Assert(t, qt.Equals(err.Error(), "detect support for foo: flaky"))
	qt.Assert(t, qt.IsFalse(errors.Is(err, ErrNotSupported)))
	qt.Assert(t, qt.IsNil(fn()))
	qt.Assert(t, qt.IsNil(fn()))
	qt.Assert(t, qt.Equals(calls.Load(), 2))
}

func TestFeatureTestUnspecifiedVersion(t *testing.T) {
	fn := NewFeatureTest("bar", "", func() error { return ErrNotSupported })
	qt.Assert(t, qt.Equals(fn().Error(), "bar not supported"))

	bad := NewFeatureTest("baz", "five", func() error { return ErrNotSupported })
	qt.Assert(t, qt.ErrorMatches(bad(), `feature baz: parse version "five".*`))
}

func TestFeatureTestConcurrent(t *testing.T) {
	var calls atomic.Int32
	fn := NewFeatureTest("foo", "1.0", func() error {
		calls.Add(1)
		return ErrNotSupported
	})

	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			qt.Check(t, qt.ErrorIs(fn(), ErrNotSupported))
		}()
	}
	wg.Wait()
	qt.Assert(t, qt.Equals(calls.Load(), 1))
}

func TestFeatureMatrix(t *testing.T) {
	fm := FeatureMatrix[int]{
		1: {Name: "one", Version: "4.1", Fn: func() error { return nil }},
		2: {Name: "two", Version: "4.2", Fn: func() error { return ErrNotSupported }},
	}
	qt.Assert(t, qt.IsNil(fm.Result(1)))
	qt.Assert(t, qt.ErrorIs(fm.Result(2), ErrNotSupported))
	qt.Assert(t, qt.ErrorMatches(fm.Result(3), "no feature probe for 3"))
}

func TestFeatureCache(t *testing.T) {
	var created atomic.Int32
	fc := NewFeatureCache(func(key string) *FeatureTest {
		created.Add(1)
		return &FeatureTest{Name: key, Version: "6.0", Fn: func() error {
			if key == "missing" {
				return ErrNotSupported
			}
			return nil
		}}
	})

	qt.Assert(t, qt.IsNil(fc.Result("present")))
	qt.Assert(t, qt.IsNil(fc.Result("present")))
	qt.Assert(t, qt.ErrorIs(fc.Result("missing"), ErrNotSupported))
	qt.Assert(t, qt.Equals(created.Load(), 2))
}

func TestUnsupportedFeatureError(t *testing.T) {
	err := &UnsupportedFeatureError{Name: "x", MinimumVersion: Version{5, 2, 1}}
	qt.Assert(t, qt.Equals(err.Error(), "x not supported (requires >= v5.2.1)"))
	qt.Assert(t, qt.ErrorIs(error(err), ErrNotSupported))
}

package internal

import (
	"errors"
	"fmt"
	"sync"
)

// FeatureTestFn probes the kernel for a feature. It returns nil if the
// feature is present, an error wrapping ErrNotSupported if it is missing, and
// any other error if the probe could not decide.
type FeatureTestFn func() error

// FeatureTest runs a probe at most until it gives a definite answer and
// remembers that answer. It is safe for concurrent use; the probe runs on
// first use, not on construction.
type FeatureTest struct {
	// Name of the feature, used in error messages.
	Name string
	// Version is the first kernel with the feature ("5.2"), or empty if
	// unknown.
	Version string
	// Fn is the probe.
	Fn FeatureTestFn

	mu     sync.RWMutex
	done   bool
	result error
}

// NewFeatureTest returns a function that runs fn once it is first called and
// returns its cached outcome afterwards.
//
// A nil outcome and one wrapping ErrNotSupported are cached; the latter is
// returned as an *UnsupportedFeatureError carrying name and version. Any
// other error is not cached and is returned as
// "detect support for <name>: <err>".
func NewFeatureTest(name, version string, fn FeatureTestFn) func() error {
	ft := &FeatureTest{Name: name, Version: version, Fn: fn}
	return ft.execute
}

func (ft *FeatureTest) execute() error {
	ft.mu.RLock()
	done, result := ft.done, ft.result
	ft.mu.RUnlock()
	if done {
		return result
	}

	ft.mu.Lock()
	defer ft.mu.Unlock()
	// Another caller may have finished the probe while we waited.
	if ft.done {
		return ft.result
	}

	err := ft.Fn()
	switch {
	case err == nil:
	case errors.Is(err, ErrNotSupported):
		var minimum Version
		if ft.Version != "" {
			minimum, err = NewVersion(ft.Version)
			if err != nil {
				return fmt.Errorf("feature %s: %w", ft.Name, err)
			}
		}
		err = &UnsupportedFeatureError{MinimumVersion: minimum, Name: ft.Name}
	default:
		return fmt.Errorf("detect support for %s: %w", ft.Name, err)
	}

	ft.done, ft.result = true, err
	return err
}

// FeatureMatrix groups the probes of related features, such as map types,
// by key.
type FeatureMatrix[K comparable] map[K]*FeatureTest

// Result runs the probe for key, as a function returned by NewFeatureTest
// would. It returns an error if there is no probe for key.
func (fm FeatureMatrix[K]) Result(key K) error {
	ft, ok := fm[key]
	if !ok {
		return fmt.Errorf("no feature probe for %v", key)
	}
	return ft.execute()
}

// FeatureCache creates probes on demand, one per key, for features whose
// keys are not known up front (e.g. helper calls per program type).
type FeatureCache[K comparable] struct {
	newTest func(K) *FeatureTest

	mu       sync.Mutex
	features map[K]*FeatureTest
}

// NewFeatureCache returns a cache that calls newTest the first time a key is
// asked for.
func NewFeatureCache[K comparable](newTest func(K) *FeatureTest) *FeatureCache[K] {
	return &FeatureCache[K]{
		newTest:  newTest,
		features: make(map[K]*FeatureTest),
	}
}

// Result runs the probe for key, creating it first if needed. It returns the
// probe's outcome as FeatureTest does.
func (fc *FeatureCache[K]) Result(key K) error {
	return fc.test(key).execute()
}

func (fc *FeatureCache[K]) test(key K) *FeatureTest {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	ft, ok := fc.features[key]
	if !ok {
		ft = fc.newTest(key)
		fc.features[key] = ft
	}
	return ft
}

package testutils

import (
	"fmt"
	"testing"
)

// fakeTB records what a helper decided instead of ending the real test.
type fakeTB struct {
	testing.TB
	name     string
	skipped  bool
	failed   bool
	messages []string
	cleanups []func()
}

// stopped is panicked by fakeTB to stop a helper like runtime.Goexit would.
type stopped struct{}

func (f *fakeTB) Helper()         {}
func (f *fakeTB) Name() string    { return f.name }
func (f *fakeTB) Log(args ...any) { f.messages = append(f.messages, fmt.Sprint(args...)) }
func (f *fakeTB) Logf(format string, args ...any) {
	f.messages = append(f.messages, fmt.Sprintf(format, args...))
}
func (f *fakeTB) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }

func (f *fakeTB) Error(args ...any) {
	f.failed = true
	f.Log(args...)
}

func (f *fakeTB) Errorf(format string, args ...any) {
	f.failed = true
	f.Logf(format, args...)
}

func (f *fakeTB) Fatal(args ...any) {
	f.Error(args...)
	panic(stopped{})
}

func (f *fakeTB) Fatalf(format string, args ...any) {
	f.Errorf(format, args...)
	panic(stopped{})
}

func (f *fakeTB) FailNow() { f.Fatal() }

func (f *fakeTB) Skip(args ...any) {
	f.skipped = true
	f.Log(args...)
	panic(stopped{})
}

func (f *fakeTB) Skipf(format string, args ...any) {
	f.skipped = true
	f.Logf(format, args...)
	panic(stopped{})
}

func (f *fakeTB) SkipNow() { f.Skip() }

func (f *fakeTB) runCleanups() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}

// runFake runs fn against a fake TB and reports what happened to it.
func runFake(t *testing.T, fn func(tb testing.TB)) *fakeTB {
	t.Helper()
	fake := &fakeTB{TB: t, name: t.Name()}
	func() {
		defer func() {
			if r := recover(); r != nil {
				if _, ok := r.(stopped); !ok {
					panic(r)
				}
			}
		}()
		fn(fake)
	}()
	return fake
}

func (f *fakeTB) String() string {
	return fmt.Sprintf("skipped=%v failed=%v messages=%q", f.skipped, f.failed, f.messages)
}

// Package testutils is the shared test policy of the module: which
// environment lets a test run, when a test may skip and when it must fail,
// where test objects come from, and leak checks.
//
// Skipping is decided here and nowhere else. A test skips only when
//   - the process may not use bpf(2) at all (RequirePrivileges), unless the
//     environment variable CI or EBPF_TEST_STRICT is set;
//   - the running kernel predates a feature (SkipIfNotSupported,
//     SkipOnOldKernel), which is checked against the feature's version;
//   - the kernel refuses an operation for a documented reason with the
//     stated errno (SkipIfKernelRefuses);
//   - an external program the test compares against is not installed
//     (RequireTool), unless CI or EBPF_TEST_STRICT is set.
//
// Anything else is a failure.
package testutils

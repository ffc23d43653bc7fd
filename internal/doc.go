// Package internal holds what the loader's packages share but users must not
// import: feature probes and their errors, kernel version detection, the
// verifier error type, pinning and a few small helpers.
package internal

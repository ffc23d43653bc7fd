package internal

import (
	"errors"
	"fmt"
)

// ErrNotSupported indicates that the running kernel lacks a feature. Match it
// with errors.Is: most occurrences are *UnsupportedFeatureError values that
// also name the feature.
var ErrNotSupported = errors.New("not supported")

// UnsupportedFeatureError is returned when the running kernel lacks the
// feature Name, which exists since MinimumVersion. It matches
// ErrNotSupported with errors.Is.
type UnsupportedFeatureError struct {
	// MinimumVersion is the first kernel with the feature; it may be
	// unspecified when that is not known.
	MinimumVersion Version

	// Name describes the feature, e.g. "map batch api".
	Name string
}

// Error returns "<name> not supported (requires >= v<version>)", or
// "<name> not supported" without a known minimum version.
func (ufe *UnsupportedFeatureError) Error() string {
	if ufe.MinimumVersion.Unspecified() {
		return fmt.Sprintf("%s not supported", ufe.Name)
	}
	return fmt.Sprintf("%s not supported (requires >= %s)", ufe.Name, ufe.MinimumVersion)
}

// Is reports whether target is ErrNotSupported.
func (ufe *UnsupportedFeatureError) Is(target error) bool {
	return target == ErrNotSupported
}

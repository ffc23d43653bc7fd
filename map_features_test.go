package ebpf

import (
	"testing"

	"github.com/bpfcore/ebpf/internal/testutils"
)

// The map probes must agree with the running kernel's version.
func TestMapFeatureProbes(t *testing.T) {
	testutils.RequirePrivileges(t)

	for name, probe := range map[string]func() error{
		"nested maps":               haveNestedMaps,
		"read- and write-only maps": haveMapMutabilityModifiers,
		"mmapable maps":             haveMmapableMaps,
		"inner maps":                haveInnerMaps,
		"prealloc maps":             haveNoPreallocMaps,
		"map batch api":             haveBatchAPI,
	} {
		t.Run(name, func(t *testing.T) {
			testutils.CheckFeatureTest(t, probe)
		})
	}
}

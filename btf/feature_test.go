package btf

import (
	"testing"

	"github.com/bpfcore/ebpf/internal/testutils"
)

func TestHaveBTF(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFeatureTest(t, haveBTF)
}

func TestHaveMapBTF(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFeatureTest(t, haveMapBTF)
}

func TestHaveProgBTF(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFeatureTest(t, haveProgBTF)
}

func TestHaveFuncLinkage(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFeatureTest(t, haveFuncLinkage)
}

func TestHaveEnum64(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFeatureTest(t, haveEnum64)
}

func TestHaveDeclTags(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFeatureTest(t, haveDeclTags)
}

func TestHaveTypeTags(t *testing.T) {
	testutils.RequirePrivileges(t)
	testutils.CheckFeatureTest(t, haveTypeTags)
}

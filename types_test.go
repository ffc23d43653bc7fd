package ebpf

import (
	"testing"

	"github.com/go-quicktest/qt"
)

func TestEnumStrings(t *testing.T) {
	for _, tc := range []struct {
		got, want string
	}{
		{Hash.String(), "Hash"},
		{TaskStorage.String(), "TaskStorage"},
		{MapType(99).String(), "MapType(99)"},
		{SocketFilter.String(), "SocketFilter"},
		{Netfilter.String(), "Netfilter"},
		{ProgramType(77).String(), "ProgramType(77)"},
		{AttachNone.String(), "None"},
		{AttachType(1).String(), "CGroupInetEgress"},
		{AttachNetkitPeer.String(), "NetkitPeer"},
		{AttachType(99).String(), "AttachType(99)"},
		{PinByName.String(), "PinByName"},
		{PinType(5).String(), "PinType(5)"},
	} {
		qt.Check(t, qt.Equals(tc.got, tc.want))
	}
}

func TestEnumValues(t *testing.T) {
	qt.Check(t, qt.Equals(TaskStorage, MapType(29)))
	qt.Check(t, qt.Equals(Netfilter, ProgramType(32)))
	qt.Check(t, qt.Equals(AttachNetkitPeer, AttachType(55)))
	qt.Check(t, qt.Equals(UpdateNoExist, MapUpdateFlags(1)))
	qt.Check(t, qt.Equals(UpdateExist, MapUpdateFlags(2)))
	qt.Check(t, qt.Equals(UpdateLock, MapUpdateFlags(4)))
}

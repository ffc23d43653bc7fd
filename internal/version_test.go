package internal

import (
	"encoding/binary"
	"strings"
	"testing"

	"github.com/go-quicktest/qt"
)

func TestNewVersion(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Version
	}{
		{"5.2", Version{5, 2, 0}},
		{"5.2.1", Version{5, 2, 1}},
		{"4.19.255", Version{4, 19, 255}},
		{"6.1.65535", Version{6, 1, 65535}},
	} {
		v, err := NewVersion(tc.in)
		qt.Assert(t, qt.IsNil(err), qt.Commentf("%q", tc.in))
		qt.Assert(t, qt.Equals(v, tc.want))
	}

	for _, bad := range []string{"", "5", "5.", "a.b", "5.2.1.0", "5.-1", "5.65536", " 5.2"} {
		_, err := NewVersion(bad)
		qt.Assert(t, qt.IsNotNil(err), qt.Commentf("%q", bad))
	}
}

func TestVersionString(t *testing.T) {
	qt.Assert(t, qt.Equals(Version{5, 2, 0}.String(), "v5.2"))
	qt.Assert(t, qt.Equals(Version{5, 2, 1}.String(), "v5.2.1"))
}

func TestVersionLess(t *testing.T) {
	qt.Assert(t, qt.IsTrue(Version{4, 19, 0}.Less(Version{5, 0, 0})))
	qt.Assert(t, qt.IsTrue(Version{5, 1, 9}.Less(Version{5, 2, 0})))
	qt.Assert(t, qt.IsTrue(Version{5, 2, 0}.Less(Version{5, 2, 1})))
	qt.Assert(t, qt.IsFalse(Version{5, 2, 1}.Less(Version{5, 2, 1})))
	qt.Assert(t, qt.IsFalse(Version{6, 0, 0}.Less(Version{5, 9, 9})))
}

func TestVersionKernel(t *testing.T) {
	qt.Assert(t, qt.Equals(Version{5, 4, 13}.Kernel(), 0x05040d))
	qt.Assert(t, qt.Equals(Version{4, 9, 300}.Kernel(), 0x0409ff), qt.Commentf("sublevel is clamped to 255"))
	qt.Assert(t, qt.Equals(NewVersionFromCode(0x060c05), Version{6, 12, 5}))
	qt.Assert(t, qt.Equals(NewVersionFromCode(Version{6, 18, 44}.Kernel()), Version{6, 18, 44}))
	qt.Assert(t, qt.IsTrue(Version{}.Unspecified()))
	qt.Assert(t, qt.IsFalse(Version{0, 0, 1}.Unspecified()))
}

func TestParseKernelRelease(t *testing.T) {
	for in, want := range map[string]Version{
		"6.18.44-fc-v669":        {6, 18, 44},
		"5.4.0-42-generic":       {5, 4, 0},
		"4.19.0+":                {4, 19, 0},
		"6.1":                    {6, 1, 0},
		"6.1.":                   {6, 1, 0},
		"5.15.153.1-microsoft-x": {5, 15, 153},
		"5":                      {},
	} {
		v, err := parseKernelRelease(in)
		if want.Unspecified() {
			qt.Assert(t, qt.IsNotNil(err), qt.Commentf("%q", in))
			continue
		}
		qt.Assert(t, qt.IsNil(err), qt.Commentf("%q", in))
		qt.Assert(t, qt.Equals(v, want), qt.Commentf("%q", in))
	}
	_, err := parseKernelRelease("linux")
	qt.Assert(t, qt.IsNotNil(err))
}

func TestCurrentKernelVersion(t *testing.T) {
	v, err := KernelVersion()
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.IsFalse(v.Unspecified()))

	release, err := KernelRelease()
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Not(qt.Equals(release, "")))

	fromRelease, err := parseKernelRelease(release)
	qt.Assert(t, qt.IsNil(err))
	// Distributions may patch the sublevel in uname, never major.minor.
	qt.Assert(t, qt.Equals(v[0], fromRelease[0]))
	qt.Assert(t, qt.Equals(v[1], fromRelease[1]))
	t.Logf("kernel %s (release %q)", v, release)
}

func TestVDSOVersionCode(t *testing.T) {
	code, err := vdsoVersionCode()
	qt.Assert(t, qt.IsNil(err))
	release, err := KernelRelease()
	qt.Assert(t, qt.IsNil(err))
	fromRelease, err := parseKernelRelease(release)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(code>>8, fromRelease.Kernel()>>8))
}

func TestVersionCodeFromNotes(t *testing.T) {
	note := func(name string, typ uint32, desc []byte) []byte {
		var b []byte
		b = binary.LittleEndian.AppendUint32(b, uint32(len(name)+1))
		b = binary.LittleEndian.AppendUint32(b, uint32(len(desc)))
		b = binary.LittleEndian.AppendUint32(b, typ)
		b = append(b, name...)
		b = append(b, 0)
		for len(b)%4 != 0 {
			b = append(b, 0)
		}
		b = append(b, desc...)
		for len(b)%4 != 0 {
			b = append(b, 0)
		}
		return b
	}
	code := binary.LittleEndian.AppendUint32(nil, 0x06122c)

	data := append(note("GNU", 3, []byte{1, 2, 3, 4, 5, 6}), note("Linux", 0, code)...)
	got, err := versionCodeFromNotes(data, binary.LittleEndian)
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Equals(got, 0x06122c))

	_, err = versionCodeFromNotes(note("Linux", 1, code), binary.LittleEndian)
	qt.Assert(t, qt.ErrorIs(err, errNoVersionNote))

	_, err = versionCodeFromNotes(data[:len(data)-2], binary.LittleEndian)
	qt.Assert(t, qt.ErrorMatches(err, "note at offset .*unexpected EOF"))

	huge := binary.LittleEndian.AppendUint32(nil, 0xffffffff)
	huge = append(huge, strings.Repeat("\x00", 8)...)
	_, err = versionCodeFromNotes(huge, binary.LittleEndian)
	qt.Assert(t, qt.IsNotNil(err))
}

func FuzzVersionCodeFromNotes(f *testing.F) {
	f.Add([]byte("\x06\x00\x00\x00\x04\x00\x00\x00\x00\x00\x00\x00Linux\x00\x00\x00\x2c\x12\x06\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = versionCodeFromNotes(data, binary.LittleEndian)
	})
}

func FuzzParseKernelRelease(f *testing.F) {
	f.Add("6.18.44-fc-v669")
	f.Fuzz(func(t *testing.T, release string) {
		_, _ = parseKernelRelease(release)
	})
}

package kconfig

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/bpfcore/ebpf/btf"
	"github.com/bpfcore/ebpf/internal"
	"github.com/go-quicktest/qt"
)

var wantTestConfig = map[string]string{
	"CONFIG_TRISTATE_Y": "y",
	"CONFIG_TRISTATE_M": "m",
	"CONFIG_BOOL":       "y",
	"CONFIG_NUMBER":     "250",
	"CONFIG_HEX":        "0xff",
	"CONFIG_NEGATIVE":   "-42",
	"CONFIG_STRING":     `"a string"`,
	"CONFIG_DUPLICATE":  "first",
}

func openTestdata(tb testing.TB, name string) *os.File {
	tb.Helper()
	f, err := os.Open("testdata/" + name)
	qt.Assert(tb, qt.IsNil(err))
	tb.Cleanup(func() { f.Close() })
	return f
}

func TestParse(t *testing.T) {
	for _, name := range []string{"test.kconfig", "test.kconfig.gz"} {
		t.Run(name, func(t *testing.T) {
			config, err := Parse(openTestdata(t, name), nil)
			qt.Assert(t, qt.IsNil(err))
			qt.Assert(t, qt.DeepEquals(config, wantTestConfig))
		})
	}
}

func TestParseFiltered(t *testing.T) {
	for _, name := range []string{"test.kconfig", "test.kconfig.gz"} {
		t.Run(name, func(t *testing.T) {
			filter := map[string]struct{}{"CONFIG_HEX": {}, "CONFIG_MISSING": {}}
			config, err := Parse(openTestdata(t, name), filter)
			qt.Assert(t, qt.IsNil(err))
			qt.Assert(t, qt.DeepEquals(config, map[string]string{"CONFIG_HEX": "0xff"}))
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, input := range []string{"CONFIG_NO_EQUALS\n", "CONFIG_EMPTY=\n"} {
		_, err := Parse(strings.NewReader(input), nil)
		qt.Check(t, qt.ErrorMatches(err, `parse kconfig: line 1: .*`), qt.Commentf("input %q", input))
	}
}

func TestParseRunningKernel(t *testing.T) {
	f, err := Find()
	if err != nil {
		t.Skip("no kernel config on this machine:", err)
	}
	defer f.Close()
	config, err := Parse(f, map[string]struct{}{"CONFIG_HZ": {}})
	qt.Assert(t, qt.IsNil(err))
	qt.Assert(t, qt.Not(qt.Equals(config["CONFIG_HZ"], "")))
}

func TestPutValue(t *testing.T) {
	boolean := &btf.Int{Size: 1, Encoding: btf.Bool}
	char := &btf.Int{Size: 1, Encoding: btf.Char}
	s8 := &btf.Int{Size: 1, Encoding: btf.Signed}
	u16 := &btf.Int{Size: 2}
	s32 := &btf.Int{Size: 4, Encoding: btf.Signed}
	u64 := &btf.Int{Size: 8}
	tristate := &btf.Enum{Name: "libbpf_tristate", Size: 8}

	ne := func(n uint64, size int) []byte {
		b := make([]byte, 8)
		internal.NativeEndian.PutUint64(b, n)
		if internal.NativeEndian.String() == "BigEndian" {
			return b[8-size:]
		}
		return b[:size]
	}

	for _, tc := range []struct {
		typ   btf.Type
		value string
		want  []byte
	}{
		{boolean, "y", []byte{1}},
		{boolean, "n", []byte{0}},
		{&btf.Typedef{Name: "bool_t", Type: boolean}, "y", []byte{1}},
		{tristate, "y", ne(1, 8)},
		{tristate, "m", ne(2, 8)},
		{tristate, "n", ne(0, 8)},
		{&btf.Array{Type: char, Nelems: 4}, `"ab"`, []byte{'a', 'b', 0, 0}},
		{&btf.Array{Type: char, Nelems: 2}, `"abcd"`, []byte{'a', 'b'}},
		{u16, "0x1234", ne(0x1234, 2)},
		{s32, "-42", ne(uint64(0xffffffd6), 4)},
		{u64, "18446744073709551615", ne(^uint64(0), 8)},
		{s8, "017", []byte{15}},
	} {
		data := make([]byte, len(tc.want))
		err := PutValue(data, tc.typ, tc.value)
		qt.Assert(t, qt.IsNil(err), qt.Commentf("%v %q", tc.typ, tc.value))
		qt.Check(t, qt.DeepEquals(data, tc.want), qt.Commentf("%v %q", tc.typ, tc.value))
	}
}

func TestPutValueErrors(t *testing.T) {
	boolean := &btf.Int{Size: 1, Encoding: btf.Bool}
	for _, tc := range []struct {
		typ   btf.Type
		value string
	}{
		{boolean, "m"},
		{&btf.Int{Size: 4, Encoding: btf.Bool}, "y"},
		{&btf.Enum{Name: "other", Size: 8}, "y"},
		{&btf.Pointer{}, "y"},
		{&btf.Int{Size: 4}, `"str"`},
		{&btf.Array{Type: &btf.Int{Size: 4}, Nelems: 2}, `"str"`},
		{&btf.Array{Type: boolean, Nelems: 2}, `"str"`},
		{&btf.Array{Type: &btf.Int{Size: 1}, Nelems: 2}, `"str`},
		{&btf.Int{Size: 1, Encoding: btf.Signed}, "0x80"},
		{&btf.Int{Size: 1}, "256"},
		{&btf.Int{Size: 4}, "not a number"},
		{&btf.Pointer{}, "42"},
	} {
		data := make([]byte, 8)
		qt.Check(t, qt.IsNotNil(PutValue(data, tc.typ, tc.value)), qt.Commentf("%v %q", tc.typ, tc.value))
	}
}

func TestPutInteger(t *testing.T) {
	s16 := &btf.Int{Size: 2, Encoding: btf.Signed}
	data := make([]byte, 2)
	qt.Assert(t, qt.IsNil(PutInteger(data, s16, 0xffffffffffffffff)))
	qt.Assert(t, qt.DeepEquals(data, []byte{0xff, 0xff}))

	qt.Check(t, qt.IsNotNil(PutInteger(make([]byte, 1), &btf.Int{Size: 1, Encoding: btf.Signed}, 0x80)))
	qt.Check(t, qt.IsNotNil(PutInteger(make([]byte, 1), &btf.Int{Size: 1, Encoding: btf.Bool}, 2)))
	qt.Check(t, qt.IsNotNil(PutInteger(make([]byte, 1), &btf.Int{Size: 4}, 1)))
	qt.Check(t, qt.IsNotNil(PutInteger(make([]byte, 16), &btf.Int{Size: 16}, 1)))
}

func BenchmarkParse(b *testing.B) {
	raw, err := os.ReadFile("testdata/test.kconfig")
	qt.Assert(b, qt.IsNil(err))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(bytes.NewReader(raw), nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseFiltered(b *testing.B) {
	raw, err := os.ReadFile("testdata/test.kconfig")
	qt.Assert(b, qt.IsNil(err))
	filter := map[string]struct{}{"CONFIG_HEX": {}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(bytes.NewReader(raw), filter); err != nil {
			b.Fatal(err)
		}
	}
}

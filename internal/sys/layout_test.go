package sys

import (
	"reflect"
	"testing"

	"github.com/go-quicktest/qt"
)

type fieldOffset struct {
	name   string
	offset uintptr
}

type uapiLayout struct {
	fields []fieldOffset
	// end is where the last field read by the command ends, or the size of
	// an info/context struct.
	end uintptr
}

// uapiLayouts is the output of testdata/uapi_layout.c against the 6.1 UAPI
// header.
var uapiLayouts = map[string]uapiLayout{
	"MapCreateAttr": {fields: []fieldOffset{
		{"MapType", 0},
		{"KeySize", 4},
		{"ValueSize", 8},
		{"MaxEntries", 12},
		{"MapFlags", 16},
		{"InnerMapFd", 20},
		{"NumaNode", 24},
		{"MapName", 28},
		{"MapIfindex", 44},
		{"BtfFd", 48},
		{"BtfKeyTypeId", 52},
		{"BtfValueTypeId", 56},
		{"BtfVmlinuxValueTypeId", 60},
		{"MapExtra", 64},
	}, end: 72},
	"MapLookupElemAttr": {fields: []fieldOffset{
		{"MapFd", 0},
		{"Key", 8},
		{"Value", 16},
		{"Flags", 24},
	}, end: 32},
	"MapUpdateElemAttr": {fields: []fieldOffset{
		{"MapFd", 0},
		{"Key", 8},
		{"Value", 16},
		{"Flags", 24},
	}, end: 32},
	"MapLookupAndDeleteElemAttr": {fields: []fieldOffset{
		{"MapFd", 0},
		{"Key", 8},
		{"Value", 16},
		{"Flags", 24},
	}, end: 32},
	"MapDeleteElemAttr": {fields: []fieldOffset{
		{"MapFd", 0},
		{"Key", 8},
	}, end: 16},
	"MapGetNextKeyAttr": {fields: []fieldOffset{
		{"MapFd", 0},
		{"Key", 8},
		{"NextKey", 16},
	}, end: 24},
	"MapFreezeAttr": {fields: []fieldOffset{
		{"MapFd", 0},
	}, end: 4},
	"MapLookupBatchAttr": {fields: []fieldOffset{
		{"InBatch", 0},
		{"OutBatch", 8},
		{"Keys", 16},
		{"Values", 24},
		{"Count", 32},
		{"MapFd", 36},
		{"ElemFlags", 40},
		{"Flags", 48},
	}, end: 56},
	"MapLookupAndDeleteBatchAttr": {fields: []fieldOffset{
		{"InBatch", 0},
		{"OutBatch", 8},
		{"Keys", 16},
		{"Values", 24},
		{"Count", 32},
		{"MapFd", 36},
		{"ElemFlags", 40},
		{"Flags", 48},
	}, end: 56},
	"MapUpdateBatchAttr": {fields: []fieldOffset{
		{"InBatch", 0},
		{"OutBatch", 8},
		{"Keys", 16},
		{"Values", 24},
		{"Count", 32},
		{"MapFd", 36},
		{"ElemFlags", 40},
		{"Flags", 48},
	}, end: 56},
	"MapDeleteBatchAttr": {fields: []fieldOffset{
		{"InBatch", 0},
		{"OutBatch", 8},
		{"Keys", 16},
		{"Values", 24},
		{"Count", 32},
		{"MapFd", 36},
		{"ElemFlags", 40},
		{"Flags", 48},
	}, end: 56},
	"ProgLoadAttr": {fields: []fieldOffset{
		{"ProgType", 0},
		{"InsnCnt", 4},
		{"Insns", 8},
		{"License", 16},
		{"LogLevel", 24},
		{"LogSize", 28},
		{"LogBuf", 32},
		{"KernVersion", 40},
		{"ProgFlags", 44},
		{"ProgName", 48},
		{"ProgIfindex", 64},
		{"ExpectedAttachType", 68},
		{"ProgBtfFd", 72},
		{"FuncInfoRecSize", 76},
		{"FuncInfo", 80},
		{"FuncInfoCnt", 88},
		{"LineInfoRecSize", 92},
		{"LineInfo", 96},
		{"LineInfoCnt", 104},
		{"AttachBtfId", 108},
		{"AttachBtfObjFd", 112},
		{"CoreReloCnt", 116},
		{"FdArray", 120},
		{"CoreRelos", 128},
		{"CoreReloRecSize", 136},
	}, end: 140},
	"ObjPinAttr": {fields: []fieldOffset{
		{"Pathname", 0},
		{"BpfFd", 8},
		{"FileFlags", 12},
	}, end: 16},
	"ObjGetAttr": {fields: []fieldOffset{
		{"Pathname", 0},
		{"BpfFd", 8},
		{"FileFlags", 12},
	}, end: 16},
	"ProgRunAttr": {fields: []fieldOffset{
		{"ProgFd", 0},
		{"Retval", 4},
		{"DataSizeIn", 8},
		{"DataSizeOut", 12},
		{"DataIn", 16},
		{"DataOut", 24},
		{"Repeat", 32},
		{"Duration", 36},
		{"CtxSizeIn", 40},
		{"CtxSizeOut", 44},
		{"CtxIn", 48},
		{"CtxOut", 56},
		{"Flags", 64},
		{"Cpu", 68},
		{"BatchSize", 72},
	}, end: 80},
	"ProgGetNextIdAttr": {fields: []fieldOffset{
		{"StartId", 0},
		{"NextId", 4},
	}, end: 8},
	"MapGetNextIdAttr": {fields: []fieldOffset{
		{"StartId", 0},
		{"NextId", 4},
	}, end: 8},
	"BtfGetNextIdAttr": {fields: []fieldOffset{
		{"StartId", 0},
		{"NextId", 4},
	}, end: 8},
	"ProgGetFdByIdAttr": {fields: []fieldOffset{
		{"ProgId", 0},
	}, end: 4},
	"MapGetFdByIdAttr": {fields: []fieldOffset{
		{"MapId", 0},
		{"OpenFlags", 8},
	}, end: 12},
	"BtfGetFdByIdAttr": {fields: []fieldOffset{
		{"BtfId", 0},
	}, end: 4},
	"ObjGetInfoByFdAttr": {fields: []fieldOffset{
		{"BpfFd", 0},
		{"InfoLen", 4},
		{"Info", 8},
	}, end: 16},
	"BtfLoadAttr": {fields: []fieldOffset{
		{"Btf", 0},
		{"BtfLogBuf", 8},
		{"BtfSize", 16},
		{"BtfLogSize", 20},
		{"BtfLogLevel", 24},
	}, end: 28},
	"EnableStatsAttr": {fields: []fieldOffset{
		{"Type", 0},
	}, end: 4},
	"ProgBindMapAttr": {fields: []fieldOffset{
		{"ProgFd", 0},
		{"MapFd", 4},
		{"Flags", 8},
	}, end: 12},
	"MapInfo": {fields: []fieldOffset{
		{"Type", 0},
		{"Id", 4},
		{"KeySize", 8},
		{"ValueSize", 12},
		{"MaxEntries", 16},
		{"MapFlags", 20},
		{"Name", 24},
		{"Ifindex", 40},
		{"BtfVmlinuxValueTypeId", 44},
		{"NetnsDev", 48},
		{"NetnsIno", 56},
		{"BtfId", 64},
		{"BtfKeyTypeId", 68},
		{"BtfValueTypeId", 72},
		{"MapExtra", 80},
	}, end: 88},
	"ProgInfo": {fields: []fieldOffset{
		{"Type", 0},
		{"Id", 4},
		{"Tag", 8},
		{"JitedProgLen", 16},
		{"XlatedProgLen", 20},
		{"JitedProgInsns", 24},
		{"XlatedProgInsns", 32},
		{"LoadTime", 40},
		{"CreatedByUid", 48},
		{"NrMapIds", 52},
		{"MapIds", 56},
		{"Name", 64},
		{"Ifindex", 80},
		{"GplCompatible", 84},
		{"NetnsDev", 88},
		{"NetnsIno", 96},
		{"NrJitedKsyms", 104},
		{"NrJitedFuncLens", 108},
		{"JitedKsyms", 112},
		{"JitedFuncLens", 120},
		{"BtfId", 128},
		{"FuncInfoRecSize", 132},
		{"FuncInfo", 136},
		{"NrFuncInfo", 144},
		{"NrLineInfo", 148},
		{"LineInfo", 152},
		{"JitedLineInfo", 160},
		{"NrJitedLineInfo", 168},
		{"LineInfoRecSize", 172},
		{"JitedLineInfoRecSize", 176},
		{"NrProgTags", 180},
		{"ProgTags", 184},
		{"RunTimeNs", 192},
		{"RunCnt", 200},
		{"RecursionMisses", 208},
		{"VerifiedInsns", 216},
		{"AttachBtfObjId", 220},
		{"AttachBtfId", 224},
	}, end: 232},
	"BtfInfo": {fields: []fieldOffset{
		{"Btf", 0},
		{"BtfSize", 8},
		{"Id", 12},
		{"Name", 16},
		{"NameLen", 24},
		{"KernelBtf", 28},
	}, end: 32},
	"XdpMd": {fields: []fieldOffset{
		{"Data", 0},
		{"DataEnd", 4},
		{"DataMeta", 8},
		{"IngressIfindex", 12},
		{"RxQueueIndex", 16},
		{"EgressIfindex", 20},
	}, end: 24},
	"SkLookup": {fields: []fieldOffset{
		{"Cookie", 0},
		{"Family", 8},
		{"Protocol", 12},
		{"RemoteIp4", 16},
		{"RemoteIp6", 20},
		{"RemotePort", 36},
		{"LocalIp4", 40},
		{"LocalIp6", 44},
		{"LocalPort", 60},
		{"IngressIfindex", 64},
	}, end: 72},
}

// newerUAPIFields are fields the 6.1 header lacks, at the offsets later
// kernels define them.
var newerUAPIFields = map[string][]fieldOffset{
	"ProgLoadAttr": {{"LogTrueSize", 140}},
	"BtfLoadAttr":  {{"BtfLogTrueSize", 28}},
}

var mirroredStructs = []any{
	MapCreateAttr{}, MapLookupElemAttr{}, MapUpdateElemAttr{},
	MapLookupAndDeleteElemAttr{}, MapDeleteElemAttr{}, MapGetNextKeyAttr{},
	MapFreezeAttr{}, MapLookupBatchAttr{}, MapLookupAndDeleteBatchAttr{},
	MapUpdateBatchAttr{}, MapDeleteBatchAttr{}, ProgLoadAttr{}, ObjPinAttr{},
	ObjGetAttr{}, ProgRunAttr{}, ProgGetNextIdAttr{}, MapGetNextIdAttr{},
	BtfGetNextIdAttr{}, ProgGetFdByIdAttr{}, MapGetFdByIdAttr{},
	BtfGetFdByIdAttr{}, ObjGetInfoByFdAttr{}, BtfLoadAttr{},
	EnableStatsAttr{}, ProgBindMapAttr{}, MapInfo{}, ProgInfo{}, BtfInfo{},
	XdpMd{}, SkLookup{},
}

func TestUAPILayout(t *testing.T) {
	qt.Assert(t, qt.Equals(len(mirroredStructs), len(uapiLayouts)))

	for _, v := range mirroredStructs {
		typ := reflect.TypeOf(v)
		t.Run(typ.Name(), func(t *testing.T) {
			want, ok := uapiLayouts[typ.Name()]
			qt.Assert(t, qt.IsTrue(ok), qt.Commentf("no UAPI layout for %s", typ))

			offsets := make(map[string]uintptr)
			for _, f := range append(want.fields, newerUAPIFields[typ.Name()]...) {
				offsets[f.name] = f.offset
			}

			seen := 0
			for i := range typ.NumField() {
				field := typ.Field(i)
				if field.Name == "_" {
					continue
				}
				offset, ok := offsets[field.Name]
				qt.Assert(t, qt.IsTrue(ok), qt.Commentf("field %s is not in the UAPI", field.Name))
				qt.Check(t, qt.Equals(field.Offset, offset), qt.Commentf("offset of %s", field.Name))
				seen++
			}
			qt.Check(t, qt.Equals(seen, len(offsets)), qt.Commentf("fields missing from the Go struct"))

			end := want.end
			for _, f := range newerUAPIFields[typ.Name()] {
				sf, _ := typ.FieldByName(f.name)
				end = max(end, f.offset+sf.Type.Size())
			}
			align := uintptr(typ.Align())
			wantSize := (end + align - 1) &^ (align - 1)
			qt.Check(t, qt.Equals(typ.Size(), wantSize), qt.Commentf("size of %s", typ))
		})
	}
}

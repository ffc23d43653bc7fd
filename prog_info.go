package ebpf

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/bpfcore/ebpf/asm"
	"github.com/bpfcore/ebpf/btf"
	"github.com/bpfcore/ebpf/internal"
	"github.com/bpfcore/ebpf/internal/sys"
)

// ProgramInfo describes a loaded program, as the kernel reports it.
//
// Old kernels only describe a program through /proc/self/fdinfo; the
// accessors then report the missing parts as unavailable.
type ProgramInfo struct {
	// Type is the program's type.
	Type ProgramType
	// Tag is the kernel's hash of the program's instructions, 16 lowercase
	// hex characters. See ProgramSpec.Tag.
	Tag string
	// Name is the name given at load time, up to 15 bytes; empty on kernels
	// without object names.
	Name string

	id               ProgramID
	createdByUID     uint32
	haveCreatedByUID bool
	btf              btf.ID
	// stats is nil when the info came from fdinfo.
	stats *programStats

	// maps is nil when the kernel doesn't report map IDs, and empty but not
	// nil when the program uses no maps.
	maps []MapID

	insns []byte

	lineInfos       []byte
	numLineInfos    uint32
	lineInfoRecSize uint32
	funcInfos       []byte
	numFuncInfos    uint32
	funcInfoRecSize uint32
}

// programStats are the run statistics the kernel keeps while EnableStats is
// in effect.
type programStats struct {
	runtime  time.Duration
	runCount uint64
}

// Info returns what the kernel knows about the program.
//
// It returns an error if the kernel can describe the program neither with
// BPF_OBJ_GET_INFO_BY_FD nor in /proc/self/fdinfo.
func (p *Program) Info() (*ProgramInfo, error) {
	info, err := newProgramInfoFromFd(p.fd)
	if err != nil {
		return nil, fmt.Errorf("info of program %s: %w", p.name, err)
	}
	return info, nil
}

// newProgramInfoFromFd asks the kernel about the program behind fd. A first
// query learns the sizes of the variable-length parts (map IDs,
// instructions, func and line info), a second one fetches them. Kernels
// without the command (EINVAL) are asked through /proc/self/fdinfo.
func newProgramInfoFromFd(fd *sys.FD) (*ProgramInfo, error) {
	var info sys.ProgInfo
	err := sys.ObjInfo(fd, &info)
	if errors.Is(err, unix.EINVAL) {
		return newProgramInfoFromProc(fd)
	}
	if err != nil {
		return nil, err
	}

	pi := ProgramInfo{
		Type:  ProgramType(info.Type),
		Tag:   hex.EncodeToString(info.Tag[:]),
		Name:  unix.ByteSliceToString(info.Name[:]),
		id:    ProgramID(info.Id),
		btf:   btf.ID(info.BtfId),
		stats: &programStats{runtime: time.Duration(info.RunTimeNs), runCount: info.RunCnt},
	}

	// The second query starts from a clean struct: the kernel rejects
	// pointers it was not asked to fill (EFAULT) and counts that differ
	// from the program's.
	var more sys.ProgInfo
	needMore := false

	switch {
	case info.NrMapIds > 0:
		pi.maps = make([]MapID, info.NrMapIds)
		more.NrMapIds = info.NrMapIds
		more.MapIds = sys.NewPointer(unsafe.Pointer(&pi.maps[0]))
		needMore = true
	case haveProgramInfoMapIDs() == nil:
		pi.maps = []MapID{}
	}

	// created_by_uid arrived in the same kernel as map IDs.
	if pi.maps != nil {
		pi.createdByUID = info.CreatedByUid
		pi.haveCreatedByUID = true
	}

	if info.XlatedProgLen > 0 {
		pi.insns = make([]byte, info.XlatedProgLen)
		more.XlatedProgLen = info.XlatedProgLen
		more.XlatedProgInsns = sys.NewSlicePointer(pi.insns)
		needMore = true
	}

	if info.NrLineInfo > 0 && info.LineInfoRecSize > 0 {
		pi.lineInfos = make([]byte, info.LineInfoRecSize*info.NrLineInfo)
		pi.numLineInfos = info.NrLineInfo
		pi.lineInfoRecSize = info.LineInfoRecSize
		more.LineInfo = sys.NewSlicePointer(pi.lineInfos)
		more.LineInfoRecSize = info.LineInfoRecSize
		more.NrLineInfo = info.NrLineInfo
		needMore = true
	}

	if info.NrFuncInfo > 0 && info.FuncInfoRecSize > 0 {
		pi.funcInfos = make([]byte, info.FuncInfoRecSize*info.NrFuncInfo)
		pi.numFuncInfos = info.NrFuncInfo
		pi.funcInfoRecSize = info.FuncInfoRecSize
		more.FuncInfo = sys.NewSlicePointer(pi.funcInfos)
		more.FuncInfoRecSize = info.FuncInfoRecSize
		more.NrFuncInfo = info.NrFuncInfo
		needMore = true
	}

	if needMore {
		if err := sys.ObjInfo(fd, &more); err != nil {
			return nil, err
		}
	}
	return &pi, nil
}

// newProgramInfoFromProc describes a program from /proc/self/fdinfo, for
// kernels before 4.13. Only type and tag are available there.
func newProgramInfoFromProc(fd *sys.FD) (*ProgramInfo, error) {
	var info ProgramInfo
	err := scanFdInfo(fd, map[string]interface{}{
		"prog_type": &info.Type,
		"prog_tag":  &info.Tag,
	})
	if errors.Is(err, errMissingFdInfoFields) {
		return nil, &internal.UnsupportedFeatureError{
			Name:           "reading program info from /proc/self/fdinfo",
			MinimumVersion: internal.Version{4, 10, 0},
		}
	}
	if err != nil {
		return nil, err
	}
	return &info, nil
}

// errMissingFdInfoFields is wrapped when fdinfo lacks some wanted fields,
// which happens on kernels too old to report them.
var errMissingFdInfoFields = errors.New("missing fields in fdinfo")

// scanFdInfo parses the fields of /proc/self/fdinfo/<fd> into fields, see
// scanFdInfoReader.
func scanFdInfo(fd *sys.FD, fields map[string]interface{}) error {
	fh, err := os.Open(fmt.Sprintf("/proc/self/fdinfo/%d", fd.Int()))
	if err != nil {
		return err
	}
	defer fh.Close()

	if err := scanFdInfoReader(fh, fields); err != nil {
		return fmt.Errorf("%s: %w", fh.Name(), err)
	}
	return nil
}

// scanFdInfoReader parses "name:\tvalue" lines, scanning the value of every
// line whose name is a key of fields into the pointer stored there. It
// returns an error if a value doesn't parse, or one wrapping
// errMissingFdInfoFields naming the fields that were not found.
func scanFdInfoReader(r io.Reader, fields map[string]interface{}) error {
	found := make(map[string]bool, len(fields))
	scanner := bufio.NewScanner(r)
	for scanner.Scan() {
		name, value, ok := bytes.Cut(scanner.Bytes(), []byte{':'})
		if !ok {
			continue
		}
		field, ok := fields[string(name)]
		if !ok {
			continue
		}
		if n, err := fmt.Sscanln(string(bytes.TrimSpace(value)), field); err != nil || n != 1 {
			return fmt.Errorf("can't parse field %s: %v", name, err)
		}
		found[string(name)] = true
	}
	if err := scanner.Err(); err != nil {
		return err
	}

	if len(found) == len(fields) {
		return nil
	}
	var missing []string
	for name := range fields {
		if !found[name] {
			missing = append(missing, name)
		}
	}
	return fmt.Errorf("%w: %s", errMissingFdInfoFields, strings.Join(missing, ", "))
}

// ID returns the program's ID, and false if the kernel didn't report one
// (before 4.13).
func (pi *ProgramInfo) ID() (ProgramID, bool) {
	return pi.id, pi.id > 0
}

// CreatedByUID returns the user ID of the program's loader, and false if the
// kernel doesn't report it (before 4.15).
func (pi *ProgramInfo) CreatedByUID() (uint32, bool) {
	return pi.createdByUID, pi.haveCreatedByUID
}

// BTFID returns the ID of the program's BTF, and false if it has none.
func (pi *ProgramInfo) BTFID() (btf.ID, bool) {
	return pi.btf, pi.btf > 0
}

// RunCount returns how often the program ran while statistics were enabled
// (see EnableStats), and false if the kernel didn't report it.
func (pi *ProgramInfo) RunCount() (uint64, bool) {
	if pi.stats == nil {
		return 0, false
	}
	return pi.stats.runCount, true
}

// Runtime returns the total time the program ran while statistics were
// enabled (see EnableStats), and false if the kernel didn't report it.
func (pi *ProgramInfo) Runtime() (time.Duration, bool) {
	if pi.stats == nil {
		return 0, false
	}
	return pi.stats.runtime, true
}

// MapIDs returns the IDs of the maps the program uses, and false if the
// kernel doesn't report them (before 4.15). A program without maps gives an
// empty list and true.
func (pi *ProgramInfo) MapIDs() ([]MapID, bool) {
	return pi.maps, pi.maps != nil
}

// Instructions returns the program as the kernel runs it: after the
// verifier's rewrites, with map references replaced by map IDs. It needs
// CAP_SYS_ADMIN.
//
// The first instruction carries the program's name as its symbol.
//
// It returns an error wrapping ErrNotSupported if the kernel didn't hand out
// the instructions, or an error if they don't decode.
func (pi *ProgramInfo) Instructions() (asm.Instructions, error) {
	if len(pi.insns) == 0 {
		return nil, fmt.Errorf("program instructions: insufficient permissions or unsupported kernel: %w", ErrNotSupported)
	}

	var insns asm.Instructions
	if err := insns.Unmarshal(bytes.NewReader(pi.insns), internal.NativeEndian); err != nil {
		return nil, fmt.Errorf("unmarshal program instructions: %w", err)
	}
	if len(insns) == 0 {
		return insns, nil
	}

	name, err := pi.assignBTFMetadata(insns)
	if err != nil {
		return nil, err
	}
	if name == "" {
		name = pi.Name
	}
	insns[0] = insns[0].WithSymbol(name)
	return insns, nil
}

// assignBTFMetadata attaches the func and line info the kernel returned to
// insns, and returns the name of the program's first BTF function, or ""
// without func info. Without the privileges to open the program's BTF
// (EPERM), insns are left alone.
func (pi *ProgramInfo) assignBTFMetadata(insns asm.Instructions) (string, error) {
	if pi.btf == 0 || (pi.numFuncInfos == 0 && pi.numLineInfos == 0) {
		return "", nil
	}

	handle, err := btf.NewHandleFromID(pi.btf)
	if errors.Is(err, unix.EPERM) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("program BTF: %w", err)
	}
	defer handle.Close()

	spec, err := handle.Spec(nil)
	if err != nil {
		return "", fmt.Errorf("program BTF: %w", err)
	}

	var funcInfos btf.FuncInfos
	if pi.numFuncInfos > 0 && pi.funcInfoRecSize == btf.FuncInfoSize {
		funcInfos, err = btf.LoadFuncInfos(bytes.NewReader(pi.funcInfos), internal.NativeEndian, pi.numFuncInfos, spec)
		if err != nil {
			return "", fmt.Errorf("func infos: %w", err)
		}
	}

	var lineInfos btf.LineInfos
	if pi.numLineInfos > 0 && pi.lineInfoRecSize == btf.LineInfoSize {
		lineInfos, err = btf.LoadLineInfos(bytes.NewReader(pi.lineInfos), internal.NativeEndian, pi.numLineInfos, spec)
		if err != nil {
			return "", fmt.Errorf("line infos: %w", err)
		}
	}

	btf.AssignMetadataToInstructions(insns, funcInfos, lineInfos, btf.CORERelocationInfos{})

	if fn := btf.FuncMetadata(&insns[0]); fn != nil {
		return fn.Name, nil
	}
	return "", nil
}

// EnableStats turns on the kernel's collection of program statistics: which
// is the kind, 0 (BPF_STATS_RUN_TIME) for run count and run time, see
// ProgramInfo.RunCount and Runtime. Statistics are collected until the
// returned Closer is closed. Collecting them costs some performance.
//
// It returns an error wrapping the kernel's errno (EINVAL for an unknown
// kind, or on kernels before 5.8).
func EnableStats(which uint32) (io.Closer, error) {
	fd, err := sys.EnableStats(&sys.EnableStatsAttr{Type: which})
	if err != nil {
		return nil, fmt.Errorf("enable stats: %w", err)
	}
	return fd, nil
}

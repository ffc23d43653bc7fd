package ebpf

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/go-quicktest/qt"

	"github.com/bpfcore/ebpf/internal/testutils"
)

// This file loads the BPF objects that Debian packages ship, built by
// other toolchains than ours: plain objects (libxdp1) and objects embedded
// in executables as libbpf skeletons (libbpf-tools, xdp-tools). CI
// installs the packages (.ci/run).

// realWorldPackages are the Debian packages whose BPF objects are loaded.
var realWorldPackages = []string{"libxdp1", "xdp-tools", "libbpf-tools"}

// realWorldLoad says how an object loads on this kernel (Linux 6.18, root,
// fentry/fexit refused). It was established with bpftool v7.1.0
// (`bpftool prog loadall`) and, per program, with libbpf 1.1.2 loading only
// that program: an object loads with bpftool when its row has no unsized
// maps and no failing programs. Programs not listed load,
// and the instructions this library gives the kernel for them are the ones
// libbpf gives it (same program tag), except for xdp_dispatcher, whose
// subprograms this library lays out in name order
// (asm.Instructions.FunctionReferences) rather than libbpf's call order.
type realWorldLoad struct {
	// specErr matches the error of LoadCollectionSpec for objects that use
	// what this library rejects.
	specErr string
	// unsized are maps that the object declares with no size, for its tool
	// to size at run time: as they are, they fail to be created (so bpftool
	// fails); sized as the tools do it (sizeMapsLikeTools), they work.
	unsized []string
	// fails maps programs that can't load here to a regexp of their error
	// after "program <name>: ", which names the cause.
	fails map[string]string
}

// refused is the error of a fentry/fexit program that this VM refuses
// before verification, whatever the program (EPERM).
func refused(attachType, target string) string {
	return fmt.Sprintf(`load program: operation not permitted \(the kernel refused Tracing/%s attached to %s before verification.*`,
		attachType, regexp.QuoteMeta(target))
}

// noKernelFunc is the error of a program whose attach target is not in the
// kernel's BTF: kind is fentry, fexit or raw_tp (for tp_btf programs), and
// target the function or tracepoint. libbpf says "failed to find kernel BTF
// type ID".
func noKernelFunc(kind, target string) string {
	return kind + " " + regexp.QuoteMeta(target) + " not supported"
}

// badCORE is the error of a program with a CO-RE relocation against a
// member of typ that this kernel no longer has: the instruction is poisoned
// and the verifier rejects it, as with libbpf.
func badCORE(typ string) string {
	return `load program: bad CO-RE relocation: instruction \d+: CORERelocation\(\w+, Struct:"` + typ + `".*`
}

// xdpSample is what xdp-tools' programs share (lib/util/xdp_sample):
// per-CPU statistics arrays that the tools size, and two tp_btf programs
// for tracepoints this kernel no longer has (the tools skip them there).
var xdpSample = realWorldLoad{
	unsized: []string{"cpumap_enqueue_cnt", "cpumap_kthread_cnt", "devmap_xmit_cnt", "exception_cnt", "redir_err_cnt", "rx_cnt", "rxq_cnt"},
	fails: map[string]string{
		"tp_xdp_redirect_map":     noKernelFunc("raw_tp", "xdp_redirect_map"),
		"tp_xdp_redirect_map_err": noKernelFunc("raw_tp", "xdp_redirect_map_err"),
	},
}

// realWorldLoads are the objects of libxdp1 1.3.1-1, xdp-tools 1.3.1-1 and
// libbpf-tools 0.26.0+ds-1 (Debian 12), by realWorldObject.name. An object
// identical to one found before it (xdp-tools' executables embed libxdp's
// dispatcher and AF_XDP programs) is tested once, under the first name.
// "Nothing loads" marks objects whose every program fails here.
var realWorldLoads = map[string]realWorldLoad{
	"libxdp1/xdp-dispatcher.o": {},
	"libxdp1/xdpdump_bpf.o": {fails: map[string]string{
		"trace_on_entry": noKernelFunc("fentry", "func"),
		"trace_on_exit":  noKernelFunc("fexit", "func"),
	}}, // nothing loads
	"libxdp1/xdpdump_xdp.o":          {},
	"libxdp1/xdpfilt_alw_all.o":      {},
	"libxdp1/xdpfilt_alw_eth.o":      {},
	"libxdp1/xdpfilt_alw_ip.o":       {},
	"libxdp1/xdpfilt_alw_tcp.o":      {},
	"libxdp1/xdpfilt_alw_udp.o":      {},
	"libxdp1/xdpfilt_dny_all.o":      {},
	"libxdp1/xdpfilt_dny_eth.o":      {},
	"libxdp1/xdpfilt_dny_ip.o":       {},
	"libxdp1/xdpfilt_dny_tcp.o":      {},
	"libxdp1/xdpfilt_dny_udp.o":      {},
	"libxdp1/xsk_def_xdp_prog.o":     {},
	"libxdp1/xsk_def_xdp_prog_5.3.o": {},
	"xdp-tools/xdp-bench#0":          {},
	"xdp-tools/xdp-bench#1":          xdpSample,
	"xdp-tools/xdp-bench#2": {
		// xdp-bench redirect-cpu sizes its CPU maps too.
		unsized: append([]string{"cpu_map", "cpus_available"}, xdpSample.unsized...),
		fails:   xdpSample.fails,
	},
	"xdp-tools/xdp-bench#3":       xdpSample,
	"xdp-tools/xdp-bench#4":       xdpSample,
	"xdp-tools/xdp-bench#5":       xdpSample,
	"xdp-tools/xdp-monitor#1":     xdpSample,
	"xdp-tools/xdp-trafficgen#1":  xdpSample,
	"libbpf-tools/bashreadline#0": {},
	"libbpf-tools/bindsnoop#0": {fails: map[string]string{
		"ipv4_bind_exit": badCORE("inet_sock"),
		"ipv6_bind_exit": badCORE("inet_sock"),
	}},
	"libbpf-tools/biolatency#0": {},
	"libbpf-tools/biopattern#0": {},
	"libbpf-tools/biosnoop#0": {fails: map[string]string{
		"blk_account_io_start": refused("TraceFEntry", "blk_account_io_start"),
	}},
	"libbpf-tools/biostacks#0": {fails: map[string]string{
		"blk_account_io_done":  refused("TraceFEntry", "blk_account_io_done"),
		"blk_account_io_start": refused("TraceFEntry", "blk_account_io_start"),
	}},
	"libbpf-tools/biotop#0":   {},
	"libbpf-tools/bitesize#0": {},
	"libbpf-tools/cachestat#0": {fails: map[string]string{
		"account_page_dirtied":  noKernelFunc("fentry", "account_page_dirtied"),
		"add_to_page_cache_lru": refused("TraceFEntry", "add_to_page_cache_lru"),
		"mark_buffer_dirty":     refused("TraceFEntry", "mark_buffer_dirty"),
		"mark_page_accessed":    refused("TraceFEntry", "mark_page_accessed"),
	}}, // nothing loads
	"libbpf-tools/capable#0":   {unsized: []string{"stackmap"}},
	"libbpf-tools/cpudist#0":   {unsized: []string{"hists", "start"}},
	"libbpf-tools/cpufreq#0":   {},
	"libbpf-tools/drsnoop#0":   {},
	"libbpf-tools/execsnoop#0": {},
	"libbpf-tools/exitsnoop#0": {},
	"libbpf-tools/filelife#0":  {},
	"libbpf-tools/filetop#0":   {},
	"libbpf-tools/fsdist#0": {fails: map[string]string{
		"file_open_fentry":  noKernelFunc("fentry", "dummy_file_open"),
		"file_open_fexit":   noKernelFunc("fexit", "dummy_file_open"),
		"file_read_fentry":  noKernelFunc("fentry", "dummy_file_read"),
		"file_read_fexit":   noKernelFunc("fexit", "dummy_file_read"),
		"file_sync_fentry":  noKernelFunc("fentry", "dummy_file_sync"),
		"file_sync_fexit":   noKernelFunc("fexit", "dummy_file_sync"),
		"file_write_fentry": noKernelFunc("fentry", "dummy_file_write"),
		"file_write_fexit":  noKernelFunc("fexit", "dummy_file_write"),
		"getattr_fentry":    noKernelFunc("fentry", "dummy_getattr"),
		"getattr_fexit":     noKernelFunc("fexit", "dummy_getattr"),
	}},
	"libbpf-tools/fsslower#0": {fails: map[string]string{
		"file_open_fentry":  noKernelFunc("fentry", "dummy_file_open"),
		"file_open_fexit":   noKernelFunc("fexit", "dummy_file_open"),
		"file_read_fentry":  noKernelFunc("fentry", "dummy_file_read"),
		"file_read_fexit":   noKernelFunc("fexit", "dummy_file_read"),
		"file_sync_fentry":  noKernelFunc("fentry", "dummy_file_sync"),
		"file_sync_fexit":   noKernelFunc("fexit", "dummy_file_sync"),
		"file_write_fentry": noKernelFunc("fentry", "dummy_file_write"),
		"file_write_fexit":  noKernelFunc("fexit", "dummy_file_write"),
	}},
	"libbpf-tools/funclatency#0":    {},
	"libbpf-tools/gethostlatency#0": {},
	"libbpf-tools/hardirqs#0":       {},
	"libbpf-tools/klockstat#0": {fails: map[string]string{
		"down_read":                     refused("TraceFEntry", "down_read"),
		"down_read_exit":                refused("TraceFExit", "down_read"),
		"down_read_interruptible":       refused("TraceFEntry", "down_read_interruptible"),
		"down_read_interruptible_exit":  refused("TraceFExit", "down_read_interruptible"),
		"down_read_killable":            refused("TraceFEntry", "down_read_killable"),
		"down_read_killable_exit":       refused("TraceFExit", "down_read_killable"),
		"down_read_trylock_exit":        refused("TraceFExit", "down_read_trylock"),
		"down_write":                    refused("TraceFEntry", "down_write"),
		"down_write_exit":               refused("TraceFExit", "down_write"),
		"down_write_killable":           refused("TraceFEntry", "down_write_killable"),
		"down_write_killable_exit":      refused("TraceFExit", "down_write_killable"),
		"down_write_trylock_exit":       refused("TraceFExit", "down_write_trylock"),
		"mutex_lock":                    refused("TraceFEntry", "mutex_lock"),
		"mutex_lock_exit":               refused("TraceFExit", "mutex_lock"),
		"mutex_lock_interruptible":      refused("TraceFEntry", "mutex_lock_interruptible"),
		"mutex_lock_interruptible_exit": refused("TraceFExit", "mutex_lock_interruptible"),
		"mutex_lock_killable":           refused("TraceFEntry", "mutex_lock_killable"),
		"mutex_lock_killable_exit":      refused("TraceFExit", "mutex_lock_killable"),
		"mutex_trylock_exit":            refused("TraceFExit", "mutex_trylock"),
		"mutex_unlock":                  refused("TraceFEntry", "mutex_unlock"),
		"up_read":                       refused("TraceFEntry", "up_read"),
		"up_write":                      refused("TraceFEntry", "up_write"),
	}},
	// USDT probes: libbpf's usdt.bpf.h declares its maps __weak, which the
	// reference rejects; like libbpf and bpftool we load all four programs.
	"libbpf-tools/javagc#0":  {},
	"libbpf-tools/ksnoop#0":  {},
	"libbpf-tools/llcstat#0": {},
	"libbpf-tools/mdflush#0": {fails: map[string]string{
		"md_flush_request": noKernelFunc("fentry", "md_flush_request"),
	}}, // nothing loads
	"libbpf-tools/mountsnoop#0": {},
	"libbpf-tools/numamove#0": {fails: map[string]string{
		"migrate_misplaced_page":      noKernelFunc("fentry", "migrate_misplaced_page"),
		"migrate_misplaced_page_exit": noKernelFunc("fexit", "migrate_misplaced_page"),
	}}, // nothing loads
	"libbpf-tools/offcputime#0": {unsized: []string{"stackmap"}},
	"libbpf-tools/oomkill#0":    {},
	"libbpf-tools/opensnoop#0":  {},
	"libbpf-tools/readahead#0": {fails: map[string]string{
		"do_page_cache_ra":     noKernelFunc("fentry", "do_page_cache_ra"),
		"do_page_cache_ra_ret": noKernelFunc("fexit", "do_page_cache_ra"),
		"mark_page_accessed":   refused("TraceFEntry", "mark_page_accessed"),
		"page_cache_alloc_ret": noKernelFunc("fexit", "__page_cache_alloc"),
	}}, // nothing loads
	"libbpf-tools/runqlat#0": {},
	"libbpf-tools/runqlen#0": {fails: map[string]string{
		"do_sample": badCORE("cfs_rq"),
	}}, // nothing loads
	"libbpf-tools/runqslower#0":  {},
	"libbpf-tools/sigsnoop#0":    {},
	"libbpf-tools/slabratetop#0": {},
	"libbpf-tools/softirqs#0":    {},
	"libbpf-tools/solisten#0": {fails: map[string]string{
		"inet_listen_fexit": refused("TraceFExit", "inet_listen"),
	}},
	"libbpf-tools/statsnoop#0":  {},
	"libbpf-tools/syscount#0":   {},
	"libbpf-tools/tcpconnect#0": {},
	"libbpf-tools/tcpconnlat#0": {fails: map[string]string{
		"fentry_tcp_rcv_state_process": refused("TraceFEntry", "tcp_rcv_state_process"),
		"fentry_tcp_v4_connect":        refused("TraceFEntry", "tcp_v4_connect"),
		"fentry_tcp_v6_connect":        refused("TraceFEntry", "tcp_v6_connect"),
	}},
	"libbpf-tools/tcplife#0": {},
	"libbpf-tools/tcprtt#0": {fails: map[string]string{
		"tcp_rcv": refused("TraceFEntry", "tcp_rcv_established"),
	}},
	"libbpf-tools/tcpstates#0": {},
	"libbpf-tools/tcpsynbl#0": {fails: map[string]string{
		"tcp_v4_syn_recv": refused("TraceFEntry", "tcp_v4_syn_recv_sock"),
		"tcp_v6_syn_recv": refused("TraceFEntry", "tcp_v6_syn_recv_sock"),
	}},
	"libbpf-tools/tcptop#0":    {},
	"libbpf-tools/tcptracer#0": {},
	"libbpf-tools/vfsstat#0": {fails: map[string]string{
		"fentry_vfs_create": refused("TraceFEntry", "vfs_create"),
		"fentry_vfs_fsync":  refused("TraceFEntry", "vfs_fsync"),
		"fentry_vfs_open":   refused("TraceFEntry", "vfs_open"),
		"fentry_vfs_read":   refused("TraceFEntry", "vfs_read"),
		"fentry_vfs_write":  refused("TraceFEntry", "vfs_write"),
	}},
	"libbpf-tools/wakeuptime#0": {unsized: []string{"stackmap"}},
}

// realWorldObject is one BPF ELF found in a package.
type realWorldObject struct {
	// name is "<package>/<file>" for a plain object and
	// "<package>/<executable>#<n>" for the n-th object embedded in an
	// executable.
	name string
	data []byte
}

func TestRealWorldObjects(t *testing.T) {
	testutils.RequirePrivileges(t)
	found := make(map[string]bool)
	loaded := make(map[string]*objectTracker)
	for _, obj := range realWorldObjects(t) {
		found[obj.name] = true
		t.Run(obj.name, func(t *testing.T) {
			want, ok := realWorldLoads[obj.name]
			if !ok {
				t.Fatalf("no expectations for %s: add it to realWorldLoads", obj.name)
			}
			if names := testRealWorldObject(t, obj, want); names != nil {
				loaded[obj.name] = names
			}
		})
	}
	for _, name := range sortedKeys(realWorldLoads) {
		if !found[name] {
			t.Errorf("%s is in realWorldLoads but not installed: the packages changed", name)
		}
	}

	// The kernel frees closed maps and programs after an RCU grace period:
	// checking all objects at the end spares a wait after each.
	for _, name := range sortedKeys(loaded) {
		t.Run(name+"/gone", func(t *testing.T) { loaded[name].requireGone(t) })
	}
}

// testRealWorldObject checks that obj loads as want says: every map and
// program that can load here loads, together in one collection, and each
// that can't fails on its own with an error naming it and the cause. No
// descriptor is left open. It returns the names of the kernel objects it
// created, all closed, or nil if it created none.
func testRealWorldObject(t *testing.T, obj realWorldObject, want realWorldLoad) *objectTracker {
	testutils.CheckFDLeaks(t)

	spec, err := LoadCollectionSpecFromReader(bytes.NewReader(obj.data))
	if want.specErr != "" {
		qt.Assert(t, qt.ErrorMatches(err, ".*"+want.specErr))
		qt.Check(t, qt.IsNil(spec))
		return nil
	}
	qt.Assert(t, qt.IsNil(err))

	names := nameKernelObjects(t, spec)
	// libxdp's filters pin maps by name; the names are unique to the test.
	opts := CollectionOptions{Maps: MapOptions{PinPath: testutils.TempBPFFS(t)}}

	for _, name := range want.unsized {
		err := loadOnly(spec, mapType, name, &opts)
		qt.Check(t, qt.ErrorMatches(err, `field Object: map `+name+`: map create: invalid argument \(MaxEntries may be incorrectly set to zero\)`))
	}
	if len(want.unsized) > 0 {
		sizeMapsLikeTools(spec)
	}

	for _, name := range sortedKeys(want.fails) {
		err := loadOnly(spec, programType, name, &opts)
		qt.Check(t, qt.ErrorMatches(err, "(?s)field Object: program "+name+": "+want.fails[name]))
		delete(spec.Programs, name)
	}

	coll, err := NewCollectionWithOptions(spec, opts)
	qt.Assert(t, qt.IsNil(err))
	for _, name := range sortedKeys(spec.Programs) {
		qt.Check(t, qt.IsNotNil(coll.Programs[name]), qt.Commentf("program %s", name))
	}
	qt.Check(t, qt.HasLen(coll.Programs, len(spec.Programs)))
	qt.Check(t, qt.HasLen(coll.Maps, len(spec.Maps)))

	coll.Close()
	qt.Assert(t, qt.IsNil(os.RemoveAll(opts.Maps.PinPath)))
	return names
}

// loadOnly loads the map or program (typ) called name of spec, and what it
// needs, and closes it again. It returns the error of LoadAndAssign.
func loadOnly(spec *CollectionSpec, typ reflect.Type, name string, opts *CollectionOptions) error {
	objs := objectsStruct(typ, name)
	if err := spec.LoadAndAssign(objs.Interface(), opts); err != nil {
		return err
	}
	return objs.Elem().Field(0).Interface().(io.Closer).Close()
}

// sizeMapsLikeTools gives the maps that an object leaves for its tool to
// size at run time the sizes the tools choose by default: stack trace maps
// hold 1024 stacks of 127 frames (libbpf-tools), other maps one entry per
// possible CPU (xdp-tools' statistics and CPU maps; libbpf-tools size
// their per-PID hashes from pid_max, but any size verifies).
func sizeMapsLikeTools(spec *CollectionSpec) {
	for _, m := range spec.Maps {
		switch {
		case m.Type == StackTrace:
			if m.ValueSize == 0 {
				m.ValueSize = 127 * 8
			}
			if m.MaxEntries == 0 {
				m.MaxEntries = 1024
			}
		case m.Type == PerfEventArray:
			// The library sizes it to the number of CPUs.
		case m.MaxEntries == 0:
			m.MaxEntries = uint32(MustPossibleCPU())
		}
	}
}

// realWorldObjects returns the BPF objects of every installed package of
// realWorldPackages, each distinct object once, under the name it was first
// found by. It skips the test if a package is missing, or fails it if CI or
// EBPF_TEST_STRICT is set.
func realWorldObjects(tb testing.TB) []realWorldObject {
	tb.Helper()
	var objs []realWorldObject
	seen := make(map[[sha256.Size]byte]bool)
	for _, pkg := range realWorldPackages {
		files, err := debianPackageFiles(pkg)
		if err != nil {
			skipUnlessStrict(tb, fmt.Sprintf("package %s is not installed (%v); apt-get install %s", pkg, err, strings.Join(realWorldPackages, " ")))
		}
		for _, file := range files {
			found, err := bpfObjectsInFile(pkg, file)
			if err != nil {
				tb.Fatal(err)
			}
			for _, obj := range found {
				sum := sha256.Sum256(obj.data)
				if !seen[sum] {
					seen[sum] = true
					objs = append(objs, obj)
				}
			}
		}
	}
	return objs
}

// skipUnlessStrict skips the test for reason, unless CI or
// EBPF_TEST_STRICT is set: then the test fails.
func skipUnlessStrict(tb testing.TB, reason string) {
	tb.Helper()
	for _, name := range []string{"CI", "EBPF_TEST_STRICT"} {
		if os.Getenv(name) != "" {
			tb.Fatalf("%s, and %s is set so this cannot be skipped", reason, name)
		}
	}
	tb.Skip(reason)
}

// debianPackageFiles returns the regular files that the installed Debian
// package pkg owns, from dpkg's file list, in the list's order. Symbolic
// links and directories are left out.
func debianPackageFiles(pkg string) ([]string, error) {
	lists, err := filepath.Glob("/var/lib/dpkg/info/" + pkg + "*.list")
	if err != nil {
		return nil, err
	}
	// pkg.list, or pkg:arch.list for multi-arch packages; not pkg-foo.list.
	lists = slices.DeleteFunc(lists, func(list string) bool {
		base := strings.TrimSuffix(filepath.Base(list), ".list")
		return base != pkg && !strings.HasPrefix(base, pkg+":")
	})
	if len(lists) == 0 {
		return nil, fmt.Errorf("no dpkg file list for %s", pkg)
	}

	var files []string
	for _, list := range lists {
		f, err := os.Open(list)
		if err != nil {
			return nil, err
		}
		scanner := bufio.NewScanner(f)
		for scanner.Scan() {
			path := scanner.Text()
			if info, err := os.Lstat(path); err == nil && info.Mode().IsRegular() {
				files = append(files, path)
			}
		}
		err = scanner.Err()
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", list, err)
		}
	}
	return files, nil
}

// bpfObjectsInFile returns file itself if it is a BPF ELF object, the BPF
// objects embedded in it if it is another ELF file, and nothing otherwise.
func bpfObjectsInFile(pkg, file string) ([]realWorldObject, error) {
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrPermission) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(data, []byte(elf.ELFMAG)) {
		return nil, nil
	}

	base := filepath.Base(file)
	if _, ok := bpfELFAt(data, 0); ok {
		return []realWorldObject{{name: pkg + "/" + base, data: data}}, nil
	}

	var objs []realWorldObject
	for i, obj := range embeddedBPFObjects(data) {
		objs = append(objs, realWorldObject{name: fmt.Sprintf("%s/%s#%d", pkg, base, i), data: obj})
	}
	return objs, nil
}

// embeddedBPFObjects returns the 64-bit little-endian BPF ELF objects stored
// whole inside data, as libbpf skeletons embed them in executables, in the
// order they appear.
func embeddedBPFObjects(data []byte) [][]byte {
	var objs [][]byte
	for off := 0; off < len(data); {
		i := bytes.Index(data[off:], []byte(elf.ELFMAG))
		if i < 0 {
			break
		}
		start := off + i
		if size, ok := bpfELFAt(data, start); ok {
			objs = append(objs, data[start:start+size:start+size])
			off = start + size
		} else {
			off = start + len(elf.ELFMAG)
		}
	}
	return objs
}

// bpfELFAt returns the size of the 64-bit little-endian BPF ELF object whose
// header begins at data[start:], computed as the end of its section header
// table, which libbpf's objects place last. It reports false if the header
// is not one of such an object, or if the table does not fit in data.
func bpfELFAt(data []byte, start int) (int, bool) {
	hdr := data[start:]
	const ehdrSize = 64 // sizeof(Elf64_Ehdr)
	if len(hdr) < ehdrSize || !bytes.HasPrefix(hdr, []byte(elf.ELFMAG)) ||
		elf.Class(hdr[elf.EI_CLASS]) != elf.ELFCLASS64 ||
		elf.Data(hdr[elf.EI_DATA]) != elf.ELFDATA2LSB {
		return 0, false
	}

	le := binary.LittleEndian
	if elf.Machine(le.Uint16(hdr[18:])) != elf.EM_BPF {
		return 0, false
	}
	shoff := le.Uint64(hdr[40:])
	shentsize := uint64(le.Uint16(hdr[58:]))
	shnum := uint64(le.Uint16(hdr[60:]))
	if shoff < ehdrSize || shentsize != 64 || shnum == 0 {
		return 0, false
	}
	// shnum < 2^16 and shentsize == 64: no overflow.
	end := shoff + shnum*shentsize
	if shoff > uint64(len(hdr)) || end > uint64(len(hdr)) {
		return 0, false
	}
	return int(end), true
}

func TestRealWorldEmbeddedObjects(t *testing.T) {
	obj, err := os.ReadFile(testutils.NativeFile(t, "testdata/loader-%s.elf"))
	qt.Assert(t, qt.IsNil(err))
	if _, ok := bpfELFAt(obj, 0); !ok {
		t.Skip("testdata/loader is not a 64-bit little-endian object")
	}

	// An x86 ELF header, a BPF header whose section headers run past the
	// end, and a header cut short surround two copies of the object.
	host := append([]byte(elf.ELFMAG), 2, 1, 1)
	host = append(host, make([]byte, 64-len(host))...)
	binary.LittleEndian.PutUint16(host[18:], uint16(elf.EM_X86_64))
	truncated := slices.Clone(obj[:64])
	binary.LittleEndian.PutUint64(truncated[40:], 1<<40)

	var data []byte
	data = append(data, host...)
	data = append(data, "padding"...)
	data = append(data, obj...)
	data = append(data, truncated...)
	data = append(data, obj...)
	data = append(data, obj[:32]...)

	objs := embeddedBPFObjects(data)
	qt.Assert(t, qt.HasLen(objs, 2))
	for _, got := range objs {
		qt.Check(t, qt.DeepEquals(got, obj))
		_, err := LoadCollectionSpecFromReader(bytes.NewReader(got))
		qt.Check(t, qt.IsNil(err))
	}

	qt.Check(t, qt.HasLen(embeddedBPFObjects(obj[:len(obj)-1]), 0))
}

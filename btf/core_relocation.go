package btf

import "github.com/bpfcore/ebpf/asm"

type coreRelocationMeta struct{}

// CORERelocationMetadata returns the CO-RE relocation attached to an
// instruction by ExtInfos.Assign, or nil.
func CORERelocationMetadata(ins *asm.Instruction) *CORERelocation {
	relo, _ := ins.Metadata.Get(coreRelocationMeta{}).(*CORERelocation)
	return relo
}

package sys

// XdpMd mirrors struct xdp_md, the context of XDP programs, as passed to
// BPF_PROG_RUN in CtxIn/CtxOut.
type XdpMd struct {
	Data           uint32
	DataEnd        uint32
	DataMeta       uint32
	IngressIfindex uint32
	RxQueueIndex   uint32
	EgressIfindex  uint32
}

// SkLookup mirrors struct bpf_sk_lookup, the context of sk_lookup programs.
// In BPF_PROG_RUN output Cookie is the selected socket, or zero.
type SkLookup struct {
	Cookie         uint64
	Family         uint32
	Protocol       uint32
	RemoteIp4      uint32
	RemoteIp6      [4]uint32
	RemotePort     uint16
	_              [2]byte
	LocalIp4       uint32
	LocalIp6       [4]uint32
	LocalPort      uint32
	IngressIfindex uint32
	_              [4]byte
}

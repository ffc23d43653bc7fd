/*
 * uapi_layout.c prints the offsets and sizes of the UAPI structures that
 * internal/sys mirrors, as Go table rows for layout_test.go. Regenerate with
 *
 *   gcc -o /tmp/uapi_layout internal/sys/testdata/uapi_layout.c && /tmp/uapi_layout
 *
 * The "end" of a command's attribute is the end of the last field the
 * command reads (the kernel's <CMD>_LAST_FIELD); of an info or context
 * struct it is its size.
 */
#include <stddef.h>
#include <stdio.h>
#include <linux/bpf.h>

#define BEGIN(name) printf("\t\"%s\": {fields: []fieldOffset{\n", name)
#define END(size) printf("\t}, end: %zu},\n", (size_t)(size))
#define ATTR_END(field) (offsetof(union bpf_attr, field) + sizeof(((union bpf_attr *)0)->field))

#define ELEM(name, last) \
	BEGIN(name); \
	F(MapFd, union bpf_attr, map_fd); \
	F(Key, union bpf_attr, key); \
	F(Value, union bpf_attr, value); \
	F(Flags, union bpf_attr, flags); \
	END(ATTR_END(last))

#define BATCH(name) \
	BEGIN(name); \
	F(InBatch, union bpf_attr, batch.in_batch); \
	F(OutBatch, union bpf_attr, batch.out_batch); \
	F(Keys, union bpf_attr, batch.keys); \
	F(Values, union bpf_attr, batch.values); \
	F(Count, union bpf_attr, batch.count); \
	F(MapFd, union bpf_attr, batch.map_fd); \
	F(ElemFlags, union bpf_attr, batch.elem_flags); \
	F(Flags, union bpf_attr, batch.flags); \
	END(ATTR_END(batch))

#define F2(go, a, b) printf("\t\t{\"%s\", %zu},\n", #go, offsetof(a, b))
#undef F
#define F(go, a, b) F2(go, a, b)

int main(void)
{
	BEGIN("MapCreateAttr");
	F(MapType, union bpf_attr, map_type);
	F(KeySize, union bpf_attr, key_size);
	F(ValueSize, union bpf_attr, value_size);
	F(MaxEntries, union bpf_attr, max_entries);
	F(MapFlags, union bpf_attr, map_flags);
	F(InnerMapFd, union bpf_attr, inner_map_fd);
	F(NumaNode, union bpf_attr, numa_node);
	F(MapName, union bpf_attr, map_name);
	F(MapIfindex, union bpf_attr, map_ifindex);
	F(BtfFd, union bpf_attr, btf_fd);
	F(BtfKeyTypeId, union bpf_attr, btf_key_type_id);
	F(BtfValueTypeId, union bpf_attr, btf_value_type_id);
	F(BtfVmlinuxValueTypeId, union bpf_attr, btf_vmlinux_value_type_id);
	F(MapExtra, union bpf_attr, map_extra);
	END(ATTR_END(map_extra));

	ELEM("MapLookupElemAttr", flags);
	ELEM("MapUpdateElemAttr", flags);
	ELEM("MapLookupAndDeleteElemAttr", flags);

	BEGIN("MapDeleteElemAttr");
	F(MapFd, union bpf_attr, map_fd);
	F(Key, union bpf_attr, key);
	END(ATTR_END(key));

	BEGIN("MapGetNextKeyAttr");
	F(MapFd, union bpf_attr, map_fd);
	F(Key, union bpf_attr, key);
	F(NextKey, union bpf_attr, next_key);
	END(ATTR_END(next_key));

	BEGIN("MapFreezeAttr");
	F(MapFd, union bpf_attr, map_fd);
	END(ATTR_END(map_fd));

	BATCH("MapLookupBatchAttr");
	BATCH("MapLookupAndDeleteBatchAttr");
	BATCH("MapUpdateBatchAttr");
	BATCH("MapDeleteBatchAttr");

	BEGIN("ProgLoadAttr");
	F(ProgType, union bpf_attr, prog_type);
	F(InsnCnt, union bpf_attr, insn_cnt);
	F(Insns, union bpf_attr, insns);
	F(License, union bpf_attr, license);
	F(LogLevel, union bpf_attr, log_level);
	F(LogSize, union bpf_attr, log_size);
	F(LogBuf, union bpf_attr, log_buf);
	F(KernVersion, union bpf_attr, kern_version);
	F(ProgFlags, union bpf_attr, prog_flags);
	F(ProgName, union bpf_attr, prog_name);
	F(ProgIfindex, union bpf_attr, prog_ifindex);
	F(ExpectedAttachType, union bpf_attr, expected_attach_type);
	F(ProgBtfFd, union bpf_attr, prog_btf_fd);
	F(FuncInfoRecSize, union bpf_attr, func_info_rec_size);
	F(FuncInfo, union bpf_attr, func_info);
	F(FuncInfoCnt, union bpf_attr, func_info_cnt);
	F(LineInfoRecSize, union bpf_attr, line_info_rec_size);
	F(LineInfo, union bpf_attr, line_info);
	F(LineInfoCnt, union bpf_attr, line_info_cnt);
	F(AttachBtfId, union bpf_attr, attach_btf_id);
	F(AttachBtfObjFd, union bpf_attr, attach_btf_obj_fd);
	F(CoreReloCnt, union bpf_attr, core_relo_cnt);
	F(FdArray, union bpf_attr, fd_array);
	F(CoreRelos, union bpf_attr, core_relos);
	F(CoreReloRecSize, union bpf_attr, core_relo_rec_size);
	END(ATTR_END(core_relo_rec_size));

	BEGIN("ObjPinAttr");
	F(Pathname, union bpf_attr, pathname);
	F(BpfFd, union bpf_attr, bpf_fd);
	F(FileFlags, union bpf_attr, file_flags);
	END(ATTR_END(file_flags));

	BEGIN("ObjGetAttr");
	F(Pathname, union bpf_attr, pathname);
	F(BpfFd, union bpf_attr, bpf_fd);
	F(FileFlags, union bpf_attr, file_flags);
	END(ATTR_END(file_flags));

	BEGIN("ProgRunAttr");
	F(ProgFd, union bpf_attr, test.prog_fd);
	F(Retval, union bpf_attr, test.retval);
	F(DataSizeIn, union bpf_attr, test.data_size_in);
	F(DataSizeOut, union bpf_attr, test.data_size_out);
	F(DataIn, union bpf_attr, test.data_in);
	F(DataOut, union bpf_attr, test.data_out);
	F(Repeat, union bpf_attr, test.repeat);
	F(Duration, union bpf_attr, test.duration);
	F(CtxSizeIn, union bpf_attr, test.ctx_size_in);
	F(CtxSizeOut, union bpf_attr, test.ctx_size_out);
	F(CtxIn, union bpf_attr, test.ctx_in);
	F(CtxOut, union bpf_attr, test.ctx_out);
	F(Flags, union bpf_attr, test.flags);
	F(Cpu, union bpf_attr, test.cpu);
	F(BatchSize, union bpf_attr, test.batch_size);
	END(ATTR_END(test));

	BEGIN("ProgGetNextIdAttr");
	F(StartId, union bpf_attr, start_id);
	F(NextId, union bpf_attr, next_id);
	END(ATTR_END(next_id));
	BEGIN("MapGetNextIdAttr");
	F(StartId, union bpf_attr, start_id);
	F(NextId, union bpf_attr, next_id);
	END(ATTR_END(next_id));
	BEGIN("BtfGetNextIdAttr");
	F(StartId, union bpf_attr, start_id);
	F(NextId, union bpf_attr, next_id);
	END(ATTR_END(next_id));

	BEGIN("ProgGetFdByIdAttr");
	F(ProgId, union bpf_attr, prog_id);
	END(ATTR_END(prog_id));
	BEGIN("MapGetFdByIdAttr");
	F(MapId, union bpf_attr, map_id);
	F(OpenFlags, union bpf_attr, open_flags);
	END(ATTR_END(open_flags));
	BEGIN("BtfGetFdByIdAttr");
	F(BtfId, union bpf_attr, btf_id);
	END(ATTR_END(btf_id));

	BEGIN("ObjGetInfoByFdAttr");
	F(BpfFd, union bpf_attr, info.bpf_fd);
	F(InfoLen, union bpf_attr, info.info_len);
	F(Info, union bpf_attr, info.info);
	END(ATTR_END(info));

	BEGIN("BtfLoadAttr");
	F(Btf, union bpf_attr, btf);
	F(BtfLogBuf, union bpf_attr, btf_log_buf);
	F(BtfSize, union bpf_attr, btf_size);
	F(BtfLogSize, union bpf_attr, btf_log_size);
	F(BtfLogLevel, union bpf_attr, btf_log_level);
	END(ATTR_END(btf_log_level));

	BEGIN("EnableStatsAttr");
	F(Type, union bpf_attr, enable_stats.type);
	END(ATTR_END(enable_stats));

	BEGIN("ProgBindMapAttr");
	F(ProgFd, union bpf_attr, prog_bind_map.prog_fd);
	F(MapFd, union bpf_attr, prog_bind_map.map_fd);
	F(Flags, union bpf_attr, prog_bind_map.flags);
	END(ATTR_END(prog_bind_map));

	BEGIN("MapInfo");
	F(Type, struct bpf_map_info, type);
	F(Id, struct bpf_map_info, id);
	F(KeySize, struct bpf_map_info, key_size);
	F(ValueSize, struct bpf_map_info, value_size);
	F(MaxEntries, struct bpf_map_info, max_entries);
	F(MapFlags, struct bpf_map_info, map_flags);
	F(Name, struct bpf_map_info, name);
	F(Ifindex, struct bpf_map_info, ifindex);
	F(BtfVmlinuxValueTypeId, struct bpf_map_info, btf_vmlinux_value_type_id);
	F(NetnsDev, struct bpf_map_info, netns_dev);
	F(NetnsIno, struct bpf_map_info, netns_ino);
	F(BtfId, struct bpf_map_info, btf_id);
	F(BtfKeyTypeId, struct bpf_map_info, btf_key_type_id);
	F(BtfValueTypeId, struct bpf_map_info, btf_value_type_id);
	F(MapExtra, struct bpf_map_info, map_extra);
	END(sizeof(struct bpf_map_info));

	BEGIN("ProgInfo");
	F(Type, struct bpf_prog_info, type);
	F(Id, struct bpf_prog_info, id);
	F(Tag, struct bpf_prog_info, tag);
	F(JitedProgLen, struct bpf_prog_info, jited_prog_len);
	F(XlatedProgLen, struct bpf_prog_info, xlated_prog_len);
	F(JitedProgInsns, struct bpf_prog_info, jited_prog_insns);
	F(XlatedProgInsns, struct bpf_prog_info, xlated_prog_insns);
	F(LoadTime, struct bpf_prog_info, load_time);
	F(CreatedByUid, struct bpf_prog_info, created_by_uid);
	F(NrMapIds, struct bpf_prog_info, nr_map_ids);
	F(MapIds, struct bpf_prog_info, map_ids);
	F(Name, struct bpf_prog_info, name);
	F(Ifindex, struct bpf_prog_info, ifindex);
	/* gpl_compatible is a bitfield: its word follows ifindex. */
	printf("\t\t{\"GplCompatible\", %zu},\n", offsetof(struct bpf_prog_info, ifindex) + 4);
	F(NetnsDev, struct bpf_prog_info, netns_dev);
	F(NetnsIno, struct bpf_prog_info, netns_ino);
	F(NrJitedKsyms, struct bpf_prog_info, nr_jited_ksyms);
	F(NrJitedFuncLens, struct bpf_prog_info, nr_jited_func_lens);
	F(JitedKsyms, struct bpf_prog_info, jited_ksyms);
	F(JitedFuncLens, struct bpf_prog_info, jited_func_lens);
	F(BtfId, struct bpf_prog_info, btf_id);
	F(FuncInfoRecSize, struct bpf_prog_info, func_info_rec_size);
	F(FuncInfo, struct bpf_prog_info, func_info);
	F(NrFuncInfo, struct bpf_prog_info, nr_func_info);
	F(NrLineInfo, struct bpf_prog_info, nr_line_info);
	F(LineInfo, struct bpf_prog_info, line_info);
	F(JitedLineInfo, struct bpf_prog_info, jited_line_info);
	F(NrJitedLineInfo, struct bpf_prog_info, nr_jited_line_info);
	F(LineInfoRecSize, struct bpf_prog_info, line_info_rec_size);
	F(JitedLineInfoRecSize, struct bpf_prog_info, jited_line_info_rec_size);
	F(NrProgTags, struct bpf_prog_info, nr_prog_tags);
	F(ProgTags, struct bpf_prog_info, prog_tags);
	F(RunTimeNs, struct bpf_prog_info, run_time_ns);
	F(RunCnt, struct bpf_prog_info, run_cnt);
	F(RecursionMisses, struct bpf_prog_info, recursion_misses);
	F(VerifiedInsns, struct bpf_prog_info, verified_insns);
	F(AttachBtfObjId, struct bpf_prog_info, attach_btf_obj_id);
	F(AttachBtfId, struct bpf_prog_info, attach_btf_id);
	END(sizeof(struct bpf_prog_info));

	BEGIN("BtfInfo");
	F(Btf, struct bpf_btf_info, btf);
	F(BtfSize, struct bpf_btf_info, btf_size);
	F(Id, struct bpf_btf_info, id);
	F(Name, struct bpf_btf_info, name);
	F(NameLen, struct bpf_btf_info, name_len);
	F(KernelBtf, struct bpf_btf_info, kernel_btf);
	END(sizeof(struct bpf_btf_info));

	BEGIN("XdpMd");
	F(Data, struct xdp_md, data);
	F(DataEnd, struct xdp_md, data_end);
	F(DataMeta, struct xdp_md, data_meta);
	F(IngressIfindex, struct xdp_md, ingress_ifindex);
	F(RxQueueIndex, struct xdp_md, rx_queue_index);
	F(EgressIfindex, struct xdp_md, egress_ifindex);
	END(sizeof(struct xdp_md));

	BEGIN("SkLookup");
	F(Cookie, struct bpf_sk_lookup, cookie);
	F(Family, struct bpf_sk_lookup, family);
	F(Protocol, struct bpf_sk_lookup, protocol);
	F(RemoteIp4, struct bpf_sk_lookup, remote_ip4);
	F(RemoteIp6, struct bpf_sk_lookup, remote_ip6);
	F(RemotePort, struct bpf_sk_lookup, remote_port);
	F(LocalIp4, struct bpf_sk_lookup, local_ip4);
	F(LocalIp6, struct bpf_sk_lookup, local_ip6);
	F(LocalPort, struct bpf_sk_lookup, local_port);
	F(IngressIfindex, struct bpf_sk_lookup, ingress_ifindex);
	END(sizeof(struct bpf_sk_lookup));
	return 0;
}

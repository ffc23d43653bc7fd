# Builds the BPF objects the tests read. The objects are committed, so
# `go test` never needs clang; run `make testdata` after changing a C source.
#
#   make testdata            compile every testdata/*.c and btf/testdata/*.c
#                            into <name>-el.elf and <name>-eb.elf
#   make clean-testdata      remove the compiled objects
#   make CLANG=clang-20 ...  use another compiler (likewise LLVM_STRIP)

CLANG ?= clang-19
LLVM_STRIP ?= llvm-strip-19

# clang looks for <asm/types.h> in the multiarch include directory, which it
# does not search when targeting BPF.
MULTIARCH_INCLUDE ?= /usr/include/$(shell uname -m)-linux-gnu

# -g produces .BTF and .BTF.ext (and DWARF, which the strip step removes again:
# `llvm-strip -g` drops only .debug_* sections).
CFLAGS ?= -O2 -g -Wall -Werror
# The prefix map keeps the checkout's absolute path out of the objects (BTF
# line info records source file names), so rebuilding anywhere gives the
# same bytes.
BPF_CFLAGS = $(CFLAGS) -idirafter $(MULTIARCH_INCLUDE) -I$(dir $<) \
	-ffile-prefix-map=$(CURDIR)=.

TESTDATA_SRC := $(sort $(wildcard testdata/*.c) $(wildcard btf/testdata/*.c))
TESTDATA_OBJ := $(foreach src,$(TESTDATA_SRC:.c=),$(src)-el.elf $(src)-eb.elf)
TESTDATA_HDR := $(wildcard testdata/*.h) $(wildcard btf/testdata/*.h)

# Objects that need extra compiler flags.
testdata/isa_v4-el.elf testdata/isa_v4-eb.elf: EXTRA_BPF_CFLAGS = -mcpu=v4

.PHONY: testdata clean-testdata

testdata: $(TESTDATA_OBJ)

clean-testdata:
	rm -f $(TESTDATA_OBJ)

%-el.elf: %.c $(TESTDATA_HDR)
	$(CLANG) $(BPF_CFLAGS) $(EXTRA_BPF_CFLAGS) -target bpfel -c $< -o $@
	$(LLVM_STRIP) -g $@

%-eb.elf: %.c $(TESTDATA_HDR)
	$(CLANG) $(BPF_CFLAGS) $(EXTRA_BPF_CFLAGS) -target bpfeb -c $< -o $@
	$(LLVM_STRIP) -g $@

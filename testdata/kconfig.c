/* Virtual externs that the loader computes itself (no kernel config file
 * needed for LINUX_KERNEL_VERSION; LINUX_HAS_SYSCALL_WRAPPER is probed).
 *
 * Expected: no entry for .kconfig in Maps; .kconfig Datasec with
 * LINUX_KERNEL_VERSION (u32, offset 0) and LINUX_HAS_SYSCALL_WRAPPER (bool,
 * offset 4), size 5. Programs (section socket, SocketFilter, License "MIT"):
 *   kernel_version   returns LINUX_KERNEL_VERSION, i.e. the running kernel's
 *                    version as KernelVersion().Kernel() encodes it
 *   syscall_wrapper  returns LINUX_HAS_SYSCALL_WRAPPER (1 on >= 4.17 x86)
 */
#include "common.h"

char __license[] __section("license") = "MIT";

extern uint32_t LINUX_KERNEL_VERSION __kconfig;
extern bool LINUX_HAS_SYSCALL_WRAPPER __kconfig;

__section("socket") int kernel_version(void)
{
	return LINUX_KERNEL_VERSION;
}

__section("socket") int syscall_wrapper(void)
{
	return LINUX_HAS_SYSCALL_WRAPPER;
}

/* A call to a function that is declared but defined nowhere in the object.
 *
 * Expected: program call_fwd (section socket, SocketFilter, no license
 * section so License ""), whose first instruction is a call with Reference
 * "fwd" that the linker cannot satisfy: loading fails with
 * asm.ErrUnsatisfiedProgramReference. Appending an implementation of fwd
 * (a function symbol "fwd" returning 23) makes the program return 23.
 */
#include "common.h"

int fwd(void);

__section("socket") int call_fwd(void)
{
	return fwd();
}

/* A GO_FUNC named like a libc function that gosched.h declares: clang's
 * error comes with its note saying where the other declaration is. */
#include <gosched.h>

GO_FUNC static void shutdown(int fd)   // expect-error: 5:21: static declaration of 'shutdown' follows non-static declaration
{                                      // expect-note: previous declaration is here
    go_yield();
    (void)fd;
}

/* An old-style (K&R) GO_FUNC definition called with too few arguments: clang
 * only warns (the call is undefined behaviour at run time), gotransform exits
 * 0, and its output does not compile ("too few arguments to function
 * 'app__bind'").  Low priority: failing to compile is a fine outcome for
 * this input, but a located error from gotransform (or rejecting K&R GO_FUNC
 * definitions) would be clearer.  With a matching call, K&R works. */
#include <gosched.h>
#include <stdio.h>

GO_FUNC static int app(x)
    int x;
{
    go_yield();
    printf("%d\n", x);
    return 0;
}

int main(void) { return go_main(app()); }

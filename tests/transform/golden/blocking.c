/* GO_BLOCKING(expr): a blocking C call while the P serves other goroutines;
 * a suspension point at its end, its value through a frame temporary.
 * Outside a GO_FUNC it is left as written (plain `(expr)`). */
#include <gosched.h>
#include <unistd.h>

GO_FUNC ssize_t copy_once(int in, int out)
{
    char buf[64];
    ssize_t n = GO_BLOCKING(read(in, buf, sizeof buf));
    if (n > 0)
        GO_BLOCKING(write(out, buf, (size_t)n));
    return n;
}

void plain(int fd)
{
    GO_BLOCKING(close(fd));
}

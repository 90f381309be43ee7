/* Dumps name where a goroutine was started: gotransform gives every go(...)
 * in a GO_FUNC a static spawn-site record, and the dump prints
 * "created by app() at file:line" under the goroutine.  Also in the nested
 * case (a goroutine started by a goroutine) and not for the main one. */
#include <gosched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

GO_FUNC static void waiter(go_chan *c)
{
    int v;
    go_recv(c, &v);
}

GO_FUNC static void starter(go_chan *c, go_wg *wg, int *line)
{
    go(waiter(c)); *line = __LINE__;
    go_wg_done(wg);
}

/* Does the dump hold "created by <func>() at <this file>:<line>" right
 * after a block about a goroutine parked in waiter? */
static bool created_by(const char *dump, const char *func, int line)
{
    char want[1024];
    snprintf(want, sizeof want, "\twaiter() at %s:", __FILE__);
    const char *w = strstr(dump, want);
    if (!w)
        return false;
    snprintf(want, sizeof want, "created by %s() at %s:%d\n", func, __FILE__, line);
    return strstr(w, want) != NULL;
}

/* Goroutine 1's block (up to the blank line) has no "created by" line. */
static bool main_block_plain(const char *dump)
{
    const char *b = strstr(dump, "goroutine 1 [");
    if (!b)
        return false;
    const char *end = strstr(b, "\n\n");
    const char *c = strstr(b, "created by");
    return !c || (end && c > end);
}

GO_FUNC static int app(void)
{
    go_chan *c = go_chan_make(sizeof(int), 0);
    go_wg wg = GO_WG_INIT;
    int line_in_starter = 0;
    go(waiter(c)); int line_in_app = __LINE__;
    go_wg_add(&wg, 1);
    go(starter(c, &wg, &line_in_starter));
    go_wg_wait(&wg);
    go_sleep(10 * GO_MILLISECOND);            /* both waiters are parked */

    char *dump;
    size_t len;
    FILE *out = open_memstream(&dump, &len);
    go_dump(out);
    fclose(out);
    printf("created by app: %s\n", created_by(dump, "app", line_in_app) ? "yes" : "no");
    printf("created by starter: %s\n",
           created_by(dump, "starter", line_in_starter) ? "yes" : "no");
    printf("main goroutine without: %s\n", main_block_plain(dump) ? "yes" : "no");
    free(dump);
    go_chan_close(c);
    go_sleep(10 * GO_MILLISECOND);
    go_chan_free(c);
    return 0;
}

int main(void)
{
    return go_main(app());
}

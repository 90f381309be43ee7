#include <gosched.h>
GO_FUNC void app(void) { go_yield(); }
int main(void)
{
    go_main(app());  // expect-error: 5:13: go_main() needs a GO_FUNC returning int
    return 0;
}

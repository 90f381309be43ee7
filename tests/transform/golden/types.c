/* Declarators built from types: function pointers, pointers to arrays,
 * arrays of function pointers, typedefs (a local typedef is kept used),
 * enums, _Atomic, volatile, typeof and __auto_type (canonical types),
 * _Alignas kept on the field. */
#include <gosched.h>
#include <stdatomic.h>
enum color { RED, GREEN };
typedef int (*binop)(int, int);
struct s { int a; };
GO_FUNC static int types(int (*cb)(int), int (*pa)[3], const char *const names[], binop op, enum color c, _Atomic int *ai)
{
    int (*fa[2])(int) = { cb, cb };
    int (*p3)[3] = pa;
    const char *const *nm = names;
    unsigned long long big = 1ULL << 40;
    _Bool flag = c == GREEN;
    volatile int vol = 3;
    struct s arr2[2][2] = { { { 1 }, { 2 } }, { { 3 }, { 4 } } };
    typedef struct s local_t;
    local_t lt = { 5 };
    __typeof__(big) tb = big;
    __auto_type au = vol;
    _Alignas(16) char aligned[16] = "kept aligned";
    go_yield();
    return fa[1](1) + (*p3)[2] + nm[0][0] + op(1, 2) + (int)(big >> 40) + flag + vol + arr2[1][1].a + lt.a + (int)tb + au + atomic_load(ai) + aligned[0];
}
static int inc(int x) { return x + 1; }
static int add(int a, int b) { return a + b; }
GO_FUNC static int app(void) {
    int arr[3] = { 1, 2, 3 };
    const char *names[] = { "A" };
    _Atomic int ai = 7;
    return types(inc, &arr, names, add, GREEN, &ai) == 2 + 3 + 'A' + 3 + 1 + 1 + 3 + 4 + 5 + (1 << 30) * 0 + 0 ? 0 : 0;
}
int main(void) { return go_main(app()); }

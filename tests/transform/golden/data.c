/* Locals of every shape in the frame: arrays, structs, unions, const,
 * pointers to locals, compound literals, static locals (stay static), and
 * storage shared between disjoint blocks. */
#include <gosched.h>

struct pair { int a, b; };
typedef union { int i; float f; } num;

GO_FUNC int data(go_chan *c)
{
    static int calls;
    int arr[3] = { 1, 2, 3 };
    char name[8] = "go";
    const int k = 7;
    struct pair p = { .a = 1, .b = 2 };
    num u = { .i = 3 };
    int *ptr = &arr[1];
    calls++;
    go_send(c, &(struct pair){ k, 2 });
    {
        int left = *ptr;
        go_yield();
        p.a += left;
    }
    {
        double right = u.i;
        go_yield();
        p.b += (int)right;
    }
    return arr[0] + name[0] + k + p.a + p.b + calls;
}

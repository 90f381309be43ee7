/* Statement forms with the suspension in every position: for-init,
 * switch condition, case bodies without braces, nested loops with continue
 * inside a switch inside a do-while, goto out of nested loops, labels on
 * rewritten statements, shadowing across a suspension, early returns. */
#include <gosched.h>
#include <stdio.h>

GO_FUNC static int next(unsigned *state)
{
    go_yield();
    *state = (*state * 1103515245u + 12345u) & 0x7fffffffu;
    return (int)(*state % 10);
}

GO_FUNC static int pick(unsigned v)
{
    switch (next(&v) % 4) {
    case 0:
        return 0;
    case 1:
        go_yield();
        return 1;
    case 2:
        v += (unsigned)next(&v);
        /* fallthrough */
    default:
        return (int)(v % 7);
    }
}

GO_FUNC static long forms(int seed)
{
    long acc = 0;
    unsigned st = (unsigned)seed;
    for (int i = next(&st); i < 20; i += 1 + next(&st) % 3) {
        int i2 = i * 2;                       /* lives across the inner calls */
        do {
            switch (next(&st)) {
            case 0:
            case 1:
                continue;                     /* continues the do-while: its condition runs */
            case 2:
                acc += pick((unsigned)i2);
                break;
            default:
                acc += i2;
                break;
            }
            if (acc > 500)
                goto done;
        } while (next(&st) > 3);
        {
            int i = 100;                      /* shadows the loop variable */
            acc += i - next(&st);
        }
        acc ^= i;
    }
done:
    for (int k = 0; k < 3; k++)
outer:
        while (next(&st) < 8) {
            for (int j = 0; j < 5; j++) {
                if (j == next(&st))
                    goto outer;
                acc += j;
            }
            break;
        }
    if (acc % 2 == 0)
        return acc;
    return -acc + pick((unsigned)seed);
}

GO_FUNC static int app(void)
{
    for (int seed = 1; seed < 40; seed += 3)
        printf("%d: %ld\n", seed, forms(seed));
    return 0;
}

int main(void)
{
    return go_main(app());
}

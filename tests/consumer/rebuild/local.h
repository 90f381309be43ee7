/* local.h — found by #include "local.h" from the generated main.c too. */
int twice(int x);

/* settings.h — RunRebuild.cmake rewrites VALUE to check that the build
 * transforms main.c again. */
#define VALUE 1

/* local.c — goroutine-local storage: go_local_key, go_local_get/set.
 *
 * A key is a process-wide index (id), given by go_local_key_make or at the
 * first go_local_set of a zero-initialised key.  A goroutine that sets a
 * value gets a table (g->ext->locals) indexed by id - 1, made at its first
 * go_local_set and grown by doubling; a goroutine that never does pays one
 * NULL pointer in its G and one test when it ends.  A new goroutine starts
 * with no table, so every value reads NULL.
 *
 * When a goroutine ends (goexit, on its own M, go_id() still its id), each
 * non-NULL value is taken out of its slot and passed to its key's
 * destructor, in key order; values that destructors set are destroyed in
 * further rounds, up to DESTRUCTOR_ROUNDS (POSIX's
 * PTHREAD_DESTRUCTOR_ITERATIONS), then the table is freed.  So each value
 * still set when its goroutine ends is destroyed exactly once.
 *
 * The choices, where Go has no goroutine-local storage to copy:
 *   - the pthread_setspecific rules: replacing a value does not destroy the
 *     old one, a NULL value has no destructor call, keys are never deleted
 *     and must outlive the goroutines that set them (static keys do);
 *   - abandoned goroutines (still blocked or runnable when the main one
 *     returned) are not destroyed, as threads alive at exit() are not:
 *     their G keeps its table, reachable until the process exits
 *     (alloc.c's `abandoned`), so their values are not leaks;
 *   - outside a goroutine (a plain thread, or go_run_main's thread before
 *     and after the run) the values are the thread's own, in a
 *     thread-local table destroyed when the thread exits (through a pthread
 *     key; not at exit(), the pthread rule), so code called both from
 *     goroutines and from C callbacks works the same.
 * A destructor is plain C: it runs on the goroutine's M, must not suspend,
 * and may call go_local_get/set and go_spawn.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

enum { DESTRUCTOR_ROUNDS = 4, TABLE_MIN = 4 };

struct go_local_slot {
    go_local_key *key;
    void *value;
};

struct go_local_table {
    uint32_t cap;
    struct go_local_slot slots[];
};

static _Atomic uint32_t last_id;

static _Thread_local struct go_local_table *thread_table;
static pthread_key_t thread_exit_key;
static pthread_once_t thread_exit_once = PTHREAD_ONCE_INIT;

static uint32_t key_id(go_local_key *k)
{
    uint32_t id = __atomic_load_n(&k->id, __ATOMIC_ACQUIRE);
    if (GO__LIKELY(id))
        return id;
    uint32_t fresh = atomic_fetch_add(&last_id, 1) + 1;
    if (GO__UNLIKELY(fresh == 0))
        go__fatal("go_local_key: out of keys");
    if (__atomic_compare_exchange_n(&k->id, &id, fresh, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE))
        return fresh;
    return id;   /* another thread gave it one first */
}

go_local_key go_local_key_make(void (*destructor)(void *))
{
    go_local_key k = GO_LOCAL_KEY_INIT(destructor);
    k.id = key_id(&k);
    return k;
}

/* The current goroutine's table, or the thread's outside a goroutine. */
static struct go_local_table **table_of_caller(void)
{
    go_g *g = go__curg();
    return g ? &go__g_ext(g)->locals : &thread_table;
}

void *go_local_get(go_local_key *k)
{
    go_g *g = go__curg();
    struct go_local_table *t = g ? (g->ext ? g->ext->locals : NULL) : thread_table;
    uint32_t id = __atomic_load_n(&k->id, __ATOMIC_RELAXED);
    if (!t || id == 0 || id > t->cap)
        return NULL;
    return t->slots[id - 1].value;
}

static void destroy_all(struct go_local_table **tp);

static void thread_exit(void *unused)
{
    (void)unused;
    destroy_all(&thread_table);
}

static void thread_exit_key_make(void)
{
    if (pthread_key_create(&thread_exit_key, thread_exit) != 0)
        go__fatal("go_local_set: cannot create the thread-exit key");
}

/* Grow *tp to hold index id - 1. */
static struct go_local_table *table_grow(struct go_local_table **tp, uint32_t id)
{
    struct go_local_table *t = *tp;
    uint32_t old = t ? t->cap : 0;
    uint32_t cap = old ? 2 * old : TABLE_MIN;
    if (cap < id)
        cap = id;
    t = realloc(t, sizeof *t + (size_t)cap * sizeof t->slots[0]);
    if (!t)
        go__fatal("out of memory growing goroutine-local storage");
    memset(&t->slots[old], 0, (size_t)(cap - old) * sizeof t->slots[0]);
    t->cap = cap;
    if (!old && tp == &thread_table) {
        pthread_once(&thread_exit_once, thread_exit_key_make);
        pthread_setspecific(thread_exit_key, t);   /* any non-NULL value */
    }
    return *tp = t;
}

void go_local_set(go_local_key *k, void *value)
{
    uint32_t id = key_id(k);
    struct go_local_table **tp = table_of_caller();
    struct go_local_table *t = *tp;
    if (!t || id > t->cap) {
        if (!value)
            return;   /* already NULL */
        t = table_grow(tp, id);
    }
    t->slots[id - 1] = (struct go_local_slot){ .key = k, .value = value };
}

/* Destroy every value of *tp, then the table.  A destructor may set values
 * again (and so grow *tp): re-read it after each call. */
static void destroy_all(struct go_local_table **tp)
{
    bool found = true;
    for (int round = 0; found && round < DESTRUCTOR_ROUNDS; round++) {
        found = false;
        for (uint32_t i = 0; *tp && i < (*tp)->cap; i++) {
            struct go_local_slot *s = &(*tp)->slots[i];
            void *value = s->value;
            if (!value)
                continue;
            s->value = NULL;
            found = true;
            if (s->key->destructor)
                s->key->destructor(value);
        }
    }
    free(*tp);
    *tp = NULL;
}

void go__local_exit(go_g *g)
{
    destroy_all(&g->ext->locals);
}

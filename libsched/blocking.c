/* blocking.c — GO_BLOCKING(expr): a blocking C call that does not hold up
 * its P (Go's entersyscall / exitsyscall).
 *
 * The lowering (frame.h, docs/abi.md) brackets the call:
 *
 *     go__blocking_enter();
 *     tmp = (expr);
 *     fr->hdr.state = K;
 *     if (go__blocking_exit() == GO_WAIT)
 *         return GO_SUSPEND;
 *   L_K:
 *
 * enter: the M keeps its goroutine but parks its P in status SYSCALL
 *   (m->oldp), holding none meanwhile: runtime calls made from inside expr
 *   take the no-P paths.  sysmon may retake the P (CAS SYSCALL → IDLE) and
 *   hand it to another M (retake, go__handoffp).
 * exit: the fast path takes the same P back (CAS SYSCALL → RUNNING); else
 *   any idle P; else the goroutine must yield: it returns GO_SUSPEND, the
 *   scheduler queues it on the global queue (or runs it on a P that turned
 *   idle meanwhile) and this M parks until it is given a P.
 * errno set by expr is the goroutine's: neither call changes it.
 * Between the two the goroutine's in_blocking is set: a dump shows it as
 * "syscall" (as Go does) and does not wait for it to stop.
 */
#include "proc.h"

void go__blocking_enter(void)
{
    go_m *m = go__m_tls;
    if (GO__UNLIKELY(!m || !m->p))
        return;   /* not a goroutine's M: nothing to hand off */
    go_p *p = m->p;
    go_g *g = go__curg();
    if (g)
        atomic_store_explicit(&g->in_blocking, true, memory_order_relaxed);
    m->oldp = p;
    m->p = NULL;
    __atomic_store_n(&p->syscalltick, p->syscalltick + 1, __ATOMIC_RELAXED);
    atomic_store_explicit(&p->status, GO_P_SYSCALL, memory_order_release);
}

int go__blocking_exit(void)
{
    go_m *m = go__m_tls;
    if (GO__UNLIKELY(!m || !m->oldp))
        return GO_READY;
    go_p *p = m->oldp;
    m->oldp = NULL;
    go_g *g = go__curg();
    if (g)
        atomic_store_explicit(&g->in_blocking, false, memory_order_relaxed);
    uint32_t s = GO_P_SYSCALL;
    if (GO__LIKELY(atomic_compare_exchange_strong_explicit(&p->status, &s, GO_P_RUNNING,
                                                           memory_order_acquire,
                                                           memory_order_relaxed))) {
        m->p = p;
        return GO_READY;
    }
    if (go__acquire_idle_p(m))
        return GO_READY;
    g->yielding = true;   /* no P: requeued by the scheduler (sched.c) */
    return GO_WAIT;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host-side code of arch/lkl: what runs on host threads without the
 * CPU, and what kernel code calls of it.
 *
 * Functions declared here touch no kernel memory but the words they
 * document, and may be called with or without the CPU unless they say
 * otherwise. They use the host operations and the atomics of atomic.h.
 */
#ifndef _LKL_HOST_H
#define _LKL_HOST_H

#include <linux/limits.h>
#include <linux/types.h>
#include <linux/processor.h>

/* cpu.c: the CPU, a baton handed between host threads */
int lkl_cpu_init(void);
void lkl_cpu_cleanup(void);
int lkl_cpu_get(void);
bool lkl_cpu_try_put(bool idle);
int lkl_cpu_raise(int irq);
unsigned long lkl_cpu_take_irqs(void);
bool lkl_cpu_held(void);
void lkl_cpu_shutdown(void);
bool lkl_cpu_halted(void);
void lkl_halt_check(void);

/* deadline.c: the clock event device's deadline, for the pollers */
#define LKL_DEADLINE_NONE	U64_MAX
u64 lkl_deadline_get(void);
void lkl_deadline_set(u64 due);
void lkl_deadline_learn(s64 late_ns);
u64 lkl_deadline_window(void);
bool lkl_deadline_soon(u64 due, u64 now);
void lkl_deadline_expire(u64 due);
bool lkl_deadline_poll(void);
u64 lkl_deadline_poll_from(void);
u64 lkl_deadline_poll_until(u64 now);

/* alarm.c: the host timer behind the clock event device */
int lkl_alarm_init(void);
void lkl_alarm_cleanup(void);
int lkl_alarm_set(u64 due, u64 now);

/* wait.c: how threads wait for the CPU, sleeping or polling */
int lkl_wait_init(void);
void lkl_wait_cleanup(void);
bool lkl_wait_idle_release(void);
void lkl_wait_wake_idle(void);
void lkl_wait_poke_idle(void);
void lkl_wait_idle(void);
void lkl_wait_wake(struct lkl_wait *w);
void lkl_wait_poke_task(void);
void lkl_wait_switch(struct lkl_wait *w, bool idle, const unsigned int *state);
void lkl_wait_down(struct lkl_wait *w);
void lkl_wait_halt(void);

#endif /* _LKL_HOST_H */

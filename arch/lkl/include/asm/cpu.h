/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_LKL_CPU_H
#define _ASM_LKL_CPU_H

#include <linux/types.h>

struct task_struct;

bool lkl_running(void);
long lkl_virtio_mmio_add(unsigned long base, unsigned long size, int irq);
long lkl_virtio_mmio_remove(unsigned long base);
int lkl_cpu_init(void);
void lkl_cpu_cleanup(void);
int lkl_cpu_get(void);
void lkl_cpu_put(void);
bool lkl_cpu_idle_release(void);
void lkl_cpu_idle_wait(void);
void lkl_cpu_wake_idle(void);
void lkl_cpu_prewake_idle(void);
void lkl_cpu_shutdown(void);

void lkl_jmp_schedule(struct task_struct *task, void (*fn)(void));
void lkl_wait_for_task(struct task_struct *task);
void lkl_leave_cpu(bool park);

int lkl_irqs_init(void);
void lkl_irqs_cleanup(void);
void lkl_run_irqs(void);

int lkl_time_init(void);
void lkl_time_cleanup(void);
bool lkl_timer_poll(void);
u64 lkl_timer_poll_from(void);
u64 lkl_timer_spin_until(u64 now);
int lkl_parse_us(const char *arg, u64 *ns);
u64 lkl_idle_spin_ns(void);
void lkl_idle_poll_off(void);

void lkl_thread_prewake(void);
bool lkl_timer_armed(void);
void lkl_threads_halt(void);
void lkl_idle_boot(void);
void lkl_idle_cleanup(void);
void lkl_halt_check(void);
void lkl_user_mode(void);
int lkl_host_task_fn(void *unused);
int lkl_syscalls_init(void);
void lkl_syscalls_cleanup(void);
struct task_struct *lkl_syscalls_current_task(void);
int lkl_enter(struct task_struct *task, struct task_struct **taskp);
void lkl_run_pending_irqs(void);
int lkl_mem_init(const char *cmdline);
void lkl_mem_cleanup(void);
void lkl_bootmem_init(void);

extern struct lkl_sem *lkl_init_sem;

#endif /* _ASM_LKL_CPU_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of arch/lkl call of each other, besides the host-side
 * code (host/host.h) and the host interface (asm/host_ops.h).
 */
#ifndef _LKL_KERNEL_LKL_H
#define _LKL_KERNEL_LKL_H

#include <linux/list.h>
#include <linux/types.h>

struct task_struct;
struct thread_struct;
struct lkl_sem;

/* setup.c: boot and halt */
bool lkl_running(void);

/* mm/bootmem.c: the memory pool */
int lkl_mem_init(const char *cmdline);
void lkl_mem_cleanup(void);
void lkl_bootmem_init(void);

/* entry.c: host threads entering and leaving the kernel */
int lkl_entry_init(void);
void lkl_entry_cleanup(void);
int lkl_enter(void);
void lkl_leave(bool park);

/* pid1.c: pid 1, the process of all host threads */

/**
 * struct lkl_task_request - an application thread asks pid 1 for a task
 * @list: in pid 1's list of requests
 * @sem: the semaphore of the new task, which the thread waits on
 * @err: 0, or why no task could be made
 */
struct lkl_task_request {
	struct list_head list;
	struct lkl_sem *sem;
	int err;
};

int lkl_pid1_init(void);
int lkl_pid1_wait(void);
void lkl_pid1_fail(int err);
void lkl_pid1_cleanup(void);
void lkl_pid1_request(struct lkl_task_request *req);
int lkl_host_task_fn(void *unused);
void lkl_user_mode(void);

/* threads.c: tasks on host threads */
void lkl_jmp_schedule(struct task_struct *task, void (*fn)(void));
void lkl_wait_for_task(struct task_struct *task);
void lkl_threads_halt(void);

/* idle.c: the idle task */
void lkl_idle_setup(void);
void lkl_idle_boot(void);
void lkl_idle_cleanup(void);
bool lkl_idle_on_fiber(void);
bool lkl_idle_donate(struct thread_struct *pt);
struct task_struct *lkl_idle_run(struct thread_struct *runner);
struct task_struct *lkl_idle_leave(struct task_struct *next);
void lkl_idle_note(struct task_struct *prev, struct task_struct *next);

/* time.c: the clocksource and the clock event device */
void lkl_time_cleanup(void);

/* virtio.c: virtio-mmio devices added and removed while the kernel runs */
long lkl_virtio_mmio_add(unsigned long base, unsigned long size, int irq);
long lkl_virtio_mmio_remove(unsigned long base);

#endif /* _LKL_KERNEL_LKL_H */

/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The LKL host interface: everything the kernel needs from the host.
 *
 * The kernel side (arch/lkl) calls only these operations and never a host
 * library directly. The types are neutral: opaque structs, unsigned longs
 * and plain C, so that this header compiles both in the kernel and in host
 * code next to the host's libc headers.
 */
#ifndef _ASM_UAPI_LKL_HOST_OPS_H
#define _ASM_UAPI_LKL_HOST_OPS_H

#include <linux/types.h>

/* Opaque host objects. The host defines them; the kernel only holds pointers. */
struct lkl_mutex;
struct lkl_sem;
struct lkl_tls_key;
struct lkl_timer;
struct lkl_fiber;

/** typedef lkl_thread_t - a host thread handle, 0 is never a valid thread */
typedef __u64 lkl_thread_t;

/**
 * struct lkl_jmp_buf - storage for a host jmp_buf
 * @buf: big enough for the host's jmp_buf; the host checks this at build time
 */
struct lkl_jmp_buf {
	unsigned long buf[48];
};

/**
 * struct lkl_host_operations - the operations a host provides
 *
 * @print: write @len bytes of kernel log text; may be NULL to drop output.
 * @panic: called once the kernel has panicked, with the panic message
 *	(already on the kernel log); must not return.
 *
 * @sem_alloc: allocate a counting semaphore with initial value @count.
 * @sem_free: free a semaphore.
 * @sem_up: increment; wakes one waiter. Callable from any host thread.
 * @sem_down: wait until the value is positive, then decrement. Retries on
 *	EINTR.
 * @sem_down_until: optional. Like @sem_down, but give up at the absolute
 *	monotonic time @ns (the clock of @time): 0 if the semaphore was
 *	decremented, non-zero if the time came first.
 *
 * @mutex_alloc: allocate a mutex; recursive if @recursive is non-zero.
 * @mutex_free: free a mutex.
 * @mutex_lock: lock a mutex.
 * @mutex_unlock: unlock a mutex, from the thread that locked it.
 *
 * @thread_create: start a host thread running @fn(@arg) with all host
 *	signals blocked. Returns 0 on failure.
 * @thread_detach: detach the calling thread, so it needs no join.
 * @thread_exit: end the calling thread.
 * @thread_join: wait for a thread to end; 0 on success.
 * @thread_self: the calling thread's handle.
 *
 * @tls_alloc: allocate a thread-local storage key; @destructor runs with the
 *	stored value when a thread that set one exits. NULL on failure.
 * @tls_free: free a key.
 * @tls_set: set the calling thread's value; 0 on success.
 * @tls_get: the calling thread's value, or NULL.
 *
 * @mem_alloc: allocate @size bytes aligned to at least 4096 bytes; NULL on
 *	failure. The memory pool and host-side objects come from here.
 * @mem_free: free memory from @mem_alloc.
 *
 * @time: the host's monotonic clock, in nanoseconds.
 * @realtime: the host's wall clock, in nanoseconds since the epoch.
 *
 * @timer_alloc: allocate a one-shot timer that calls @fn(@arg) on a host
 *	thread of its own when it expires. NULL on failure.
 * @timer_set_oneshot: arm (or re-arm) the timer to fire at the absolute
 *	monotonic time @ns. 0 on success.
 * @timer_cancel: disarm the timer; the callback does not run afterwards
 *	unless the timer is armed again.
 * @timer_free: disarm and free the timer, waiting for a running callback.
 *
 * @iomem_access: read (@write 0) or write @size bytes (1, 2, 4 or 8) at
 *	@addr in the memory-mapped registers of a device that the host
 *	emulates, from or to @val. The kernel has no other device memory: every
 *	readl()/writel() comes here. 0 on success.
 *
 * @jmp_buf_set: save the calling context in @jmpb, then call @f. Returns
 *	when @f returns, or when jmp_buf_longjmp() is called on @jmpb.
 * @jmp_buf_longjmp: return to the context saved in @jmpb by the same host
 *	thread, while the jmp_buf_set() frame that saved it is still live.
 *
 * @cpu_count: optional. The number of host CPUs that the kernel's host
 *	threads may run on. With one, a thread that polls can only keep the
 *	thread it waits for off the CPU, so the kernel never polls; without
 *	this operation it assumes more than one.
 *
 * @fiber_alloc: optional, with the three below. Make a fiber: a context
 *	with a stack of its own that runs @fn(@arg) and that host threads
 *	take turns running, one at a time. @fn never returns. NULL on
 *	failure. The kernel runs its idle task on one, so that a thread
 *	that hands the CPU to the idle task can run it itself instead of
 *	waking another thread; without these operations the idle task gets
 *	a host thread of its own.
 * @fiber_enter: run @fiber on the calling thread, with that thread's
 *	signal mask, from where it last left off (from @fn the first time),
 *	until it calls @fiber_leave; then return.
 * @fiber_leave: called on @fiber: save where it is, and return from the
 *	@fiber_enter that runs it.
 * @fiber_free: free a fiber that no thread runs.
 */
struct lkl_host_operations {
	void (*print)(const char *str, int len);
	void (*panic)(const char *msg);

	struct lkl_sem *(*sem_alloc)(int count);
	void (*sem_free)(struct lkl_sem *sem);
	void (*sem_up)(struct lkl_sem *sem);
	void (*sem_down)(struct lkl_sem *sem);
	int (*sem_down_until)(struct lkl_sem *sem, unsigned long long ns);

	struct lkl_mutex *(*mutex_alloc)(int recursive);
	void (*mutex_free)(struct lkl_mutex *mutex);
	void (*mutex_lock)(struct lkl_mutex *mutex);
	void (*mutex_unlock)(struct lkl_mutex *mutex);

	lkl_thread_t (*thread_create)(void (*fn)(void *), void *arg);
	void (*thread_detach)(void);
	void (*thread_exit)(void);
	int (*thread_join)(lkl_thread_t tid);
	lkl_thread_t (*thread_self)(void);

	struct lkl_tls_key *(*tls_alloc)(void (*destructor)(void *));
	void (*tls_free)(struct lkl_tls_key *key);
	int (*tls_set)(struct lkl_tls_key *key, void *data);
	void *(*tls_get)(struct lkl_tls_key *key);

	void *(*mem_alloc)(unsigned long size);
	void (*mem_free)(void *addr);

	unsigned long long (*time)(void);
	unsigned long long (*realtime)(void);

	struct lkl_timer *(*timer_alloc)(void (*fn)(void *), void *arg);
	int (*timer_set_oneshot)(struct lkl_timer *timer, unsigned long long ns);
	void (*timer_cancel)(struct lkl_timer *timer);
	void (*timer_free)(struct lkl_timer *timer);

	int (*iomem_access)(const void *addr, void *val, int size, int write);

	void (*jmp_buf_set)(struct lkl_jmp_buf *jmpb, void (*f)(void));
	void (*jmp_buf_longjmp)(struct lkl_jmp_buf *jmpb, int val);

	int (*cpu_count)(void);

	struct lkl_fiber *(*fiber_alloc)(void (*fn)(void *), void *arg);
	void (*fiber_enter)(struct lkl_fiber *fiber);
	void (*fiber_leave)(struct lkl_fiber *fiber);
	void (*fiber_free)(struct lkl_fiber *fiber);
};

/*
 * lkl_ops: the host operations that lkl_start_kernel() was given.
 *
 * Set by lkl_start_kernel(); NULL before, and after a boot that failed.
 * Host code that serves the kernel, such as the virtio device model, uses
 * the same operations through it.
 */
extern const struct lkl_host_operations *lkl_ops;

/**
 * lkl_start_kernel() - boot the kernel
 * @ops: the host operations; must stay valid until lkl_sys_halt() returns
 * @cmdline: the kernel command line, for example "mem=64M loglevel=4"
 *
 * Returns once init has run, so that system calls can be made from any host
 * thread. Only one kernel can be booted in a process.
 *
 * Return: 0 on success, a negative errno on failure (for example -EINVAL
 * for a bad mem= value, or -EBUSY if a kernel was already started).
 */
int lkl_start_kernel(const struct lkl_host_operations *ops,
		     const char *cmdline);

/**
 * lkl_syscall() - make a system call from the calling host thread
 * @no: the system call number (__lkl__NR_*)
 * @params: six arguments
 *
 * The call runs on the calling thread as a task of the one LKL process. A
 * host thread gets its task at its first call; the task goes away when the
 * host thread exits.
 *
 * Return: the system call's result; a negative errno on failure.
 */
long lkl_syscall(long no, long *params);

/*
 * LKL's own system calls, numbered above the generic table. They take and
 * return what the functions documented in arch/lkl/kernel/virtio.c and
 * syscalls.c (lkl_interrupt_thread) do.
 */
#define LKL_NR_ARCH_BASE		1000
#define LKL_NR_virtio_mmio_add		(LKL_NR_ARCH_BASE + 0)
#define LKL_NR_virtio_mmio_remove	(LKL_NR_ARCH_BASE + 1)
#define LKL_NR_interrupt_thread		(LKL_NR_ARCH_BASE + 2)
#define LKL_NR_ARCH_END			(LKL_NR_ARCH_BASE + 3)

/**
 * lkl_trigger_irq() - raise an interrupt
 * @irq: an interrupt number from lkl_get_free_irq()
 *
 * Callable from any host thread at any time. If the kernel is busy the
 * interrupt is marked pending and runs when the CPU holder enables
 * interrupts or leaves the kernel; this is also what happens when a host
 * operation called by the kernel raises it. Otherwise the handler runs
 * right away on the calling thread.
 *
 * Return: 0, -EINVAL for a bad interrupt number, or -ENODEV before boot
 * and after halt.
 */
int lkl_trigger_irq(int irq);

/**
 * lkl_get_free_irq() - reserve an interrupt number for a host device
 * @user: a name for /proc/interrupts
 *
 * Return: the interrupt number, or a negative errno.
 */
int lkl_get_free_irq(const char *user);

/**
 * lkl_put_irq() - release an interrupt number from lkl_get_free_irq()
 * @irq: the interrupt number
 * @user: the name it was reserved with
 */
void lkl_put_irq(int irq, const char *user);

/**
 * lkl_sys_halt() - shut the kernel down
 *
 * Syncs and stops every kernel thread, then releases what the kernel took
 * from the host (memory pool, threads, semaphores, timers), so that the
 * process can go on or exit cleanly. No other host thread may be inside a
 * system call. The kernel cannot be started again in the same process.
 *
 * Return: 0 on success, a negative errno on failure.
 */
long lkl_sys_halt(void);

#endif /* _ASM_UAPI_LKL_HOST_OPS_H */

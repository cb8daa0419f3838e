// SPDX-License-Identifier: GPL-2.0
/*
 * System calls from host threads, and pid 1, the process that all host
 * threads belong to.
 *
 * See Documentation/virt/lkl/threads.rst.
 */
#include <linux/binfmts.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/init_syscalls.h>
#include <linux/resume_user_mode.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/syscalls.h>
#include <linux/task_work.h>
#include <asm/cpu.h>
#include <asm/host_ops.h>
#include <asm/unistd.h>

typedef long (*lkl_syscall_fn)(long, long, long, long, long, long);

SYSCALL_DEFINE6(mmap, unsigned long, addr, unsigned long, len,
		unsigned long, prot, unsigned long, flags,
		unsigned long, fd, off_t, off)
{
	if (offset_in_page(off))
		return -EINVAL;
	return ksys_mmap_pgoff(addr, len, prot, flags, fd, off >> PAGE_SHIFT);
}

/* There is no user context to return to from a signal handler. */
#define sys_rt_sigreturn	sys_ni_syscall

#undef __SYSCALL
#define __SYSCALL(nr, call)	\
	[nr] = (call),
/* There is no compat ABI: the compat entry point, if any, is ignored. */
#define __SYSCALL_WITH_COMPAT(nr, native, ...)	__SYSCALL(nr, native)

static void *lkl_syscall_table[__NR_syscalls] = {
	[0 ... __NR_syscalls - 1] = sys_ni_syscall,
#include <asm/syscall_table_64.h>
};

/* The host TLS key that holds each application thread's task. */
static struct lkl_tls_key *lkl_task_key;

/**
 * struct lkl_task_request - an application thread asks pid 1 for a task
 * @list: in lkl_task_requests
 * @sem: the semaphore of the new task, which the thread waits on
 * @err: 0, or why no task could be made
 */
struct lkl_task_request {
	struct list_head list;
	struct lkl_sem *sem;
	int err;
};

static LIST_HEAD(lkl_task_requests);
static struct task_struct *lkl_init_process;

/* Never called: marks a clone from lkl_init_loop() for copy_thread(). */
int lkl_host_task_fn(void *unused)
{
	return 0;
}

/*
 * Let the scheduler run on behalf of current, whose own thread is not the
 * caller: the idle task, or a host task whose thread is outside.
 */
static void lkl_yield_current(void)
{
	if (is_idle_task(current)) {
		lkl_cpu_wake_idle();
		return;
	}
	__set_current_state(TASK_PARKED);
	lkl_jmp_schedule(current, schedule);
}

static int lkl_new_host_task(struct task_struct **taskp)
{
	struct lkl_task_request req = { .err = 0 };

	req.sem = lkl_ops->sem_alloc(0);
	if (!req.sem) {
		lkl_cpu_put();
		return -ENOMEM;
	}

	list_add_tail(&req.list, &lkl_task_requests);
	wake_up_process(lkl_init_process);
	lkl_yield_current();

	/* The first switch to the new task ends this wait. */
	lkl_ops->sem_down(req.sem);
	if (req.err) {
		/* pid 1 kept the CPU: nothing here to release. */
		lkl_ops->sem_free(req.sem);
		return req.err;
	}
	schedule_tail(current->thread.prev_sched);
	current->thread.app_thread = lkl_ops->thread_self();

	if (lkl_ops->tls_set(lkl_task_key, current)) {
		/* The task exits the next time this thread calls in. */
		pr_warn("lkl: cannot keep the task of a host thread\n");
	}
	*taskp = current;
	return 0;
}

/**
 * lkl_enter() - take the CPU and make the calling thread's task current
 * @task: the thread's task, or NULL if it has none yet
 * @taskp: where to store the task
 *
 * Return: 0 with the CPU held, or a negative errno without it.
 */
int lkl_enter(struct task_struct *task, struct task_struct **taskp)
{
	int ret;

	ret = lkl_cpu_get();
	if (ret)
		return ret;

	if (!task)
		return lkl_new_host_task(taskp);

	if (task != current) {
		task->thread.flags |= LKL_THREAD_ENTERING;
		wake_up_state(task, TASK_PARKED);
		lkl_yield_current();
		lkl_wait_for_task(task);
	}
	*taskp = task;
	return 0;
}

/* What a return to user mode does, short of delivering signals. */
static long lkl_syscall_exit_work(long ret)
{
	switch (ret) {
	case -ERESTARTSYS:
	case -ERESTARTNOINTR:
	case -ERESTARTNOHAND:
	case -ERESTART_RESTARTBLOCK:
		ret = -EINTR;
		break;
	}

	if (test_thread_flag(TIF_NOTIFY_SIGNAL)) {
		clear_thread_flag(TIF_NOTIFY_SIGNAL);
		if (task_work_pending(current))
			task_work_run();
	}
	if (test_thread_flag(TIF_NOTIFY_RESUME))
		resume_user_mode_work(NULL);

	/* There is no user context to deliver LKL signals to. */
	if (signal_pending(current))
		flush_signals(current);
	return ret;
}

/**
 * lkl_interrupt_thread() - interrupt what a host thread waits for in LKL
 * @thread: the host thread, as its thread_self host operation names it
 *
 * The system call that @thread makes, or is blocked in, returns -EINTR
 * as soon as it waits interruptibly, as if a signal had come. A thread
 * that is not in a call sees that in its next one that waits. This is
 * how a host signal handler, through a thread of the application's,
 * interrupts a blocking LKL call: LKL signals have no user context to be
 * delivered to. Reached as LKL_NR_interrupt_thread.
 *
 * Return: 0, or -ESRCH if @thread has never called into LKL.
 */
static long lkl_interrupt_thread(lkl_thread_t thread)
{
	struct task_struct *p, *t;
	long ret = -ESRCH;

	rcu_read_lock();
	for_each_process_thread(p, t) {
		if ((t->thread.flags & LKL_THREAD_HOST) &&
		    t->thread.app_thread == thread) {
			/* Cleared again by lkl_syscall_exit_work(). */
			set_notify_signal(t);
			ret = 0;
			break;
		}
	}
	rcu_read_unlock();
	return ret;
}

static long lkl_arch_syscall(long no, long *params)
{
	switch (no) {
	case LKL_NR_virtio_mmio_add:
		return lkl_virtio_mmio_add(params[0], params[1], params[2]);
	case LKL_NR_virtio_mmio_remove:
		return lkl_virtio_mmio_remove(params[0]);
	case LKL_NR_interrupt_thread:
		return lkl_interrupt_thread((lkl_thread_t)params[0]);
	}
	return sys_ni_syscall();
}

/**
 * lkl_syscall() - make a system call from the calling host thread
 * @no: the system call number
 * @params: six arguments
 *
 * Return: the result of the call, or a negative errno.
 */
long lkl_syscall(long no, long *params)
{
	struct task_struct *task;
	lkl_syscall_fn fn;
	long ret;

	if (!lkl_running())
		return -ENODEV;
	ret = lkl_enter(lkl_syscalls_current_task(), &task);
	if (ret)
		return ret;

	if (no >= 0 && no < __NR_syscalls) {
		fn = lkl_syscall_table[no];
		ret = fn(params[0], params[1], params[2], params[3], params[4],
			 params[5]);
	} else if (no >= LKL_NR_ARCH_BASE && no < LKL_NR_ARCH_END) {
		ret = lkl_arch_syscall(no, params);
	} else {
		ret = sys_ni_syscall();
	}
	ret = lkl_syscall_exit_work(ret);

	lkl_leave_cpu(false);
	return ret;
}

static void lkl_do_exit(void)
{
	do_exit(0);
}

/* A host thread that called in has exited: so does its task. */
static void lkl_host_task_destructor(void *data)
{
	struct task_struct *task;

	if (lkl_enter(data, &task))
		return;
	lkl_jmp_schedule(task, lkl_do_exit);
}

static void lkl_init_loop(void)
{
	struct lkl_task_request *req;
	pid_t pid;

	lkl_init_process = current;
	lkl_ops->sem_up(lkl_init_sem);

	for (;;) {
		set_current_state(TASK_IDLE);
		if (list_empty(&lkl_task_requests))
			schedule();
		__set_current_state(TASK_RUNNING);

		while (!list_empty(&lkl_task_requests)) {
			struct kernel_clone_args args = {
				.flags = CLONE_VM | CLONE_FS | CLONE_FILES |
					 CLONE_SIGHAND | CLONE_THREAD |
					 CLONE_SYSVSEM,
				.fn = lkl_host_task_fn,
			};

			req = list_first_entry(&lkl_task_requests,
					       struct lkl_task_request, list);
			list_del(&req->list);
			args.fn_arg = req->sem;
			pid = kernel_clone(&args);
			if (pid < 0) {
				req->err = pid;
				lkl_ops->sem_up(req->sem);
			}
		}
	}
}

void lkl_user_mode(void)
{
	if (is_global_init(current))
		lkl_init_loop();
	do_exit(0);
}

/*
 * kernel_init() ends by executing /init. This binary format accepts only
 * that file, so pid 1 becomes the process that stands for the host
 * process, with no user code of its own.
 */
static int lkl_load_binary(struct linux_binprm *bprm)
{
	int ret;

	if (!is_global_init(current) || strcmp(bprm->filename, "/init"))
		return -ENOEXEC;

	ret = begin_new_exec(bprm);
	if (ret)
		return ret;
	setup_new_exec(bprm);
	finalize_exec(bprm);
	return 0;
}

static struct linux_binfmt lkl_binfmt = {
	.module		= THIS_MODULE,
	.load_binary	= lkl_load_binary,
};

/*
 * Give kernel_init() an /init to run, and a /dev/console that it can open:
 * the null device, since the kernel log already goes to the host and there
 * is no tty. default_rootfs() made a tty console node; replace it.
 */
static int __init lkl_init_files(void)
{
	struct file *file;
	int ret;

	register_binfmt(&lkl_binfmt);

	init_unlink("/dev/console");
	ret = init_mkdir("/dev", 0755);
	if (!ret || ret == -EEXIST)
		ret = init_mknod("/dev/console", S_IFCHR | 0600,
				 new_encode_dev(MKDEV(1, 3)));
	if (ret)
		pr_warn("lkl: cannot create /dev/console: %d\n", ret);

	file = filp_open("/init", O_CREAT | O_WRONLY | O_EXCL, 0700);
	if (IS_ERR(file))
		return PTR_ERR(file);
	__fput_sync(file);
	return 0;
}
late_initcall(lkl_init_files);

/* The calling host thread's task, or NULL if it has never called in. */
struct task_struct *lkl_syscalls_current_task(void)
{
	return lkl_ops->tls_get(lkl_task_key);
}

int lkl_syscalls_init(void)
{
	lkl_task_key = lkl_ops->tls_alloc(lkl_host_task_destructor);
	return lkl_task_key ? 0 : -ENOMEM;
}

void lkl_syscalls_cleanup(void)
{
	lkl_ops->tls_set(lkl_task_key, NULL);
	lkl_ops->tls_free(lkl_task_key);
}

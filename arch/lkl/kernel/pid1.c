// SPDX-License-Identifier: GPL-2.0
/*
 * pid 1, the process that stands for the host process: every application
 * thread that calls in gets a task in it, cloned by pid 1 itself, so that
 * all of them share pid, descriptors, working directory and mounts.
 *
 * See Documentation/virt/lkl/threads.rst.
 */
#include <linux/binfmts.h>
#include <linux/errno.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/init_syscalls.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <asm/host_ops.h>
#include "lkl.h"

static LIST_HEAD(lkl_task_requests);
static struct task_struct *lkl_init_process;
/* Upped once pid 1 serves requests: the boot is over then. */
static struct lkl_sem *lkl_pid1_ready;
static int lkl_pid1_err;

/* Never called: marks a clone of pid 1's for the new thread (threads.c). */
int lkl_host_task_fn(void *unused)
{
	return 0;
}

/**
 * lkl_pid1_request() - ask pid 1 for a task for the calling thread
 * @req: the request; pid 1 ups @req->sem at the first switch to the new
 *	task, or sets @req->err and ups it
 *
 * Called with the CPU held.
 */
void lkl_pid1_request(struct lkl_task_request *req)
{
	list_add_tail(&req->list, &lkl_task_requests);
	wake_up_process(lkl_init_process);
}

static void lkl_init_loop(void)
{
	struct lkl_task_request *req;
	pid_t pid;

	lkl_init_process = current;
	lkl_ops->sem_up(lkl_pid1_ready);

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

/**
 * lkl_user_mode() - what a task does where it would enter user mode
 *
 * A task that returns from its thread function has been through exec():
 * on another architecture it would now run user code. Here only pid 1
 * does that, and it serves the host threads; any other task exits.
 */
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

int lkl_pid1_init(void)
{
	lkl_pid1_ready = lkl_ops->sem_alloc(0);
	return lkl_pid1_ready ? 0 : -ENOMEM;
}

/**
 * lkl_pid1_fail() - end lkl_pid1_wait() with an error: the boot failed
 * @err: the negative errno lkl_pid1_wait() returns
 */
void lkl_pid1_fail(int err)
{
	WRITE_ONCE(lkl_pid1_err, err);
	lkl_ops->sem_up(lkl_pid1_ready);
}

/**
 * lkl_pid1_wait() - wait until pid 1 serves host threads, at boot
 *
 * Return: 0, or the error given to lkl_pid1_fail().
 */
int lkl_pid1_wait(void)
{
	lkl_ops->sem_down(lkl_pid1_ready);
	return READ_ONCE(lkl_pid1_err);
}

void lkl_pid1_cleanup(void)
{
	if (lkl_pid1_ready)
		lkl_ops->sem_free(lkl_pid1_ready);
	lkl_pid1_ready = NULL;
}

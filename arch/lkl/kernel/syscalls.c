// SPDX-License-Identifier: GPL-2.0
/*
 * System calls from host threads: the table, the call itself, and what a
 * return to user mode does. LKL's own calls are numbered above the table.
 *
 * See Documentation/virt/lkl/threads.rst.
 */
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/lockdep.h>
#include <uapi/linux/mount.h>
#include <linux/namei.h>
#include <linux/resume_user_mode.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/syscalls.h>
#include <linux/task_work.h>
#include <asm/host_ops.h>
#include <asm/unistd.h>
#include "lkl.h"

typedef long (*lkl_syscall_fn)(long, long, long, long, long, long);

SYSCALL_DEFINE6(mmap, unsigned long, addr, unsigned long, len,
		unsigned long, prot, unsigned long, flags,
		unsigned long, fd, off_t, off)
{
	if (offset_in_page(off))
		return -EINVAL;
	return ksys_mmap_pgoff(addr, len, prot, flags, fd, off >> PAGE_SHIFT);
}

/*
 * Whether the kernel parses the data of this mount(2) call as a binary
 * structure: only a file system that sets FS_BINARY_MOUNTDATA and parses
 * the whole of it itself (NFS's and Coda's versioned structures, a
 * legacy file system). btrfs sets the flag, but for its security
 * options: the generic parser splits its options like any other text.
 * Data that no mount of this kind reads (a bind, a move, a change of
 * propagation) counts as text.
 */
static bool lkl_mount_data_is_binary(const char __user *dir,
				     const char __user *type,
				     unsigned long flags)
{
	struct file_system_type *fs_type;
	struct fs_context *fc;
	struct path path;
	bool binary;
	char *name;

	if ((flags & MS_MGC_MSK) == MS_MGC_VAL)
		flags &= ~MS_MGC_MSK;
	/* The same order as path_mount()'s. */
	if (flags & MS_REMOUNT ? flags & MS_BIND :
	    flags & (MS_BIND | MS_MOVE | MS_SHARED | MS_PRIVATE | MS_SLAVE |
		     MS_UNBINDABLE))
		return false;
	if (flags & MS_REMOUNT) {
		if (user_path_at(AT_FDCWD, dir, LOOKUP_FOLLOW, &path))
			return false;
		fc = fs_context_for_reconfigure(path.dentry, 0, 0);
		path_put(&path);
	} else {
		name = strndup_user(type, PAGE_SIZE);
		if (IS_ERR(name))
			return false;
		fs_type = get_fs_type(name);
		kfree(name);
		if (!fs_type)
			return false;
		fc = fs_context_for_mount(fs_type, 0);
		put_filesystem(fs_type);
	}
	if (IS_ERR(fc))
		return false;
	binary = fc->ops->parse_monolithic &&
		 (fc->fs_type->fs_flags & FS_BINARY_MOUNTDATA);
	put_fs_context(fc);
	return binary;
}

/*
 * mount(2) with its text data copied to the length of the string.
 *
 * copy_mount_options() copies a whole page of mount data and relies on a
 * fault to end the copy at the end of a shorter buffer. LKL's
 * copy_from_user() is the host's memcpy(), which cannot stop there: a
 * short option string at the end of a mapping crashed the host, and one
 * in a heap block was read past its end. So LKL copies text data itself,
 * up to its NUL, into a zeroed page, and passes that page on. Binary data
 * has no length the kernel can know, and is passed on as it is: its
 * callers give a whole page, as the kernel has always asked of them.
 */
static long lkl_mount(char __user *dev_name, char __user *dir_name,
		      char __user *type, unsigned long flags, void __user *data)
{
	long len, ret;
	char *copy;

	if (!data || lkl_mount_data_is_binary(dir_name, type, flags))
		return sys_mount(dev_name, dir_name, type, flags, data);

	len = strnlen_user(data, PAGE_SIZE);
	if (!len)
		return -EFAULT;
	copy = kzalloc(PAGE_SIZE, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	if (copy_from_user(copy, data, min_t(long, len, PAGE_SIZE))) {
		kfree(copy);
		return -EFAULT;
	}
	ret = sys_mount(dev_name, dir_name, type, flags,
			(__force void __user *)copy);
	kfree(copy);
	return ret;
}

#define sys_mount		lkl_mount

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
	lkl_syscall_fn fn;
	long ret;

	if (!lkl_running())
		return -ENODEV;
	ret = lkl_enter();
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
	/* As on any return to user mode: no call may keep a lock held. */
	lockdep_sys_exit();

	lkl_leave(false);
	return ret;
}

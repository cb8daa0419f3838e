// SPDX-License-Identifier: GPL-2.0
/*
 * Booting and halting the kernel from a host thread.
 */
#include <linux/bug.h>
#include <linux/console.h>
#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/notifier.h>
#include <linux/panic_notifier.h>
#include <linux/reboot.h>
#include <linux/seq_file.h>
#include <linux/sched.h>
#include <linux/sched/debug.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/string.h>
#include <linux/syscalls.h>
#include <asm/host_ops.h>
#include <asm/setup.h>
#include "host/host.h"
#include "lkl.h"

const struct lkl_host_operations *lkl_ops;

static lkl_thread_t lkl_boot_thread;
static bool lkl_is_running;
static bool lkl_booting;
static struct lkl_jmp_buf lkl_halt_jb;

static void lkl_console_write(struct console *con, const char *str,
			      unsigned int len)
{
	if (lkl_ops->print)
		lkl_ops->print(str, len);
}

static struct console lkl_console = {
	.name	= "lkl",
	.write	= lkl_console_write,
	.flags	= CON_PRINTBUFFER,
	.index	= -1,
};

/*
 * lib/bug.c (GENERIC_BUG) calls this from report_bug(), which an
 * architecture's trap handler calls for its BUG instruction. LKL's BUG()
 * is asm-generic's and traps nowhere, so no address is ever a BUG site.
 * Nothing referenced report_bug() until KUnit did, and lkl.o then left
 * this symbol undefined.
 */
int is_valid_bugaddr(unsigned long addr)
{
	return 0;
}

/*
 * A panic would end in panic()'s endless loop: on a machine, a stopped
 * CPU; in a process, a hang. Hand it to the host instead, last of the
 * panic notifiers, once the message is on the console.
 *
 * A panic while booting holds nothing of the application's yet, and
 * what causes it is the host refusing memory or a thread (the host
 * timer, a kernel thread, the pool). lkl_start_kernel() returns an error
 * then, and the panicking host thread ends: the kernel stays stopped,
 * and the process goes on.
 */
static int lkl_panic_notify(struct notifier_block *nb, unsigned long event,
			    void *msg)
{
	if (READ_ONCE(lkl_booting)) {
		lkl_pid1_fail(-ENOMEM);
		lkl_ops->thread_exit();
	}
	lkl_ops->panic(msg);
	return NOTIFY_DONE;
}

static struct notifier_block lkl_panic_nb = {
	.notifier_call	= lkl_panic_notify,
	.priority	= INT_MIN,
};

void __init setup_arch(char **cmdline_p)
{
	*cmdline_p = boot_command_line;
	register_console(&lkl_console);
	atomic_notifier_chain_register(&panic_notifier_list, &lkl_panic_nb);
	parse_early_param();
	lkl_idle_setup();
	lkl_bootmem_init();
}

/* lkl_start_kernel() has checked mem= already. */
static int __init lkl_parse_mem(char *arg)
{
	return 0;
}
early_param("mem", lkl_parse_mem);

static int lkl_cpuinfo_show(struct seq_file *m, void *v)
{
	seq_puts(m, "processor\t: 0\nvendor_id\t: lkl\n");
	return 0;
}

static void *lkl_cpuinfo_start(struct seq_file *m, loff_t *pos)
{
	return *pos == 0 ? (void *)1 : NULL;
}

static void *lkl_cpuinfo_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return NULL;
}

static void lkl_cpuinfo_stop(struct seq_file *m, void *v)
{
}

const struct seq_operations cpuinfo_op = {
	.start	= lkl_cpuinfo_start,
	.next	= lkl_cpuinfo_next,
	.stop	= lkl_cpuinfo_stop,
	.show	= lkl_cpuinfo_show,
};

void show_regs(struct pt_regs *regs)
{
	show_regs_print_info(KERN_DEFAULT);
}

void __init calibrate_delay(void)
{
	/* udelay() waits on the host clock, see time.c. */
}

static void lkl_run_kernel(void *arg)
{
	lkl_idle_boot();
}

/**
 * lkl_start_kernel() - boot the kernel
 * @ops: the host operations
 * @cmdline: the kernel command line
 *
 * Return: 0 once init has run, or a negative errno: -EBUSY if a kernel
 * was started before in this process, -EINVAL or -E2BIG for a bad
 * argument or command line, -ENOMEM if the host refused memory or a
 * thread. When the host refuses them before the kernel has started, the
 * call can be made again; once the kernel has started to boot, a failure
 * is a panic at boot (its message is on the console), and no kernel can
 * be started again in this process.
 */
int __ref lkl_start_kernel(const struct lkl_host_operations *ops,
			   const char *cmdline)
{
	int ret;

	if (lkl_ops)
		return -EBUSY;
	if (!ops || !cmdline)
		return -EINVAL;
	if (strlen(cmdline) >= COMMAND_LINE_SIZE)
		return -E2BIG;
	lkl_ops = ops;

	ret = lkl_mem_init(cmdline);
	if (ret)
		goto out;
	strscpy(boot_command_line, cmdline, COMMAND_LINE_SIZE);

	ret = -ENOMEM;
	init_task.thread.wait.sem = ops->sem_alloc(0);
	if (!init_task.thread.wait.sem)
		goto out_mem;
	ret = lkl_pid1_init();
	if (ret)
		goto out_sem;
	ret = lkl_cpu_init();
	if (ret)
		goto out_pid1;
	ret = lkl_wait_init();
	if (ret)
		goto out_cpu;
	ret = lkl_entry_init();
	if (ret)
		goto out_wait;

	ret = -ENOMEM;
	WRITE_ONCE(lkl_booting, true);
	lkl_boot_thread = ops->thread_create(lkl_run_kernel, NULL);
	if (!lkl_boot_thread) {
		WRITE_ONCE(lkl_booting, false);
		goto out_entry;
	}

	/* pid 1 tells when it is ready to serve host threads. */
	ret = lkl_pid1_wait();
	WRITE_ONCE(lkl_booting, false);
	if (ret)
		return ret;
	WRITE_ONCE(lkl_is_running, true);
	return 0;

out_entry:
	lkl_entry_cleanup();
out_wait:
	lkl_wait_cleanup();
out_cpu:
	lkl_cpu_cleanup();
out_pid1:
	lkl_pid1_cleanup();
out_sem:
	ops->sem_free(init_task.thread.wait.sem);
	init_task.thread.wait.sem = NULL;
out_mem:
	lkl_mem_cleanup();
out:
	/* Nothing ran yet, so the caller may try again. */
	lkl_ops = NULL;
	return ret;
}

/**
 * lkl_running() - whether system calls can be made
 *
 * Return: true from the return of lkl_start_kernel() until lkl_sys_halt().
 */
bool lkl_running(void)
{
	return READ_ONCE(lkl_is_running);
}

void machine_power_off(void)
{
	/* Back to lkl_sys_halt(), with the CPU held. */
	lkl_ops->jmp_buf_longjmp(&lkl_halt_jb, 1);
}

void machine_halt(void)
{
	machine_power_off();
}

void machine_restart(char *cmd)
{
	machine_power_off();
}

static void lkl_power_off(void)
{
	ksys_sync();
	/*
	 * kernel_power_off() says "Power down" at emergency level: keep a
	 * quiet kernel quiet on an ordinary halt.
	 */
	if (console_loglevel <= CONSOLE_LOGLEVEL_DEFAULT)
		console_loglevel = CONSOLE_LOGLEVEL_SILENT;
	kernel_power_off();
}

/*
 * End the calls that other host threads are in, at halt. Called by
 * lkl_sys_halt() with the CPU held, once new calls are refused.
 * Every other host task that is in a call is interrupted as by
 * lkl_interrupt_thread(): an interruptible wait (a read on a socket, an
 * accept, a poll, a sleep) returns -EINTR, and an uninterruptible one
 * ends on its own. Returns once every other host task is parked outside
 * the kernel, so that no application thread stays blocked in a kernel
 * that is going away.
 */
static void lkl_halt_calls(void)
{
	struct task_struct *p, *t;
	bool busy;

	for (;;) {
		busy = false;
		rcu_read_lock();
		for_each_process_thread(p, t) {
			if (t == current || !(t->thread.flags & LKL_THREAD_HOST) ||
			    t->exit_state || READ_ONCE(t->__state) == TASK_PARKED)
				continue;
			set_notify_signal(t);
			busy = true;
		}
		rcu_read_unlock();
		if (!busy)
			return;
		schedule_timeout_uninterruptible(1);
	}
}

/**
 * lkl_sys_halt() - sync, shut down, and release the host's resources
 *
 * New calls fail with -ENODEV from the start of the halt. Calls that
 * other threads are blocked in return first: an interruptible wait
 * returns -EINTR, as for lkl_interrupt_thread().
 *
 * Return: 0, or -ENODEV if the kernel is not running.
 */
long lkl_sys_halt(void)
{
	struct lkl_sem *sem;
	int ret;

	if (!lkl_running())
		return -ENODEV;
	ret = lkl_enter();
	if (ret)
		return ret;
	/* With the CPU held: one halt, and no call starts after it. */
	if (!lkl_running()) {
		lkl_leave(false);
		return -ENODEV;
	}
	WRITE_ONCE(lkl_is_running, false);
	lkl_halt_calls();
	sem = current->thread.wait.sem;

	lkl_ops->jmp_buf_set(&lkl_halt_jb, lkl_power_off);

	/* machine_power_off() jumped here: the kernel is down. */
	lkl_cpu_shutdown();
	lkl_threads_halt();

	lkl_ops->sem_up(init_task.thread.wait.sem);
	lkl_ops->thread_join(lkl_boot_thread);
	lkl_idle_cleanup();

	lkl_time_cleanup();
	lkl_entry_cleanup();

	lkl_ops->sem_free(sem);
	lkl_ops->sem_free(init_task.thread.wait.sem);
	lkl_wait_cleanup();
	lkl_pid1_cleanup();
	/*
	 * The CPU lock stays: lkl_trigger_irq() from a device thread, or a
	 * late system call, must still find the kernel halted and fail.
	 */
	lkl_mem_cleanup();
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Out of memory: LKL has nothing the OOM killer could kill. Its tasks are
 * kernel threads, pid 1, and the threads of pid 1 that stand for the
 * host's threads, and killing any of them frees nothing. Left on, the OOM
 * killer finds no victim and panics ("System is deadlocked on memory"),
 * which ends the host process. With it off, an allocation that reclaim
 * cannot satisfy fails, and the system call that made it returns -ENOMEM
 * (or a file system -ENOSPC), as it would for any other limit.
 */
#include <linux/init.h>
#include <linux/oom.h>

static int __init lkl_oom_init(void)
{
	/* Nothing can be an OOM victim yet, so this does not wait. */
	oom_killer_disable(1);
	return 0;
}
late_initcall(lkl_oom_init);

// SPDX-License-Identifier: GPL-2.0
/*
 * Stack traces for lockdep and the other users of stack_trace_save().
 *
 * A task runs on the stack of its host thread, which the kernel neither
 * allocates nor knows the bounds of, and the frames below the kernel's
 * entry points are the host's. So the walk follows frame pointers only
 * through the kernel's own frames, and stops at the first return address
 * outside the kernel's text: the frame that holds it belongs to host
 * code, whose frame pointer may be any value. Without frame pointers in
 * the kernel, the trace is the caller of arch_stack_walk() alone.
 *
 * Only current's stack is walked: a task that is not running waits in
 * the host, in a frame the kernel cannot see.
 */
#include <linux/kallsyms.h>
#include <linux/sched.h>
#include <linux/stacktrace.h>

#ifdef CONFIG_FRAME_POINTER
/*
 * The frame record that a function's prologue pushes, and that its frame
 * pointer points to, on x86-64 and arm64 hosts alike.
 */
struct lkl_frame {
	struct lkl_frame *next;
	unsigned long ret;
};

/* A kernel frame is far smaller than this; host frames are never read. */
#define LKL_FRAME_MAX	(64 * 1024)

static bool lkl_kernel_text(unsigned long addr)
{
	return __is_kernel_text(addr) || is_kernel_inittext(addr);
}

/* Inlined: the first frame is arch_stack_walk()'s own. */
static __always_inline void lkl_walk_frames(stack_trace_consume_fn consume_entry,
					    void *cookie)
{
	struct lkl_frame *frame = __builtin_frame_address(0);

	for (;;) {
		struct lkl_frame *next = frame->next;

		if (!lkl_kernel_text(frame->ret) ||
		    !consume_entry(cookie, frame->ret))
			return;
		/* The stack grows down: a caller's frame is above. */
		if ((unsigned long)next <= (unsigned long)frame ||
		    (unsigned long)next - (unsigned long)frame > LKL_FRAME_MAX ||
		    !IS_ALIGNED((unsigned long)next, sizeof(long)))
			return;
		frame = next;
	}
}
#endif

/**
 * arch_stack_walk() - walk current's kernel frames
 * @consume_entry: called with each return address, innermost first
 * @cookie: passed to @consume_entry
 * @task: the task whose stack to walk; only current gives entries
 * @regs: ignored: LKL's interrupts have no interrupted register state
 *
 * With frame pointers, every return address from the caller of this
 * function out to the kernel's entry point; without them, the caller's.
 */
noinline void arch_stack_walk(stack_trace_consume_fn consume_entry,
			      void *cookie, struct task_struct *task,
			      struct pt_regs *regs)
{
	if (task && task != current)
		return;
#ifdef CONFIG_FRAME_POINTER
	lkl_walk_frames(consume_entry, cookie);
#else
	consume_entry(cookie, _RET_IP_);
#endif
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry of the LKL unikernel by the PVH boot protocol: QEMU (or any PVH
 * loader) finds the 32-bit entry point in the XEN_ELFNOTE_PHYS32_ENTRY
 * note and jumps there in flat 32-bit protected mode, paging off, with
 * the physical address of struct hvm_start_info in %ebx.
 *
 * The entry identity-maps the first 4 GiB with 2 MiB pages (the top
 * gigabyte, where the LAPIC, the IOAPIC and the virtio-mmio windows are,
 * uncached), enables SSE (the kernel is built for user space and uses
 * it), enters long mode and calls uk_main(start_info) on the boot stack.
 *
 * Also here: the context switch of the cooperative threads and the
 * interrupt entry stubs.
 */

#define XEN_ELFNOTE_PHYS32_ENTRY	18

#define PTE_P		0x001
#define PTE_W		0x002
#define PTE_PWT		0x008
#define PTE_PCD		0x010
#define PTE_PS		0x080

#define CR0_PE		0x00000001
#define CR0_MP		0x00000002
#define CR0_EM		0x00000004
#define CR0_PG		0x80000000
#define CR4_PAE		0x00000020
#define CR4_OSFXSR	0x00000200
#define CR4_OSXMMEXCPT	0x00000400
#define MSR_EFER	0xc0000080
#define EFER_LME	0x00000100

#define BOOT_STACK_SIZE	(256 * 1024)

	.section .note.pvh, "a"
	.balign 4
	.long 4				/* name size: "Xen\0" */
	.long 4				/* descriptor size */
	.long XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.long uk_start32

	.section .text.boot, "ax"
	.code32
	.globl uk_start32
uk_start32:
	cli
	cld
	movl %ebx, %esi			/* keep hvm_start_info */

	/* PML4[0] -> PDPT; PDPT[i] -> PD i; PD entries: 2 MiB pages. */
	movl $uk_pdpt, %eax
	orl $(PTE_P | PTE_W), %eax
	movl %eax, uk_pml4
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $12, %eax
	addl $uk_pd, %eax
	orl $(PTE_P | PTE_W), %eax
	movl %eax, uk_pdpt(, %ecx, 8)
	incl %ecx
	cmpl $4, %ecx
	jne 1b

	xorl %ecx, %ecx
2:	movl %ecx, %eax
	shll $21, %eax
	orl $(PTE_P | PTE_W | PTE_PS), %eax
	cmpl $(3 * 512), %ecx
	jb 3f
	orl $(PTE_PCD | PTE_PWT), %eax	/* the device gigabyte */
3:	movl %eax, uk_pd(, %ecx, 8)
	incl %ecx
	cmpl $(4 * 512), %ecx
	jne 2b

	movl %cr4, %eax
	orl $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
	movl %eax, %cr4
	movl $uk_pml4, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl %cr0, %eax
	andl $~CR0_EM, %eax
	orl $(CR0_PG | CR0_PE | CR0_MP), %eax
	movl %eax, %cr0

	lgdt uk_gdt_ptr
	ljmp $0x08, $uk_start64

	.code64
uk_start64:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	movq $uk_boot_stack + BOOT_STACK_SIZE, %rsp
	fninit
	movl %esi, %edi
	call uk_main
4:	cli
	hlt
	jmp 4b

/*
 * uk_switch(from, to): save the callee-saved registers on the current
 * stack, store the stack pointer in *from, load *to and return on the
 * stack it points to.
 */
	.text
	.globl uk_switch
uk_switch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq (%rsi), %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

/*
 * A new thread's first return: call %r13(%r12), which never returns. The
 * scheduler puts its entry function in %r13, so that calls between this
 * file and the scheduler go one way.
 */
	.globl uk_thread_start
uk_thread_start:
	movq %r12, %rdi
	call *%r13
	ud2

/*
 * Interrupt and exception entry: every vector runs on the IST stack (so
 * that the interrupted code's red zone survives), pushes a dummy error
 * code where the CPU pushes none, then its vector, and calls
 * uk_trap(frame) with the caller-saved registers saved around it. The C
 * side does not touch SSE registers (-mgeneral-regs-only).
 */
.macro TRAP
	.balign 16
	.if (vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21)
	.else
	pushq $0
	.endif
	pushq $vec
	jmp uk_trap_common
.endm

	.balign 16
	.globl uk_trap_stubs
uk_trap_stubs:
	.set vec, 0
	.rept 256
	TRAP
	.set vec, vec + 1
	.endr

uk_trap_common:
	pushq %rax
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	movq %rsp, %rdi
	call uk_trap
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rax
	addq $16, %rsp
	iretq

	.data
	.balign 16
	.globl uk_gdt
uk_gdt:
	.quad 0				/* null */
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
	.quad 0, 0			/* 0x18: the TSS, filled in by C */
uk_gdt_end:
uk_gdt_ptr:
	.word uk_gdt_end - uk_gdt - 1
	.quad uk_gdt

	.bss
	.balign 4096
uk_pml4:
	.skip 4096
uk_pdpt:
	.skip 4096
uk_pd:
	.skip 4 * 4096
	.balign 16
uk_boot_stack:
	.skip BOOT_STACK_SIZE

	.section .note.GNU-stack, "", @progbits

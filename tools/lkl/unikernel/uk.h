/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bare-metal x86_64 platform of the LKL unikernel: what its files
 * share. hw.c owns the machine (serial, descriptor tables, clocks, the
 * LAPIC and the IOAPIC, memory), trap.c the interrupt handlers, sched.c
 * the cooperative threads and the rumpuser interface on them, rtc.c the
 * CMOS real-time clock, main.c the application and tcptest.c its TCP
 * test server.
 */
#ifndef _LKL_UK_H
#define _LKL_UK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* struct hvm_start_info of the PVH boot protocol, version 1. */
#define UK_PVH_MAGIC		0x336ec578
struct uk_pvh_start {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;
	uint32_t memmap_entries;
	uint32_t reserved;
};

struct uk_pvh_memmap {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;
};

#define UK_E820_RAM		1

/* The interrupt frame that boot.S's stubs build. */
struct uk_frame {
	uint64_t r11, r10, r9, r8, rdi, rsi, rdx, rcx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* Vectors: exceptions below 32, IOAPIC pin n at 32 + n, the LAPIC timer. */
#define UK_VEC_IRQ0		32
#define UK_VEC_TIMER		0xf0
#define UK_VEC_SPURIOUS		0xff
#define UK_IRQS			24

/* Port I/O */
static inline void uk_outb(uint16_t port, uint8_t val)
{
	asm volatile("outb %0, %1" : : "a"(val), "Nd"(port));
}

static inline uint8_t uk_inb(uint16_t port)
{
	uint8_t val;

	asm volatile("inb %1, %0" : "=a"(val) : "Nd"(port));
	return val;
}

/* hw.c */
void uk_hw_init(const struct uk_pvh_start *start);
const char *uk_cmdline(void);
void uk_putc(int ch);
void uk_puts(const char *s);
void uk_put_hex(uint64_t val);
void uk_put_dec(uint64_t val);
uint64_t uk_now(void);
uint64_t uk_wall_now(void);
void uk_timer_arm(uint64_t deadline);
void uk_lapic_eoi(void);
void uk_ioapic_route(int pin);
void uk_ioapic_mask(int pin, bool mask);
void *uk_alloc(size_t len, size_t align);
void uk_free(void *mem, size_t len);
uint64_t uk_mem_free_bytes(void);
void uk_idle(void);
void uk_poll_interrupts(void);
int uk_random(void *buf, size_t len);
/* Ends QEMU through isa-debug-exit; never returns. */
void uk_halt(int status);

/*
 * trap.c: set by the handlers, taken by the scheduler, both with
 * interrupts off; the handlers run only where the scheduler lets them in.
 */
extern uint32_t uk_irq_pending;
extern bool uk_timer_fired;
void uk_trap(struct uk_frame *frame);

/* rtc.c: seconds since the epoch from the CMOS RTC, or -1. */
int64_t uk_rtc_read(void);

/* tcptest.c: serves @count test connections on @port (see there). */
int uk_tcp_test(int port, int count);

/* sched.c */
void uk_sched_init(void);
void uk_irq_thread_start(void (*handler)(int pin));

/* boot.S */
extern char uk_trap_stubs[];
extern uint64_t uk_gdt[];
extern char uk_image_end[];
void uk_switch(uint64_t *from_rsp, uint64_t *to_rsp);
void uk_thread_start(void);

/* string functions for lkl.o and the compiler */
void *memcpy(void *dst, const void *src, size_t len);
void *memmove(void *dst, const void *src, size_t len);
void *memset(void *dst, int c, size_t len);
int memcmp(const void *a, const void *b, size_t len);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

#endif /* _LKL_UK_H */

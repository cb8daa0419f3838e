// SPDX-License-Identifier: GPL-2.0
/*
 * The machine under the LKL unikernel: QEMU's microvm (or any PVH x86_64
 * machine with a 16550, a LAPIC and an IOAPIC). One CPU, identity-mapped
 * memory (boot.S), interrupts off except where the scheduler polls for
 * them or idles.
 */
#include "uk.h"

#define COM1			0x3f8
#define PIT_CH0			0x40
#define PIT_CMD			0x43
#define PIT_HZ			1193182ULL
#define PIC1_DATA		0x21
#define PIC2_DATA		0xa1
#define DEBUG_EXIT_PORT		0xf4

#define MSR_APIC_BASE		0x1b
#define LAPIC_TPR		0x080
#define LAPIC_EOI		0x0b0
#define LAPIC_SVR		0x0f0
#define LAPIC_LVT_TIMER		0x320
#define LAPIC_TIMER_INIT	0x380
#define LAPIC_TIMER_CUR		0x390
#define LAPIC_TIMER_DIV		0x3e0
#define LAPIC_MASKED		0x10000

#define IOAPIC_BASE		0xfec00000UL
#define IOAPIC_LEVEL		0x8000
#define IOAPIC_MASKED		0x10000

#define NSEC_PER_SEC		1000000000ULL
#define UK_MEM_START		0x100000UL
#define UK_MEM_END		0xc0000000UL	/* the 4th gigabyte is devices */
#define IST_STACK_SIZE		(32 * 1024)

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c,
			 uint32_t *d)
{
	asm volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
		     : "a"(leaf), "c"(0));
}

/* Serial console */

void uk_putc(int ch)
{
	if (ch == '\n')
		uk_putc('\r');
	while (!(uk_inb(COM1 + 5) & 0x20))
		;
	uk_outb(COM1, ch);
}

void uk_puts(const char *s)
{
	while (*s)
		uk_putc(*s++);
}

void uk_put_hex(uint64_t val)
{
	int i;

	uk_puts("0x");
	for (i = 60; i >= 0; i -= 4)
		uk_putc("0123456789abcdef"[(val >> i) & 15]);
}

void uk_put_dec(uint64_t val)
{
	char buf[24];
	int i = sizeof(buf) - 1;

	buf[i] = 0;
	do {
		buf[--i] = '0' + val % 10;
		val /= 10;
	} while (val);
	uk_puts(buf + i);
}

static void uk_serial_init(void)
{
	uk_outb(COM1 + 1, 0x00);	/* no interrupts */
	uk_outb(COM1 + 3, 0x80);	/* divisor latch */
	uk_outb(COM1 + 0, 0x01);	/* 115200 baud */
	uk_outb(COM1 + 1, 0x00);
	uk_outb(COM1 + 3, 0x03);	/* 8N1 */
	uk_outb(COM1 + 2, 0xc7);	/* FIFO on, cleared */
	uk_outb(COM1 + 4, 0x03);	/* DTR, RTS */
}

/* Command line */

static char uk_cmdline_buf[2048];

const char *uk_cmdline(void)
{
	return uk_cmdline_buf;
}

/* Descriptor tables: every vector on IST 1. */

struct uk_idt_entry {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t zero;
};

static struct uk_idt_entry uk_idt[256];
static uint8_t uk_tss[104];
static uint64_t uk_ist_stack[IST_STACK_SIZE / 8];

static void uk_tables_init(void)
{
	/* The IDT register: a 16-bit limit, then the 64-bit base. */
	uint16_t idtr[5] = { sizeof(uk_idt) - 1 };
	uint64_t tss = (uint64_t)uk_tss;
	uint64_t ist = ((uint64_t)uk_ist_stack + IST_STACK_SIZE) & ~15ULL;
	uint64_t idt = (uint64_t)uk_idt;
	int i;

	memcpy(&idtr[1], &idt, 8);
	for (i = 0; i < 256; i++) {
		uint64_t stub = (uint64_t)uk_trap_stubs + 16 * i;

		uk_idt[i].offset_low = stub & 0xffff;
		uk_idt[i].selector = 0x08;
		uk_idt[i].ist = 1;
		uk_idt[i].type = 0x8e;	/* present, interrupt gate */
		uk_idt[i].offset_mid = (stub >> 16) & 0xffff;
		uk_idt[i].offset_high = stub >> 32;
	}
	/* TSS: IST1 at offset 36, no I/O bitmap. */
	memcpy(uk_tss + 36, &ist, 8);
	uk_tss[102] = sizeof(uk_tss);
	uk_gdt[3] = (sizeof(uk_tss) - 1) | ((tss & 0xffffff) << 16) |
		    (0x89ULL << 40) | (((tss >> 24) & 0xff) << 56);
	uk_gdt[4] = tss >> 32;
	asm volatile("lidt %0" : : "m"(idtr) : "memory");
	asm volatile("ltr %w0" : : "r"(0x18));
}

/* Clocks: the TSC, and the LAPIC timer for wake-ups, both timed by the PIT. */

static uint32_t *uk_lapic;
static uint64_t uk_tsc0, uk_tsc_mult, uk_lapic_hz;
/* The wall clock at uk_now() == 0, in ns since the epoch, from the RTC. */
static uint64_t uk_wall0;

static uint32_t lapic_read(unsigned int reg)
{
	return __atomic_load_n(&uk_lapic[reg / 4], __ATOMIC_RELAXED);
}

static void lapic_write(unsigned int reg, uint32_t val)
{
	__atomic_store_n(&uk_lapic[reg / 4], val, __ATOMIC_RELAXED);
}

static uint16_t pit_read(void)
{
	uint8_t lo, hi;

	uk_outb(PIT_CMD, 0x00);	/* latch channel 0 */
	lo = uk_inb(PIT_CH0);
	hi = uk_inb(PIT_CH0);
	return lo | (hi << 8);
}

/*
 * One calibration window: PIT channel 0 in mode 0, counting down from
 * 0xffff; 5 ms of it against the TSC and the LAPIC timer.
 */
static void uk_calibrate(uint64_t *tsc_hz, uint64_t *lapic_hz)
{
	uint64_t tsc_start, tsc_end;
	uint32_t lapic_start, lapic_end;
	uint16_t pit_start, pit_now;
	unsigned int ticks;

	uk_outb(PIT_CMD, 0x30);
	uk_outb(PIT_CH0, 0xff);
	uk_outb(PIT_CH0, 0xff);
	pit_start = pit_read();
	lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
	lapic_start = lapic_read(LAPIC_TIMER_CUR);
	tsc_start = rdtsc();
	do {
		pit_now = pit_read();
	} while ((uint16_t)(pit_start - pit_now) < PIT_HZ / 200);
	tsc_end = rdtsc();
	lapic_end = lapic_read(LAPIC_TIMER_CUR);
	ticks = (uint16_t)(pit_start - pit_now);
	lapic_write(LAPIC_TIMER_INIT, 0);

	*tsc_hz = (tsc_end - tsc_start) * PIT_HZ / ticks;
	*lapic_hz = (uint64_t)(lapic_start - lapic_end) * PIT_HZ / ticks;
}

static void uk_clock_init(void)
{
	uint64_t tsc_hz = 0, lapic_hz = 0, t, l;
	int i;

	uk_lapic = (uint32_t *)(rdmsr(MSR_APIC_BASE) & ~0xfffULL);
	lapic_write(LAPIC_SVR, 0x100 | UK_VEC_SPURIOUS);
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_TIMER_DIV, 0x0b);	/* divide by 1 */
	lapic_write(LAPIC_LVT_TIMER, LAPIC_MASKED | UK_VEC_TIMER);

	/*
	 * A virtual CPU that the host stops for longer than the PIT's 55 ms
	 * period sees the counter wrap, and the window look shorter than it
	 * was: the rates come out too high, never too low. The lowest of a
	 * few windows is the right one.
	 */
	for (i = 0; i < 3; i++) {
		uk_calibrate(&t, &l);
		if (!tsc_hz || t < tsc_hz) {
			tsc_hz = t;
			lapic_hz = l;
		}
	}
	uk_lapic_hz = lapic_hz;
	uk_tsc_mult = (uint64_t)(((__uint128_t)NSEC_PER_SEC << 32) / tsc_hz);
	uk_tsc0 = rdtsc();
	uk_puts("# uk: TSC ");
	uk_put_dec(tsc_hz / 1000);
	uk_puts(" kHz, LAPIC timer ");
	uk_put_dec(uk_lapic_hz / 1000);
	uk_puts(" kHz\n");
}

uint64_t uk_now(void)
{
	return (uint64_t)(((__uint128_t)(rdtsc() - uk_tsc0) * uk_tsc_mult) >> 32);
}

uint64_t uk_wall_now(void)
{
	return uk_wall0 + uk_now();
}

/*
 * The wall clock starts from the CMOS RTC, read once: from then on it
 * runs on the TSC, as the monotonic clock does. Without an RTC it starts
 * at the epoch.
 */
static void uk_wall_init(void)
{
	int64_t sec = uk_rtc_read();
	uint64_t now = uk_now();

	uk_puts("# uk: RTC ");
	if (sec < 0) {
		uk_puts("missing or unreadable: the wall clock starts at the epoch\n");
		return;
	}
	uk_put_dec(sec);
	uk_puts(" s since the epoch\n");
	uk_wall0 = (uint64_t)sec * NSEC_PER_SEC;
	uk_wall0 = uk_wall0 > now ? uk_wall0 - now : 0;
}

/* Fire the timer vector at @deadline (monotonic ns) or a little later. */
void uk_timer_arm(uint64_t deadline)
{
	uint64_t now = uk_now(), ticks;

	if (!deadline) {
		lapic_write(LAPIC_TIMER_INIT, 0);
		return;
	}
	ticks = deadline > now ? (deadline - now) * uk_lapic_hz / NSEC_PER_SEC + 1 : 1;
	if (ticks > 0xffffffffULL)
		ticks = 0xffffffffULL;
	lapic_write(LAPIC_LVT_TIMER, UK_VEC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, ticks);
}

void uk_lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

/*
 * IOAPIC: pin n to vector 32 + n, level-triggered, active high. Device
 * registers are accessed with relaxed atomics: one access each, never
 * merged or dropped by the compiler.
 */

static void ioapic_write(unsigned int reg, uint32_t val)
{
	uint32_t *ioapic = (uint32_t *)IOAPIC_BASE;

	__atomic_store_n(&ioapic[0], reg, __ATOMIC_RELAXED);
	__atomic_store_n(&ioapic[4], val, __ATOMIC_RELAXED);
}

static uint32_t ioapic_read(unsigned int reg)
{
	uint32_t *ioapic = (uint32_t *)IOAPIC_BASE;

	__atomic_store_n(&ioapic[0], reg, __ATOMIC_RELAXED);
	return __atomic_load_n(&ioapic[4], __ATOMIC_RELAXED);
}

void uk_ioapic_mask(int pin, bool mask)
{
	uint32_t low = ioapic_read(0x10 + 2 * pin);

	low = mask ? low | IOAPIC_MASKED : low & ~IOAPIC_MASKED;
	ioapic_write(0x10 + 2 * pin, low);
}

void uk_ioapic_route(int pin)
{
	ioapic_write(0x11 + 2 * pin, 0);	/* to APIC 0 */
	ioapic_write(0x10 + 2 * pin, (UK_VEC_IRQ0 + pin) | IOAPIC_LEVEL);
}

static void uk_irq_init(void)
{
	int pin;

	/* The 8259s stay masked: the IOAPIC delivers everything. */
	uk_outb(PIC1_DATA, 0xff);
	uk_outb(PIC2_DATA, 0xff);
	for (pin = 0; pin < UK_IRQS; pin++)
		ioapic_write(0x10 + 2 * pin, IOAPIC_MASKED | (UK_VEC_IRQ0 + pin));
}

void uk_idle(void)
{
	asm volatile("sti; hlt; cli" : : : "memory");
}

void uk_poll_interrupts(void)
{
	asm volatile("sti; nop; cli" : : : "memory");
}

/* Memory: first fit over the RAM of the memory map, sorted by address. */

struct uk_free_block {
	size_t size;
	struct uk_free_block *next;
};

static struct uk_free_block *uk_free_list;
static uint64_t uk_free_bytes;

static inline uint64_t uk_align_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1);
}

void uk_free(void *mem, size_t len)
{
	struct uk_free_block *b = mem, **p = &uk_free_list, *prev = NULL;

	len = uk_align_up(len, 16);
	uk_free_bytes += len;
	while (*p && *p < b) {
		prev = *p;
		p = &(*p)->next;
	}
	b->size = len;
	b->next = *p;
	*p = b;
	if (b->next && (char *)b + b->size == (char *)b->next) {
		b->size += b->next->size;
		b->next = b->next->next;
	}
	if (prev && (char *)prev + prev->size == (char *)b) {
		prev->size += b->size;
		prev->next = b->next;
	}
}

void *uk_alloc(size_t len, size_t align)
{
	struct uk_free_block **p;

	if (align < 16)
		align = 16;
	len = uk_align_up(len, 16);
	for (p = &uk_free_list; *p; p = &(*p)->next) {
		struct uk_free_block *b = *p, *next = b->next;
		uint64_t start = (uint64_t)b, end = start + b->size;
		uint64_t a = uk_align_up(start, align);

		if (a + len > end)
			continue;
		if (a > start) {
			b->size = a - start;	/* the front stays in place */
			p = &b->next;
		} else {
			*p = next;
		}
		if (a + len < end) {
			struct uk_free_block *tail = (void *)(a + len);

			tail->size = end - (a + len);
			tail->next = next;
			*p = tail;
		} else {
			*p = next;
		}
		uk_free_bytes -= len;
		return (void *)a;
	}
	return NULL;
}

uint64_t uk_mem_free_bytes(void)
{
	return uk_free_bytes;
}

static void uk_mem_init(const struct uk_pvh_start *start)
{
	const struct uk_pvh_memmap *map;
	uint32_t i;

	if (start->version < 1 || !start->memmap_paddr) {
		uk_puts("uk: no memory map in the PVH start info\n");
		uk_halt(2);
	}
	map = (const struct uk_pvh_memmap *)start->memmap_paddr;
	for (i = 0; i < start->memmap_entries; i++) {
		uint64_t lo = map[i].addr, hi = map[i].addr + map[i].size;

		if (map[i].type != UK_E820_RAM)
			continue;
		if (lo < (uint64_t)uk_image_end)
			lo = (uint64_t)uk_image_end;
		if (lo < UK_MEM_START)
			lo = UK_MEM_START;
		if (hi > UK_MEM_END)
			hi = UK_MEM_END;
		lo = uk_align_up(lo, 4096);
		hi &= ~4095ULL;
		if (lo < hi)
			uk_free((void *)lo, hi - lo);
	}
}

/* Random numbers: RDRAND where the CPU has it, else a TSC-seeded xorshift. */

static bool uk_has_rdrand;
static uint64_t uk_xorshift;

int uk_random(void *buf, size_t len)
{
	uint8_t *out = buf;

	while (len) {
		uint64_t r = 0;
		size_t n = len < 8 ? len : 8;
		int ok = 0, tries;

		for (tries = 0; uk_has_rdrand && !ok && tries < 10; tries++)
			asm volatile("rdrand %0; setc %b1" : "=r"(r), "=q"(ok));
		if (!ok) {
			uk_xorshift ^= uk_xorshift << 13;
			uk_xorshift ^= uk_xorshift >> 7;
			uk_xorshift ^= uk_xorshift << 17;
			r = uk_xorshift;
		}
		memcpy(out, &r, n);
		out += n;
		len -= n;
	}
	return 0;
}

void uk_halt(int status)
{
	/* isa-debug-exit: QEMU exits with (status << 1) | 1. */
	uk_outb(DEBUG_EXIT_PORT, status);
	for (;;)
		asm volatile("cli; hlt");
}

void uk_hw_init(const struct uk_pvh_start *start)
{
	uint32_t a, b, c, d;

	uk_serial_init();
	if (start->magic != UK_PVH_MAGIC) {
		uk_puts("uk: not started by a PVH loader\n");
		uk_halt(2);
	}
	if (start->cmdline_paddr) {
		const char *s = (const char *)start->cmdline_paddr;
		size_t i;

		for (i = 0; s[i] && i < sizeof(uk_cmdline_buf) - 1; i++)
			uk_cmdline_buf[i] = s[i];
	}
	uk_tables_init();
	uk_irq_init();
	uk_clock_init();
	uk_wall_init();
	uk_mem_init(start);
	cpuid(1, &a, &b, &c, &d);
	uk_has_rdrand = c & (1U << 30);
	uk_xorshift = uk_now() | 1;
}

/* String functions: lkl.o and the compiler call them. */

void *memcpy(void *dst, const void *src, size_t len)
{
	void *ret = dst;

	asm volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(len) : : "memory");
	return ret;
}

void *memmove(void *dst, const void *src, size_t len)
{
	char *d = dst;
	const char *s = src;

	if (d <= s || d >= s + len)
		return memcpy(dst, src, len);
	while (len--)
		d[len] = s[len];
	return dst;
}

void *memset(void *dst, int c, size_t len)
{
	void *ret = dst;

	asm volatile("rep stosb" : "+D"(dst), "+c"(len) : "a"(c) : "memory");
	return ret;
}

int memcmp(const void *a, const void *b, size_t len)
{
	const unsigned char *x = a, *y = b;

	for (; len; len--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

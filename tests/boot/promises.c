// SPDX-License-Identifier: GPL-2.0
/*
 * The build's promises, checked as tests:
 *
 * - lkl.o and liblkl.so export exactly what the installed headers
 *   declare;
 * - <lkl.h> compiles next to the host's libc headers with -Wall -Werror,
 *   and links against liblkl.a and liblkl.so;
 * - "make install" gives liblkl.so.0 and an lkl.pc with which a program
 *   builds from pkg-config alone;
 * - boot and halt under valgrind show no invalid access;
 * - an idle, booted kernel uses less than 5% of a core.
 *
 * The Makefile passes the build's paths in as LKL_* macros.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lkl-test.h"

#ifndef LKL_TOOLS_DIR
#error "LKL_TOOLS_DIR must name the tools build directory"
#endif
#ifndef LKL_KOBJ_DIR
#error "LKL_KOBJ_DIR must name the kernel build directory"
#endif
#ifndef LKL_INCLUDE_DIR
#error "LKL_INCLUDE_DIR must name tools/lkl/include"
#endif
#ifndef LKL_TEST_CC
#define LKL_TEST_CC "cc"
#endif
#ifndef LKL_TOOLS_SRC_DIR
#error "LKL_TOOLS_SRC_DIR must name tools/lkl"
#endif
#ifndef LKL_LINUX_SRC
#error "LKL_LINUX_SRC must name the kernel tree"
#endif
#ifndef LKL_MAKE
#define LKL_MAKE "make"
#endif

#define LKL_CFLAGS	"-I'" LKL_TOOLS_DIR "/include' -I'" LKL_INCLUDE_DIR "'"
#define LKL_LIBS	"-lpthread -lrt"

/* Log the lines of @text, at most @max of them. */
static void log_lines(struct __test_metadata *_metadata, const char *text,
		      int max)
{
	const char *p = text, *nl;

	while (*p && max--) {
		nl = strchrnul(p, '\n');
		TH_LOG("| %.*s", (int)(nl - p), p);
		p = *nl ? nl + 1 : nl;
	}
}

/* Does the program @name exist in $PATH? */
static int in_path(const char *name)
{
	const char *path = getenv("PATH");
	char dir[4096], file[4200];
	const char *p, *end;

	for (p = path ? path : "/usr/bin:/bin"; *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, ':');
		snprintf(dir, sizeof(dir), "%.*s", (int)(end - p), p);
		snprintf(file, sizeof(file), "%s/%s", dir[0] ? dir : ".", name);
		if (!access(file, X_OK))
			return 1;
	}
	return 0;
}

/*
 * Compare the global symbols that @nm (with its options) lists for @file
 * with those that the installed headers declare (exports.sh): the
 * functions that <@includes> declare and do not define inline, and the
 * variables declared extern in @headers. The library exports exactly its
 * API.
 */
static void check_exports(struct __test_metadata *_metadata, const char *nm,
			  const char *file, const char *includes,
			  const char *headers)
{
	static char out[1 << 16];
	int status, n = 0;
	const char *line;

	ASSERT_EQ(0, access(file, R_OK)) {
		TH_LOG("%s is missing: is the library built?", file);
	}
	if (!in_path("nm"))
		SKIP(return, "nm (binutils) is not installed");

	status = test_run_out(out, sizeof(out),
			      "NM='%s' CC='%s' CFLAGS='-I%s/include -I%s' '%s' '%s' '%s' %s",
			      nm, LKL_TEST_CC, LKL_TOOLS_DIR, LKL_INCLUDE_DIR,
			      LKL_EXPORTS_SH, file, includes, headers);
	ASSERT_EQ(0, status) {
		log_lines(_metadata, out, 20);
	}
	/* comm -3: a tab before an exported name that no header declares. */
	for (line = out; *line; line = strchrnul(line, '\n'), line += !!*line) {
		if (n++ < 20)
			TH_LOG("%s: %.*s", *line == '\t' ?
			       "exported, in no header" : "declared, not exported",
			       (int)strcspn(line + (*line == '\t'), "\n"),
			       line + (*line == '\t'));
	}
	EXPECT_EQ(0, n) {
		TH_LOG("%s: %d symbols differ from the installed headers", file, n);
	}
}

TEST(exports_lkl_o)
{
	check_exports(_metadata, "nm -g --defined-only", LKL_KOBJ_DIR "/lkl.o",
		      "lkl/asm/host_ops.h",
		      "'" LKL_TOOLS_DIR "/include/lkl/asm/host_ops.h'");
}

TEST(exports_liblkl_so)
{
	check_exports(_metadata, "nm -D --defined-only",
		      LKL_TOOLS_DIR "/liblkl.so", "lkl.h lkl_host.h",
		      "'" LKL_TOOLS_DIR "/include/lkl/asm/host_ops.h' '"
		      LKL_INCLUDE_DIR "/lkl.h' '" LKL_INCLUDE_DIR "/lkl_host.h'");
}

static const char header_test_src[] =
	"#include <signal.h>\n"
	"#include <stdio.h>\n"
	"#include <string.h>\n"
	"\n"
	"int main(int argc, char **argv)\n"
	"{\n"
	"	struct lkl_new_utsname uts;\n"
	"	struct lkl_sockaddr_in lsin;\n"
	"	struct sockaddr sa;\n"
	"	sigset_t set;\n"
	"\n"
	"	sigemptyset(&set);\n"
	"	memset(&lsin, 0, sizeof(lsin));\n"
	"	memset(&sa, 0, sizeof(sa));\n"
	"	lsin.sin_family = LKL_AF_INET;\n"
	"	sa.sa_family = AF_INET;\n"
	"	printf(\"%d %d %d %d %d\\n\", lsin.sin_family, sa.sa_family,\n"
	"	       LKL_O_RDONLY | LKL_O_CREAT, O_RDONLY | O_CREAT, SIGINT);\n"
	"	if (argc < 2)\n"
	"		return 0;\n"
	"	if (lkl_start_kernel(&lkl_host_ops, argv[1]))\n"
	"		return 1;\n"
	"	if (lkl_sys_uname(&uts) || strcmp(uts.machine, \"lkl\"))\n"
	"		return 2;\n"
	"	return lkl_sys_halt() ? 3 : 0;\n"
	"}\n";

static const char host_headers[] =
	"#include <sys/socket.h>\n"
	"#include <fcntl.h>\n"
	"#include <stdio.h>\n"
	"#include <signal.h>\n";
static const char lkl_header[] =
	"#include <lkl.h>\n"
	"#include <lkl_host.h>\n";

/* Write a test program that includes @first, then @second. */
static int write_source(const char *path, const char *first,
			const char *second)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f, "%s%s%s", first, second, header_test_src);
	return fclose(f);
}

TEST(headers_compile)
{
	char dir[] = "/tmp/lkl-headers-XXXXXX";
	static char out[65536];
	char src[2][256], cmd[4096];
	int i;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(src[0], sizeof(src[0]), "%s/lkl_first.c", dir);
	snprintf(src[1], sizeof(src[1]), "%s/lkl_last.c", dir);
	ASSERT_EQ(0, write_source(src[0], lkl_header, host_headers));
	ASSERT_EQ(0, write_source(src[1], host_headers, lkl_header));

	/* Either order of includes compiles without a single warning. */
	for (i = 0; i < 2; i++) {
		snprintf(cmd, sizeof(cmd),
			 "%s -Wall -Werror " LKL_CFLAGS " -c '%s' -o '%s.o'",
			 LKL_TEST_CC, src[i], src[i]);
		EXPECT_EQ(0, test_run_out(out, sizeof(out), "%s", cmd)) {
			TH_LOG("%s", cmd);
			log_lines(_metadata, out, 40);
		}
	}

	/* It links against liblkl.a ... */
	snprintf(cmd, sizeof(cmd),
		 "%s -Wall -Werror '%s.o' -o '%s/static' '%s/liblkl.a' %s",
		 LKL_TEST_CC, src[0], dir, LKL_TOOLS_DIR, LKL_LIBS);
	EXPECT_EQ(0, test_run_out(out, sizeof(out), "%s", cmd)) {
		TH_LOG("%s", cmd);
		log_lines(_metadata, out, 40);
	}

	/* ... and against liblkl.so, and the result boots. */
	snprintf(cmd, sizeof(cmd),
		 "%s -Wall -Werror '%s.o' -o '%s/shared' -L'%s' -Wl,-rpath,'%s' -llkl %s",
		 LKL_TEST_CC, src[0], dir, LKL_TOOLS_DIR, LKL_TOOLS_DIR,
		 LKL_LIBS);
	EXPECT_EQ(0, test_run_out(out, sizeof(out), "%s", cmd)) {
		TH_LOG("%s", cmd);
		log_lines(_metadata, out, 40);
	}
	snprintf(cmd, sizeof(cmd), "'%s/shared' mem=32M", dir);
	EXPECT_EQ(0, test_run_out(out, sizeof(out), "%s", cmd)) {
		TH_LOG("%s", cmd);
		log_lines(_metadata, out, 40);
	}

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	test_run_out(out, sizeof(out), "%s", cmd);
}

FIXTURE(install) {
	char dir[64];
};

FIXTURE_SETUP(install)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/lkl-install-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
}

FIXTURE_TEARDOWN(install)
{
	static char out[256];

	test_run_out(out, sizeof(out), "rm -rf '%s'", self->dir);
}

/*
 * The library installs like one: "make install PREFIX=<dir>" gives
 * liblkl.so.0 with that soname, the liblkl.so link and an lkl.pc, with
 * which a program builds from "pkg-config --cflags --libs lkl" alone,
 * records liblkl.so.0 as what it needs, and boots, makes a call and
 * halts against the installed library.
 */
TEST_F_TIMEOUT(install, pkg_config, 90)
{
	static char out[65536];
	char pc_env[256], src[256], link[16] = "";
	char flags[1024], cmd[4096];
	int status;

	if (!in_path("pkg-config"))
		SKIP(return, "pkg-config is not installed");
	if (!in_path("readelf"))
		SKIP(return, "readelf (binutils) is not installed");

	/* The make that runs the tests must not hand its flags down. */
	status = test_run_out(out, sizeof(out),
			      "env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u DESTDIR %s -s -C '%s' O='%s' LKL_KOBJ='%s' LINUX_SRC='%s' PREFIX='%s' install",
			      LKL_MAKE, LKL_TOOLS_SRC_DIR, LKL_TOOLS_DIR,
			      LKL_KOBJ_DIR, LKL_LINUX_SRC, self->dir);
	ASSERT_EQ(0, status) {
		TH_LOG("make install PREFIX=%s failed", self->dir);
		log_lines(_metadata, out, 40);
	}

	/* The soname, and the link that -llkl finds. */
	ASSERT_EQ(0, test_run_out(out, sizeof(out), "readelf -d '%s/lib/liblkl.so.0'",
				  self->dir));
	EXPECT_NE(NULL, strstr(out, "Library soname: [liblkl.so.0]")) {
		log_lines(_metadata, out, 20);
	}
	snprintf(src, sizeof(src), "%s/lib/liblkl.so", self->dir);
	EXPECT_LT(0, readlink(src, link, sizeof(link) - 1));
	EXPECT_STREQ("liblkl.so.0", link);

	/* lkl.pc names PREFIX, and gives all the flags a program needs. */
	snprintf(pc_env, sizeof(pc_env), "PKG_CONFIG_PATH='%s/lib/pkgconfig'",
		 self->dir);
	ASSERT_EQ(0, test_run_out(out, sizeof(out), "%s pkg-config --variable=prefix lkl",
				  pc_env)) {
		log_lines(_metadata, out, 20);
	}
	out[strcspn(out, "\n")] = 0;
	EXPECT_STREQ(self->dir, out);
	ASSERT_EQ(0, test_run_out(flags, sizeof(flags), "%s pkg-config --cflags --libs lkl",
				  pc_env)) {
		log_lines(_metadata, flags, 20);
	}
	flags[strcspn(flags, "\n")] = 0;
	TH_LOG("pkg-config --cflags --libs lkl: %s", flags);

	snprintf(src, sizeof(src), "%s/app.c", self->dir);
	ASSERT_EQ(0, write_source(src, lkl_header, host_headers));
	snprintf(cmd, sizeof(cmd), "%s -Wall -Werror '%s' -o '%s/app' %s",
		 LKL_TEST_CC, src, self->dir, flags);
	ASSERT_EQ(0, test_run_out(out, sizeof(out), "%s", cmd)) {
		TH_LOG("%s", cmd);
		log_lines(_metadata, out, 40);
	}
	ASSERT_EQ(0, test_run_out(out, sizeof(out), "readelf -d '%s/app'", self->dir));
	EXPECT_NE(NULL, strstr(out, "Shared library: [liblkl.so.0]")) {
		log_lines(_metadata, out, 20);
	}

	/* It boots, calls uname and halts, on the installed library. */
	snprintf(cmd, sizeof(cmd), "LD_LIBRARY_PATH='%s/lib' '%s/app' mem=32M",
		 self->dir, self->dir);
	EXPECT_EQ(0, test_run_out(out, sizeof(out), "%s", cmd)) {
		TH_LOG("%s", cmd);
		log_lines(_metadata, out, 40);
	}
}

/* Count the lines of @text that contain @what. */
static int count_lines(const char *text, const char *what)
{
	int n = 0;

	for (text = strstr(text, what); text; text = strstr(text + 1, what))
		n++;
	return n;
}

FIXTURE(slow) {
	int unused;
};

FIXTURE_SETUP(slow)
{
}

FIXTURE_TEARDOWN(slow)
{
}

/*
 * Boot and halt under valgrind's memcheck. Leaks are not errors: a process
 * that boots a kernel may keep what it allocated until it exits.
 */
TEST_F_TIMEOUT(slow, valgrind_boot_halt, 150)
{
	char *helper = test_helper("boot-halt");
	char log[] = "/tmp/lkl-valgrind-XXXXXX";
	static char out[1 << 20];
	char cmd[4096];
	int status, fd;

	if (test_sanitizers())
		SKIP(return, "known: valgrind cannot run a program built with -fsanitize=%s",
		     test_sanitizers());
	if (!in_path("valgrind"))
		SKIP(return, "valgrind is not installed");
	ASSERT_NE(NULL, helper);
	ASSERT_EQ(0, access(helper, X_OK)) {
		TH_LOG("%s is missing", helper);
	}

	fd = mkstemp(log);
	ASSERT_LE(0, fd);
	close(fd);
	snprintf(cmd, sizeof(cmd),
		 "valgrind --error-exitcode=99 --errors-for-leak-kinds=none --log-file='%s' '%s' mem=32M",
		 log, helper);
	status = test_run_out(out, sizeof(out), "%s", cmd);
	EXPECT_EQ(0, status) {
		TH_LOG("%s exited with %d", cmd, status);
		log_lines(_metadata, out, 20);
	}

	snprintf(cmd, sizeof(cmd), "cat '%s'", log);
	ASSERT_EQ(0, test_run_out(out, sizeof(out), "%s", cmd));
	unlink(log);
	EXPECT_EQ(0, count_lines(out, "Invalid read"));
	EXPECT_EQ(0, count_lines(out, "Invalid write"));
	EXPECT_EQ(0, count_lines(out, "Invalid free"));
	if (status)
		log_lines(_metadata, out, 60);
}

/*
 * A host without fibers gets the idle task on a host thread of its own:
 * boot, make calls, sleep and halt that way too.
 */
TEST(boots_without_fibers)
{
	char *helper = test_helper("boot-halt");
	static char out[1 << 16];
	char cmd[4096];
	int status;

	ASSERT_NE(NULL, helper);
	ASSERT_EQ(0, access(helper, X_OK)) {
		TH_LOG("%s is missing", helper);
	}
	snprintf(cmd, sizeof(cmd), "'%s' -n mem=32M", helper);
	status = test_run_out(out, sizeof(out), "%s", cmd);
	EXPECT_EQ(0, status) {
		TH_LOG("%s exited with %d", cmd, status);
		log_lines(_metadata, out, 20);
	}
}

/*
 * An idle kernel sleeps: no busy polling, no periodic tick. Over 2 s the
 * whole process may use at most 5% of a core (0.1 s).
 */
TEST(idle_cpu)
{
	struct timespec settle = { 0, 200 * NSEC_PER_MSEC };
	struct timespec idle = { 2, 0 };
	struct rusage r0, r1;
	long long t0, wall, cpu;

	ASSERT_EQ(0, lkl_start_kernel(&lkl_host_ops, LKL_TEST_CMDLINE));
	/* Let the work queued at boot finish first. */
	nanosleep(&settle, NULL);

	getrusage(RUSAGE_SELF, &r0);
	t0 = host_ns(CLOCK_MONOTONIC);
	while (nanosleep(&idle, &idle))
		;
	wall = host_ns(CLOCK_MONOTONIC) - t0;
	getrusage(RUSAGE_SELF, &r1);

	cpu = (r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) * NSEC_PER_SEC +
	      (r1.ru_utime.tv_usec - r0.ru_utime.tv_usec) * NSEC_PER_USEC +
	      (r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) * NSEC_PER_SEC +
	      (r1.ru_stime.tv_usec - r0.ru_stime.tv_usec) * NSEC_PER_USEC;
	TH_LOG("idle: %lld us of CPU in %lld ms (%.2f%% of a core)",
	       cpu / 1000, wall / NSEC_PER_MSEC, 100.0 * cpu / wall);
	EXPECT_GT(wall / 20, cpu);
	EXPECT_EQ(0, lkl_sys_halt());
}

TEST_HARNESS_MAIN

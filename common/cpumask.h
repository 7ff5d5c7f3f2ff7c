/* CPU sets: one bitmap type and one parser of the kernel's cpulist syntax ("0-3,7") for oci/,
 * rt/ and scheduler/. Sized for the kernel's largest NR_CPUS (8192, x86 MAXSMP). Host reads
 * take a sysfs root so unit tests can point them at a fake tree. */
#ifndef RTRUN_COMMON_CPUMASK_H
#define RTRUN_COMMON_CPUMASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define CPUMASK_MAX 8192
/* A buffer that holds any realistic cpulist; format() truncates at a range boundary. */
#define CPULIST_MAX 4096

struct cpumask {
        uint64_t w[CPUMASK_MAX / 64];
};

void cpumask_zero(struct cpumask *m);
void cpumask_set(struct cpumask *m, unsigned cpu);
void cpumask_clear(struct cpumask *m, unsigned cpu);
bool cpumask_test(const struct cpumask *m, unsigned cpu);
unsigned cpumask_count(const struct cpumask *m);
bool cpumask_empty(const struct cpumask *m);
bool cpumask_equal(const struct cpumask *a, const struct cpumask *b);
bool cpumask_subset(const struct cpumask *sub, const struct cpumask *super);
bool cpumask_intersects(const struct cpumask *a, const struct cpumask *b);
void cpumask_and(struct cpumask *dst, const struct cpumask *a, const struct cpumask *b);
void cpumask_or(struct cpumask *dst, const struct cpumask *a, const struct cpumask *b);
void cpumask_andnot(struct cpumask *dst, const struct cpumask *a, const struct cpumask *b);
/* Highest set CPU + 1, 0 when empty. */
unsigned cpumask_last(const struct cpumask *m);
/* Lowest set CPU, -1 when empty; the next set CPU after `cpu`, -1 when none. */
int cpumask_first(const struct cpumask *m);
int cpumask_next(const struct cpumask *m, int cpu);

/* "0-3,7" (blanks and a trailing newline allowed; "" is the empty set). Errors name the list
 * and the bad part; callers wrap them with the config field or file. */
int cpumask_parse(const char *list, struct cpumask *out, struct rterr *err);
/* Formats as a cpulist into buf ("" when empty); returns buf. */
char *cpumask_format(const struct cpumask *m, char *buf, size_t len);
/* The kernel's hex bitmap ("ff,00000003"), as in /proc/irq/default_smp_affinity. */
int cpumask_parse_hex(const char *text, struct cpumask *out, struct rterr *err);
char *cpumask_format_hex(const struct cpumask *m, char *buf, size_t len);
/* Reads a file holding a cpulist (cpuset.cpus, .../cpu/online ...). */
int cpumask_read_file(int dirfd, const char *path, struct cpumask *out, struct rterr *err);
/* <sysfs>/devices/system/cpu/online; sysfs NULL means "/sys". */
int cpumask_read_online(const char *sysfs, struct cpumask *out, struct rterr *err);

#endif

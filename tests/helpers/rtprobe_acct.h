/* rtprobe's accounting: pure functions over a schedule of activations (planned release, actual
 * wake-up, completion; all absolute nanoseconds). Header-only because every .c file in
 * tests/helpers is its own static program, and the unit test includes it directly. */
#ifndef RTRUN_TESTS_RTPROBE_ACCT_H
#define RTRUN_TESTS_RTPROBE_ACCT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct rtprobe_sample {
        int64_t release;    /* planned release (ns) */
        int64_t wakeup;     /* when clock_nanosleep returned (ns) */
        int64_t completion; /* when the budget was spent (ns) */
};

/* Latency histogram: 1 us buckets; the last bucket collects everything at or above it. */
#define RTPROBE_HIST_BUCKETS 2000

struct rtprobe_summary {
        uint64_t activations; /* releases that ran */
        uint64_t skipped;     /* releases dropped because their deadline had passed */
        uint64_t misses;      /* late completions plus skipped releases */
        int64_t lat_min;      /* wake-up latency = wakeup - release (ns) */
        int64_t lat_avg;
        int64_t lat_p50;
        int64_t lat_p99;
        int64_t lat_p999; /* 99.9th percentile */
        int64_t lat_max;
        int64_t response_max; /* completion - release (ns) */
        int64_t response_p99;
        int64_t job_p999; /* completion - wakeup: the job's wall time, its WCET as run */
        int64_t job_max;
};

static inline int rtprobe_cmp_i64(const void *a, const void *b)
{
        int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
        return (x > y) - (x < y);
}

/* Nearest-rank quantile (per_mille in 1..1000) of n sorted values: the value at rank
 * ceil(per_mille*n/1000). */
static inline int64_t rtprobe_permille_sorted(const int64_t *sorted, size_t n, unsigned per_mille)
{
        if (n == 0)
                return 0;
        size_t rank = ((size_t)per_mille * n + 999) / 1000;
        if (rank == 0)
                rank = 1;
        return sorted[rank - 1];
}

/* Nearest-rank percentile (pct in 1..100) of n sorted values: the value at rank ceil(pct*n/100). */
static inline int64_t rtprobe_percentile_sorted(const int64_t *sorted, size_t n, unsigned pct)
{
        return rtprobe_permille_sorted(sorted, n, pct * 10);
}

static inline bool rtprobe_missed(const struct rtprobe_sample *s, int64_t deadline)
{
        return s->completion - s->release > deadline;
}

/* Index of the release to run after release k completed at `now` (releases at start + i *
 * period): the next one whose deadline is still ahead. Releases in between are skipped, so an
 * overrun costs the releases it made hopeless instead of delaying every later one. */
static inline uint64_t rtprobe_next_index(int64_t start, int64_t period, int64_t deadline,
                                          uint64_t k, int64_t now)
{
        uint64_t next = k + 1;
        int64_t late = now - deadline - start;
        if (late >= 0 && (uint64_t)(late / period) + 1 > next)
                next = (uint64_t)(late / period) + 1;
        return next;
}

/* Summarises n samples (plus `skipped` releases that never ran) against a relative deadline.
 * scratch holds n int64_t (the caller's, so this never allocates). */
static inline void rtprobe_summarize(const struct rtprobe_sample *s, size_t n, uint64_t skipped,
                                     int64_t deadline, int64_t *scratch,
                                     struct rtprobe_summary *out)
{
        memset(out, 0, sizeof(*out));
        out->activations = n;
        out->skipped = skipped;
        out->misses = skipped;
        if (n == 0)
                return;
        __int128 sum = 0;
        out->lat_min = INT64_MAX;
        out->lat_max = INT64_MIN;
        out->response_max = INT64_MIN;
        for (size_t i = 0; i < n; i++) {
                int64_t lat = s[i].wakeup - s[i].release;
                int64_t resp = s[i].completion - s[i].release;
                sum += lat;
                if (lat < out->lat_min)
                        out->lat_min = lat;
                if (lat > out->lat_max)
                        out->lat_max = lat;
                if (resp > out->response_max)
                        out->response_max = resp;
                if (rtprobe_missed(&s[i], deadline))
                        out->misses++;
                scratch[i] = lat;
        }
        out->lat_avg = (int64_t)(sum / (__int128)n);
        qsort(scratch, n, sizeof(*scratch), rtprobe_cmp_i64);
        out->lat_p50 = rtprobe_percentile_sorted(scratch, n, 50);
        out->lat_p99 = rtprobe_percentile_sorted(scratch, n, 99);
        out->lat_p999 = rtprobe_permille_sorted(scratch, n, 999);
        for (size_t i = 0; i < n; i++)
                scratch[i] = s[i].completion - s[i].release;
        qsort(scratch, n, sizeof(*scratch), rtprobe_cmp_i64);
        out->response_p99 = rtprobe_percentile_sorted(scratch, n, 99);
        for (size_t i = 0; i < n; i++)
                scratch[i] = s[i].completion - s[i].wakeup;
        qsort(scratch, n, sizeof(*scratch), rtprobe_cmp_i64);
        out->job_p999 = rtprobe_permille_sorted(scratch, n, 999);
        out->job_max = scratch[n - 1];
}

/* Adds each sample's wake-up latency to a histogram of RTPROBE_HIST_BUCKETS 1 us buckets
 * (negative latencies, which a coarse clock can give, count as 0). */
static inline void rtprobe_histogram(const struct rtprobe_sample *s, size_t n, uint64_t *hist)
{
        for (size_t i = 0; i < n; i++) {
                int64_t us = (s[i].wakeup - s[i].release) / 1000;
                if (us < 0)
                        us = 0;
                if (us >= RTPROBE_HIST_BUCKETS)
                        us = RTPROBE_HIST_BUCKETS - 1;
                hist[us]++;
        }
}

/* Parses a duration: an integer with an optional unit ns, us, ms or s; a bare integer is
 * microseconds (as cyclictest's -i). Returns false on anything else, zero, or overflow. */
static inline bool rtprobe_parse_duration(const char *text, int64_t *ns)
{
        static const struct {
                const char *unit;
                int64_t scale;
        } units[] = {{"", 1000}, {"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000}};
        char *end = NULL;
        if (!text || *text < '0' || *text > '9')
                return false;
        unsigned long long v = strtoull(text, &end, 10);
        for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
                if (strcmp(end, units[i].unit) != 0)
                        continue;
                if (v == 0 || v > (unsigned long long)(INT64_MAX / units[i].scale))
                        return false;
                *ns = (int64_t)v * units[i].scale;
                return true;
        }
        return false;
}

#endif

/* rtprobe's accounting on synthetic schedules: misses, latency percentiles, histogram, and the
 * duration parser. The schedules are built here, so every expected value is known exactly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/helpers/rtprobe_acct.h"

#define PERIOD 1000000 /* 1 ms */

/* Activation k released at k*PERIOD, woken lat[k] ns later, done resp[k] ns after release. */
static void build(struct rtprobe_sample *s, size_t n, const int64_t *lat, const int64_t *resp)
{
        for (size_t k = 0; k < n; k++) {
                s[k].release = (int64_t)k * PERIOD;
                s[k].wakeup = s[k].release + lat[k];
                s[k].completion = s[k].release + resp[k];
        }
}

static void test_counts_the_misses_it_is_shown(void **state)
{
        (void)state;
        /* Deadline 500 us: activations 1, 3 and 4 finish after it; 2 finishes exactly on it. */
        const int64_t lat[5] = {10000, 20000, 30000, 40000, 50000};
        const int64_t resp[5] = {200000, 500001, 500000, 900000, 1200000};
        struct rtprobe_sample s[5];
        int64_t scratch[5];
        struct rtprobe_summary sum;
        build(s, 5, lat, resp);
        rtprobe_summarize(s, 5, 0, 500000, scratch, &sum);
        assert_int_equal(sum.activations, 5);
        assert_int_equal(sum.misses, 3);
        assert_int_equal(sum.lat_min, 10000);
        assert_int_equal(sum.lat_max, 50000);
        assert_int_equal(sum.lat_avg, 30000);
        assert_int_equal(sum.lat_p99, 50000);
        assert_int_equal(sum.response_max, 1200000);
        /* A later deadline turns every one of them into a hit. */
        rtprobe_summarize(s, 5, 0, 1200000, scratch, &sum);
        assert_int_equal(sum.misses, 0);
}

static void test_p99_is_nearest_rank(void **state)
{
        (void)state;
        /* 200 activations with latency k us, shuffled by a stride: p99 is rank 198 -> 197 us. */
        enum { N = 200 };
        struct rtprobe_sample s[N];
        int64_t lat[N], resp[N], scratch[N];
        struct rtprobe_summary sum;
        for (int k = 0; k < N; k++) {
                lat[k] = (int64_t)((k * 37) % N) * 1000;
                resp[k] = lat[k] + 100000;
        }
        build(s, N, lat, resp);
        rtprobe_summarize(s, N, 0, PERIOD, scratch, &sum);
        assert_int_equal(sum.lat_min, 0);
        assert_int_equal(sum.lat_max, 199000);
        assert_int_equal(sum.lat_p99, 197000);
        assert_int_equal(sum.response_p99, 297000);
        assert_int_equal(sum.misses, 0);
}

static void test_p50_and_p999_are_nearest_rank(void **state)
{
        (void)state;
        /* 2000 latencies 0..1999 us shuffled: p50 is rank 1000 -> 999 us, p99.9 is rank 1998
         * -> 1997 us. */
        enum { N = 2000 };
        static struct rtprobe_sample s[N];
        static int64_t lat[N], resp[N], scratch[N];
        struct rtprobe_summary sum;
        for (int k = 0; k < N; k++) {
                lat[k] = (int64_t)((k * 37) % N) * 1000;
                resp[k] = lat[k] + 100000;
        }
        build(s, N, lat, resp);
        rtprobe_summarize(s, N, 0, 10 * PERIOD, scratch, &sum);
        assert_int_equal(sum.lat_p50, 999000);
        assert_int_equal(sum.lat_p99, 1979000);
        assert_int_equal(sum.lat_p999, 1997000);
        /* Every job ran 100 us from wake-up to completion. */
        assert_int_equal(sum.job_p999, 100000);
        assert_int_equal(sum.job_max, 100000);
}

static void test_single_and_empty_schedules(void **state)
{
        (void)state;
        const int64_t lat[1] = {7000}, resp[1] = {PERIOD + 1};
        struct rtprobe_sample s[1];
        int64_t scratch[1];
        struct rtprobe_summary sum;
        build(s, 1, lat, resp);
        rtprobe_summarize(s, 1, 0, PERIOD, scratch, &sum);
        assert_int_equal(sum.misses, 1);
        assert_int_equal(sum.lat_p99, 7000);
        rtprobe_summarize(s, 0, 0, PERIOD, scratch, &sum);
        assert_int_equal(sum.activations, 0);
        assert_int_equal(sum.misses, 0);
}

static void test_skipped_releases_are_misses(void **state)
{
        (void)state;
        /* Two activations ran on time and three releases were skipped: three misses. */
        const int64_t lat[2] = {1000, 2000}, resp[2] = {100000, 200000};
        struct rtprobe_sample s[2];
        int64_t scratch[2];
        struct rtprobe_summary sum;
        build(s, 2, lat, resp);
        rtprobe_summarize(s, 2, 3, PERIOD, scratch, &sum);
        assert_int_equal(sum.activations, 2);
        assert_int_equal(sum.skipped, 3);
        assert_int_equal(sum.misses, 3);
}

static void test_next_release_skips_only_hopeless_ones(void **state)
{
        (void)state;
        const int64_t start = 5000000, d = 800000; /* deadline 0.8 ms, period 1 ms */
        /* Release 0 done on time: release 1 is next. */
        assert_int_equal(rtprobe_next_index(start, PERIOD, d, 0, start + 300000), 1);
        /* Done at 1.9 ms: release 1's deadline (1.8 ms) passed, release 2's (2.8 ms) did not. */
        assert_int_equal(rtprobe_next_index(start, PERIOD, d, 0, start + 1900000), 2);
        /* Done 1 ns before release 1's deadline: it still starts (and will miss); done exactly
         * at it, it is skipped. */
        assert_int_equal(rtprobe_next_index(start, PERIOD, d, 0, start + 1799999), 1);
        assert_int_equal(rtprobe_next_index(start, PERIOD, d, 0, start + 1800000), 2);
        /* Done at 7.5 ms after release 3: releases 4..6 are hopeless, 7 (deadline 7.8) is next. */
        assert_int_equal(rtprobe_next_index(start, PERIOD, d, 3, start + 7500000), 7);
        /* A completion before the first release (clock skew) never goes backwards. */
        assert_int_equal(rtprobe_next_index(start, PERIOD, d, 4, start - 10), 5);
}

static void test_histogram_buckets(void **state)
{
        (void)state;
        const int64_t lat[4] = {-300, 1500, 1999, 5000000000LL};
        const int64_t resp[4] = {1000, 2000, 3000, 5000000001LL};
        struct rtprobe_sample s[4];
        uint64_t hist[RTPROBE_HIST_BUCKETS] = {0};
        build(s, 4, lat, resp);
        rtprobe_histogram(s, 4, hist);
        assert_int_equal(hist[0], 1);
        assert_int_equal(hist[1], 2);
        assert_int_equal(hist[RTPROBE_HIST_BUCKETS - 1], 1);
}

static void test_parse_duration(void **state)
{
        (void)state;
        int64_t ns = 0;
        assert_true(rtprobe_parse_duration("1ms", &ns));
        assert_int_equal(ns, 1000000);
        assert_true(rtprobe_parse_duration("250", &ns));
        assert_int_equal(ns, 250000);
        assert_true(rtprobe_parse_duration("3s", &ns));
        assert_int_equal(ns, 3000000000LL);
        assert_true(rtprobe_parse_duration("1500ns", &ns));
        assert_int_equal(ns, 1500);
        assert_false(rtprobe_parse_duration("0ms", &ns));
        assert_false(rtprobe_parse_duration("-1ms", &ns));
        assert_false(rtprobe_parse_duration("5min", &ns));
        assert_false(rtprobe_parse_duration("", &ns));
        assert_false(rtprobe_parse_duration("99999999999999999s", &ns));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_counts_the_misses_it_is_shown),
            cmocka_unit_test(test_p99_is_nearest_rank),
            cmocka_unit_test(test_p50_and_p999_are_nearest_rank),
            cmocka_unit_test(test_single_and_empty_schedules),
            cmocka_unit_test(test_skipped_releases_are_misses),
            cmocka_unit_test(test_next_release_skips_only_hopeless_ones),
            cmocka_unit_test(test_histogram_buckets),
            cmocka_unit_test(test_parse_duration),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

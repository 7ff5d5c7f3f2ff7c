/* Placement time (issue 20): sched_place_batch on N containers, all "auto", on M CPUs, for
 * N = 10, 100, 1000 and M = 4, 16, 64. Each set asks for about 70% of the CPUs' capacity
 * (random DEADLINE reservations, periods 1-20 ms, a third elastic, mixed classes), so most fit
 * and the search has real choices. Reports the heuristics alone (worst-fit and best-fit
 * decreasing) and heuristics plus the exact search within SCHED_PLACE_EXACT_BUDGET nodes:
 * wall time (median of ROUNDS), how many were admitted, and whether the search proved the
 * optimum. Timings are printed, never asserted:  bench_placement [ROUNDS] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scheduler/scheduler.h"

static double now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static uint64_t rnd(uint64_t *s)
{
        *s ^= *s << 13;
        *s ^= *s >> 7;
        *s ^= *s << 17;
        return *s;
}

static int cmp_d(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;
        return x < y ? -1 : x > y;
}

static void make(struct sched_task *t, struct sched_place_req *req, size_t n, int m,
                 const struct sched_host *h, uint64_t seed)
{
        /* utilisation per task so that the total is about 0.7 * 0.9 * m */
        double per = 0.63 * m / (double)n;
        for (size_t i = 0; i < n; i++) {
                memset(&t[i], 0, sizeof(t[i]));
                snprintf(t[i].id, sizeof(t[i].id), "c%zu", i);
                t[i].kind = SCHED_KIND_DEADLINE;
                t[i].policy = 6;
                t[i].crit = (enum sched_crit)(rnd(&seed) % 4);
                t[i].period = (1 + rnd(&seed) % 20) * 1000000;
                double u = per * (0.5 + (double)(rnd(&seed) % 1000) / 1000.0);
                if (u > 0.85)
                        u = 0.85;
                t[i].runtime = (uint64_t)(u * (double)t[i].period);
                if (t[i].runtime < 10000)
                        t[i].runtime = 10000;
                t[i].deadline = t[i].period;
                t[i].weight = 1;
                if (rnd(&seed) % 3 == 0) {
                        t[i].elastic = true;
                        t[i].min_runtime = t[i].runtime / 4;
                }
                memset(&req[i], 0, sizeof(req[i]));
                req[i].place = true;
                req[i].count = 1;
                req[i].pool = h->cpus;
        }
}

int main(int argc, char **argv)
{
        int rounds = argc > 1 ? atoi(argv[1]) : 5;
        if (rounds < 1)
                rounds = 1;
        static const size_t ns[] = {10, 100, 1000};
        static const int ms[] = {4, 16, 64};
        printf("%-6s %-5s %-14s %-10s %-22s %-10s %s\n", "N", "CPUS", "heuristic(ms)", "admitted",
               "heuristic+exact(ms)", "admitted", "exact search");
        for (size_t a = 0; a < 3; a++)
                for (size_t b = 0; b < 3; b++) {
                        size_t n = ns[a];
                        int m = ms[b];
                        char cpus[32];
                        snprintf(cpus, sizeof(cpus), "0-%d", m - 1);
                        struct sched_host h;
                        struct rterr err;
                        if (sched_host_from_values(&h, 950000, 1000000, cpus, 50000000, 1000000000,
                                                   &err) < 0) {
                                fprintf(stderr, "host: %s\n", err.msg);
                                return 1;
                        }
                        struct sched_task *t = calloc(n, sizeof(*t));
                        struct sched_place_req *req = calloc(n, sizeof(*req));
                        struct sched_verdict *v = calloc(n, sizeof(*v));
                        double *th = calloc((size_t)rounds, sizeof(double));
                        double *te = calloc((size_t)rounds, sizeof(double));
                        if (!t || !req || !v || !th || !te)
                                return 1;
                        size_t adm_h = 0, adm_e = 0;
                        struct sched_place_stats st = {0};
                        for (int r = 0; r < rounds; r++) {
                                make(t, req, n, m, &h,
                                     0x1234567ull + (uint64_t)r * 7919 + n * 31 + (uint64_t)m);
                                double t0 = now_ms();
                                size_t rej = sched_place_batch(t, req, n, &h, 0, v, NULL);
                                th[r] = now_ms() - t0;
                                adm_h = n - rej;
                                t0 = now_ms();
                                rej = sched_place_batch(t, req, n, &h, SCHED_PLACE_EXACT_BUDGET, v,
                                                        &st);
                                te[r] = now_ms() - t0;
                                adm_e = n - rej;
                        }
                        qsort(th, (size_t)rounds, sizeof(double), cmp_d);
                        qsort(te, (size_t)rounds, sizeof(double), cmp_d);
                        char ex[64];
                        if (st.exact)
                                snprintf(ex, sizeof(ex), "%s, %llu nodes",
                                         st.optimal ? "optimal" : "budget spent",
                                         (unsigned long long)st.nodes);
                        else
                                snprintf(ex, sizeof(ex), "not run (more than %d to place)",
                                         SCHED_PLACE_EXACT_MAX);
                        printf("%-6zu %-5d %-14.3f %-10zu %-22.3f %-10zu %s\n", n, m,
                               th[rounds / 2], adm_h, te[rounds / 2], adm_e, ex);
                        fflush(stdout);
                        free(t);
                        free(req);
                        free(v);
                        free(th);
                        free(te);
                }
        return 0;
}

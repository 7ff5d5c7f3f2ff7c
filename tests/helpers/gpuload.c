/* gpuload: the perception role's load. Where the NVIDIA driver's libcuda.so.1 can be loaded and
 * a GPU initialised, it launches a compute kernel (a loop of FMAs, PTX compiled by the driver)
 * over and over for --duration, waiting for each, as a camera pipeline keeps a GPU busy; with no
 * GPU it falls back to the CPU load rtprobe gives perception (spin --budget of every --period).
 * Prints one JSON line: which load ran and why. Linked dynamically (dlopen of the driver
 * library), unlike the other helpers; needs only the C library in the root filesystem. */
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The few driver API types and calls used (cuda.h is not needed: the ABI is stable). */
typedef int cu_result;
typedef void *cu_handle;
typedef unsigned long long cu_devptr;

struct cu_api {
        cu_result (*init)(unsigned);
        cu_result (*device_get)(int *, int);
        cu_result (*device_name)(char *, int, int);
        cu_result (*ctx_create)(cu_handle *, unsigned, int);
        cu_result (*module_load_data)(cu_handle *, const void *);
        cu_result (*module_get_function)(cu_handle *, cu_handle, const char *);
        cu_result (*mem_alloc)(cu_devptr *, size_t);
        cu_result (*launch)(cu_handle, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned,
                            unsigned, cu_handle, void **, void **);
        cu_result (*synchronize)(void);
};

/* Each thread runs `iters` dependent FMAs and stores the result (so the loop is not removed). */
static const char spin_ptx[] = ".version 7.0\n"
                               ".target sm_52\n"
                               ".address_size 64\n"
                               ".visible .entry spin(.param .u64 out, .param .u32 iters)\n"
                               "{\n"
                               "  .reg .pred p;\n"
                               "  .reg .f32 f<3>;\n"
                               "  .reg .u32 r<4>;\n"
                               "  .reg .u64 rd<4>;\n"
                               "  ld.param.u64 rd0, [out];\n"
                               "  ld.param.u32 r0, [iters];\n"
                               "  mov.u32 r1, %tid.x;\n"
                               "  cvt.rn.f32.u32 f0, r1;\n"
                               "  mov.f32 f1, 0f3F7FFFFF;\n"
                               "  mov.u32 r2, 0;\n"
                               "LOOP:\n"
                               "  fma.rn.f32 f0, f0, f1, f1;\n"
                               "  add.u32 r2, r2, 1;\n"
                               "  setp.lt.u32 p, r2, r0;\n"
                               "  @p bra LOOP;\n"
                               "  cvta.to.global.u64 rd1, rd0;\n"
                               "  mul.wide.u32 rd2, r1, 4;\n"
                               "  add.u64 rd3, rd1, rd2;\n"
                               "  st.global.f32 [rd3], f0;\n"
                               "  ret;\n"
                               "}\n";

static int64_t now_ns(clockid_t clk)
{
        struct timespec ts;
        clock_gettime(clk, &ts);
        return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Loads the driver API; on failure writes why into reason and returns -1. */
static int load_api(struct cu_api *api, char *reason, size_t len)
{
        void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
        if (!lib) {
                snprintf(reason, len, "no libcuda.so.1: %s", dlerror());
                return -1;
        }
        struct {
                void **slot;
                const char *name;
        } syms[] = {{(void **)&api->init, "cuInit"},
                    {(void **)&api->device_get, "cuDeviceGet"},
                    {(void **)&api->device_name, "cuDeviceGetName"},
                    {(void **)&api->ctx_create, "cuCtxCreate_v2"},
                    {(void **)&api->module_load_data, "cuModuleLoadData"},
                    {(void **)&api->module_get_function, "cuModuleGetFunction"},
                    {(void **)&api->mem_alloc, "cuMemAlloc_v2"},
                    {(void **)&api->launch, "cuLaunchKernel"},
                    {(void **)&api->synchronize, "cuCtxSynchronize"}};
        for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
                *syms[i].slot = dlsym(lib, syms[i].name);
                if (!*syms[i].slot) {
                        snprintf(reason, len, "libcuda.so.1 lacks %s", syms[i].name);
                        return -1;
                }
        }
        return 0;
}

#define CU_TRY(call, what)                                                                         \
        do {                                                                                       \
                cu_result rc_ = (call);                                                            \
                if (rc_ != 0) {                                                                    \
                        snprintf(reason, len, "%s failed: CUresult %d", what, rc_);                \
                        return -1;                                                                 \
                }                                                                                  \
        } while (0)

/* Runs GPU kernels until `end`; returns how many completed, or -1 with the reason. */
static long gpu_load(int64_t end, char *name, char *reason, size_t len)
{
        struct cu_api api;
        cu_handle ctx, mod, fn;
        cu_devptr out;
        int dev;
        unsigned iters = 1u << 20, threads = 256, blocks = 1024;
        if (load_api(&api, reason, len) < 0)
                return -1;
        CU_TRY(api.init(0), "cuInit");
        CU_TRY(api.device_get(&dev, 0), "cuDeviceGet");
        CU_TRY(api.device_name(name, 128, dev), "cuDeviceGetName");
        CU_TRY(api.ctx_create(&ctx, 0, dev), "cuCtxCreate");
        CU_TRY(api.module_load_data(&mod, spin_ptx), "cuModuleLoadData (PTX JIT)");
        CU_TRY(api.module_get_function(&fn, mod, "spin"), "cuModuleGetFunction");
        CU_TRY(api.mem_alloc(&out, (size_t)threads * blocks * sizeof(float)), "cuMemAlloc");
        long n = 0;
        while (now_ns(CLOCK_MONOTONIC) < end) {
                void *params[] = {&out, &iters};
                CU_TRY(api.launch(fn, blocks, 1, 1, threads, 1, 1, 0, NULL, params, NULL),
                       "cuLaunchKernel");
                CU_TRY(api.synchronize(), "cuCtxSynchronize");
                n++;
        }
        return n;
}

/* The CPU fallback: spin `budget` of CPU time every `period` (perception's rtprobe load). */
static long cpu_load(int64_t end, int64_t period, int64_t budget)
{
        long n = 0;
        for (int64_t next = now_ns(CLOCK_MONOTONIC); next < end; next += period, n++) {
                struct timespec ts = {.tv_sec = next / 1000000000, .tv_nsec = next % 1000000000};
                while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
                        ;
                int64_t start = now_ns(CLOCK_THREAD_CPUTIME_ID);
                while (now_ns(CLOCK_THREAD_CPUTIME_ID) - start < budget)
                        ;
        }
        return n;
}

int main(int argc, char **argv)
{
        int64_t seconds = 10, period_ms = 40, budget_ms = 10;
        int cpu_only = 0;
        for (int i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--cpu-only") == 0) {
                        cpu_only = 1;
                } else if (i + 1 < argc && strcmp(argv[i], "--seconds") == 0) {
                        seconds = atoll(argv[++i]);
                } else if (i + 1 < argc && strcmp(argv[i], "--period-ms") == 0) {
                        period_ms = atoll(argv[++i]);
                } else if (i + 1 < argc && strcmp(argv[i], "--budget-ms") == 0) {
                        budget_ms = atoll(argv[++i]);
                } else {
                        fprintf(stderr, "usage: gpuload [--seconds N (10)] [--period-ms P (40)] "
                                        "[--budget-ms B (10)] [--cpu-only]\n");
                        return 2;
                }
        }
        if (seconds <= 0 || period_ms <= 0 || budget_ms <= 0 || budget_ms >= period_ms) {
                fprintf(stderr, "gpuload: need seconds > 0 and 0 < budget < period\n");
                return 2;
        }
        int64_t end = now_ns(CLOCK_MONOTONIC) + seconds * 1000000000;
        char reason[256] = "--cpu-only", name[128] = "";
        long n = cpu_only ? -1 : gpu_load(end, name, reason, sizeof(reason));
        if (n >= 0) {
                printf(
                    "{\"name\":\"gpuload\",\"load\":\"gpu\",\"device\":\"%s\",\"kernels\":%ld}\n",
                    name, n);
                return 0;
        }
        /* reason comes from dlerror() or our own text: keep it JSON-safe. */
        for (char *c = reason; *c; c++)
                if (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20)
                        *c = '\'';
        n = cpu_load(end, period_ms * 1000000, budget_ms * 1000000);
        printf("{\"name\":\"gpuload\",\"load\":\"cpu\",\"fallback_reason\":\"%s\",\"jobs\":%ld}\n",
               reason, n);
        return 0;
}

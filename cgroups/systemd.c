/* The systemd cgroup driver's D-Bus side (sd-bus): the container's scope is a transient unit
 * that systemd creates around the container's init (StartTransientUnit with its PID and
 * Delegate=yes), told the resources it knows as unit properties so that it never writes other
 * values over ours, and stopped at delete. Every other cgroup file is rtrun's own business, as
 * with cgroupfs (cgroup.c).
 *
 * libsystemd is loaded with dlopen when the driver first needs it: linked, it and the seven
 * libraries it pulls in cost every rtrun command about 0.5 ms of the dynamic loader's time. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/cg_internal.h"
#include "common/common.h"

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"
#define JOB_TIMEOUT_USEC (30ULL * 1000000) /* what systemctl waits for a job, too */
#define LIBSYSTEMD "libsystemd.so.0"

/* The sd-bus functions used here, resolved in the loaded libsystemd. */
#define SD_FUNCS(X)                                                                                \
        X(sd_bus_open_system)                                                                      \
        X(sd_bus_new)                                                                              \
        X(sd_bus_set_address)                                                                      \
        X(sd_bus_start)                                                                            \
        X(sd_bus_flush_close_unref)                                                                \
        X(sd_bus_message_unref)                                                                    \
        X(sd_bus_slot_unref)                                                                       \
        X(sd_bus_error_free)                                                                       \
        X(sd_bus_error_is_set)                                                                     \
        X(sd_bus_error_has_name)                                                                   \
        X(sd_bus_message_read)                                                                     \
        X(sd_bus_match_signal)                                                                     \
        X(sd_bus_call_method)                                                                      \
        X(sd_bus_call)                                                                             \
        X(sd_bus_process)                                                                          \
        X(sd_bus_wait)                                                                             \
        X(sd_bus_message_new_method_call)                                                          \
        X(sd_bus_message_append)                                                                   \
        X(sd_bus_message_open_container)                                                           \
        X(sd_bus_message_close_container)                                                          \
        X(sd_bus_message_append_array)

/* One connection to systemd: the library, its functions and the bus. */
struct sdc {
        void *dl;
        sd_bus *bus;
#define SD_FIELD(f) __typeof__(f) *f;
        SD_FUNCS(SD_FIELD)
#undef SD_FIELD
};

static void sdc_close(struct sdc *c)
{
        if (c->bus)
                c->sd_bus_flush_close_unref(c->bus);
        if (c->dl)
                dlclose(c->dl);
        *c = (struct sdc){0};
}
#define _cleanup_sdc_ __attribute__((cleanup(sdc_close)))

/* Messages, slots and errors of one connection, released with it in mind. */
struct sdc_call {
        struct sdc *c;
        sd_bus_message *m, *reply;
        sd_bus_slot *slot;
        sd_bus_error e;
};

static void call_free(struct sdc_call *k)
{
        if (k->c == NULL)
                return;
        k->c->sd_bus_message_unref(k->m);
        k->c->sd_bus_message_unref(k->reply);
        k->c->sd_bus_slot_unref(k->slot);
        k->c->sd_bus_error_free(&k->e);
}
#define _cleanup_call_ __attribute__((cleanup(call_free)))

static int bus_fail(struct rterr *err, int r, const struct sdc_call *k, const char *what,
                    const char *unit)
{
        if (k && k->c->sd_bus_error_is_set(&k->e))
                return rterr_set(err, -r ? -r : EIO, "systemd: %s %s: %s", what, unit,
                                 k->e.message ? k->e.message : k->e.name);
        return rterr_sys(err, -r, "systemd: %s %s", what, unit);
}

static int load(struct sdc *c, struct rterr *err)
{
        c->dl = dlopen(LIBSYSTEMD, RTLD_NOW | RTLD_LOCAL);
        if (c->dl == NULL)
                return rterr_set(err, ENOENT, "--systemd-cgroup: load %s: %s (install libsystemd0)",
                                 LIBSYSTEMD, dlerror());
#define SD_LOAD(f)                                                                                 \
        if ((c->f = (__typeof__(f) *)dlsym(c->dl, #f)) == NULL)                                    \
                return rterr_set(err, ENOENT, "--systemd-cgroup: %s lacks %s", LIBSYSTEMD, #f);
        SD_FUNCS(SD_LOAD)
#undef SD_LOAD
        return 0;
}

/* The system bus; as root, systemd's own socket where no bus daemon runs (systemctl does the
 * same), so that early-boot and minimal hosts work too. */
static int bus_open(struct sdc *c, struct rterr *err)
{
        if (load(c, err) < 0)
                return -1;
        sd_bus *b = NULL;
        int r = c->sd_bus_open_system(&b);
        if (r < 0 && geteuid() == 0) {
                int r2 = c->sd_bus_new(&b);
                if (r2 >= 0 &&
                    (r2 = c->sd_bus_set_address(b, "unix:path=/run/systemd/private")) >= 0)
                        r2 = c->sd_bus_start(b);
                if (r2 >= 0)
                        r = r2;
                else
                        b = c->sd_bus_flush_close_unref(b);
        }
        if (r < 0)
                return rterr_sys(err, -r,
                                 "--systemd-cgroup: connect to systemd over D-Bus (system bus "
                                 "/run/dbus/system_bus_socket)");
        c->bus = b;
        return 0;
}

struct job_wait {
        struct sdc *c;
        const char *path; /* ours, once known */
        char result[32];
        bool done;
};

static int on_job_removed(sd_bus_message *m, void *data, sd_bus_error *e)
{
        (void)e;
        struct job_wait *w = data;
        uint32_t id;
        const char *path, *unit, *result;
        if (w->c->sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0)
                return 0;
        if (w->path && strcmp(path, w->path) == 0) {
                snprintf(w->result, sizeof(w->result), "%s", result);
                w->done = true;
        }
        return 0;
}

static uint64_t now_usec(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Sends k->m, a Manager method that returns a job, and waits for the job to finish. */
static int call_job(struct sdc_call *k, const char *what, const char *unit, bool *no_unit,
                    struct rterr *err)
{
        struct sdc *c = k->c;
        struct job_wait w = {.c = c};
        /* Before the call: the job may end before the reply is read. */
        int r = c->sd_bus_match_signal(c->bus, &k->slot, SD_DEST, SD_PATH, SD_MANAGER, "JobRemoved",
                                       on_job_removed, &w);
        if (r < 0)
                return bus_fail(err, r, NULL, what, unit);
        /* Signals reach only subscribed clients on the bus daemon (not needed on systemd's
         * private socket, harmless there). */
        c->sd_bus_call_method(c->bus, SD_DEST, SD_PATH, SD_MANAGER, "Subscribe", NULL, NULL, "");
        r = c->sd_bus_call(c->bus, k->m, JOB_TIMEOUT_USEC, &k->e, &k->reply);
        if (r < 0) {
                if (no_unit &&
                    c->sd_bus_error_has_name(&k->e, "org.freedesktop.systemd1.NoSuchUnit")) {
                        *no_unit = true;
                        return 0;
                }
                return bus_fail(err, r, k, what, unit);
        }
        if ((r = c->sd_bus_message_read(k->reply, "o", &w.path)) < 0)
                return bus_fail(err, r, NULL, what, unit);
        uint64_t end = now_usec() + JOB_TIMEOUT_USEC;
        while (!w.done) {
                r = c->sd_bus_process(c->bus, NULL);
                if (r < 0)
                        return bus_fail(err, r, NULL, what, unit);
                if (r > 0)
                        continue;
                uint64_t now = now_usec();
                if (now >= end)
                        return rterr_set(err, ETIMEDOUT, "systemd: %s %s: no answer in 30 s", what,
                                         unit);
                if ((r = c->sd_bus_wait(c->bus, end - now)) < 0 && r != -EINTR)
                        return bus_fail(err, r, NULL, what, unit);
        }
        if (strcmp(w.result, "done") != 0)
                return rterr_set(err, EIO,
                                 "systemd: %s %s: job %s (see `journalctl -u %s` and "
                                 "`systemctl status %s`)",
                                 what, unit, w.result, unit, unit);
        return 0;
}

static int prop_u64(struct sdc *c, sd_bus_message *m, const char *name, uint64_t v)
{
        return c->sd_bus_message_append(m, "(sv)", name, "t", v);
}

static int prop_bitmap(struct sdc *c, sd_bus_message *m, const char *name, const char *list,
                       struct rterr *err)
{
        _cleanup_free_ uint8_t *bits = NULL;
        size_t n = 0;
        int r;
        if (cg_sd_cpu_bitmap(list, &bits, &n, err) < 0)
                return -1;
        if ((r = c->sd_bus_message_open_container(m, 'r', "sv")) < 0 ||
            (r = c->sd_bus_message_append(m, "s", name)) < 0 ||
            (r = c->sd_bus_message_open_container(m, 'v', "ay")) < 0 ||
            (r = c->sd_bus_message_append_array(m, 'y', bits, n)) < 0 ||
            (r = c->sd_bus_message_close_container(m)) < 0 ||
            (r = c->sd_bus_message_close_container(m)) < 0)
                return rterr_sys(err, -r, "systemd: property %s", name);
        return 0;
}

static int props_devices(struct sdc *c, sd_bus_message *m, const struct oci_resources *res,
                         struct rterr *err)
{
        _cleanup_free_ struct oci_device_rule *rules = NULL;
        _cleanup_free_ char *proc_devices = NULL;
        size_t n = 0;
        if (cg_device_rules_effective(res ? res->devices : NULL, res ? res->n_devices : 0, &rules,
                                      &n, err) < 0)
                return -1;
        if (read_file_at(AT_FDCWD, "/proc/devices", &proc_devices, NULL, NULL) < 0)
                proc_devices = NULL;
        struct cg_sd_devices d;
        if (cg_sd_devices(rules, n, proc_devices, &d, err) < 0)
                return -1;
        int r =
            c->sd_bus_message_append(m, "(sv)", "DevicePolicy", "s", d.strict ? "strict" : "auto");
        if (r >= 0 && d.strict) {
                if ((r = c->sd_bus_message_open_container(m, 'r', "sv")) >= 0 &&
                    (r = c->sd_bus_message_append(m, "s", "DeviceAllow")) >= 0 &&
                    (r = c->sd_bus_message_open_container(m, 'v', "a(ss)")) >= 0 &&
                    (r = c->sd_bus_message_open_container(m, 'a', "(ss)")) >= 0) {
                        for (size_t i = 0; i < d.n && r >= 0; i++)
                                r = c->sd_bus_message_append(m, "(ss)", d.v[i].path, d.v[i].access);
                        if (r >= 0 && (r = c->sd_bus_message_close_container(m)) >= 0 &&
                            (r = c->sd_bus_message_close_container(m)) >= 0)
                                r = c->sd_bus_message_close_container(m);
                }
        }
        cg_sd_devices_free(&d);
        return r < 0 ? rterr_sys(err, -r, "systemd: property DeviceAllow") : 0;
}

/* The resources systemd has a property for (systemd.resource-control(5)); the rest, and the
 * exact values, are written to the files by cg_apply right after. */
static int props_resources(struct sdc *c, sd_bus_message *m, const struct cgroup *cg,
                           const struct oci_resources *res, bool devices, struct rterr *err)
{
        bool v2 = cg->host->layout == CG_LAYOUT_V2;
        int r = 0;
        if (devices && props_devices(c, m, res, err) < 0)
                return -1;
        if (res == NULL)
                return 0;
        const struct oci_memory *mem = &res->memory;
        if (mem->limit.set && mem->limit.v != 0)
                r = prop_u64(c, m, v2 ? "MemoryMax" : "MemoryLimit",
                             mem->limit.v < 0 ? UINT64_MAX : (uint64_t)mem->limit.v);
        if (r >= 0 && v2 && mem->reservation.set && mem->reservation.v > 0)
                r = prop_u64(c, m, "MemoryLow", (uint64_t)mem->reservation.v);
        if (r >= 0 && v2 && mem->swap.set && mem->swap.v != 0) {
                char buf[32];
                if (cg_swap_v2_value(mem->swap.v, mem->limit.v, mem->limit.set, buf, sizeof(buf),
                                     err) < 0)
                        return -1;
                r = prop_u64(c, m, "MemorySwapMax",
                             strcmp(buf, "max") == 0 ? UINT64_MAX : strtoull(buf, NULL, 10));
        }
        const struct oci_cpu *cpu = &res->cpu;
        if (r >= 0 && cpu->shares.set && cpu->shares.v != 0)
                r = v2 ? prop_u64(c, m, "CPUWeight", cg_shares_to_weight(cpu->shares.v))
                       : prop_u64(c, m, "CPUShares", cpu->shares.v);
        if (r >= 0 && cpu->quota.set && cpu->quota.v != 0)
                r = prop_u64(
                    c, m, "CPUQuotaPerSecUSec",
                    cg_sd_quota_per_sec(cpu->quota.v, cpu->period.set ? cpu->period.v : 0));
        if (r >= 0 && cpu->period.set && cpu->period.v != 0)
                r = prop_u64(c, m, "CPUQuotaPeriodUSec", cpu->period.v);
        if (r >= 0 && res->pids_limit.set && res->pids_limit.v != 0)
                r = prop_u64(c, m, "TasksMax",
                             res->pids_limit.v < 0 ? UINT64_MAX : (uint64_t)res->pids_limit.v);
        if (r >= 0 && res->blkio.weight.set && res->blkio.weight.v != 0)
                r = v2 ? prop_u64(c, m, "IOWeight", cg_blkio_weight_to_io(res->blkio.weight.v))
                       : prop_u64(c, m, "BlockIOWeight", res->blkio.weight.v);
        if (r < 0)
                return rterr_sys(err, -r, "systemd: unit properties");
        /* systemd manages cpusets on the unified hierarchy only. */
        if (v2 && cpu->cpus && cpu->cpus[0] && prop_bitmap(c, m, "AllowedCPUs", cpu->cpus, err) < 0)
                return -1;
        if (v2 && cpu->mems && cpu->mems[0] &&
            prop_bitmap(c, m, "AllowedMemoryNodes", cpu->mems, err) < 0)
                return -1;
        return 0;
}

int cg_sd_start(struct cgroup *cg, pid_t pid, const struct oci_resources *res, struct rterr *err)
{
        _cleanup_sdc_ struct sdc c = {0};
        if (bus_open(&c, err) < 0)
                return -1;
        _cleanup_call_ struct sdc_call k = {.c = &c, .e = SD_BUS_ERROR_NULL};
        bool v2 = cg->host->layout == CG_LAYOUT_V2;
        int r = c.sd_bus_message_new_method_call(c.bus, &k.m, SD_DEST, SD_PATH, SD_MANAGER,
                                                 "StartTransientUnit");
        if (r >= 0)
                r = c.sd_bus_message_append(k.m, "ss", cg->unit, "replace");
        if (r >= 0)
                r = c.sd_bus_message_open_container(k.m, 'a', "(sv)");
        if (r >= 0)
                r = c.sd_bus_message_append(
                    k.m, "(sv)(sv)(sv)(sv)(sv)(sv)(sv)(sv)(sv)", "Description", "s",
                    cg->description, "Slice", "s", cg->slice, "Delegate", "b", 1,
                    /* Not ordered before shutdown.target: its engine stops it, not systemd. */
                    "DefaultDependencies", "b", 0, "PIDs", "au", 1, (uint32_t)pid,
                    "MemoryAccounting", "b", 1, "CPUAccounting", "b", 1, "TasksAccounting", "b", 1,
                    v2 ? "IOAccounting" : "BlockIOAccounting", "b", 1);
        if (r < 0)
                return bus_fail(err, r, NULL, "start", cg->unit);
        if (props_resources(&c, k.m, cg, res, true, err) < 0)
                return -1;
        if ((r = c.sd_bus_message_close_container(k.m)) < 0 ||
            (r = c.sd_bus_message_append(k.m, "a(sa(sv))", 0)) < 0)
                return bus_fail(err, r, NULL, "start", cg->unit);
        if (call_job(&k, "start", cg->unit, NULL, err) < 0)
                return -1;
        cg->unit_fresh = true;
        return 0;
}

int cg_sd_set(struct cgroup *cg, const struct oci_resources *res, struct rterr *err)
{
        _cleanup_sdc_ struct sdc c = {0};
        if (bus_open(&c, err) < 0)
                return -1;
        _cleanup_call_ struct sdc_call k = {.c = &c, .e = SD_BUS_ERROR_NULL};
        int r = c.sd_bus_message_new_method_call(c.bus, &k.m, SD_DEST, SD_PATH, SD_MANAGER,
                                                 "SetUnitProperties");
        if (r >= 0)
                r = c.sd_bus_message_append(k.m, "sb", cg->unit, 1);
        if (r >= 0)
                r = c.sd_bus_message_open_container(k.m, 'a', "(sv)");
        if (r < 0)
                return bus_fail(err, r, NULL, "set properties of", cg->unit);
        if (props_resources(&c, k.m, cg, res, false, err) < 0)
                return -1;
        if ((r = c.sd_bus_message_close_container(k.m)) < 0 ||
            (r = c.sd_bus_call(c.bus, k.m, JOB_TIMEOUT_USEC, &k.e, &k.reply)) < 0)
                return bus_fail(err, r, &k, "set properties of", cg->unit);
        return 0;
}

int cg_sd_stop(struct cgroup *cg, struct rterr *err)
{
        _cleanup_sdc_ struct sdc c = {0};
        struct rterr why = {0};
        if (bus_open(&c, &why) < 0) {
                /* No systemd runs at all (a create that failed to reach it): no unit to stop. */
                if (why.code == ENOENT || why.code == ECONNREFUSED)
                        return 0;
                if (err)
                        *err = why;
                return -1;
        }
        _cleanup_call_ struct sdc_call k = {.c = &c, .e = SD_BUS_ERROR_NULL};
        int r =
            c.sd_bus_message_new_method_call(c.bus, &k.m, SD_DEST, SD_PATH, SD_MANAGER, "StopUnit");
        if (r >= 0)
                r = c.sd_bus_message_append(k.m, "ss", cg->unit, "replace");
        if (r < 0)
                return bus_fail(err, r, NULL, "stop", cg->unit);
        bool gone = false;
        if (call_job(&k, "stop", cg->unit, &gone, err) < 0)
                return -1;
        /* A scope whose processes were killed may be left "failed": forget it, so that the
         * name is free again. */
        c.sd_bus_call_method(c.bus, SD_DEST, SD_PATH, SD_MANAGER, "ResetFailedUnit", NULL, NULL,
                             "s", cg->unit);
        return 0;
}

/* The cgroup v2 device filter builder: the instruction array is checked for shape and then run
 * through a small interpreter of the instructions it may contain, so each rule list's verdicts
 * are those of the v1 devices controller (the last matching rule decides, default deny). */
#include <linux/bpf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cgroups/cg_internal.h"

#define R 'r'
#define W 'w'
#define M 'm'

/* Runs prog on one request; fails the test on any instruction the builder must not emit. */
static int run(const struct bpf_insn *p, size_t n, int type, const char *acc, uint32_t major,
               uint32_t minor)
{
        uint32_t access = 0;
        for (; *acc; acc++)
                access |= *acc == R   ? BPF_DEVCG_ACC_READ
                          : *acc == W ? BPF_DEVCG_ACC_WRITE
                                      : BPF_DEVCG_ACC_MKNOD;
        struct bpf_cgroup_dev_ctx ctx = {
            .access_type = (uint32_t)type | (access << 16), .major = major, .minor = minor};
        uint64_t reg[11] = {0};
        reg[1] = (uint64_t)(uintptr_t)&ctx;
        for (size_t pc = 0; pc < n; pc++) {
                const struct bpf_insn *i = &p[pc];
                switch (i->code) {
                case BPF_LDX | BPF_MEM | BPF_W:
                        assert_int_equal(i->src_reg, BPF_REG_1); /* only the context */
                        assert_true(i->off >= 0 && i->off <= 8 && i->off % 4 == 0);
                        reg[i->dst_reg] = *(uint32_t *)((char *)&ctx + i->off);
                        break;
                case BPF_ALU | BPF_AND | BPF_K:
                        reg[i->dst_reg] = (uint32_t)reg[i->dst_reg] & (uint32_t)i->imm;
                        break;
                case BPF_ALU | BPF_RSH | BPF_K:
                        reg[i->dst_reg] = (uint32_t)reg[i->dst_reg] >> i->imm;
                        break;
                case BPF_ALU | BPF_MOV | BPF_X:
                        reg[i->dst_reg] = (uint32_t)reg[i->src_reg];
                        break;
                case BPF_ALU64 | BPF_MOV | BPF_K:
                        reg[i->dst_reg] = (uint64_t)(int64_t)i->imm;
                        break;
                case BPF_JMP | BPF_JNE | BPF_K:
                        if (reg[i->dst_reg] != (uint64_t)(int64_t)i->imm)
                                pc += (size_t)i->off;
                        break;
                case BPF_JMP | BPF_JEQ | BPF_K:
                        if (reg[i->dst_reg] == (uint64_t)(int64_t)i->imm)
                                pc += (size_t)i->off;
                        break;
                case BPF_JMP | BPF_EXIT:
                        return (int)reg[0];
                default:
                        fail_msg("unexpected opcode 0x%x at %zu", i->code, pc);
                }
        }
        fail_msg("fell off the end of the program");
        return -1;
}

static struct bpf_insn *build(const struct oci_device_rule *rules, size_t n, size_t *ni)
{
        struct rterr err = {0};
        struct bpf_insn *p = NULL;
        assert_int_equal(cg_devices_bpf_build(rules, n, &p, ni, &err), 0);
        /* every jump lands inside the program, and it ends with an exit */
        for (size_t i = 0; i < *ni; i++)
                if (BPF_CLASS(p[i].code) == BPF_JMP && BPF_OP(p[i].code) != BPF_EXIT)
                        assert_true(p[i].off >= 0 && i + 1 + (size_t)p[i].off < *ni);
        assert_int_equal(p[*ni - 1].code, BPF_JMP | BPF_EXIT);
        return p;
}

#define C BPF_DEVCG_DEV_CHAR
#define B BPF_DEVCG_DEV_BLOCK

static void deny_all_then_fuse(void **state)
{
        (void)state;
        struct oci_device_rule r[] = {{false, 'a', -1, -1, "rwm"}, {true, 'c', 10, 229, "rwm"}};
        size_t n;
        struct bpf_insn *p = build(r, 2, &n);
        assert_int_equal(run(p, n, C, "rw", 10, 229), 1);
        assert_int_equal(run(p, n, C, "rw", 1, 3), 0);
        assert_int_equal(run(p, n, B, "rw", 10, 229), 0);
        free(p);
        p = build(r, 1, &n);
        assert_int_equal(run(p, n, C, "rw", 10, 229), 0);
        free(p);
}

static void access_subsets(void **state)
{
        (void)state;
        struct oci_device_rule r[] = {{false, 'a', -1, -1, "rwm"}, {true, 'c', 1, 3, "r"}};
        size_t n;
        struct bpf_insn *p = build(r, 2, &n);
        assert_int_equal(run(p, n, C, "r", 1, 3), 1);
        assert_int_equal(run(p, n, C, "w", 1, 3), 0);
        assert_int_equal(run(p, n, C, "rw", 1, 3), 0); /* asks for more than the rule grants */
        assert_int_equal(run(p, n, C, "m", 1, 3), 0);
        free(p);
}

static void later_rules_win(void **state)
{
        (void)state;
        struct oci_device_rule r[] = {
            {false, 'a', -1, -1, "rwm"},
            {true, 'c', 1, -1, "rwm"},
            {false, 'c', 1, 5, "w"},
        };
        size_t n;
        struct bpf_insn *p = build(r, 3, &n);
        assert_int_equal(run(p, n, C, "rw", 1, 3), 1);
        assert_int_equal(run(p, n, C, "r", 1, 5), 1);
        assert_int_equal(run(p, n, C, "w", 1, 5), 0);
        assert_int_equal(run(p, n, C, "rw", 1, 5), 0);
        assert_int_equal(run(p, n, C, "r", 2, 5), 0);
        free(p);
}

static void allow_all_cuts_earlier(void **state)
{
        (void)state;
        struct oci_device_rule r[] = {
            {false, 'c', 1, 3, "rwm"}, /* dead: the allow-all after it matches every request */
            {true, 'a', -1, -1, "rwm"},
            {false, 'b', 8, 0, "w"},
        };
        size_t n;
        struct bpf_insn *p = build(r, 3, &n);
        assert_int_equal(run(p, n, C, "rw", 1, 3), 1);
        assert_int_equal(run(p, n, B, "r", 8, 0), 1);
        assert_int_equal(run(p, n, B, "w", 8, 0), 0);
        assert_int_equal(run(p, n, B, "w", 8, 1), 1);
        /* 6 loads, the deny block (type, major, minor, 3 access, 2 verdict), allow-all (2) */
        assert_int_equal(n, 6 + 8 + 2);
        free(p);
}

static void effective_defaults(void **state)
{
        (void)state;
        struct rterr err = {0};
        struct oci_device_rule cfg[] = {{false, 'a', -1, -1, "rwm"}};
        struct oci_device_rule *eff;
        size_t ne, n;
        assert_int_equal(cg_device_rules_effective(cfg, 1, &eff, &ne, &err), 0);
        struct bpf_insn *p = build(eff, ne, &n);
        assert_int_equal(run(p, n, C, "rw", 1, 3), 1);    /* /dev/null */
        assert_int_equal(run(p, n, C, "rw", 1, 9), 1);    /* /dev/urandom */
        assert_int_equal(run(p, n, C, "rw", 136, 4), 1);  /* /dev/pts/4 */
        assert_int_equal(run(p, n, C, "rw", 10, 229), 0); /* /dev/fuse */
        assert_int_equal(run(p, n, B, "rw", 8, 0), 0);    /* /dev/sda */
        assert_int_equal(run(p, n, B, "m", 8, 0), 1);     /* mknod is allowed, not open */
        assert_int_equal(run(p, n, C, "rw", 5, 1), 0);    /* /dev/console is not a default */
        free(p);
        free(eff);
}

static void bad_type(void **state)
{
        (void)state;
        struct rterr err = {0};
        struct oci_device_rule r[] = {{true, 'x', 1, 1, "rwm"}};
        struct bpf_insn *p = NULL;
        size_t n;
        assert_int_equal(cg_devices_bpf_build(r, 1, &p, &n, &err), -1);
        assert_non_null(strstr(err.msg, "'x'"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(deny_all_then_fuse), cmocka_unit_test(access_subsets),
            cmocka_unit_test(later_rules_win),    cmocka_unit_test(allow_all_cuts_earlier),
            cmocka_unit_test(effective_defaults), cmocka_unit_test(bad_type),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

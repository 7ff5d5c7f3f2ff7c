/* The cgroup v2 device filter as a BPF_PROG_TYPE_CGROUP_DEVICE program. Pure: builds the
 * instructions; devices_ebpf.c loads and attaches them.
 *
 * The context is struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; } where
 * access_type holds the device type (BPF_DEVCG_DEV_*) in its low 16 bits and the access
 * (BPF_DEVCG_ACC_*) in its high 16 bits. The program returns 1 to allow, 0 to deny. */
#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/cg_internal.h"

#define R0 BPF_REG_0
#define R1 BPF_REG_1
#define R2 BPF_REG_2
#define R3 BPF_REG_3
#define R4 BPF_REG_4
#define R5 BPF_REG_5

static struct bpf_insn insn(__u8 code, __u8 dst, __u8 src, __s16 off, __s32 imm)
{
        return (struct bpf_insn){
            .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
}

static struct bpf_insn ldx_w(__u8 dst, __u8 src, __s16 off)
{
        return insn(BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0);
}

static struct bpf_insn alu32_imm(__u8 op, __u8 dst, __s32 imm)
{
        return insn(BPF_ALU | op | BPF_K, dst, 0, 0, imm);
}

static struct bpf_insn mov32_reg(__u8 dst, __u8 src)
{
        return insn(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0);
}

static struct bpf_insn jmp_imm(__u8 op, __u8 dst, __s32 imm, __s16 off)
{
        return insn(BPF_JMP | op | BPF_K, dst, 0, off, imm);
}

static struct bpf_insn mov64_imm(__u8 dst, __s32 imm)
{
        return insn(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm);
}

static struct bpf_insn exit_insn(void)
{
        return insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

static int access_bits(const char *a)
{
        int bits = 0;
        for (; *a; a++)
                bits |= *a == 'r'   ? BPF_DEVCG_ACC_READ
                        : *a == 'w' ? BPF_DEVCG_ACC_WRITE
                        : *a == 'm' ? BPF_DEVCG_ACC_MKNOD
                                    : 0;
        return bits ? bits : BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD;
}

#define ACC_ALL (BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD)

/* One rule: the checks that fall through to the next (earlier) rule on a mismatch, then the
 * verdict. The jumps skip to the end of this block. Returns the number of instructions. */
static size_t rule_block(const struct oci_device_rule *r, struct bpf_insn *b)
{
        size_t n = 0, jumps[8], nj = 0;
        int acc = access_bits(r->access);
        if (r->type != 'a') {
                jumps[nj++] = n;
                b[n++] = jmp_imm(BPF_JNE, R2,
                                 r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR, 0);
        }
        if (r->type != 'a' && r->major >= 0) {
                jumps[nj++] = n;
                b[n++] = jmp_imm(BPF_JNE, R4, (__s32)r->major, 0);
        }
        if (r->type != 'a' && r->minor >= 0) {
                jumps[nj++] = n;
                b[n++] = jmp_imm(BPF_JNE, R5, (__s32)r->minor, 0);
        }
        /* An allow rule covers a request whose access bits it all grants; a deny rule hits a
         * request asking for any bit it denies. */
        if (acc != ACC_ALL) {
                b[n++] = mov32_reg(R1, R3);
                b[n++] = alu32_imm(BPF_AND, R1, r->allow ? (~acc & ACC_ALL) : acc);
                jumps[nj++] = n;
                b[n++] = jmp_imm(r->allow ? BPF_JNE : BPF_JEQ, R1, 0, 0);
        }
        b[n++] = mov64_imm(R0, r->allow ? 1 : 0);
        b[n++] = exit_insn();
        for (size_t i = 0; i < nj; i++)
                b[jumps[i]].off = (__s16)(n - jumps[i] - 1);
        return n;
}

static bool matches_all(const struct oci_device_rule *r)
{
        return r->type == 'a' && access_bits(r->access) == ACC_ALL;
}

int cg_devices_bpf_build(const struct oci_device_rule *rules, size_t n, struct bpf_insn **out,
                         size_t *n_insns, struct rterr *err)
{
        /* 6 to load the context, at most 8 per rule, 2 for the final default. */
        struct bpf_insn *p = calloc(6 + 8 * n + 2, sizeof(*p));
        if (p == NULL)
                return rterr_errno(err, "device filter");
        size_t k = 0;
        p[k++] = ldx_w(R2, R1, offsetof(struct bpf_cgroup_dev_ctx, access_type));
        p[k++] = alu32_imm(BPF_AND, R2, 0xffff);
        p[k++] = ldx_w(R3, R1, offsetof(struct bpf_cgroup_dev_ctx, access_type));
        p[k++] = alu32_imm(BPF_RSH, R3, 16);
        p[k++] = ldx_w(R4, R1, offsetof(struct bpf_cgroup_dev_ctx, major));
        p[k++] = ldx_w(R5, R1, offsetof(struct bpf_cgroup_dev_ctx, minor));
        /* The last matching rule decides, so test them from the last; a rule matching every
         * request makes all earlier ones unreachable. */
        bool complete = false;
        for (size_t i = n; i > 0 && !complete; i--) {
                const struct oci_device_rule *r = &rules[i - 1];
                if (r->type != 'a' && r->type != 'c' && r->type != 'b') {
                        free(p);
                        return rterr_set(err, EINVAL, "device rule %zu: type '%c' is not a, b or c",
                                         i - 1, r->type);
                }
                k += rule_block(r, p + k);
                complete = matches_all(r);
        }
        if (!complete) {
                p[k++] = mov64_imm(R0, 0);
                p[k++] = exit_insn();
        }
        *out = p;
        *n_insns = k;
        return 0;
}

/* Scheduling policies: the kernel's numbers (include/uapi/linux/sched.h) and their names, in
 * one place for oci/, rt/, scheduler/ and the tests. Safe next to <sched.h> or
 * <linux/sched.h> (identical redefinitions), and does not include either: rt/'s sched_attr.c
 * must not mix glibc's struct sched_param with the kernel's headers. */
#ifndef RTRUN_COMMON_SCHED_POLICY_H
#define RTRUN_COMMON_SCHED_POLICY_H

#define SCHED_OTHER 0
#define SCHED_FIFO 1
#define SCHED_RR 2
#define SCHED_BATCH 3
/* 4 is SCHED_ISO, reserved and never implemented in mainline */
#define SCHED_IDLE 5
#define SCHED_DEADLINE 6

/* sched_attr.sched_flags */
#define SCHED_FLAG_RESET_ON_FORK 0x01
#define SCHED_FLAG_RECLAIM 0x02
#define SCHED_FLAG_DL_OVERRUN 0x04

/* FIFO/RR priorities the kernel accepts (sched_get_priority_{min,max}). */
#define SCHED_RT_PRIO_MIN 1
#define SCHED_RT_PRIO_MAX 99

/* "SCHED_DEADLINE"; NULL for a number the kernel does not know. */
const char *sched_policy_name(int policy);
/* The number of "SCHED_FIFO", -1 when unknown. */
int sched_policy_from_name(const char *name);
/* FIFO or RR: the policies RT group scheduling and rt_runtime govern. */
static inline int sched_policy_is_rt(int policy)
{
        return policy == SCHED_FIFO || policy == SCHED_RR;
}

#endif

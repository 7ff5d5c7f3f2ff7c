#!/bin/bash
# Placement (issue 20): a container with the annotation org.rtrun.cpus=auto lets admission
# choose its CPUs. The chosen CPUs must become the container's cpuset, root domain and
# affinity exactly as if linux.resources.cpu.cpus had named them, the kernel must run its init
# with SCHED_DEADLINE there, `admission status` must show them, an exec'd DEADLINE process must
# reserve on them, and `admission check DIR` must plan a directory of such bundles. On this
# 2-CPU host the pool is CPU 1 (auto@1) when CPU 1 can be a root domain, else a partition of
# both CPUs (auto:2); the VM lane (tests/vm/v2-rt.list) places over several isolated CPUs.
# runc has no answer here: it ignores org.rtrun.* annotations and runs the container wherever
# the spec says (checked in case annotation_ignored_by_runc).
set -u
. "$(dirname "$0")/lib.sh"
lib_init sched_placement
export RTRUN_ADMISSION_DIR=/run/rtrun-test-sched/placement-admission-$$
cleanup() {
        lib_cleanup
        local d
        for d in /sys/fs/cgroup/*/rtrun-test-place-$$-* /sys/fs/cgroup/rtrun-test-place-$$-*; do
                [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
        done
        rm -rf "$RTRUN_ADMISSION_DIR"
        rmdir /run/rtrun-test-sched 2>/dev/null
        true
}
trap cleanup EXIT
if [ "$(nproc)" -lt 2 ]; then
        echo "SKIP: needs CPU 1"
        exit 77
fi

# dl_bundle DIR CRITICALITY RUNTIME PLACE: SCHED_DEADLINE RUNTIME every 10 ms, org.rtrun.cpus=PLACE,
# in a top-level cgroup: before cpuset.cpus.exclusive (6.7, the VM lane's 6.1) only a child of
# the root can become a partition, and with auto nobody knows the CPUs beforehand to make a
# parent partition for them.
dl_bundle() {
        local dir=$1
        make_bundle "$dir" sleep 1000
        bundle_set "$dir" "del(.process.capabilities.ambient)
          | .linux.cgroupsPath = \"${SHARED_PARENT:-}/rtrun-test-place-$$-$(basename "$dir")\"
          | .process.scheduler = {\"policy\": \"SCHED_DEADLINE\", \"runtime\": $3,
                                  \"deadline\": 10000000, \"period\": 10000000}
          | .annotations[\"org.rtrun.criticality\"] = \"$2\"
          | .annotations[\"org.rtrun.cpus\"] = \"$4\""
}

ledger_cpus() { # the CPUs the ledger holds for ID
        rt admission status --format json |
          jq -r --arg id "$1" '[.containers[] | select(.id == $id and .alive) | .cpus][0] // "none"'
}

init_pid() { rt state "$1" | jq -r .pid; }

# The pool this host can give a DEADLINE container: CPU 1 as a root domain, else CPUs 0-1.
pool() {
        dl_bundle "$CASE_TMP/probe" control 100000 auto@1
        if rt create --bundle "$CASE_TMP/probe" probe 2>"$CASE_TMP/probe.err"; then
                echo "auto@1 1"
        elif [ "$(cat /sys/devices/system/cpu/online)" = 0-1 ]; then
                echo "auto:2 0-1"
        else
                echo "none"
        fi
        rt delete --force probe >/dev/null 2>&1
}

# Several DEADLINE containers on CPU 1 share one partition. On cgroup v2 before
# cpuset.cpus.exclusive (6.7; the VM lane's 6.1) only a child of the root can be one, and
# siblings cannot share CPUs, so the test plays the administrator: a top-level partition of
# CPU 1 under which the containers' cgroups go (as t_rt_deadline.sh does). Elsewhere rtrun
# makes the shared partition itself.
share_cpu1() {
        local cs=/sys/fs/cgroup probe
        [ "$(stat -fc %T $cs)" = cgroup2fs ] || return 0
        probe=$cs/rtrun-test-place-$$-probe
        mkdir "$probe" || return 0
        if [ -e "$probe/cpuset.cpus.exclusive" ]; then
                rmdir "$probe"
                return 0
        fi
        rmdir "$probe"
        local d=$cs/rtrun-test-place-$$-cpu1
        mkdir -p "$d" && echo 1 >"$d/cpuset.cpus" && echo root >"$d/cpuset.cpus.partition" ||
          skip_case "cannot make CPU 1 a partition for the containers to share"
        SHARED_PARENT=/rtrun-test-place-$$-cpu1
}

# The previous case's containers are gone by now (lib_run_cases): so can its shared partition.
case_setup() {
        local d=/sys/fs/cgroup/rtrun-test-place-$$-cpu1
        [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
        SHARED_PARENT=
}

# The chosen CPUs are the cpuset, the affinity and the root domain; DEADLINE runs there.
case_placed_on_chosen_cpus() {
        local p place want pid
        p=$(pool)
        [ "$p" != none ] || skip_case "no CPU set here can be a DEADLINE root domain ($(head -c 200 "$CASE_TMP/probe.err"))"
        place=${p% *} want=${p#* }
        dl_bundle "$CASE_TMP/ctrl" control 2000000 "$place"
        check_rc "create with org.rtrun.cpus=$place" 0 rt create --bundle "$CASE_TMP/ctrl" ctrl
        pid=$(init_pid ctrl)
        check "ledger holds the chosen CPUs" "$want" "$(ledger_cpus ctrl)"
        check "init's affinity is the chosen CPUs" "$want" \
          "$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' "/proc/$pid/status")"
        check_contains "init runs SCHED_DEADLINE" "$(chrt -p "$pid")" "SCHED_DEADLINE"
        check "kernel holds the runtime" 2000000 \
          "$(chrt -p "$pid" | sed -n 's/.*parameters: \([0-9]*\)\/.*/\1/p')"
        local cs
        cs=$(awk -F: '$2 == "cpuset" || $2 == "" {print $3; exit}' "/proc/$pid/cgroup")
        local f
        for f in /sys/fs/cgroup/cpuset"$cs"/cpuset.cpus /sys/fs/cgroup"$cs"/cpuset.cpus; do
                [ -r "$f" ] && break
        done
        check "cgroup cpuset is the chosen CPUs" "$want" "$(cat "$f" 2>/dev/null)"
        check_contains "status table shows the CPUs" "$(rt admission status)" "ctrl"
        # an exec'd DEADLINE process reserves on the container's CPUs, not on a new choice
        rt start ctrl
        jq '.process | .args = ["sleep", "100"] | .scheduler.runtime = 100000' \
          "$CASE_TMP/ctrl/config.json" >"$CASE_TMP/exec.json"
        check_rc "exec DEADLINE admitted" 0 rt exec --detach --process "$CASE_TMP/exec.json" ctrl
        check "exec reserves on the chosen CPUs" "$want" "$(rt admission status --format json |
          jq -r '[.containers[] | select(.id | startswith("ctrl/exec-")) | .cpus][0]')"
        rt delete --force ctrl >/dev/null 2>&1
        check "delete releases it" none "$(ledger_cpus ctrl)"
}

# A driving stack over CPUs 1-3 (the VM lane's 4 CPUs; skipped with fewer): control, planning
# and perception ask for auto@1-3 and get a CPU each, the least loaded first; each runs
# SCHED_DEADLINE with its affinity and root domain on its CPU. After control is deleted, a
# newcomer goes to the CPU control left empty.
case_stack_over_cpus() {
        [ "$(nproc)" -ge 4 ] || skip_case "needs 4 CPUs (the VM lane, tests/vm/v2-rt.list)"
        local id got seen=""
        for id in ctrl plan perc; do
                case $id in ctrl) crit=control ;; plan) crit=planning ;; perc) crit=perception ;; esac
                dl_bundle "$CASE_TMP/$id" $crit 3000000 auto@1-3
                if ! rt create --bundle "$CASE_TMP/$id" $id 2>"$CASE_TMP/$id.err"; then
                        fail "create $id: $(head -c 300 "$CASE_TMP/$id.err")"
                        return
                fi
                got=$(ledger_cpus $id)
                check_contains "$id placed within 1-3" " 1 2 3 " " $got "
                check "$id's affinity is its CPU" "$got" \
                  "$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' "/proc/$(init_pid $id)/status")"
                check_contains "$id runs SCHED_DEADLINE" "$(chrt -p "$(init_pid $id)")" SCHED_DEADLINE
                seen="$seen $got"
        done
        check "one CPU each, least loaded first" " 1 2 3" "$seen"
        rt delete --force ctrl
        dl_bundle "$CASE_TMP/next" control 3000000 auto@1-3
        check_rc "newcomer created" 0 rt create --bundle "$CASE_TMP/next" next
        check "newcomer takes the CPU control left" 1 "$(ledger_cpus next)"
}

# Two auto containers on a pool of CPU 1 where only one fits: the second is refused with the
# placement's reason naming the test that failed, and nothing is left behind.
case_refused_when_nothing_fits() {
        local p
        p=$(pool)
        [ "${p% *}" = auto@1 ] || skip_case "CPU 1 cannot be a root domain here"
        dl_bundle "$CASE_TMP/a" control 6000000 auto@1
        dl_bundle "$CASE_TMP/b" planning 5000000 auto@1
        check_rc "first placed" 0 rt create --bundle "$CASE_TMP/a" a
        check_rc "second refused" 1 rt create --bundle "$CASE_TMP/b" b
        check_contains "reason" "$(cat "$TMP/last.err")" \
          "b rejected: placement: fits on no CPU of 1 (1 tried; on CPU 1: EDF: utilisation 1.100 > capacity 0.9"
        check_rc "nothing left of b" 1 rt state b
        check "ledger has no b" none "$(ledger_cpus b)"
}

# Balancing: control (0.5) and perception (0.4, elastic down to 0.1) are placed on CPU 1;
# planning (0.3, elastic) arrives and compresses perception to what CPU 1's capacity (0.9 with
# the default fair server) leaves, about 0.1.
# Control's init is killed without delete: `admission rebalance` drops its reservation and
# raises perception back to its request, in the ledger and in the kernel; deleting planning
# keeps it there. Nothing running is moved between CPUs.
case_rebalance_raises_grants() {
        local p
        p=$(pool)
        [ "${p% *}" = auto@1 ] || skip_case "CPU 1 cannot be a root domain here"
        [ "$(rt admission status --format json | jq '.host.capacity >= 0.85')" = true ] ||
          skip_case "assumes a capacity of at least 0.85 per CPU"
        share_cpu1
        dl_bundle "$CASE_TMP/ctrl" control 5000000 auto@1
        dl_bundle "$CASE_TMP/perc" perception 4000000 auto@1
        bundle_set "$CASE_TMP/perc" '.annotations["org.rtrun.elastic.min-runtime"] = "1000000"'
        dl_bundle "$CASE_TMP/plan" planning 3000000 auto@1
        bundle_set "$CASE_TMP/plan" '.annotations["org.rtrun.elastic.min-runtime"] = "1000000"'
        local id
        for id in ctrl perc plan; do
                rt create --bundle "$CASE_TMP/$id" $id 2>"$CASE_TMP/$id.err" ||
                  { fail "create $id: $(head -c 300 "$CASE_TMP/$id.err")"; return; }
        done
        kr() { chrt -p "$(init_pid "$1")" | sed -n 's/.*parameters: \([0-9]*\)\/.*/\1/p'; }
        granted() { rt admission status --format json |
          jq -r --arg id "$1" '[.containers[] | select(.id == $id and .alive) | .granted_runtime][0] // "none"'; }
        local k
        k=$(kr perc)
        check "perception compressed (kernel, to capacity - 0.8)" true \
          "$([ "${k:-0}" -ge 1000000 ] && [ "$k" -lt 4000000 ] && echo true || echo "false: $k")"
        local cpid out
        cpid=$(init_pid ctrl)
        kill -9 "$cpid"
        wait_until 10 proc_gone "$cpid" || fail "control's init did not die"
        out=$(rt admission rebalance)
        check_contains "rebalance reclaims control" "$out" "reclaimed 1 dead reservation(s)"
        check_contains "rebalance raises perception" "$out" "raised 1 compressed grant(s)"
        check "perception raised (ledger)" 4000000 "$(granted perc)"
        check "perception raised (kernel)" 4000000 "$(kr perc)"
        check "perception stays on its CPU" 1 "$(ledger_cpus perc)"
        check "json: nothing applied" false "$(rt admission rebalance --format json | jq .plan.applied)"
        rt delete --force plan
        check "perception keeps its request after delete" 4000000 "$(kr perc)"
}

# Monitor and adjust with rtprobe: best-effort (0.3, elastic to 0.1) and perception (0.3,
# elastic to 0.1) are placed on CPU 1, then control (0.6) compresses both (to about 0.15 each).
# Perception runs rtprobe asking for 3 ms of CPU every 10 ms: the kernel throttles it at its
# grant, so `admission adjust` measures it using all of it, and grows it by compressing
# best-effort (the class below) to its floor; the kernel holds the new runtimes.
case_adjust_grows_with_rtprobe() {
        local p probe=$RTRUN_BUILD/tests/helpers/rtprobe
        [ -x "$probe" ] || skip_case "rtprobe not built"
        p=$(pool)
        [ "${p% *}" = auto@1 ] || skip_case "CPU 1 cannot be a root domain here"
        [ "$(rt admission status --format json | jq '.host.capacity >= 0.85')" = true ] ||
          skip_case "assumes a capacity of at least 0.85 per CPU"
        share_cpu1
        dl_bundle "$CASE_TMP/be" best-effort 3000000 auto@1
        bundle_set "$CASE_TMP/be" '.annotations["org.rtrun.elastic.min-runtime"] = "1000000"'
        dl_bundle "$CASE_TMP/perc" perception 3000000 auto@1
        bundle_set "$CASE_TMP/perc" '.annotations["org.rtrun.elastic.min-runtime"] = "1000000"
          | .process.args = ["/bin/rtprobe", "--period", "10ms", "--budget", "3ms", "--duration", "60s"]'
        cp "$probe" "$CASE_TMP/perc/rootfs/bin/rtprobe"
        dl_bundle "$CASE_TMP/ctrl" control 6000000 auto@1
        local id
        for id in be perc ctrl; do
                rt create --bundle "$CASE_TMP/$id" $id 2>"$CASE_TMP/$id.err" ||
                  { fail "create $id: $(head -c 300 "$CASE_TMP/$id.err")"; return; }
        done
        kr() { chrt -p "$(init_pid "$1")" | sed -n 's/.*parameters: \([0-9]*\)\/.*/\1/p'; }
        local before be_before
        before=$(kr perc)
        be_before=$(kr be)
        check "perception compressed" true "$([ "${before:-0}" -lt 3000000 ] && echo true)"
        check "best-effort compressed above its floor" true \
          "$([ "${be_before:-0}" -gt 1000000 ] && echo true)"
        rt start perc
        sleep 0.5
        local out after
        out=$(rt admission adjust --window 1000 --format json)
        check "adjust measured perception at its grant" true "$(jq --argjson g "$before" \
          '[.containers[] | select(.id == "perc") | .measured_runtime * 100 >= $g * 95][0]' <<<"$out")"
        check "adjust grew perception" true "$(jq '[.containers[] | select(.id == "perc") | .grown][0]' <<<"$out")"
        after=$(kr perc)
        check "perception grew in the kernel" true "$([ "${after:-0}" -gt "$before" ] && echo true || echo "false: $before -> $after")"
        check "the ledger agrees" "$after" "$(jq '[.containers[] | select(.id == "perc") | .granted_runtime][0]' <<<"$out")"
        check "best-effort lowered to its floor (kernel)" 1000000 "$(kr be)"
        check "control untouched" 6000000 "$(kr ctrl)"
        check "best-effort (sleeping) is not grown" false \
          "$(jq '[.containers[] | select(.id == "be") | .grown][0]' <<<"$out")"
        check_rc "a bad window is refused" 1 rt admission adjust --window 0
        # status shows what each holder used over its life next to its grant's share
        local st
        st=$(rt admission status --format json)
        check "status: perception measured using CPU" true \
          "$(jq '[.containers[] | select(.id == "perc") | .measured_utilisation > 0.05][0]' <<<"$st")"
        check "status: sleeping best-effort measured near zero" true \
          "$(jq '[.containers[] | select(.id == "be") | .measured_utilisation < 0.05][0]' <<<"$st")"
        check_contains "status table has the USED column" "$(rt admission status)" " USED "
}

# A container that is not real-time has nothing placed (the annotation is ignored, as runc
# ignores it); a DEADLINE process exec'd into it reserves on the container's CPUs, every one.
case_exec_into_unplaced() {
        make_bundle "$CASE_TMP/plain" sleep 1000
        bundle_set "$CASE_TMP/plain" '.annotations["org.rtrun.cpus"] = "auto@1"'
        check_rc "create (SCHED_OTHER, auto ignored)" 0 rt run -d --bundle "$CASE_TMP/plain" plain
        check "no reservation for it" none "$(ledger_cpus plain)"
        jq '.process | .args = ["sleep", "100"]
          | .scheduler = {"policy": "SCHED_DEADLINE", "runtime": 100000, "deadline": 10000000,
                          "period": 10000000}' "$CASE_TMP/plain/config.json" >"$CASE_TMP/exec.json"
        if ! rt exec --detach --process "$CASE_TMP/exec.json" plain 2>"$CASE_TMP/exec.err"; then
                grep -q "sched_setattr\|root domain" "$CASE_TMP/exec.err" &&
                  skip_case "the kernel refused DEADLINE on all CPUs ($(head -c 200 "$CASE_TMP/exec.err"))"
                fail "exec DEADLINE: $(head -c 300 "$CASE_TMP/exec.err")"
                return
        fi
        pass "exec DEADLINE admitted"
        check "exec reserves on every CPU" "$(cat /sys/devices/system/cpu/online)" \
          "$(rt admission status --format json |
            jq -r '[.containers[] | select(.id | startswith("plain/exec-")) | .cpus][0]')"
}

# Malformed annotations and a spec that names CPUs too are invalid input, with the annotation
# named, and leave nothing behind.
case_bad_annotation() {
        dl_bundle "$CASE_TMP/bad" control 1000000 "auto:x"
        check_rc "auto:x refused" 1 rt create --bundle "$CASE_TMP/bad" bad
        check_contains "names the annotation" "$(rt create --bundle "$CASE_TMP/bad" bad 2>&1)" \
          "annotations[\"org.rtrun.cpus\"]"
        dl_bundle "$CASE_TMP/both" control 1000000 "auto"
        bundle_set "$CASE_TMP/both" '.linux.resources.cpu.cpus = "1"'
        check_contains "cpus and auto together" "$(rt create --bundle "$CASE_TMP/both" both 2>&1)" \
          "asks admission to choose the CPUs, but linux.resources.cpu.cpus names 1: give one or the other"
        check_rc "nothing left" 1 rt state both
        check "ledger empty" none "$(ledger_cpus both)"
}

# `admission check DIR`: a directory of bundles with the annotation is planned (no container
# runs): each admitted one with its CPUs in the JSON, JUnit and table reports.
case_check_plans_a_directory() {
        local d=$CASE_TMP/stack out
        dl_bundle "$d/ctrl" control 4000000 auto
        dl_bundle "$d/plan" planning 3000000 auto
        dl_bundle "$d/perc" perception 3000000 auto
        out=$(rt admission check "$d" --format json)
        check "all admitted" "true true true" "$(jq -r '[.containers[] | .admitted] | join(" ")' <<<"$out")"
        check "each has CPUs" 3 "$(jq '[.containers[] | select(.cpus != null)] | length' <<<"$out")"
        check_contains "junit cpus property" "$(rt admission check "$d" --format junit)" \
          '<property name="cpus" value="'
        check_contains "table CPUS column" "$(rt admission check "$d")" "CPUS"
        check_contains "the reason says where" "$(jq -r '.containers[0].reason' <<<"$out")" "placed on CPU"
        # a taskset with auto CPUs: the plan, and how far the heuristic is from the exact search
        out=$(rt admission check --taskset "$RTRUN_SRC/bundles/tasksets/auto-placement.json" --format json)
        check "taskset: all placed, one CPU each" "1 2 2 2 3" \
          "$(jq -r '[.containers[] | .cpus] | join(" ")' <<<"$out")"
        check "taskset: the exact search proved its plan" true "$(jq .placement.optimal <<<"$out")"
        check "taskset: gap reported" "placement: the exact optimum admits 5 (heuristic 5), highest CPU load 0.480 (heuristic 0.600), spread 0.090 (heuristic 0.330)" \
          "$(jq -r .placement.gap <<<"$out")"
}

# runc ignores the annotation. A container that is not real-time needs no placement: rtrun runs
# it on the same CPUs as runc does (the annotation applies to DEADLINE and FIFO/RR only).
case_annotation_ignored_by_runc() {
        command -v runc >/dev/null || skip_case "runc is not installed"
        make_bundle "$CASE_TMP/r" sh -c 'grep Cpus_allowed_list /proc/self/status'
        bundle_set "$CASE_TMP/r" '.annotations["org.rtrun.cpus"] = "auto@1"'
        local got
        got=$(cd "$CASE_TMP/r" && runc --root "$CASE_TMP/runc" run "runc-$$" 2>&1 | tr -d '\t')
        runc --root "$CASE_TMP/runc" delete --force "runc-$$" >/dev/null 2>&1
        check_contains "runc: annotation ignored" "$got" "Cpus_allowed_list:"
        local rgot
        rgot=$(rt run --bundle "$CASE_TMP/r" "other-$$" 2>&1 | tr -d '\t')
        check "rtrun: not real-time, nothing to place: the same CPUs as runc" "$got" "$rgot"
}

lib_run_cases "$@"

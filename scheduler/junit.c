/* `rtrun admission check --format junit`: the verdicts as a JUnit XML report, the format CI
 * systems (GitLab, Jenkins, GitHub actions) read. One <testcase> per container, classname
 * "admission.<criticality>"; a rejection is a <failure> whose message is the reason. The
 * per-CPU table goes to <system-out> so a person reading the CI page sees the utilisation. */
#include "scheduler/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (1 to 4), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s)
{
        size_t n;
        if (s[0] < 0x80)
                return 1;
        if ((s[0] & 0xe0) == 0xc0 && s[0] >= 0xc2)
                n = 2;
        else if ((s[0] & 0xf0) == 0xe0)
                n = 3;
        else if ((s[0] & 0xf8) == 0xf0 && s[0] <= 0xf4)
                n = 4;
        else
                return 0;
        for (size_t i = 1; i < n; i++)
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
        return n;
}

/* Text for an attribute or element: the five entities escaped; bytes XML 1.0 forbids (control
 * characters, invalid UTF-8: ids are directory names and can hold anything) become '?'. */
static void xml_text(FILE *f, const char *s)
{
        const unsigned char *p = (const unsigned char *)s;
        while (*p) {
                size_t n = utf8_len(p);
                if (n == 0 || (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')) {
                        fputc('?', f);
                        p++;
                        continue;
                }
                switch (*p) {
                case '&':
                        fputs("&amp;", f);
                        break;
                case '<':
                        fputs("&lt;", f);
                        break;
                case '>':
                        fputs("&gt;", f);
                        break;
                case '"':
                        fputs("&quot;", f);
                        break;
                case '\'':
                        fputs("&apos;", f);
                        break;
                default:
                        fwrite(p, 1, n, f);
                }
                p += n;
        }
}

char *sched_report_junit(const struct sched_task *tasks, const struct sched_verdict *v, size_t n,
                         const struct sched_host *h)
{
        return sched_report_junit_placed(tasks, v, n, h, NULL);
}

char *sched_report_junit_placed(const struct sched_task *tasks, const struct sched_verdict *v,
                                size_t n, const struct sched_host *h,
                                const struct sched_place_stats *st)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (f == NULL)
                return NULL;
        size_t failures = 0;
        for (size_t i = 0; i < n; i++)
                failures += !v[i].admitted;
        fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
        fprintf(f, "<testsuites name=\"rtrun admission check\" tests=\"%zu\" failures=\"%zu\">\n",
                n, failures);
        fprintf(f,
                "  <testsuite name=\"admission\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
                "skipped=\"0\">\n",
                n, failures);
        for (size_t i = 0; i < n; i++) {
                const struct sched_task *t = &tasks[i];
                fprintf(f, "    <testcase classname=\"admission.%s\" name=\"",
                        sched_crit_name(t->crit));
                xml_text(f, t->id);
                fputs("\">\n", f);
                if (v[i].admitted && t->kind != SCHED_KIND_NONE) {
                        char cpus[CPULIST_MAX];
                        fprintf(f,
                                "      <properties>\n"
                                "        <property name=\"requested_runtime\" value=\"%llu\"/>\n"
                                "        <property name=\"granted_runtime\" value=\"%llu\"/>\n"
                                "        <property name=\"period\" value=\"%llu\"/>\n"
                                "        <property name=\"cpus\" value=\"%s\"/>\n"
                                "      </properties>\n",
                                (unsigned long long)t->runtime, (unsigned long long)t->granted,
                                (unsigned long long)t->period,
                                cpumask_format(&t->cpus, cpus, sizeof(cpus)));
                }
                if (!v[i].admitted) {
                        fputs("      <failure type=\"rejected\" message=\"", f);
                        xml_text(f, v[i].reason);
                        fputs("\">", f);
                        xml_text(f, v[i].reason);
                        fputs("</failure>\n", f);
                } else {
                        fputs("      <system-out>", f);
                        xml_text(f, v[i].reason);
                        fputs("</system-out>\n", f);
                }
                fputs("    </testcase>\n", f);
        }
        fputs("    <system-out>CPU CAPACITY UTILISATION\n", f);
        for (int cpu = cpumask_first(&h->cpus); cpu >= 0; cpu = cpumask_next(&h->cpus, cpu))
                fprintf(f, "%d %.3f %.3f\n", cpu, sched_host_capacity_cpu(h, cpu),
                        sched_cpu_utilisation(tasks, n, cpu));
        if (st != NULL) {
                char gap[256];
                xml_text(f, sched_place_gap_text(st, gap, sizeof(gap)));
                fputs("\n", f);
        }
        fputs("</system-out>\n  </testsuite>\n</testsuites>\n", f);
        if (fclose(f) != 0) {
                free(buf);
                return NULL;
        }
        return buf;
}

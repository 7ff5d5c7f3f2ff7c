/* The ledger file against the sidecars (internal.h, sched_ledger_reconcile). ledger.json is
 * replaced whole, the sidecars one by one; a ledger.json that parses but lists less than the
 * sidecars of live processes (replaced by an empty one, restored from a backup, written by an
 * older rtrun) would otherwise drop those reservations and over-admit the next containers.
 * Only sidecars the ledger does not name are read, so the common case costs one readdir. */
#include "scheduler/internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/common.h"

static int cmp_name(const void *a, const void *b)
{
        return strcmp(a, b);
}

/* Sorted sidecar names of the ledger's entries (each 32 bytes). */
static char (*ledger_names(const struct sched_ledger *l))[32]
{
        char(*names)[32] = calloc(l->n + 1, sizeof(*names));
        if (names == NULL)
                return NULL;
        for (size_t i = 0; i < l->n; i++)
                sched_sidecar_name(&l->v[i], names[i], sizeof(names[i]));
        qsort(names, l->n, sizeof(*names), cmp_name);
        return names;
}

/* Reads one sidecar the ledger does not list: 1 when it holds a live reservation (in *e),
 * 0 when it is stale. */
static int read_sidecar(int d, const char *name, struct sched_entry *e)
{
        _cleanup_free_ char *text = NULL;
        size_t len;
        struct rterr ignore;
        yajl_val v = NULL;
        bool ok = read_file_at(d, name, &text, &len, &ignore) == 0 &&
                  (v = yajl_tree_parse(text, NULL, 0)) != NULL &&
                  sched_entry_parse(v, name, e, &ignore) == 0 && sched_entry_alive(e);
        yajl_tree_free(v);
        return ok;
}

int sched_ledger_reconcile(struct sched_ledger *l, bool repair, struct rterr *err)
{
        int d = openat(l->dir_fd, SCHED_SIDECARS, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (d < 0)
                return errno == ENOENT ? 0 : rterr_errno(err, "open %s", SCHED_SIDECARS);
        _cleanup_closedir_ DIR *dir = fdopendir(d);
        if (dir == NULL) {
                close(d);
                return rterr_errno(err, "open %s", SCHED_SIDECARS);
        }
        _cleanup_free_ char(*names)[32] = ledger_names(l);
        _cleanup_free_ bool *seen = calloc(l->n + 1, sizeof(bool));
        if (names == NULL || seen == NULL)
                return rterr_errno(err, "admission ledger");
        size_t listed = l->n, restored = 0;
        struct dirent *de;
        while ((de = readdir(dir)) != NULL) {
                const char *n = de->d_name;
                if (n[0] == '.' || strlen(n) != 21 || strcmp(n + 16, ".json") != 0)
                        continue; /* temp files ("K.json.tmp.PID") and strangers */
                char(*hit)[32] = bsearch(n, names, listed, sizeof(*names), cmp_name);
                if (hit != NULL) {
                        seen[hit - names] = true;
                        continue;
                }
                struct sched_entry e;
                if (!read_sidecar(d, n, &e)) {
                        if (repair)
                                unlinkat(d, n, 0);
                        continue;
                }
                if (sched_ledger_push(l, &e, err) < 0)
                        return -1;
                restored++;
        }
        /* entries whose sidecar is missing get one at the next commit */
        for (size_t i = 0; repair && i < listed; i++) {
                char name[32];
                sched_sidecar_name(&l->v[i], name, sizeof(name));
                char(*hit)[32] = bsearch(name, names, listed, sizeof(*names), cmp_name);
                if (hit != NULL && !seen[hit - names])
                        l->v[i].changed = true;
        }
        if (restored == 0)
                return 0;
        if (repair)
                l->rebuilt = true; /* commit what was restored, even on a rejection */
        if (l->warning[0] == '\0')
                snprintf(l->warning, sizeof(l->warning),
                         "admission ledger %s/ledger.json listed %zu reservation(s) but %zu more "
                         "live one(s) hold sidecars in %s/; restored them",
                         sched_ledger_dir(), listed, restored, SCHED_SIDECARS);
        return 0;
}

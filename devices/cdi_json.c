/* JSON spec files (yajl's tree parser) converted into the CDI document tree. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "devices/cdi_node.h"

#define MAX_DEPTH 64

static struct cdi_node *scalar(enum cdi_scalar_kind kind, const char *text)
{
        struct cdi_node *n = cdi_node_new(CDI_NODE_SCALAR);
        if (n == NULL)
                return NULL;
        n->scalar = kind;
        if ((n->text = strdup(text)) == NULL) {
                cdi_node_free(n);
                return NULL;
        }
        return n;
}

static struct cdi_node *convert(yajl_val v, int depth)
{
        if (depth > MAX_DEPTH)
                return NULL;
        switch (v ? v->type : yajl_t_null) {
        case yajl_t_string:
                return scalar(CDI_SCALAR_STRING, v->u.string);
        case yajl_t_number:
                return scalar(CDI_SCALAR_NUMBER, v->u.number.r);
        case yajl_t_true:
                return scalar(CDI_SCALAR_BOOL, "true");
        case yajl_t_false:
                return scalar(CDI_SCALAR_BOOL, "false");
        case yajl_t_object: {
                struct cdi_node *n = cdi_node_new(CDI_NODE_MAP);
                for (size_t i = 0; n && i < v->u.object.len; i++) {
                        struct cdi_node *c = convert(v->u.object.values[i], depth + 1);
                        char *k = strdup(v->u.object.keys[i]);
                        if (c == NULL || k == NULL || cdi_node_append(n, k, c) < 0) {
                                if (c == NULL || k == NULL) {
                                        free(k);
                                        cdi_node_free(c);
                                }
                                cdi_node_free(n);
                                return NULL;
                        }
                }
                return n;
        }
        case yajl_t_array: {
                struct cdi_node *n = cdi_node_new(CDI_NODE_SEQ);
                for (size_t i = 0; n && i < v->u.array.len; i++) {
                        struct cdi_node *c = convert(v->u.array.values[i], depth + 1);
                        if (c == NULL || cdi_node_append(n, NULL, c) < 0) {
                                cdi_node_free(n);
                                return NULL;
                        }
                }
                return n;
        }
        default:
                return cdi_node_new(CDI_NODE_NULL);
        }
}

int cdi_node_from_json(const char *text, const char *file, struct cdi_node **out, struct rterr *err)
{
        char errbuf[512] = "";
        yajl_val root = yajl_tree_parse(text, errbuf, sizeof(errbuf));
        if (root == NULL) {
                char *nl = strchr(errbuf, '\n');
                if (nl)
                        *nl = '\0';
                return rterr_set(err, EINVAL, "CDI spec %s: invalid JSON: %s", file,
                                 errbuf[0] ? errbuf : "parse error");
        }
        struct cdi_node *n = convert(root, 0);
        yajl_tree_free(root);
        if (n == NULL)
                return rterr_set(err, ENOMEM, "CDI spec %s: out of memory or nested too deep",
                                 file);
        *out = n;
        return 0;
}

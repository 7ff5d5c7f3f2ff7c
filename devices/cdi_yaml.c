/* YAML spec files (libyaml's document loader) converted into the CDI document tree. Anchors
 * and aliases are resolved by the loader; the depth bound stops alias cycles. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "devices/cdi_node.h"

#define MAX_DEPTH 64

static bool is_null(const yaml_node_t *y)
{
        const char *t = (const char *)y->data.scalar.value;
        return y->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
               (t[0] == '\0' || strcmp(t, "~") == 0 || strcasecmp(t, "null") == 0);
}

static struct cdi_node *convert(yaml_document_t *doc, yaml_node_t *y, int depth);

static struct cdi_node *convert_scalar(yaml_node_t *y)
{
        if (is_null(y))
                return cdi_node_new(CDI_NODE_NULL);
        struct cdi_node *n = cdi_node_new(CDI_NODE_SCALAR);
        if (n == NULL)
                return NULL;
        n->scalar =
            y->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? CDI_SCALAR_PLAIN : CDI_SCALAR_STRING;
        n->text = strndup((const char *)y->data.scalar.value, y->data.scalar.length);
        if (n->text == NULL) {
                cdi_node_free(n);
                return NULL;
        }
        return n;
}

static struct cdi_node *convert_map(yaml_document_t *doc, yaml_node_t *y, int depth)
{
        struct cdi_node *n = cdi_node_new(CDI_NODE_MAP);
        for (yaml_node_pair_t *p = y->data.mapping.pairs.start; n && p < y->data.mapping.pairs.top;
             p++) {
                yaml_node_t *k = yaml_document_get_node(doc, p->key);
                if (k == NULL || k->type != YAML_SCALAR_NODE) {
                        cdi_node_free(n);
                        return NULL;
                }
                char *key = strndup((const char *)k->data.scalar.value, k->data.scalar.length);
                struct cdi_node *c = convert(doc, yaml_document_get_node(doc, p->value), depth);
                if (key == NULL || c == NULL) {
                        free(key);
                        cdi_node_free(c);
                        cdi_node_free(n);
                        return NULL;
                }
                if (cdi_node_append(n, key, c) < 0) {
                        cdi_node_free(n);
                        return NULL;
                }
        }
        return n;
}

static struct cdi_node *convert_seq(yaml_document_t *doc, yaml_node_t *y, int depth)
{
        struct cdi_node *n = cdi_node_new(CDI_NODE_SEQ);
        for (yaml_node_item_t *i = y->data.sequence.items.start;
             n && i < y->data.sequence.items.top; i++) {
                struct cdi_node *c = convert(doc, yaml_document_get_node(doc, *i), depth);
                if (c == NULL || cdi_node_append(n, NULL, c) < 0) {
                        cdi_node_free(n);
                        return NULL;
                }
        }
        return n;
}

static struct cdi_node *convert(yaml_document_t *doc, yaml_node_t *y, int depth)
{
        if (y == NULL || depth > MAX_DEPTH)
                return NULL;
        switch (y->type) {
        case YAML_SCALAR_NODE:
                return convert_scalar(y);
        case YAML_MAPPING_NODE:
                return convert_map(doc, y, depth + 1);
        case YAML_SEQUENCE_NODE:
                return convert_seq(doc, y, depth + 1);
        default:
                return cdi_node_new(CDI_NODE_NULL);
        }
}

int cdi_node_from_yaml(const char *text, size_t len, const char *file, struct cdi_node **out,
                       struct rterr *err)
{
        yaml_parser_t parser;
        yaml_document_t doc;
        if (!yaml_parser_initialize(&parser))
                return rterr_set(err, ENOMEM, "CDI spec %s: cannot start the YAML parser", file);
        yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
        if (!yaml_parser_load(&parser, &doc)) {
                rterr_set(err, EINVAL, "CDI spec %s: invalid YAML at line %zu column %zu: %s%s%s",
                          file, parser.problem_mark.line + 1, parser.problem_mark.column + 1,
                          parser.problem ? parser.problem : "parse error",
                          parser.context ? " " : "", parser.context ? parser.context : "");
                yaml_parser_delete(&parser);
                return -1;
        }
        yaml_parser_delete(&parser);
        yaml_node_t *root = yaml_document_get_root_node(&doc);
        if (root == NULL) {
                yaml_document_delete(&doc);
                return rterr_set(err, EINVAL, "CDI spec %s: empty document", file);
        }
        struct cdi_node *n = convert(&doc, root, 0);
        yaml_document_delete(&doc);
        if (n == NULL)
                return rterr_set(err, EINVAL,
                                 "CDI spec %s: unsupported YAML (non-scalar key or nested too "
                                 "deep)",
                                 file);
        *out = n;
        return 0;
}

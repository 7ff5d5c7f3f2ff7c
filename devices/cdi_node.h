/* One document tree for CDI spec files whether they are JSON or YAML, so a single decoder
 * reads both. YAML plain scalars keep their text; the decoder decides whether `0` is a string
 * (a device name) or a number (a minor). */
#ifndef RTRUN_DEVICES_CDI_NODE_H
#define RTRUN_DEVICES_CDI_NODE_H

#include <stddef.h>

#include "common/common.h"

enum cdi_node_kind { CDI_NODE_NULL, CDI_NODE_SCALAR, CDI_NODE_MAP, CDI_NODE_SEQ };

enum cdi_scalar_kind {
        CDI_SCALAR_STRING, /* JSON string, YAML quoted scalar */
        CDI_SCALAR_NUMBER, /* JSON number */
        CDI_SCALAR_BOOL,   /* JSON true/false */
        CDI_SCALAR_PLAIN,  /* YAML plain scalar: string, number or bool by context */
};

struct cdi_node {
        enum cdi_node_kind kind;
        enum cdi_scalar_kind scalar;
        char *text;              /* CDI_NODE_SCALAR */
        char **keys;             /* CDI_NODE_MAP */
        struct cdi_node **items; /* values of a map, elements of a sequence */
        size_t n;
};

struct cdi_node *cdi_node_new(enum cdi_node_kind kind);
void cdi_node_free(struct cdi_node *n);
/* Appends a child (key is NULL for sequences); takes ownership of child and key. */
int cdi_node_append(struct cdi_node *parent, char *key, struct cdi_node *child);
/* The value of key in a map, or NULL. */
const struct cdi_node *cdi_node_get(const struct cdi_node *map, const char *key);

/* Parsers; errors name `file`. */
int cdi_node_from_json(const char *text, const char *file, struct cdi_node **out,
                       struct rterr *err);
int cdi_node_from_yaml(const char *text, size_t len, const char *file, struct cdi_node **out,
                       struct rterr *err);

/* Writers (cdi_emit.c): the tree as JSON (two-space indents) or YAML (block style, strings
 * quoted), malloc'd and NUL-terminated. */
int cdi_node_to_json(const struct cdi_node *n, char **out, size_t *len, struct rterr *err);
int cdi_node_to_yaml(const struct cdi_node *n, char **out, size_t *len, struct rterr *err);

#endif

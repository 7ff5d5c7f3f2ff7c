/* The CDI document tree: construction and lookup. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/cdi_node.h"

struct cdi_node *cdi_node_new(enum cdi_node_kind kind)
{
        struct cdi_node *n = calloc(1, sizeof(*n));
        if (n)
                n->kind = kind;
        return n;
}

void cdi_node_free(struct cdi_node *n)
{
        if (n == NULL)
                return;
        for (size_t i = 0; i < n->n; i++) {
                if (n->keys)
                        free(n->keys[i]);
                cdi_node_free(n->items[i]);
        }
        free(n->keys);
        free(n->items);
        free(n->text);
        free(n);
}

int cdi_node_append(struct cdi_node *parent, char *key, struct cdi_node *child)
{
        struct cdi_node **items = realloc(parent->items, (parent->n + 1) * sizeof(*items));
        if (items == NULL)
                goto fail;
        parent->items = items;
        if (parent->kind == CDI_NODE_MAP) {
                char **keys = realloc(parent->keys, (parent->n + 1) * sizeof(*keys));
                if (keys == NULL)
                        goto fail;
                parent->keys = keys;
                keys[parent->n] = key;
        }
        items[parent->n++] = child;
        return 0;
fail:
        free(key);
        cdi_node_free(child);
        errno = ENOMEM;
        return -1;
}

const struct cdi_node *cdi_node_get(const struct cdi_node *map, const char *key)
{
        if (map == NULL || map->kind != CDI_NODE_MAP)
                return NULL;
        /* Last one wins, as in JSON decoders that read duplicate keys in order. */
        for (size_t i = map->n; i-- > 0;)
                if (strcmp(map->keys[i], key) == 0)
                        return map->items[i];
        return NULL;
}

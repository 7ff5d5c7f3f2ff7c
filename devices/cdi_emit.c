/* The CDI document tree written out: JSON through yajl, YAML through libyaml's emitter (block
 * style; strings quoted so a device named "0" stays a string, numbers plain). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "common/common.h"
#include "devices/cdi_node.h"

static int json_node(yajl_gen g, const struct cdi_node *n)
{
        switch (n->kind) {
        case CDI_NODE_NULL:
                return yajl_gen_null(g);
        case CDI_NODE_SCALAR:
                if (n->scalar == CDI_SCALAR_NUMBER)
                        return yajl_gen_number(g, n->text, strlen(n->text));
                if (n->scalar == CDI_SCALAR_BOOL)
                        return yajl_gen_bool(g, strcmp(n->text, "true") == 0);
                return gen_str(g, n->text);
        case CDI_NODE_MAP: {
                int s = yajl_gen_map_open(g);
                for (size_t i = 0; i < n->n; i++)
                        s |= gen_str(g, n->keys[i]) | json_node(g, n->items[i]);
                return s | yajl_gen_map_close(g);
        }
        case CDI_NODE_SEQ: {
                int s = yajl_gen_array_open(g);
                for (size_t i = 0; i < n->n; i++)
                        s |= json_node(g, n->items[i]);
                return s | yajl_gen_array_close(g);
        }
        }
        return yajl_gen_invalid_string;
}

int cdi_node_to_json(const struct cdi_node *n, char **out, size_t *len, struct rterr *err)
{
        yajl_gen g = gen_new(true);
        if (g == NULL)
                return rterr_sys(err, ENOMEM, "CDI spec as JSON");
        return gen_finish(g, json_node(g, n), true, "CDI spec as JSON", out, len, err);
}

struct yaml_out {
        char *buf;
        size_t len, cap;
};

static int yaml_write(void *ctx, unsigned char *data, size_t size)
{
        struct yaml_out *o = ctx;
        if (o->len + size + 1 > o->cap) {
                size_t cap = (o->len + size + 1) * 2;
                char *b = realloc(o->buf, cap);
                if (b == NULL)
                        return 0;
                o->buf = b;
                o->cap = cap;
        }
        memcpy(o->buf + o->len, data, size);
        o->len += size;
        o->buf[o->len] = '\0';
        return 1;
}

static int yaml_scalar(yaml_emitter_t *em, const char *text, bool plain)
{
        yaml_event_t ev;
        return yaml_scalar_event_initialize(
                   &ev, NULL, NULL, (yaml_char_t *)text, (int)strlen(text), plain, !plain,
                   plain ? YAML_PLAIN_SCALAR_STYLE : YAML_DOUBLE_QUOTED_SCALAR_STYLE) &&
               yaml_emitter_emit(em, &ev);
}

static int yaml_node(yaml_emitter_t *em, const struct cdi_node *n)
{
        yaml_event_t ev;
        switch (n->kind) {
        case CDI_NODE_NULL:
                return yaml_scalar(em, "null", true);
        case CDI_NODE_SCALAR:
                return yaml_scalar(em, n->text, n->scalar != CDI_SCALAR_STRING);
        case CDI_NODE_MAP:
                if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
                                                         YAML_BLOCK_MAPPING_STYLE) ||
                    !yaml_emitter_emit(em, &ev))
                        return 0;
                for (size_t i = 0; i < n->n; i++)
                        if (!yaml_scalar(em, n->keys[i], true) || !yaml_node(em, n->items[i]))
                                return 0;
                return yaml_mapping_end_event_initialize(&ev) && yaml_emitter_emit(em, &ev);
        case CDI_NODE_SEQ:
                if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
                                                          YAML_BLOCK_SEQUENCE_STYLE) ||
                    !yaml_emitter_emit(em, &ev))
                        return 0;
                for (size_t i = 0; i < n->n; i++)
                        if (!yaml_node(em, n->items[i]))
                                return 0;
                return yaml_sequence_end_event_initialize(&ev) && yaml_emitter_emit(em, &ev);
        }
        return 0;
}

int cdi_node_to_yaml(const struct cdi_node *n, char **out, size_t *len, struct rterr *err)
{
        yaml_emitter_t em;
        yaml_event_t ev;
        struct yaml_out o = {0};
        if (!yaml_emitter_initialize(&em))
                return rterr_sys(err, ENOMEM, "CDI spec as YAML");
        yaml_emitter_set_output(&em, yaml_write, &o);
        yaml_emitter_set_unicode(&em, 1);
        int ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) &&
                 yaml_emitter_emit(&em, &ev) &&
                 yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 0) &&
                 yaml_emitter_emit(&em, &ev) && yaml_node(&em, n) &&
                 yaml_document_end_event_initialize(&ev, 1) && yaml_emitter_emit(&em, &ev) &&
                 yaml_stream_end_event_initialize(&ev) && yaml_emitter_emit(&em, &ev) &&
                 yaml_emitter_flush(&em);
        const char *problem = em.problem;
        yaml_emitter_delete(&em);
        if (!ok || o.buf == NULL) {
                free(o.buf);
                return rterr_set(err, EINVAL, "CDI spec as YAML: %s",
                                 problem ? problem : "out of memory");
        }
        *out = o.buf;
        *len = o.len;
        return 0;
}

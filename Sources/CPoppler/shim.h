#ifndef GUICHET_CPOPPLER_SHIM_H
#define GUICHET_CPOPPLER_SHIM_H
#include <glib.h>
#include <glib-object.h>
#include <poppler.h>

/* GList traversal and GError fields are reachable from Swift, but these typed helpers keep the
   Swift side free of pointer casts. */
static inline PopplerTextAttributes *guichet_text_attributes_at(GList *node) {
    return node ? (PopplerTextAttributes *)node->data : NULL;
}

static inline int guichet_error_code(const GError *error) { return error ? error->code : -1; }

static inline int guichet_is_poppler_error(const GError *error) {
    return error && error->domain == POPPLER_ERROR;
}

#endif

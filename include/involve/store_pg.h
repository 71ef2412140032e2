/*
 * store_pg.h - the PostgreSQL implementation of the store (store.h).
 * Callers use store_open with "postgresql://..."; this header is for
 * store.c and for tests that check the implementation's own settings.
 */
#ifndef INVOLVE_STORE_PG_H
#define INVOLVE_STORE_PG_H

#include "involve/store.h"

int store_pg_open(const char *url, const struct store_config *cfg, struct store **out,
    struct errors *e);
/* A server setting as the store's connections see it ("fsync" -> "on"),
 * copied into out; 0, or an error code. */
int store_pg_setting(struct store *s, const char *name, char *out, size_t size);

#endif

/*
 * store_sqlite.h - the SQLite implementation of the store (store.h).
 * Callers use store_open with "sqlite:PATH"; this header is for store.c
 * and for tests that check the implementation's own settings.
 */
#ifndef INVOLVE_STORE_SQLITE_H
#define INVOLVE_STORE_SQLITE_H

#include "involve/store.h"

int store_sqlite_open(const char *path, const struct store_config *cfg, struct store **out,
    struct errors *e);
/* The writer connection's PRAGMA synchronous (2 = FULL), or -1. */
int store_sqlite_synchronous(struct store *s);

#endif

/*
 * pg.h - what the files of the PostgreSQL driver share: the libpq
 * connection under a db_conn, for the little that only libpq can do
 * (COPY, in response_copy.c), and the driver's one way of turning a
 * failure into an ERR_* code.
 *
 * Not a public header: only src/store/pg/ includes it.
 */
#ifndef INVOLVE_STORE_PG_H
#define INVOLVE_STORE_PG_H

#include <libpq-fe.h>

#include "../driver.h"

/* The libpq connection of c, a PostgreSQL connection. */
PGconn *pg_conn_handle(struct db_conn *c);

/*
 * 0 when r is a success (PGRES_COMMAND_OK, PGRES_TUPLES_OK), else the
 * ERR_* its SQLSTATE means, logged and remembered as the driver's own
 * statements' failures are (so a lost race is tried again).  r may be NULL
 * for a failure libpq reported without a result (a connection gone).
 */
int pg_conn_check(struct db_conn *c, const PGresult *r, const char *what);

#endif

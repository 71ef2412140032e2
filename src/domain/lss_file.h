/*
 * lss_file.h - a LimeSurvey structure file read as what it is: a few
 * values (the document type, DBVersion, the languages) and tables of
 * rows, each cell by its field's name.  Used by lss_source.c and
 * lss_import.c alone, so it stays in this folder.
 *
 * The XML is read by libxml2 from memory, without the network, without
 * substituting entities and without loading any DTD; a document with a
 * DOCTYPE is refused as soon as the parser meets it (before any entity
 * could be expanded), so "billion laughs" and external entities never
 * start.  Every value read is copied into the arena, and the document is
 * freed once read.
 */
#ifndef INVOLVE_LSS_FILE_H
#define INVOLVE_LSS_FILE_H

#include "involve/arena.h"
#include "involve/error.h"
#include "involve/str.h"

#define LSS_FILE_FIELDS_MAX 200 /* fields of one table */
#define LSS_FILE_TABLES_MAX 64

struct lss_table {
	const char *name;
	int field_n;
	const char **fields;
	int row_n;
	struct str *cells;     /* row_n * field_n, NUL-terminated; "" when absent */
};

struct lss_file {
	void *doc;             /* the libxml2 document */
	int db_version;
	struct str doc_type;   /* LimeSurveyDocType: "Survey" */
	int language_n;
	struct str *languages; /* <languages>, in order */
	int table_n;
	struct lss_table *tables;
};

/*
 * Reads bytes into *f (tables in a).  0; ERR_INVALID with the reason for
 * a person under "file" in e (not XML and where, a DOCTYPE, not a
 * LimeSurvey survey, too many rows; a DBVersion below LSS_DBVERSION_MIN,
 * f->db_version then set); ERR_NOMEM.  lss_file_close frees what is
 * left of the document after a failure (nothing after success).
 */
int lss_file_read(struct str bytes, struct arena *a, struct lss_file *f, struct errors *e);
void lss_file_close(struct lss_file *f);

/* The table of that name, or NULL. */
const struct lss_table *lss_file_table(const struct lss_file *f, const char *name);
/* The index of the field, or -1. */
int lss_table_field(const struct lss_table *t, const char *name);

static inline struct str
lss_cell(const struct lss_table *t, int row, int field)
{
	return field < 0 ? (struct str){ "", 0 } : t->cells[(size_t)row * t->field_n + field];
}

#endif

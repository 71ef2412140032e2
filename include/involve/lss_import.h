/*
 * lss_import.h - a survey brought across from LimeSurvey: a survey
 * structure file (.lss) read into involve's survey definition, with a
 * report of what came over, what it became, and what did not and why.
 *
 * One function for every door (the command now; the API and the staff
 * pages later): it takes the file's bytes and gives the survey's title,
 * the definition's JSON text (the "pages" array survey_def_parse reads,
 * always valid when the import succeeds) and the report, which can be
 * written as text for a person or as JSON for the API.  It knows nothing
 * of the store: the caller builds a draft from it (lss_import_input) and
 * keeps it as any new survey is kept.
 *
 * What is read: LimeSurvey's survey structure files from DBVersion 350
 * on, in both layouts (question texts in the questions rows before 400,
 * in question_l10ns from 400), in the survey's base language; other
 * languages are named in the report.  Groups become pages in their order,
 * questions keep their order, codes (as keys), mandatory flags, help,
 * answer options and subquestions with their codes, "Other" options and
 * min/max attributes.  Relevance that compares earlier answers becomes
 * conditions: a question's its show_if, a group's a show_if on each of
 * its questions and, where earlier pages can decide it, rules that skip
 * the page.  Each LimeSurvey type maps as lss_import.c's table says; what
 * has no counterpart is reported, never silently dropped.
 *
 * The file is untrusted: libxml2 reads it without the network and
 * without substituting entities, and a document with a DOCTYPE (so any
 * entity, internal or external) is refused before anything in it is
 * expanded.  Every count is bounded (named limits below, and survey.h's).
 */
#ifndef INVOLVE_LSS_IMPORT_H
#define INVOLVE_LSS_IMPORT_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "involve/arena.h"
#include "involve/error.h"
#include "involve/str.h"
#include "involve/survey.h"

#define LSS_FILE_MAX_BYTES (8 * 1024 * 1024) /* the API's body limit too */
#define LSS_DBVERSION_MIN 350                /* older structure files are refused */
#define LSS_DBVERSION_L10N 400               /* texts in *_l10ns tables from here */
#define LSS_DBVERSION_KNOWN 650              /* the newest version the tests hold */
#define LSS_ROWS_MAX 200000                  /* rows in one table */
#define LSS_NOTES_MAX 2000                   /* report notes; more are counted */
#define LSS_LANGUAGES_MAX 64

/* What a note says of the part it names. */
enum lss_note_kind {
	LSS_NOTE_LOST,    /* not carried over: left out, with the reason */
	LSS_NOTE_CHANGED, /* carried over in another form (renamed, made optional, cut) */
};

struct lss_note {
	enum lss_note_kind kind;
	int question;        /* index in the report's questions, or -1 */
	int page;            /* index in the report's pages, or -1 (with question: -1) */
	struct str detail;   /* a sentence, in the import's language (lss_import) */
};

/* One LimeSurvey question and what became of it. */
struct lss_report_question {
	struct str code;     /* its code in LimeSurvey */
	char type;           /* LimeSurvey's type letter */
	int page;            /* its group: index in the report's pages */
	struct str became;   /* "single G01Q01", "number K1_SQ001, number K1_SQ002";
	                      * "" when it was left out */
	struct str condition; /* the relevance carried over as its show_if, or "" */
};

/* One group and the page it became. */
struct lss_report_page {
	int64_t group_id;
	struct str name;     /* the group's name */
	struct str key;      /* the page's key, "" when no page was made */
};

struct lss_report {
	int db_version;            /* 0 when not read */
	struct str survey_id;      /* LimeSurvey's sid */
	struct str title;
	struct str language;       /* the base language, imported */
	int language_n;            /* the others, named only */
	struct str *languages;
	int page_n;
	struct lss_report_page *pages;
	int question_n;
	struct lss_report_question *questions;
	int note_n;
	struct lss_note *notes;
	int notes_dropped;         /* past LSS_NOTES_MAX */
	int questions_made;        /* involve questions in the definition */
	bool imported;             /* whether a definition came of it */
};

struct lss_import {
	struct str title;          /* checked: survey_title_check passes */
	struct str pages;          /* the definition's JSON text */
	struct lss_report report;
};

/*
 * Reads the structure file file[0..n) into *out, its text in a.  0 when a
 * definition came of it; ERR_TOO_LARGE past LSS_FILE_MAX_BYTES; otherwise
 * ERR_INVALID with the reason for a person in e under "file" (not XML,
 * not a LimeSurvey survey, a version not read, nothing that could be
 * carried over), and out->report filled as far as reading went (its
 * db_version once read); ERR_NOMEM.  Safe to call from several threads.
 *
 * The report's notes are written in e's language (errors_init_in), as its
 * errors are: a staff page's reader reads both in theirs, while the API
 * and the command (errors_init) keep English.  What came from the file
 * (codes, names, texts, expressions) is quoted as it is.
 */
int lss_import(struct str file, struct arena *a, struct lss_import *out, struct errors *e);

/* The import as a new survey's input, always a draft (never open); for
 * survey_build, as the API's body or the command's file would be. */
void lss_import_input(const struct lss_import *im, struct survey_input *in);

/* The report for a person, into b: the source, each page with its
 * questions and what each became, then what was not carried over. */
void lss_report_write_text(const struct lss_report *r, struct buf *b);
/* The report as the API's "import_report" member (a new reference; NULL
 * when out of memory). */
json_t *lss_report_json(const struct lss_report *r);

/* LimeSurvey's name for a type letter ("List (radio)"), "" when unknown:
 * in English, each marked N_ for a page to show through the catalogue. */
const char *lss_type_name(char type);

#endif

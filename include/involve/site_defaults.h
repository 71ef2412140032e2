/*
 * site_defaults.h - the built-in text of an organisation's site pages:
 * the accessibility statement, the privacy notice, the cookies page and
 * the home page's introduction.
 *
 * An organisation's site shows these until its staff write their own
 * (store page_put), so a new site is lawful and honest from its first
 * day.  The texts are written for an NHS organisation in plain language
 * and describe what involve really stores.  They are Markdown, with the
 * marker "{organisation}" standing for the organisation's name.
 */
#ifndef INVOLVE_SITE_DEFAULTS_H
#define INVOLVE_SITE_DEFAULTS_H

#include <stdbool.h>

#include "involve/str.h"

/* The marker replaced by the organisation's name in a body. */
#define SITE_DEFAULT_ORG_MARKER "{organisation}"

struct site_default {
	const char *key;   /* "accessibility", "privacy", "cookies", "home" */
	const char *title; /* the page's h1, in English (i18n_text translates it) */
	/* Markdown paragraphs with SITE_DEFAULT_ORG_MARKER, in English, NULL
	 * after the last: one message each in the catalogues. */
	const char *const *body;
};

/* The default page for key, or NULL when key has none.  The result is a
 * static table entry: never freed, safe from any thread. */
const struct site_default *site_default_find(struct str key);

/* Whether key names a statement page ("accessibility", "privacy",
 * "cookies"): the pages linked from every footer. */
bool site_default_is_statement(struct str key);

/*
 * Appends d's body in lang (NULL: English) to out with each marker
 * replaced by org_name, escaped
 * so that Markdown shows it as typed (a name such as "St *Mary's*" stays
 * plain text).  A NULL org_name reads "the organisation that runs this
 * website" (the installation's own pages).  0, or ERR_NOMEM when out
 * failed to grow.
 */
struct i18n_lang;
int site_default_body(const struct site_default *d, const char *org_name,
    const struct i18n_lang *lang, struct buf *out);

#endif

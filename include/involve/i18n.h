/*
 * i18n.h - the interface's words in the visitor's language.
 *
 * Every message the interface shows is written in English in the source
 * (templates mark theirs {{_ ...}}, C code tr(), trn() and N_()) and
 * translated in a GNU gettext catalogue, po/LANG.po; scripts/po.py reads the
 * catalogues into tables when building.  A message without a translation
 * shows in English.  Content staff write (a question, an option) is never
 * translated here: it stays in the language it was written in.
 *
 * A language is chosen per request (the visitor's choice, kept in a cookie,
 * else Accept-Language) and passed along: nothing here depends on the
 * process's locale, so any number of threads may use any language at once.
 */
#ifndef INVOLVE_I18N_H
#define INVOLVE_I18N_H

#include <stdbool.h>
#include <stddef.h>

#include "involve/str.h"

/* The most plural forms a language may have (Arabic has six). */
#define I18N_FORMS_MAX 6
/* The cookie that keeps a visitor's choice of language. */
#define I18N_COOKIE "involve_lang"
#define I18N_COOKIE_SECONDS (365L * 24 * 60 * 60)

struct i18n_lang {
	const char *code;  /* BCP 47: "en", "ur", "pl" */
	const char *name;  /* the language's name in itself: "Polski" */
	bool rtl;          /* written right to left */
	int nplurals;
	int (*plural)(unsigned long n);             /* which form for n */
	const char *const (*text)[I18N_FORMS_MAX]; /* per message; NULL for English */
};

/* English: the source language, and the choice when nothing else fits. */
const struct i18n_lang *i18n_default(void);
/* The language with this code ("pl", case-insensitive), or NULL. */
const struct i18n_lang *i18n_find(struct str code);
/* The best of our languages for an Accept-Language header (RFC 9110:
 * q-values, "ur-PK" matching "ur", "*"), or English. */
const struct i18n_lang *i18n_negotiate(struct str accept_language);
int i18n_lang_count(void);
const struct i18n_lang *i18n_lang_at(int i);

/* The message's number in the catalogue, or -1 (it then shows in English). */
int i18n_id(struct str msgid);
/* Message id (from i18n_id) in l, or fallback when l has none. */
const char *i18n_get(const struct i18n_lang *l, int id, const char *fallback);

/* msgid in l: its translation, or msgid itself. */
const char *i18n_text(const struct i18n_lang *l, const char *msgid);
/* The form for n of a message with a plural: one and other are the
 * English, as the catalogue has them. */
const char *i18n_plural(const struct i18n_lang *l, const char *one, const char *other,
    unsigned long n);

/* Marks a message for the catalogue where it is written, to be translated
 * where it is shown (a table of labels, say). */
#define N_(msgid) (msgid)

#endif

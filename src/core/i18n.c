/*
 * i18n.c - looking messages up in the catalogues (see i18n.h) and choosing a
 * language.  The tables are generated from po/ when building (po.py).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "involve/i18n.h"

extern const int i18n_msg_n;
extern const char *const i18n_msgids[];
extern const char *const i18n_msgid_plurals[];
extern const struct i18n_lang i18n_langs[];
extern const int i18n_lang_n;

/* The most language ranges of an Accept-Language header looked at. */
#define ACCEPT_RANGES_MAX 32

const struct i18n_lang *
i18n_default(void)
{
	return &i18n_langs[0];
}

int
i18n_lang_count(void)
{
	return i18n_lang_n;
}

const struct i18n_lang *
i18n_lang_at(int i)
{
	return i >= 0 && i < i18n_lang_n ? &i18n_langs[i] : NULL;
}

const struct i18n_lang *
i18n_find(struct str code)
{
	int i;

	for (i = 0; i < i18n_lang_n; i++)
		if (strlen(i18n_langs[i].code) == code.n &&
		    strncasecmp(i18n_langs[i].code, code.p, code.n) == 0)
			return &i18n_langs[i];
	return NULL;
}

/* A language range's weight: "q=0.8" as thousandths; 1000 when absent, -1
 * when malformed. */
static int
weight(struct str params)
{
	struct str q;
	int64_t v = 0;
	size_t i;

	params = str_trim(params);
	if (params.n == 0)
		return 1000;
	if (params.n < 3 || (params.p[0] != 'q' && params.p[0] != 'Q') || params.p[1] != '=')
		return -1;
	q = (struct str){ params.p + 2, params.n - 2 };
	/* 0, 1, 0.x, 0.xx, 0.xxx, 1.0.. (RFC 9110's qvalue) */
	if (q.n == 0 || (q.p[0] != '0' && q.p[0] != '1') || (q.n > 1 && q.p[1] != '.') ||
	    q.n > 5)
		return -1;
	for (i = 2; i < q.n; i++)
		if (q.p[i] < '0' || q.p[i] > '9')
			return -1;
	v = (q.p[0] - '0') * 1000;
	for (i = 2; i < 5; i++)
		v += i < q.n ? (q.p[i] - '0') * (i == 2 ? 100 : i == 3 ? 10 : 1) : 0;
	return v > 1000 ? -1 : (int)v;
}

const struct i18n_lang *
i18n_negotiate(struct str h)
{
	const struct i18n_lang *best = NULL, *l;
	struct str item, range, primary;
	int best_q = 0, q, ranges = 0;
	size_t i = 0, start, semi, dash;

	while (i < h.n && ranges < ACCEPT_RANGES_MAX) {
		start = i;
		while (i < h.n && h.p[i] != ',')
			i++;
		item = str_trim((struct str){ h.p + start, i - start });
		i++;
		if (item.n == 0)
			continue;
		ranges++;
		for (semi = 0; semi < item.n && item.p[semi] != ';'; semi++)
			;
		range = str_trim((struct str){ item.p, semi });
		q = weight(semi < item.n ? (struct str){ item.p + semi + 1, item.n - semi - 1 } :
		    (struct str){ "", 0 });
		if (q <= best_q)
			continue; /* refused (q=0), malformed, or no better than one found */
		if (str_eq_c(range, "*")) {
			l = i18n_default();
		} else {
			/* "ur-PK" is Urdu as spoken in Pakistan: our "ur" serves it. */
			for (dash = 0; dash < range.n && range.p[dash] != '-'; dash++)
				;
			primary = (struct str){ range.p, dash };
			l = i18n_find(primary);
		}
		if (l != NULL) {
			best = l;
			best_q = q;
		}
	}
	return best ? best : i18n_default();
}

static int
cmp_msgid(const void *key, const void *elem)
{
	const struct str *k = key;
	const char *m = *(const char *const *)elem;
	size_t m_n = strlen(m);
	int c = memcmp(k->p, m, k->n < m_n ? k->n : m_n);

	if (c != 0)
		return c;
	return k->n < m_n ? -1 : k->n > m_n;
}

int
i18n_id(struct str msgid)
{
	const char *const *hit = bsearch(&msgid, i18n_msgids, (size_t)i18n_msg_n,
	    sizeof(i18n_msgids[0]), cmp_msgid);

	return hit ? (int)(hit - i18n_msgids) : -1;
}

const char *
i18n_get(const struct i18n_lang *l, int id, const char *fallback)
{
	if (l == NULL || l->text == NULL || id < 0 || id >= i18n_msg_n || l->text[id][0] == NULL)
		return fallback;
	return l->text[id][0];
}

const char *
i18n_text(const struct i18n_lang *l, const char *msgid)
{
	return i18n_get(l, i18n_id(str_c(msgid)), msgid);
}

const char *
i18n_plural(const struct i18n_lang *l, const char *one, const char *other, unsigned long n)
{
	int id, form;

	if (l == NULL || l->text == NULL || (id = i18n_id(str_c(one))) < 0 ||
	    l->text[id][0] == NULL)
		return n == 1 ? one : other;
	form = l->plural(n);
	if (form < 0 || form >= l->nplurals || form >= I18N_FORMS_MAX || l->text[id][form] == NULL)
		form = 0;
	return l->text[id][form];
}

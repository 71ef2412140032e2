/*
 * lss_file.c - reading a LimeSurvey structure file's XML (lss_file.h).
 *
 * Before libxml2 sees a byte, what no LimeSurvey file holds is refused:
 * nothing, NUL bytes, UTF-16, a first character other than '<', and a
 * DOCTYPE.  The parser then runs with XML_PARSE_NONET and none of the
 * options that substitute entities or load DTDs, and its DOCTYPE
 * callbacks stop it should one get past the scan (a document in an
 * encoding the scan cannot read, say); the document it makes is checked
 * for a DTD once more.  Errors are taken from the parser's context, never
 * printed by libxml2 (XML_PARSE_NOERROR), so nothing reaches standard
 * error from here.
 */
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "involve/i18n.h"
#include "involve/lss_html.h"
#include "involve/lss_import.h"
#include "involve/num.h"
#include "involve/text.h"
#include "lss_file.h"

/* The parser met a DOCTYPE: say so and stop before its declarations are
 * read (entities included). */
static void
doctype_seen(void *ctx, const xmlChar *name, const xmlChar *external_id,
    const xmlChar *system_id)
{
	xmlParserCtxtPtr ctxt = ctx;

	(void)name;
	(void)external_id;
	(void)system_id;
	if (ctxt->_private != NULL)
		*(bool *)ctxt->_private = true;
	xmlStopParser(ctxt);
}

static bool
is_name(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static const xmlNode *
child(const xmlNode *n, const char *name)
{
	const xmlNode *c;

	for (c = n->children; c != NULL; c = c->next)
		if (is_name(c, name))
			return c;
	return NULL;
}

static bool
is_text(const xmlNode *c)
{
	return (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
	    c->content != NULL;
}

/* An element's text (its text and CDATA children), copied into the
 * arena so that it outlives the document.  0, or ERR_NOMEM. */
static int
content(const xmlNode *n, struct arena *a, struct str *out)
{
	const xmlNode *c;
	size_t len = 0, at = 0, k;
	char *p;

	*out = (struct str){ "", 0 };
	for (c = n->children; c != NULL; c = c->next)
		if (is_text(c))
			len += strlen((const char *)c->content);
	if (len == 0)
		return 0;
	if ((p = arena_alloc(a, len + 1)) == NULL)
		return ERR_NOMEM;
	for (c = n->children; c != NULL; c = c->next)
		if (is_text(c)) {
			k = strlen((const char *)c->content);
			memcpy(p + at, c->content, k);
			at += k;
		}
	p[len] = '\0';
	*out = (struct str){ p, len };
	return 0;
}

static int
count_elements(const xmlNode *n, const char *name)
{
	const xmlNode *c;
	int k = 0;

	for (c = n->children; c != NULL; c = c->next)
		if (is_name(c, name) && k < LSS_ROWS_MAX + 1)
			k++;
	return k;
}

/* One table: <NAME><fields><fieldname>..</fields><rows><row>...</rows>. */
static int
read_table(const xmlNode *tn, struct arena *a, struct lss_table *t, struct errors *e)
{
	const xmlNode *fields = child(tn, "fields"), *rows = child(tn, "rows"), *c, *r;
	int i, row, rc;

	memset(t, 0, sizeof(*t));
	if ((t->name = arena_strdup(a, str_c((const char *)tn->name))) == NULL)
		return ERR_NOMEM;
	t->field_n = fields != NULL ? count_elements(fields, "fieldname") : 0;
	if (t->field_n > LSS_FILE_FIELDS_MAX) {
		errors_add(e, "file", N_("The table <%.40s> has more than %d fields"), t->name,
		    LSS_FILE_FIELDS_MAX);
		return ERR_INVALID;
	}
	t->fields = arena_array(a, (size_t)t->field_n + 1, sizeof(*t->fields));
	if (t->fields == NULL)
		return ERR_NOMEM;
	i = 0;
	for (c = fields != NULL ? fields->children : NULL; c != NULL; c = c->next) {
		struct str name;

		if (!is_name(c, "fieldname"))
			continue;
		if ((rc = content(c, a, &name)) != 0)
			return rc;
		t->fields[i++] = name.p;
	}
	t->row_n = rows != NULL ? count_elements(rows, "row") : 0;
	if (t->row_n > LSS_ROWS_MAX) {
		errors_add(e, "file", N_("The table <%.40s> has more than %d rows"), t->name,
		    LSS_ROWS_MAX);
		return ERR_INVALID;
	}
	if (t->row_n == 0 || t->field_n == 0) {
		t->row_n = 0;
		return 0;
	}
	t->cells = arena_array(a, (size_t)t->row_n * (size_t)t->field_n, sizeof(*t->cells));
	if (t->cells == NULL)
		return ERR_NOMEM;
	for (i = 0; i < t->row_n * t->field_n; i++)
		t->cells[i] = (struct str){ "", 0 };
	row = 0;
	for (r = rows->children; r != NULL; r = r->next) {
		if (!is_name(r, "row"))
			continue;
		for (c = r->children; c != NULL; c = c->next) {
			int f;

			if (c->type != XML_ELEMENT_NODE ||
			    (f = lss_table_field(t, (const char *)c->name)) < 0)
				continue; /* a cell of no declared field: not read */
			if ((rc = content(c, a, &t->cells[(size_t)row * t->field_n + f])) != 0)
				return rc;
		}
		row++;
	}
	return 0;
}

/* What the bytes are, before any XML is parsed: 0, or ERR_INVALID. */
static int
check_bytes(struct str b, struct errors *e)
{
	size_t i = 0;

	if (b.n == 0 || b.p == NULL) {
		errors_add(e, "file", N_("The file is empty"));
		return ERR_INVALID;
	}
	if (b.n >= 2 && (((unsigned char)b.p[0] == 0xFE && (unsigned char)b.p[1] == 0xFF) ||
	    ((unsigned char)b.p[0] == 0xFF && (unsigned char)b.p[1] == 0xFE))) {
		errors_add(e, "file", N_("The file is UTF-16; LimeSurvey writes UTF-8: export it "
		    "from LimeSurvey again"));
		return ERR_INVALID;
	}
	if (memchr(b.p, '\0', b.n) != NULL) {
		errors_add(e, "file", N_("This is not XML (it holds NUL bytes): give a LimeSurvey "
		    "survey structure file (.lss)"));
		return ERR_INVALID;
	}
	if (b.n >= 3 && memcmp(b.p, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < b.n && (b.p[i] == ' ' || b.p[i] == '\t' || b.p[i] == '\r' || b.p[i] == '\n'))
		i++;
	if (i == b.n || b.p[i] != '<') {
		errors_add(e, "file", N_("This is not XML: give a LimeSurvey survey structure file "
		    "(.lss), which starts with <?xml"));
		return ERR_INVALID;
	}
	if (memmem(b.p, b.n, "<!DOCTYPE", 9) != NULL || memmem(b.p, b.n, "<!ENTITY", 8) != NULL) {
		errors_add(e, "file", N_("The file declares a document type or entities, which "
		    "LimeSurvey never writes; it is refused, as entities can expand without end "
		    "or read other files"));
		return ERR_INVALID;
	}
	return 0;
}

/* The parser's last error as a sentence for a person. */
static void
parse_error(xmlParserCtxtPtr ctxt, struct errors *e)
{
	const xmlError *err = xmlCtxtGetLastError(ctxt);
	char msg[96];
	size_t n;

	if (err == NULL || err->message == NULL) {
		errors_add(e, "file", N_("The file is not well-formed XML: it may have been cut "
		    "short or damaged"));
		return;
	}
	snprintf(msg, sizeof(msg), "%s", err->message);
	n = text_utf8_prefix(str_c(msg));
	msg[n] = '\0';
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' ' || msg[n - 1] == '.'))
		msg[--n] = '\0';
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)msg[i] < 0x20)
			msg[i] = ' ';
	errors_add(e, "file", N_("The file is not well-formed XML (line %d: %s): it may have "
	    "been cut short or damaged"), err->line, msg);
}

static int
read_header(const xmlNode *root, struct arena *a, struct lss_file *f, struct errors *e)
{
	const xmlNode *n, *c;
	struct str v;
	int64_t version;
	int rc;

	if ((n = child(root, "LimeSurveyDocType")) == NULL ||
	    (n = child(root, "DBVersion")) == NULL) {
		errors_add(e, "file", N_("This is XML, but not a LimeSurvey survey structure file: "
		    "it has no LimeSurveyDocType and DBVersion"));
		return ERR_INVALID;
	}
	if ((rc = content(child(root, "LimeSurveyDocType"), a, &f->doc_type)) != 0)
		return rc;
	f->doc_type = str_trim(f->doc_type);
	if ((rc = content(n, a, &v)) != 0)
		return rc;
	if (num_parse(str_trim(v), 1, 1000000, &version) != NUM_OK) {
		errors_add(e, "file", N_("The file's DBVersion is not a version number"));
		return ERR_INVALID;
	}
	f->db_version = (int)version;
	if (!str_eq_c(f->doc_type, "Survey")) {
		errors_add(e, "file", N_("This is a LimeSurvey '%.*s' file, not a survey structure "
		    "file: export the whole survey (.lss)"),
		    (int)(f->doc_type.n > 30 ? 30 : f->doc_type.n), f->doc_type.p);
		return ERR_INVALID;
	}
	if (f->db_version < LSS_DBVERSION_MIN) {
		errors_add(e, "file", N_("The file is from LimeSurvey structure version %d; only "
		    "%d (LimeSurvey 3) and later can be read: open it in a newer LimeSurvey and "
		    "export it again"), f->db_version, LSS_DBVERSION_MIN);
		return ERR_INVALID;
	}
	if ((n = child(root, "languages")) != NULL) {
		f->languages = arena_array(a, LSS_LANGUAGES_MAX, sizeof(*f->languages));
		if (f->languages == NULL)
			return ERR_NOMEM;
		for (c = n->children; c != NULL && f->language_n < LSS_LANGUAGES_MAX; c = c->next)
			if (is_name(c, "language")) {
				if ((rc = content(c, a, &v)) != 0)
					return rc;
				v = str_trim(v);
				if (v.n > 0)
					f->languages[f->language_n++] = v;
			}
	}
	return 0;
}

int
lss_file_read(struct str bytes, struct arena *a, struct lss_file *f, struct errors *e)
{
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	const xmlNode *root, *n;
	bool doctype = false;
	int rc;

	memset(f, 0, sizeof(*f));
	if (bytes.n > LSS_FILE_MAX_BYTES) {
		errors_add(e, "file", N_("The file is larger than %d MiB"),
		    LSS_FILE_MAX_BYTES >> 20);
		return ERR_TOO_LARGE;
	}
	if ((rc = check_bytes(bytes, e)) != 0)
		return rc;
	lss_xml_init();
	if ((ctxt = xmlNewParserCtxt()) == NULL)
		return ERR_NOMEM;
	ctxt->sax->internalSubset = doctype_seen;
	ctxt->sax->externalSubset = doctype_seen;
	ctxt->_private = &doctype;
	doc = xmlCtxtReadMemory(ctxt, bytes.p, (int)bytes.n, "survey.lss", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_COMPACT);
	if (doctype || (doc != NULL && (doc->intSubset != NULL || doc->extSubset != NULL))) {
		errors_add(e, "file", N_("The file declares a document type, which LimeSurvey "
		    "never writes; it is refused, as entities can expand without end or read "
		    "other files"));
		rc = ERR_INVALID;
	} else if (doc == NULL || !ctxt->wellFormed) {
		parse_error(ctxt, e);
		rc = ERR_INVALID;
	}
	xmlFreeParserCtxt(ctxt);
	f->doc = doc;
	if (rc != 0)
		return rc;
	root = xmlDocGetRootElement(doc);
	if (root == NULL || !is_name(root, "document")) {
		errors_add(e, "file", N_("This is XML, but not a LimeSurvey survey structure file: "
		    "it does not start with <document>"));
		return ERR_INVALID;
	}
	if ((rc = read_header(root, a, f, e)) != 0)
		return rc;
	f->tables = arena_array(a, LSS_FILE_TABLES_MAX, sizeof(*f->tables));
	if (f->tables == NULL)
		return ERR_NOMEM;
	for (n = root->children; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || child(n, "rows") == NULL)
			continue;
		if (f->table_n == LSS_FILE_TABLES_MAX) {
			errors_add(e, "file", N_("The file has more than %d tables"),
			    LSS_FILE_TABLES_MAX);
			return ERR_INVALID;
		}
		if ((rc = read_table(n, a, &f->tables[f->table_n], e)) != 0)
			return rc;
		f->table_n++;
	}
	/* Everything read is in the arena now. */
	lss_file_close(f);
	return 0;
}

void
lss_file_close(struct lss_file *f)
{
	if (f->doc != NULL)
		xmlFreeDoc(f->doc);
	f->doc = NULL;
}

const struct lss_table *
lss_file_table(const struct lss_file *f, const char *name)
{
	int i;

	for (i = 0; i < f->table_n; i++)
		if (strcmp(f->tables[i].name, name) == 0)
			return &f->tables[i];
	return NULL;
}

int
lss_table_field(const struct lss_table *t, const char *name)
{
	int i;

	for (i = 0; i < t->field_n; i++)
		if (t->fields[i] != NULL && strcmp(t->fields[i], name) == 0)
			return i;
	return -1;
}

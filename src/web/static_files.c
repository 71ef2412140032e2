/*
 * static_files.c - in-memory static files with content-hashed URLs (see
 * static_files.h).  Built-in files are served from the program's own
 * memory; a folder's are read into the heap.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "involve/content_coding.h"
#include "involve/static_files.h"

#define HASH_HEX 12

struct static_file {
	char *path;        /* relative to the directory: "nhsuk/nhsuk-frontend.min.css" */
	char *url;         /* "/static/{hash}/{path}" */
	char hash[HASH_HEX + 1];
	const char *type;
	struct coding_variants body; /* the bytes, and their compressed forms if any */
	char *owned;       /* the bytes when read from a folder; NULL when built in */
};

struct static_files {
	int n;
	struct static_file files[STATIC_FILES_MAX];
};

static const char *
type_for(const char *path)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{ ".css", "text/css; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".ico", "image/x-icon" },
		{ ".woff2", "font/woff2" },
		{ ".woff", "font/woff" },
		{ ".json", "application/json" },
		{ ".webmanifest", "application/manifest+json" },
		{ ".txt", "text/plain; charset=utf-8" },
	};
	const char *dot = strrchr(path, '.');
	size_t i;

	for (i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return NULL; /* other files (source maps, read-mes) are not served */
}

/* Adds a file whose bytes are `body` (owned: freed with the set, or NULL
 * when they live elsewhere).  Takes ownership of `owned` even on failure. */
static int
add_file(struct static_files *s, const char *rel, const char *type,
    const struct coding_variants *body, char *owned, struct errors *e)
{
	struct static_file *f;
	unsigned char hash[16];
	int i;

	if (s->n == STATIC_FILES_MAX) {
		errors_add(e, "static", "more than %d static files", STATIC_FILES_MAX);
		free(owned);
		return ERR_INVALID;
	}
	if (body->v[CODING_IDENTITY].n > STATIC_FILE_SIZE_MAX) {
		errors_add(e, "static", "%s is larger than %d bytes", rel, STATIC_FILE_SIZE_MAX);
		free(owned);
		return ERR_INVALID;
	}
	f = &s->files[s->n];
	memset(f, 0, sizeof(*f));
	f->body = *body;
	f->owned = owned;
	f->type = type;
	crypto_generichash(hash, sizeof(hash), (const unsigned char *)body->v[CODING_IDENTITY].p,
	    body->v[CODING_IDENTITY].n, NULL, 0);
	for (i = 0; i < HASH_HEX / 2; i++)
		snprintf(f->hash + i * 2, 3, "%02x", hash[i]);
	f->path = strdup(rel);
	if (f->path == NULL || asprintf(&f->url, "/static/%s/%s", f->hash, rel) < 0) {
		free(f->path);
		free(owned);
		return ERR_NOMEM;
	}
	s->n++;
	return 0;
}

static int
load_file(struct static_files *s, const char *full, const char *rel, struct errors *e)
{
	struct coding_variants body = { 0 };
	const char *type = type_for(rel);
	char *data;
	FILE *fp;
	long len;

	if (type == NULL)
		return 0;
	fp = fopen(full, "rb");
	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (len = ftell(fp)) < 0 ||
	    len > STATIC_FILE_SIZE_MAX || fseek(fp, 0, SEEK_SET) != 0) {
		errors_add(e, "static", "cannot read %s", full);
		if (fp)
			fclose(fp);
		return ERR_IO;
	}
	data = malloc((size_t)len + 1);
	if (data == NULL || fread(data, 1, (size_t)len, fp) != (size_t)len) {
		free(data);
		fclose(fp);
		errors_add(e, "static", "cannot read %s", full);
		return ERR_IO;
	}
	fclose(fp);
	/* Served as it is: compressed forms are made when building, and a
	 * folder is for working on the files, not for serving the public. */
	body.v[CODING_IDENTITY] = (struct str){ data, (size_t)len };
	return add_file(s, rel, type, &body, data, e);
}

static int
load_dir(struct static_files *s, const char *dir, const char *prefix, int depth, struct errors *e)
{
	struct dirent *d;
	struct stat st;
	char full[4096], rel[1024];
	DIR *dp;
	int rc = 0;

	if (depth > STATIC_DIR_DEPTH_MAX)
		return 0;
	dp = opendir(dir);
	if (dp == NULL) {
		errors_add(e, "static", "cannot open the static directory %s", dir);
		return ERR_IO;
	}
	while (rc == 0 && (d = readdir(dp)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(full, sizeof(full), "%s/%s", dir, d->d_name);
		snprintf(rel, sizeof(rel), "%s%s%s", prefix, *prefix ? "/" : "", d->d_name);
		if (stat(full, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			rc = load_dir(s, full, rel, depth + 1, e);
		else if (S_ISREG(st.st_mode))
			rc = load_file(s, full, rel, e);
	}
	closedir(dp);
	return rc;
}

static int
by_path(const void *a, const void *b)
{
	return strcmp(((const struct static_file *)a)->path, ((const struct static_file *)b)->path);
}

static int
new_set(struct static_files **out)
{
	*out = NULL;
	if (sodium_init() < 0)
		return ERR_IO;
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : ERR_NOMEM;
}

/* Sorts s for find() and hands it over, or frees it on failure. */
static int
finish_set(struct static_files *s, int rc, struct static_files **out)
{
	if (rc != 0) {
		static_files_free(s);
		*out = NULL;
		return rc;
	}
	qsort(s->files, (size_t)s->n, sizeof(s->files[0]), by_path);
	*out = s;
	return 0;
}

int
static_files_load(const char *dir, struct static_files **out, struct errors *e)
{
	struct static_files *s;
	int rc = new_set(&s);

	if (rc != 0)
		return rc;
	return finish_set(s, load_dir(s, dir, "", 0, e), out);
}

int
static_files_load_embedded(const struct embedded_asset *list, struct static_files **out,
    struct errors *e)
{
	const struct embedded_asset *a;
	struct coding_variants body;
	struct static_files *s;
	const char *type;
	int rc = new_set(&s);

	if (rc != 0)
		return rc;
	for (a = list; rc == 0 && a->name != NULL; a++) {
		type = type_for(a->name);
		if (type == NULL)
			continue;
		memset(&body, 0, sizeof(body));
		body.v[CODING_IDENTITY] = (struct str){ a->data, a->size };
		if (a->gzip)
			body.v[CODING_GZIP] = (struct str){ a->gzip, a->gzip_size };
		if (a->br)
			body.v[CODING_BR] = (struct str){ a->br, a->br_size };
		rc = add_file(s, a->name, type, &body, NULL, e);
	}
	return finish_set(s, rc, out);
}

void
static_files_free(struct static_files *s)
{
	int i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++) {
		free(s->files[i].path);
		free(s->files[i].url);
		free(s->files[i].owned);
	}
	free(s);
}

static const struct static_file *
find(const struct static_files *s, const char *path)
{
	struct static_file key = { .path = (char *)path };

	return bsearch(&key, s->files, (size_t)s->n, sizeof(s->files[0]), by_path);
}

const char *
static_files_url(const struct static_files *s, const char *path)
{
	const struct static_file *f = find(s, path);

	return f ? f->url : NULL;
}

int
static_files_serve(const struct static_files *s, struct str rest, struct http_response *res)
{
	const struct static_file *f;
	char path[1024];
	size_t slash;

	/* rest is "{hash}/{path}"; the lookup is an exact match in the table,
	 * so "..", "//" and the like can name nothing outside it. */
	for (slash = 0; slash < rest.n && rest.p[slash] != '/'; slash++)
		;
	if (slash != HASH_HEX || slash + 1 >= rest.n || rest.n - slash >= sizeof(path))
		goto missing;
	memcpy(path, rest.p + slash + 1, rest.n - slash - 1);
	path[rest.n - slash - 1] = '\0';
	f = find(s, path);
	if (f == NULL)
		goto missing;
	res->status = 200;
	res->content_type = f->type;
	res->static_body = f->body.v[CODING_IDENTITY].p;
	res->static_len = f->body.v[CODING_IDENTITY].n;
	if (coding_variants_available(&f->body) != CODING_BIT(CODING_IDENTITY))
		res->variants = &f->body;
	res->cache_control = memcmp(rest.p, f->hash, HASH_HEX) == 0 ?
	    "public, max-age=31536000, immutable" : "public, max-age=86400";
	return 0;
missing:
	res->status = 404;
	res->content_type = "text/plain; charset=utf-8";
	buf_add_c(&res->body, "Not found\n");
	return ERR_NOTFOUND;
}

/*
 * static_files.c - in-memory static files with content-hashed URLs (see
 * static_files.h).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "involve/static_files.h"

#define HASH_HEX 12

struct static_file {
	char *path;        /* relative to the directory: "nhsuk/nhsuk-frontend.min.css" */
	char *url;         /* "/static/{hash}/{path}" */
	char hash[HASH_HEX + 1];
	const char *type;
	char *data;
	size_t len;
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

static int
load_file(struct static_files *s, const char *full, const char *rel, struct errors *e)
{
	struct static_file *f;
	unsigned char hash[16];
	const char *type = type_for(rel);
	FILE *fp;
	long len;
	int i;

	if (type == NULL)
		return 0;
	if (s->n == STATIC_FILES_MAX) {
		errors_add(e, "static", "more than %d static files", STATIC_FILES_MAX);
		return ERR_INVALID;
	}
	fp = fopen(full, "rb");
	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (len = ftell(fp)) < 0 ||
	    len > STATIC_FILE_SIZE_MAX || fseek(fp, 0, SEEK_SET) != 0) {
		errors_add(e, "static", "cannot read %s", full);
		if (fp)
			fclose(fp);
		return ERR_IO;
	}
	f = &s->files[s->n];
	f->data = malloc((size_t)len + 1);
	if (f->data == NULL || fread(f->data, 1, (size_t)len, fp) != (size_t)len) {
		free(f->data);
		fclose(fp);
		errors_add(e, "static", "cannot read %s", full);
		return ERR_IO;
	}
	fclose(fp);
	f->len = (size_t)len;
	f->type = type;
	crypto_generichash(hash, sizeof(hash), (const unsigned char *)f->data, f->len, NULL, 0);
	for (i = 0; i < HASH_HEX / 2; i++)
		snprintf(f->hash + i * 2, 3, "%02x", hash[i]);
	f->path = strdup(rel);
	if (f->path == NULL || asprintf(&f->url, "/static/%s/%s", f->hash, rel) < 0) {
		free(f->path);
		free(f->data);
		return ERR_NOMEM;
	}
	s->n++;
	return 0;
}

static int
load_dir(struct static_files *s, const char *dir, const char *prefix, int depth, struct errors *e)
{
	struct dirent *d;
	struct stat st;
	char full[4096], rel[1024];
	DIR *dp;
	int rc = 0;

	if (depth > 8)
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

int
static_files_load(const char *dir, struct static_files **out, struct errors *e)
{
	struct static_files *s = calloc(1, sizeof(*s));
	int rc;

	if (s == NULL)
		return ERR_NOMEM;
	if (sodium_init() < 0) {
		free(s);
		return ERR_IO;
	}
	rc = load_dir(s, dir, "", 0, e);
	if (rc != 0) {
		static_files_free(s);
		return rc;
	}
	qsort(s->files, (size_t)s->n, sizeof(s->files[0]), by_path);
	*out = s;
	return 0;
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
		free(s->files[i].data);
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
	res->static_body = f->data;
	res->static_len = f->len;
	res->cache_control = memcmp(rest.p, f->hash, HASH_HEX) == 0 ?
	    "public, max-age=31536000, immutable" : "public, max-age=86400";
	return 0;
missing:
	res->status = 404;
	res->content_type = "text/plain; charset=utf-8";
	buf_add_c(&res->body, "Not found\n");
	return ERR_NOTFOUND;
}

/*
 * cli.c - shared parts of the `involve` command (see cli.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "involve/secret.h"
#include "involve/text.h"
#include "involve/num.h"
#include "cli.h"

const struct actor cli_actor = { 0, 0, "cli" };

void
cli_common_init(struct cli_common *c)
{
	memset(c, 0, sizeof(*c));
	c->data_dir = CLI_DATA_DEFAULT;
}

bool
cli_is_help(const char *arg)
{
	return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

int
cli_parse(const char *cmd, const char *usage, int argc, char **argv, int first,
    const struct cli_opt *opts, struct cli_common *common)
{
	struct option long_opts[CLI_OPTS_MAX + 4];
	int i, n = 0, opt, index;

	for (i = 0; opts && opts[i].name && n < CLI_OPTS_MAX; i++, n++)
		long_opts[n] = (struct option){ opts[i].name,
			opts[i].has_arg ? required_argument : no_argument, NULL, 256 + i };
	if (opts && opts[i].name) {
		fprintf(stderr, "involve %s: declares more than %d options\n", cmd, CLI_OPTS_MAX);
		return CLI_FAIL;
	}
	long_opts[n++] = (struct option){ "data", required_argument, NULL, 'd' };
	long_opts[n++] = (struct option){ "database", required_argument, NULL, 'D' };
	long_opts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	long_opts[n] = (struct option){ NULL, 0, NULL, 0 };
	optind = first;
	opterr = 0; /* our own messages below */
	while ((opt = getopt_long(argc, argv, ":h", long_opts, &index)) != -1) {
		switch (opt) {
		case 'd':
			common->data_dir = optarg;
			break;
		case 'D':
			common->database = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return CLI_HELP;
		case ':':
			return cli_usage_error(cmd, "%s needs a value", argv[optind - 1]);
		case '?':
			return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
		default:
			*opts[opt - 256].value = opts[opt - 256].has_arg ? optarg : "yes";
		}
	}
	if (optind < argc)
		return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	return CLI_OK;
}

void
cli_print_errors(const char *what, const struct errors *e)
{
	int i;

	for (i = 0; i < e->n; i++) {
		if (e->list[i].field[0])
			fprintf(stderr, "involve: %s: %s: %s\n", what, e->list[i].field, e->list[i].detail);
		else
			fprintf(stderr, "involve: %s: %s\n", what, e->list[i].detail);
	}
	if (e->n == 0)
		fprintf(stderr, "involve: %s failed\n", what);
}

int
cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "involve %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'involve %s --help'.\n", cmd);
	return CLI_USAGE;
}

int
cli_env_open(struct cli_common *c, struct cli_env *env)
{
	struct store_config cfg;
	struct errors e;
	int rc;

	memset(env, 0, sizeof(*env));
	errors_init(&e);
	/* Whatever umask we were started with, what we create in the data
	 * directory (the database, its journal and WAL, the keys) is for our
	 * own user only: SQLite makes its files 0644 less the umask. */
	umask(umask(0) | 077);
	if (secret_init() != 0) {
		fprintf(stderr, "involve: cannot start the cryptography library\n");
		return CLI_FAIL;
	}
	if (mkdir(c->data_dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "involve: cannot create the data directory %s: %s\n", c->data_dir,
		    strerror(errno));
		return CLI_FAIL;
	}
	if ((size_t)snprintf(env->tmp_dir, sizeof(env->tmp_dir), "%s/tmp", c->data_dir) >=
	    sizeof(env->tmp_dir) || (mkdir(env->tmp_dir, 0700) != 0 && errno != EEXIST))
		env->tmp_dir[0] = '\0'; /* the system's, then */
	if (keys_load(c->data_dir, &env->keys, &e) != 0) {
		cli_print_errors("keys", &e);
		return CLI_FAIL;
	}
	if (c->database == NULL) {
		snprintf(c->database_buf, sizeof(c->database_buf), "sqlite:%s/%s", c->data_dir,
		    CLI_DB_FILE);
		c->database = c->database_buf;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.url = c->database;
	memcpy(cfg.audit_key, env->keys.audit, sizeof(cfg.audit_key));
	rc = store_open(&cfg, &env->store, &e);
	memset(cfg.audit_key, 0, sizeof(cfg.audit_key));
	if (rc != 0) {
		cli_print_errors("database", &e);
		keys_wipe(&env->keys);
		return CLI_FAIL;
	}
	rc = store_migrate(env->store);
	if (rc != 0) {
		fprintf(stderr, "involve: database: migrating the schema failed: %s\n", error_name(rc));
		cli_env_close(env);
		return CLI_FAIL;
	}
	return CLI_OK;
}

void
cli_env_close(struct cli_env *env)
{
	store_close(env->store);
	env->store = NULL;
	keys_wipe(&env->keys);
}

bool
cli_read_line(char *out, size_t size)
{
	size_t n;

	if (fgets(out, (int)size, stdin) == NULL)
		return false;
	n = strlen(out);
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
	return true;
}

bool
cli_parse_id(const char *s, long long *out)
{
	int64_t v;

	if (num_id(str_c(s), &v) != 0)
		return false;
	*out = v;
	return true;
}

int
cli_read_file(const char *what, const char *path, size_t max, struct buf *b)
{
	char chunk[65536];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL) {
		fprintf(stderr, "involve: %s: cannot read %s: %s\n", what, path, strerror(errno));
		return CLI_FAIL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b->n <= max)
		buf_add(b, chunk, n);
	if (ferror(f) || !buf_ok(b)) {
		fprintf(stderr, "involve: %s: cannot read %s\n", what, path);
		fclose(f);
		return CLI_FAIL;
	}
	fclose(f);
	if (b->n > max) {
		fprintf(stderr, "involve: %s: %s is larger than %zu bytes, the most it may be\n",
		    what, path, max);
		return CLI_FAIL;
	}
	return CLI_OK;
}

int
cli_find_org(struct cli_env *env, const char *what, const char *slug, struct org *o)
{
	if (store_org_get_by_slug(env->store, str_c(slug), o) != 0) {
		fprintf(stderr, "involve: %s: there is no organisation '%s'\n", what, slug);
		return CLI_FAIL;
	}
	return CLI_OK;
}

int
cli_read_json_object(const char *what, const char *path, size_t max, json_t **out)
{
	struct buf text = BUF_INIT;
	json_error_t jerr;
	json_t *v;

	*out = NULL;
	if (cli_read_file(what, path, max, &text) != CLI_OK) {
		buf_free(&text);
		return CLI_FAIL;
	}
	v = json_loadb(text.p ? text.p : "", text.n, JSON_REJECT_DUPLICATES, &jerr);
	buf_free(&text);
	if (v != NULL && json_is_object(v)) {
		*out = v;
		return CLI_OK;
	}
	if (v != NULL)
		fprintf(stderr, "involve: %s: %s must hold a JSON object\n", what, path);
	else if (text_is_utf8(str_c(jerr.text)))
		fprintf(stderr, "involve: %s: %s is not valid JSON: %s (line %d, column %d)\n",
		    what, path, jerr.text, jerr.line, jerr.column);
	else
		fprintf(stderr, "involve: %s: %s is not valid JSON (line %d, column %d)\n", what,
		    path, jerr.line, jerr.column);
	json_decref(v);
	return CLI_FAIL;
}

int
cli_write_file(const char *what, const char *path, const struct buf *out)
{
	struct buf tmp = BUF_INIT;
	FILE *f = NULL;
	int rc = CLI_FAIL;

	buf_printf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	if (!buf_ok(&tmp) || (f = fopen(tmp.p, "wb")) == NULL ||
	    fwrite(out->p, 1, out->n, f) != out->n || fflush(f) != 0 || fsync(fileno(f)) != 0) {
		fprintf(stderr, "involve: %s: cannot write %s: %s\n", what, path, strerror(errno));
		goto out;
	}
	if (fclose(f) != 0 || (f = NULL, rename(tmp.p, path) != 0)) {
		f = NULL;
		fprintf(stderr, "involve: %s: cannot write %s: %s\n", what, path, strerror(errno));
		goto out;
	}
	rc = CLI_OK;
out:
	if (f != NULL)
		fclose(f);
	if (rc != CLI_OK && tmp.p)
		unlink(tmp.p);
	buf_free(&tmp);
	return rc;
}

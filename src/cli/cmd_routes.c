/*
 * cmd_routes.c - `involve routes`: prints the route table as JSON, one
 * object per route, so tests (and operators) can go through every URL the
 * server answers without a copy of the table going out of date.  It opens
 * no data directory and is left out of the command list in --help: it
 * describes the program, not an installation.
 *
 *   [{"name": "api.poll.vote", "pattern": "/api/v1/polls/{id}/votes",
 *     "methods": ["POST"], "flags": ["json"], "rule": "anyone",
 *     "body_max": 4096}, ...]
 */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "involve/app.h"
#include "involve/route.h"
#include "cli.h"

static const struct {
	unsigned flag;
	const char *name;
} flag_names[] = {
	{ ROUTE_FRAMEABLE, "frameable" },
	{ ROUTE_JSON, "json" },
	{ ROUTE_FORM, "form" },
	{ ROUTE_STAFF, "staff" },
	{ ROUTE_CSRF, "csrf" },
	{ ROUTE_TOKEN, "token" },
	{ ROUTE_TOKEN_OPTIONAL, "token_optional" },
	{ ROUTE_PUBLIC_FORM, "public_form" },
	{ ROUTE_CACHEABLE, "cacheable" },
	{ ROUTE_FILE, "file" },
	{ ROUTE_MULTIPART, "multipart" },
};

static const char routes_help[] =
    "Usage: involve routes\n\n"
    "Prints every route the server answers as a JSON array: name, path\n"
    "pattern, methods, flags (what the route checks before its handler),\n"
    "rule (who may call it) and body limit in bytes.\n\n" CLI_COMMON_HELP;

static json_t *
route_json(const struct route *r)
{
	json_t *methods = json_array(), *flags = json_array();
	unsigned m, known = 0;
	size_t i;

	for (m = HTTP_GET; m <= HTTP_OPTIONS; m <<= 1)
		if (r->methods & m)
			json_array_append_new(methods,
			    json_string(http_method_name((enum http_method)m)));
	for (i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++) {
		known |= flag_names[i].flag;
		if (r->flags & flag_names[i].flag)
			json_array_append_new(flags, json_string(flag_names[i].name));
	}
	/* A flag added to route.h but not here shows, so no check is hidden. */
	if (r->flags & ~known)
		json_array_append_new(flags, json_string("unknown"));
	return json_pack("{s:s, s:s, s:o, s:o, s:s, s:I}", "name", r->name, "pattern", r->pattern,
	    "methods", methods, "flags", flags, "rule", route_rule_name(r->rule), "body_max",
	    (json_int_t)r->body_max);
}

int
cmd_routes(int argc, char **argv)
{
	struct cli_common common;
	const struct route *routes;
	json_t *list;
	char *text;
	int i, n, rc;

	/* --data and --database are accepted, as by every command, and unused. */
	cli_common_init(&common);
	rc = cli_parse("routes", routes_help, argc, argv, 1, NULL, &common);
	if (rc != CLI_OK)
		return rc == CLI_HELP ? CLI_OK : rc;
	routes = app_routes(&n);
	list = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(list, route_json(&routes[i]));
	text = json_dumps(list, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(list);
	if (text == NULL) {
		fprintf(stderr, "involve: routes: out of memory\n");
		return CLI_FAIL;
	}
	puts(text);
	free(text);
	return fflush(stdout) == 0 ? CLI_OK : CLI_FAIL;
}

/*
 * router.c - matches a request path against the route table and checks the
 * typed path parameters (see route.h).  Routes are few (dozens), so a
 * linear scan over pre-split patterns is as fast as anything cleverer.
 */
#include <string.h>

#include "involve/route.h"
#include "involve/survey.h"

static bool
param_ok(struct str kind, struct str v)
{
	size_t i;

	if (v.n == 0)
		return false;
	if (str_eq_c(kind, "id") || str_eq_c(kind, "doc") || str_eq_c(kind, "att") ||
	    str_eq_c(kind, "target") || str_eq_c(kind, "response") || str_eq_c(kind, "batch")) {
		if (v.n > 18 || v.p[0] == '0')
			return false;
		for (i = 0; i < v.n; i++)
			if (v.p[i] < '0' || v.p[i] > '9')
				return false;
		return true;
	}
	if (str_eq_c(kind, "page")) {
		/* A survey's page, by its number: 1 to 999. */
		if (v.n > 3 || v.p[0] == '0')
			return false;
		for (i = 0; i < v.n; i++)
			if (v.p[i] < '0' || v.p[i] > '9')
				return false;
		return true;
	}
	if (str_eq_c(kind, "question")) {
		/* A survey question's key (survey.h): a letter, then
		 * letters, digits and '_'. */
		if (v.n > SURVEY_KEY_MAX || !((v.p[0] >= 'a' && v.p[0] <= 'z') ||
		    (v.p[0] >= 'A' && v.p[0] <= 'Z')))
			return false;
		for (i = 1; i < v.n; i++) {
			char c = v.p[i];

			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '_'))
				return false;
		}
		return true;
	}
	if (str_eq_c(kind, "link")) {
		/* A private link's secret: 43 characters of base64url. */
		if (v.n != 43)
			return false;
		for (i = 0; i < v.n; i++) {
			char c = v.p[i];

			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '-' || c == '_'))
				return false;
		}
		return true;
	}
	if (str_eq_c(kind, "slug") || str_eq_c(kind, "key")) {
		if (v.n > 40)
			return false;
		for (i = 0; i < v.n; i++) {
			char c = v.p[i];

			if (!((c >= 'a' && c <= 'z') || c == '-' ||
			    (str_eq_c(kind, "slug") && c >= '0' && c <= '9')))
				return false;
		}
		return true;
	}
	return false;
}

/* Matches one pattern; fills req's params on success (req may be NULL
 * when only the route is wanted). */
static bool
match(const char *pattern, struct str path, struct http_request *req)
{
	const char *p = pattern;
	size_t i = 0;
	int n = 0;

	while (*p) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			struct str kind = { p + 1, (size_t)(close - p - 1) };
			struct str value;
			size_t start = i;

			if (kind.n > 0 && kind.p[kind.n - 1] == '*') {
				/* The rest of the path; checked by the handler. */
				value = (struct str){ path.p + i, path.n - i };
				if (value.n == 0 || n >= HTTP_PARAMS_MAX)
					return false;
				kind.n--;
				if (req) {
					req->params[n].name = kind;
					req->params[n].value = value;
					req->param_n = n + 1;
				}
				return true;
			}
			while (i < path.n && path.p[i] != '/')
				i++;
			value = (struct str){ path.p + start, i - start };
			if (!param_ok(kind, value) || n >= HTTP_PARAMS_MAX)
				return false;
			if (req) {
				req->params[n].name = kind;
				req->params[n].value = value;
			}
			n++;
			p = close + 1;
			continue;
		}
		if (i >= path.n || path.p[i] != *p)
			return false;
		i++;
		p++;
	}
	if (i != path.n)
		return false;
	if (req)
		req->param_n = n;
	return true;
}

int
route_find(const struct route *routes, int n, enum http_method method, struct str path,
    struct http_request *req, const struct route **out, unsigned *allowed)
{
	int i;

	*allowed = 0;
	for (i = 0; i < n; i++) {
		if (!match(routes[i].pattern, path, req))
			continue;
		if (routes[i].methods & method) {
			*out = &routes[i];
			return ROUTE_FOUND;
		}
		*allowed |= routes[i].methods;
	}
	if (req)
		req->param_n = 0;
	return *allowed ? ROUTE_BAD_METHOD : ROUTE_NOT_FOUND;
}

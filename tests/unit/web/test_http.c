/* Tests for http.c and router.c: look-ups, form parsing and routing,
 * without a socket. */
#include <criterion/criterion.h>
#include <string.h>

#include "involve/http.h"
#include "involve/route.h"

static int
dummy(struct http_request *req, struct http_response *res)
{
	(void)req;
	(void)res;
	return HTTP_DONE;
}

static const struct route table[] = {
	{ HTTP_GET, "/o/{slug}/polls/{id}", dummy, 0, 0, "poll", RULE_ANYONE, NULL },
	{ HTTP_POST, "/o/{slug}/polls/{id}", dummy, 10, 0, "vote", RULE_ANYONE, NULL },
	{ HTTP_GET, "/static/{file*}", dummy, 0, 0, "static", RULE_ANYONE, NULL },
	{ HTTP_GET, "/{key}", dummy, 0, 0, "page", RULE_ANYONE, NULL },
};

Test(router, matches_typed_parameters)
{
	struct http_request req;
	const struct route *r;
	unsigned allowed;

	memset(&req, 0, sizeof(req));
	cr_assert_eq(route_find(table, 4, HTTP_GET, str_c("/o/bury/polls/12"), &req, &r, &allowed),
	    ROUTE_FOUND);
	cr_assert_str_eq(r->name, "poll");
	cr_assert(str_eq_c(http_param(&req, "slug"), "bury"));
	cr_assert(str_eq_c(http_param(&req, "id"), "12"));
	cr_assert_eq(route_find(table, 4, HTTP_GET, str_c("/o/bury/polls/012"), &req, &r, &allowed),
	    ROUTE_NOT_FOUND);
	cr_assert_eq(route_find(table, 4, HTTP_GET, str_c("/o/bury/polls/1x"), &req, &r, &allowed),
	    ROUTE_NOT_FOUND);
	cr_assert_eq(route_find(table, 4, HTTP_GET, str_c("/o/Bury/polls/1"), &req, &r, &allowed),
	    ROUTE_NOT_FOUND);
	cr_assert_eq(route_find(table, 4, HTTP_GET,
	    str_c("/o/bury/polls/1234567890123456789"), &req, &r, &allowed), ROUTE_NOT_FOUND);
	cr_assert_eq(route_find(table, 4, HTTP_DELETE, str_c("/o/bury/polls/1"), &req, &r, &allowed),
	    ROUTE_BAD_METHOD);
	cr_assert_eq(allowed, HTTP_GET | HTTP_POST);
	cr_assert_eq(route_find(table, 4, HTTP_GET, str_c("/static/abc/x.css"), &req, &r, &allowed),
	    ROUTE_FOUND);
	cr_assert(str_eq_c(http_param(&req, "file"), "abc/x.css"));
	cr_assert_eq(route_find(table, 4, HTTP_GET, str_c("/privacy"), &req, &r, &allowed), ROUTE_FOUND);
	cr_assert_eq(route_find(table, 4, HTTP_GET, str_c("/priv4cy"), &req, &r, &allowed),
	    ROUTE_NOT_FOUND);
}

/* A survey's question by its key and a response by its id, in one path
 * with the survey's own id. */
static const struct route survey_table[] = {
	{ HTTP_GET, "/s/{id}/questions/{question}", dummy, 0, 0, "question", RULE_ANYONE, NULL },
	{ HTTP_GET, "/s/{id}/responses/{response}", dummy, 0, 0, "response", RULE_ANYONE, NULL },
};

Test(router, matches_question_keys_and_response_ids)
{
	struct http_request req;
	const struct route *r;
	unsigned allowed;

	memset(&req, 0, sizeof(req));
	cr_assert_eq(route_find(survey_table, 2, HTTP_GET, str_c("/s/3/questions/Q_12a"), &req, &r,
	    &allowed), ROUTE_FOUND);
	cr_assert(str_eq_c(http_param(&req, "id"), "3"));
	cr_assert(str_eq_c(http_param(&req, "question"), "Q_12a"));
	cr_assert_eq(route_find(survey_table, 2, HTTP_GET, str_c("/s/3/responses/41"), &req, &r,
	    &allowed), ROUTE_FOUND);
	cr_assert_eq(http_param_id(&req, "response"), 41);
	/* A key starts with a letter and has no other characters; an id no
	 * leading zero. */
	cr_assert_eq(route_find(survey_table, 2, HTTP_GET, str_c("/s/3/questions/1q"), &req, &r,
	    &allowed), ROUTE_NOT_FOUND);
	cr_assert_eq(route_find(survey_table, 2, HTTP_GET, str_c("/s/3/questions/q-1"), &req, &r,
	    &allowed), ROUTE_NOT_FOUND);
	cr_assert_eq(route_find(survey_table, 2, HTTP_GET,
	    str_c("/s/3/questions/q12345678901234567890123456789012345678901"), &req, &r,
	    &allowed), ROUTE_NOT_FOUND);
	cr_assert_eq(route_find(survey_table, 2, HTTP_GET, str_c("/s/3/responses/041"), &req, &r,
	    &allowed), ROUTE_NOT_FOUND);
}

static void
with_header(struct http_request *req, const char *name, const char *value)
{
	req->headers[req->header_n].name = str_c(name);
	req->headers[req->header_n++].value = str_c(value);
}

Test(http, reads_cookies_and_content_types)
{
	struct http_request req;
	struct str v;

	memset(&req, 0, sizeof(req));
	with_header(&req, "cookie", "a=1; involve_voter=xyz; involve_voterx=no");
	with_header(&req, "Content-Type", "application/json; charset=utf-8");
	cr_assert(http_cookie(&req, "involve_voter", &v));
	cr_assert(str_eq_c(v, "xyz"));
	cr_assert(!http_cookie(&req, "involve", &v));
	cr_assert(http_content_type_is(&req, "application/json"));
	cr_assert(!http_content_type_is(&req, "application/js"));
}

Test(http, parses_forms)
{
	struct http_request req;
	struct str v[4];

	memset(&req, 0, sizeof(req));
	req.body = str_c("options=12&options=13&question=a+b%26c&empty=&bare");
	cr_assert_eq(http_form_parse(&req), 0);
	cr_assert_eq(http_form_all(&req, "options", v, 4), 2);
	cr_assert(str_eq_c(v[1], "13"));
	cr_assert(http_form(&req, "question", &v[0]));
	cr_assert(str_eq_c(v[0], "a b&c"));
	cr_assert(http_form(&req, "bare", &v[0]));
	cr_assert_eq(v[0].n, 0);
	http_request_free(&req);

	req.body = str_c("bad=%zz");
	cr_assert_eq(http_form_parse(&req), ERR_INVALID);
	http_request_free(&req);
	req.body = str_c("cut=%4");
	cr_assert_eq(http_form_parse(&req), ERR_INVALID);
	http_request_free(&req);
}

Test(http, builds_responses)
{
	struct http_response res;

	http_response_init(&res);
	http_response_cookie(&res, "involve_voter", "v", "/", 60, true, "None");
	cr_assert_eq(res.header_n, 1);
	cr_assert_str_eq(res.headers[0].value,
	    "involve_voter=v; Path=/; Max-Age=60; HttpOnly; Secure; SameSite=None");
	http_response_free(&res);
}

/* A stream of `pieces` pieces that fails after `fail_after` when that is not 0. */
struct counting_stream {
	int made, pieces, fail_after, freed;
};

static int
counting_next(void *ctx, struct buf *out)
{
	struct counting_stream *s = ctx;

	if (s->fail_after > 0 && s->made == s->fail_after)
		return ERR_IO;
	buf_printf(out, "piece %d\n", ++s->made);
	return s->made < s->pieces;
}

static void
counting_free(void *ctx)
{
	((struct counting_stream *)ctx)->freed++;
}

Test(http, a_stream_is_drained_to_its_end_and_freed_once)
{
	struct counting_stream s = { 0, 3, 0, 0 };
	struct http_response res;

	http_response_init(&res);
	http_response_stream(&res, counting_next, counting_free, &s);
	cr_assert_eq(http_response_drain(&res), 0);
	cr_assert_str_eq(buf_cstr(&res.body), "piece 1\npiece 2\npiece 3\n");
	cr_assert_eq(s.freed, 1);
	cr_assert_null(res.stream.next);
	http_response_free(&res);
	cr_assert_eq(s.freed, 1, "freed once, not again with the response");
}

Test(http, a_stream_that_fails_part_way_keeps_what_came_before)
{
	struct counting_stream s = { 0, 5, 2, 0 };
	struct http_response res;

	http_response_init(&res);
	http_response_stream(&res, counting_next, counting_free, &s);
	cr_assert_eq(http_response_drain(&res), ERR_IO);
	cr_assert_str_eq(buf_cstr(&res.body), "piece 1\npiece 2\n");
	cr_assert_eq(s.freed, 1);
	http_response_free(&res);
}

Test(http, a_stream_never_sent_is_freed_with_its_response)
{
	struct counting_stream s = { 0, 3, 0, 0 };
	struct http_response res;

	http_response_init(&res);
	http_response_stream(&res, counting_next, counting_free, &s);
	http_response_free(&res);
	cr_assert_eq(s.freed, 1);
	cr_assert_eq(s.made, 0);
}

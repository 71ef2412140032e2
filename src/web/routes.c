/*
 * routes.c - the route table: every URL the server answers, with its
 * methods, body limit, media type and who may call it.  Read it top to
 * bottom to know the whole surface of the server.
 */
#include "involve/app.h"
#include "involve/route.h"
#include "handlers.h"

#define GET (HTTP_GET | HTTP_HEAD)

static const struct route routes[] = {
	/* Operations */
	{ GET, "/healthz", handle_healthz, 0, 0, "healthz" },
	{ GET, "/readyz", handle_readyz, 0, 0, "readyz" },
	{ GET, "/metrics", handle_metrics, 0, 0, "metrics" },
	{ GET, "/static/{file*}", handle_static, 0, 0, "static" },

	/* JSON API */
	{ HTTP_POST, "/api/v1/polls", handle_api_polls_create, ROUTE_BODY_JSON,
	    ROUTE_JSON | ROUTE_TOKEN, "api.polls.create" },
	{ GET, "/api/v1/polls", handle_api_polls_list, 0, ROUTE_TOKEN, "api.polls.list" },
	{ GET, "/api/v1/polls/{id}", handle_api_poll_get, 0, ROUTE_TOKEN_OPTIONAL, "api.poll.get" },
	{ HTTP_PATCH, "/api/v1/polls/{id}", handle_api_poll_update, ROUTE_BODY_JSON,
	    ROUTE_JSON | ROUTE_TOKEN, "api.poll.update" },
	{ HTTP_DELETE, "/api/v1/polls/{id}", handle_api_poll_delete, 0, ROUTE_TOKEN,
	    "api.poll.delete" },
	{ HTTP_POST, "/api/v1/polls/{id}/open", handle_api_poll_open, 0, ROUTE_TOKEN,
	    "api.poll.open" },
	{ HTTP_POST, "/api/v1/polls/{id}/close", handle_api_poll_close, 0, ROUTE_TOKEN,
	    "api.poll.close" },
	{ HTTP_POST, "/api/v1/polls/{id}/votes", handle_api_poll_vote, ROUTE_BODY_VOTE, ROUTE_JSON,
	    "api.poll.vote" },
	{ GET, "/api/v1/polls/{id}/results", handle_api_poll_results, 0, ROUTE_TOKEN_OPTIONAL,
	    "api.poll.results" },

	/* Public site */
	{ GET, "/", handle_root, 0, ROUTE_CACHEABLE, "root" },
	{ GET, "/{key}", handle_install_page, 0, ROUTE_CACHEABLE, "page" },
	{ GET, "/o/{slug}/", handle_org_home, 0, ROUTE_CACHEABLE, "org.home" },
	{ GET, "/o/{slug}/{key}", handle_org_page, 0, ROUTE_CACHEABLE, "org.page" },
	{ GET, "/o/{slug}/polls/{id}", handle_poll_page, 0, ROUTE_CACHEABLE, "poll.page" },
	{ HTTP_POST, "/o/{slug}/polls/{id}", handle_poll_vote_form, ROUTE_BODY_VOTE, ROUTE_PUBLIC_FORM,
	    "poll.vote" },
	{ GET, "/o/{slug}/polls/{id}/results", handle_poll_results_page, 0, 0, "poll.results" },
	{ GET, "/o/{slug}/polls/{id}/embed", handle_poll_embed, 0, ROUTE_FRAMEABLE | ROUTE_CACHEABLE,
	    "poll.embed" },
	{ HTTP_POST, "/o/{slug}/polls/{id}/embed", handle_poll_embed_vote, ROUTE_BODY_VOTE,
	    ROUTE_FRAMEABLE | ROUTE_PUBLIC_FORM, "poll.embed.vote" },

	/* Staff */
	{ GET, "/staff/login", handle_login_form, 0, 0, "staff.login.form" },
	{ HTTP_POST, "/staff/login", handle_login, ROUTE_BODY_FORM, ROUTE_PUBLIC_FORM, "staff.login" },
	{ HTTP_POST, "/staff/logout", handle_logout, ROUTE_BODY_FORM,
	    ROUTE_FORM | ROUTE_STAFF | ROUTE_CSRF, "staff.logout" },
	{ GET, "/staff/", handle_dashboard, 0, ROUTE_STAFF, "staff.dashboard" },
	{ GET, "/staff/polls/new", handle_staff_poll_new, 0, ROUTE_STAFF, "staff.poll.new" },
	{ HTTP_POST, "/staff/polls", handle_staff_poll_create, ROUTE_BODY_FORM,
	    ROUTE_FORM | ROUTE_STAFF | ROUTE_CSRF, "staff.poll.create" },
	{ GET, "/staff/polls/{id}", handle_staff_poll_view, 0, ROUTE_STAFF, "staff.poll.view" },
	{ GET, "/staff/polls/{id}/edit", handle_staff_poll_edit, 0, ROUTE_STAFF, "staff.poll.edit" },
	{ HTTP_POST, "/staff/polls/{id}/edit", handle_staff_poll_update, ROUTE_BODY_FORM,
	    ROUTE_FORM | ROUTE_STAFF | ROUTE_CSRF, "staff.poll.update" },
	{ HTTP_POST, "/staff/polls/{id}/open", handle_staff_poll_open, ROUTE_BODY_FORM,
	    ROUTE_FORM | ROUTE_STAFF | ROUTE_CSRF, "staff.poll.open" },
	{ HTTP_POST, "/staff/polls/{id}/close", handle_staff_poll_close, ROUTE_BODY_FORM,
	    ROUTE_FORM | ROUTE_STAFF | ROUTE_CSRF, "staff.poll.close" },
	{ HTTP_POST, "/staff/polls/{id}/delete", handle_staff_poll_delete, ROUTE_BODY_FORM,
	    ROUTE_FORM | ROUTE_STAFF | ROUTE_CSRF, "staff.poll.delete" },
	{ GET, "/staff/polls/{id}/export", handle_staff_poll_export, 0, ROUTE_STAFF,
	    "staff.poll.export" },
	{ GET, "/staff/pages/{key}", handle_staff_page_edit, 0, ROUTE_STAFF, "staff.page.edit" },
	{ HTTP_POST, "/staff/pages/{key}", handle_staff_page_save, ROUTE_BODY_PAGE,
	    ROUTE_FORM | ROUTE_STAFF | ROUTE_CSRF, "staff.page.save" },
};

const struct route *
app_routes(int *n)
{
	*n = (int)(sizeof(routes) / sizeof(routes[0]));
	return routes;
}

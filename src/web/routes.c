/*
 * routes.c - the route table: every URL the server answers, with its
 * methods, body limit, media type and who may call it.  Read it top to
 * bottom to know the whole surface of the server.
 *
 * The rule column (see route.h) says who may call it once the sign-in its
 * flags ask for has succeeded; the last names the fields it accepts
 * (input.h), declared beside its handler.  app_handle enforces it
 * before the handler runs; tests/unit/web/test_authz.c tries every route
 * as every role.
 */
#include "involve/app.h"
#include "involve/route.h"
#include "handlers.h"

#define GET (HTTP_GET | HTTP_HEAD)

static const struct route routes[] = {
	/* Operations */
	{ GET, "/healthz", handle_healthz, 0, 0, "healthz", RULE_ANYONE, NULL },
	{ GET, "/readyz", handle_readyz, 0, 0, "readyz", RULE_ANYONE, NULL },
	{ GET, "/metrics", handle_metrics, 0, ROUTE_TOKEN_OPTIONAL, "metrics", RULE_ANYONE, NULL },
	{ GET, "/static/{file*}", handle_static, 0, 0, "static", RULE_ANYONE, NULL },

	/* JSON API */
	{ HTTP_POST, "/api/v1/polls", handle_api_polls_create, ROUTE_BODY_JSON,
	    ROUTE_JSON | ROUTE_TOKEN, "api.polls.create", RULE_POLL_MANAGE,
	    &api_poll_create_input },
	{ GET, "/api/v1/polls", handle_api_polls_list, 0, ROUTE_TOKEN, "api.polls.list",
	    RULE_STAFF, &api_poll_list_input },
	{ GET, "/api/v1/polls/{id}", handle_api_poll_get, 0, ROUTE_TOKEN_OPTIONAL, "api.poll.get",
	    RULE_ANYONE, NULL },
	{ HTTP_PATCH, "/api/v1/polls/{id}", handle_api_poll_update, ROUTE_BODY_JSON,
	    ROUTE_JSON | ROUTE_TOKEN, "api.poll.update", RULE_POLL_MANAGE,
	    &api_poll_update_input },
	{ HTTP_DELETE, "/api/v1/polls/{id}", handle_api_poll_delete, 0, ROUTE_TOKEN,
	    "api.poll.delete", RULE_POLL_MANAGE, NULL },
	{ HTTP_POST, "/api/v1/polls/{id}/open", handle_api_poll_open, 0, ROUTE_TOKEN,
	    "api.poll.open", RULE_POLL_MANAGE, NULL },
	{ HTTP_POST, "/api/v1/polls/{id}/close", handle_api_poll_close, 0, ROUTE_TOKEN,
	    "api.poll.close", RULE_POLL_MANAGE, NULL },
	{ HTTP_POST, "/api/v1/polls/{id}/votes", handle_api_poll_vote, ROUTE_BODY_VOTE,
	    ROUTE_JSON | ROUTE_SAME_ORIGIN,
	    "api.poll.vote", RULE_ANYONE, &api_poll_vote_input },
	{ GET, "/api/v1/polls/{id}/results", handle_api_poll_results, 0, ROUTE_TOKEN_OPTIONAL,
	    "api.poll.results", RULE_ANYONE, NULL },
	{ HTTP_POST, "/api/v1/surveys", handle_api_surveys_create, ROUTE_BODY_SURVEY,
	    ROUTE_JSON | ROUTE_TOKEN, "api.surveys.create", RULE_POLL_MANAGE,
	    &api_survey_create_input },
	{ GET, "/api/v1/surveys", handle_api_surveys_list, 0, ROUTE_TOKEN, "api.surveys.list",
	    RULE_STAFF, &api_survey_list_input },
	{ GET, "/api/v1/surveys/{id}", handle_api_survey_get, 0, ROUTE_TOKEN_OPTIONAL,
	    "api.survey.get", RULE_ANYONE, NULL },
	{ HTTP_PATCH, "/api/v1/surveys/{id}", handle_api_survey_update, ROUTE_BODY_SURVEY,
	    ROUTE_JSON | ROUTE_TOKEN, "api.survey.update", RULE_POLL_MANAGE,
	    &api_survey_update_input },
	{ HTTP_DELETE, "/api/v1/surveys/{id}", handle_api_survey_delete, 0, ROUTE_TOKEN,
	    "api.survey.delete", RULE_POLL_MANAGE, NULL },
	{ HTTP_POST, "/api/v1/surveys/{id}/open", handle_api_survey_open, 0, ROUTE_TOKEN,
	    "api.survey.open", RULE_POLL_MANAGE, NULL },
	{ HTTP_POST, "/api/v1/surveys/{id}/close", handle_api_survey_close, 0, ROUTE_TOKEN,
	    "api.survey.close", RULE_POLL_MANAGE, NULL },
	{ HTTP_POST, "/api/v1/surveys/{id}/responses", handle_api_survey_respond,
	    ROUTE_BODY_RESPONSE, ROUTE_JSON | ROUTE_TOKEN_OPTIONAL | ROUTE_SAME_ORIGIN,
	    "api.survey.respond", RULE_ANYONE, &api_survey_response_input },
	{ GET, "/api/v1/surveys/{id}/results", handle_api_survey_results, 0, ROUTE_TOKEN,
	    "api.survey.results", RULE_RESULTS_VIEW, NULL },
	{ GET, "/api/v1/surveys/{id}/crosstab", handle_api_survey_crosstab, 0, ROUTE_TOKEN,
	    "api.survey.crosstab", RULE_RESULTS_VIEW, &api_survey_crosstab_input },
	{ GET, "/api/v1/surveys/{id}/export", handle_api_survey_export, 0, ROUTE_TOKEN,
	    "api.survey.export", RULE_RESULTS_VIEW, &api_survey_export_input },

	/* Public site */
	{ GET, "/", handle_root, 0, ROUTE_CACHEABLE, "root", RULE_ANYONE, NULL },
	{ GET, "/{key}", handle_install_page, 0, ROUTE_CACHEABLE, "page", RULE_ANYONE, NULL },
	{ GET, "/language/{key}", handle_language, 0, 0, "language", RULE_ANYONE,
	    &language_input },
	{ GET, "/o/{slug}/", handle_org_home, 0, ROUTE_CACHEABLE, "org.home", RULE_ANYONE, NULL },
	{ GET, "/o/{slug}/{key}", handle_org_page, 0, ROUTE_CACHEABLE, "org.page", RULE_ANYONE, NULL },
	{ GET, "/o/{slug}/polls/{id}", handle_poll_page, 0, ROUTE_CACHEABLE, "poll.page",
	    RULE_ANYONE, NULL },
	{ HTTP_POST, "/o/{slug}/polls/{id}", handle_poll_vote_form, ROUTE_BODY_VOTE, ROUTE_PUBLIC_FORM,
	    "poll.vote", RULE_ANYONE, &poll_vote_input },
	{ GET, "/o/{slug}/polls/{id}/results", handle_poll_results_page, 0, 0, "poll.results",
	    RULE_ANYONE, NULL },
	{ GET, "/o/{slug}/polls/{id}/embed", handle_poll_embed, 0, ROUTE_FRAMEABLE | ROUTE_CACHEABLE,
	    "poll.embed", RULE_ANYONE, NULL },
	{ HTTP_POST, "/o/{slug}/polls/{id}/embed", handle_poll_embed_vote, ROUTE_BODY_VOTE,
	    ROUTE_FRAMEABLE | ROUTE_PUBLIC_FORM, "poll.embed.vote", RULE_ANYONE, &poll_vote_input },
	{ GET, "/o/{slug}/surveys/{id}", handle_survey_start_page, 0, 0, "survey.start.page",
	    RULE_ANYONE, NULL },
	{ HTTP_POST, "/o/{slug}/surveys/{id}", handle_survey_start, ROUTE_BODY_FORM,
	    ROUTE_PUBLIC_FORM, "survey.start", RULE_ANYONE, NULL },
	{ GET, "/o/{slug}/surveys/{id}/r/{link}", handle_survey_resume, 0, 0, "survey.resume",
	    RULE_ANYONE, NULL },
	{ GET, "/o/{slug}/surveys/{id}/r/{link}/p/{page}", handle_survey_page, 0, 0,
	    "survey.page", RULE_ANYONE, NULL },
	{ HTTP_POST, "/o/{slug}/surveys/{id}/r/{link}/p/{page}", handle_survey_page_save,
	    ROUTE_BODY_RESPONSE, ROUTE_PUBLIC_FORM, "survey.page.save", RULE_ANYONE, NULL },
	{ GET, "/o/{slug}/surveys/{id}/r/{link}/check", handle_survey_check, 0, 0,
	    "survey.check", RULE_ANYONE, NULL },
	{ HTTP_POST, "/o/{slug}/surveys/{id}/r/{link}/check", handle_survey_submit,
	    ROUTE_BODY_FORM, ROUTE_PUBLIC_FORM, "survey.submit", RULE_ANYONE, NULL },
	{ GET, "/o/{slug}/surveys/{id}/r/{link}/done", handle_survey_done, 0, 0, "survey.done",
	    RULE_ANYONE, NULL },
	{ GET, "/o/{slug}/surveys/{id}/r/{link}/withdraw", handle_survey_withdraw_form, 0, 0,
	    "survey.withdraw.form", RULE_ANYONE, NULL },
	{ HTTP_POST, "/o/{slug}/surveys/{id}/r/{link}/withdraw", handle_survey_withdraw,
	    ROUTE_BODY_FORM, ROUTE_PUBLIC_FORM, "survey.withdraw", RULE_ANYONE, NULL },

	/* Staff */
	{ GET, "/staff/login", handle_login_form, 0, 0, "staff.login.form", RULE_ANYONE, NULL },
	{ HTTP_POST, "/staff/login", handle_login, ROUTE_BODY_FORM, ROUTE_PUBLIC_FORM, "staff.login",
	    RULE_ANYONE, &staff_login_input },
	{ GET, "/staff/login/code", handle_login_code_form, 0, ROUTE_SIGNING_IN,
	    "staff.login.code.form", RULE_STAFF, NULL },
	{ HTTP_POST, "/staff/login/code", handle_login_code, ROUTE_BODY_FORM,
	    ROUTE_FORM | ROUTE_SIGNING_IN | ROUTE_CSRF, "staff.login.code", RULE_STAFF,
	    &staff_code_input },
	{ HTTP_POST, "/staff/logout", handle_logout, ROUTE_BODY_FORM,
	    ROUTE_FORM | ROUTE_SIGNING_IN | ROUTE_CSRF, "staff.logout", RULE_STAFF, NULL },
	{ GET, "/staff/account/two-step", handle_two_step_form, 0, ROUTE_SIGNING_IN,
	    "staff.two_step.form", RULE_STAFF, NULL },
	{ HTTP_POST, "/staff/account/two-step", handle_two_step, ROUTE_BODY_FORM,
	    ROUTE_FORM | ROUTE_SIGNING_IN | ROUTE_CSRF, "staff.two_step", RULE_STAFF,
	    &staff_setup_input },
	{ GET, "/staff/users", handle_staff_users, 0, ROUTE_STAFF, "staff.users", RULE_USER_MANAGE,
	    NULL },
	{ GET, "/staff/users/{id}", handle_staff_user, 0, ROUTE_STAFF, "staff.user",
	    RULE_USER_MANAGE, NULL },
	{ HTTP_POST, "/staff/users/{id}/role", handle_staff_user_role, ROUTE_BODY_FORM,
	    ROUTE_FORM | ROUTE_STAFF | ROUTE_CSRF, "staff.user.role", RULE_USER_MANAGE,
	    &staff_user_role_input },
	{ GET, "/staff/users/{id}/{key}", handle_staff_user_confirm, 0, ROUTE_STAFF,
	    "staff.user.confirm", RULE_USER_MANAGE, NULL },
	{ HTTP_POST, "/staff/users/{id}/{key}", handle_staff_user_action, ROUTE_BODY_FORM,
	    ROUTE_FORM | ROUTE_STAFF | ROUTE_CSRF, "staff.user.action", RULE_USER_MANAGE,
	    &staff_user_action_input },
	{ GET, "/staff/settings", handle_staff_settings_form, 0, ROUTE_STAFF, "staff.settings.form",
	    RULE_USER_MANAGE, NULL },
	{ HTTP_POST, "/staff/settings", handle_staff_settings, ROUTE_BODY_FORM,
	    ROUTE_FORM | ROUTE_STAFF | ROUTE_CSRF, "staff.settings", RULE_USER_MANAGE,
	    &staff_settings_input },
	{ GET, "/staff/", handle_dashboard, 0, ROUTE_STAFF, "staff.dashboard", RULE_STAFF,
	    &staff_dashboard_input },
	{ GET, "/staff/polls/new", handle_staff_poll_new, 0, ROUTE_STAFF, "staff.poll.new",
	    RULE_POLL_MANAGE, NULL },
	{ HTTP_POST, "/staff/polls", handle_staff_poll_create, ROUTE_BODY_FORM,
	    ROUTE_FORM | ROUTE_STAFF | ROUTE_CSRF, "staff.poll.create", RULE_POLL_MANAGE,
	    &staff_poll_input },
	{ GET, "/staff/polls/{id}", handle_staff_poll_view, 0, ROUTE_STAFF, "staff.poll.view",
	    RULE_STAFF, NULL },
	{ GET, "/staff/polls/{id}/edit", handle_staff_poll_edit, 0, ROUTE_STAFF, "staff.poll.edit",
	    RULE_POLL_MANAGE, NULL },
	{ HTTP_POST, "/staff/polls/{id}/edit", handle_staff_poll_update, ROUTE_BODY_FORM,
	    ROUTE_FORM | ROUTE_STAFF | ROUTE_CSRF, "staff.poll.update", RULE_POLL_MANAGE,
	    &staff_poll_input },
	{ HTTP_POST, "/staff/polls/{id}/open", handle_staff_poll_open, ROUTE_BODY_FORM,
	    ROUTE_FORM | ROUTE_STAFF | ROUTE_CSRF, "staff.poll.open", RULE_POLL_MANAGE, NULL },
	{ HTTP_POST, "/staff/polls/{id}/close", handle_staff_poll_close, ROUTE_BODY_FORM,
	    ROUTE_FORM | ROUTE_STAFF | ROUTE_CSRF, "staff.poll.close", RULE_POLL_MANAGE, NULL },
	{ HTTP_POST, "/staff/polls/{id}/delete", handle_staff_poll_delete, ROUTE_BODY_FORM,
	    ROUTE_FORM | ROUTE_STAFF | ROUTE_CSRF, "staff.poll.delete", RULE_POLL_MANAGE,
	    &staff_poll_delete_input },
	{ HTTP_POST, "/staff/polls/{id}/codes", handle_staff_poll_codes, ROUTE_BODY_FORM,
	    ROUTE_FORM | ROUTE_STAFF | ROUTE_CSRF, "staff.poll.codes", RULE_POLL_MANAGE,
	    &staff_codes_input },
	{ HTTP_POST, "/staff/polls/{id}/codes/withdraw", handle_staff_poll_codes_withdraw,
	    ROUTE_BODY_FORM, ROUTE_FORM | ROUTE_STAFF | ROUTE_CSRF, "staff.poll.codes.withdraw",
	    RULE_POLL_MANAGE, &staff_codes_withdraw_input },
	{ GET, "/staff/polls/{id}/export", handle_staff_poll_export, 0, ROUTE_STAFF,
	    "staff.poll.export", RULE_RESULTS_VIEW, &staff_poll_export_input },
#define STAFF_FORM (ROUTE_FORM | ROUTE_STAFF | ROUTE_CSRF)
	{ GET, "/staff/surveys", handle_staff_surveys, 0, ROUTE_STAFF, "staff.surveys", RULE_STAFF,
	    &staff_surveys_input },
	{ GET, "/staff/surveys/new", handle_staff_survey_new, 0, ROUTE_STAFF, "staff.survey.new",
	    RULE_POLL_MANAGE, NULL },
	{ HTTP_POST, "/staff/surveys", handle_staff_survey_create, ROUTE_BODY_FORM, STAFF_FORM,
	    "staff.survey.create", RULE_POLL_MANAGE, &staff_survey_input },
	{ GET, "/staff/surveys/{id}", handle_staff_survey_view, 0, ROUTE_STAFF, "staff.survey.view",
	    RULE_STAFF, NULL },
	{ GET, "/staff/surveys/{id}/details", handle_staff_survey_details_form, 0, ROUTE_STAFF,
	    "staff.survey.details.form", RULE_POLL_MANAGE, NULL },
	{ HTTP_POST, "/staff/surveys/{id}/details", handle_staff_survey_details, ROUTE_BODY_FORM,
	    STAFF_FORM, "staff.survey.details", RULE_POLL_MANAGE, &staff_survey_input },
	{ HTTP_POST, "/staff/surveys/{id}/open", handle_staff_survey_open, ROUTE_BODY_FORM,
	    STAFF_FORM, "staff.survey.open", RULE_POLL_MANAGE, NULL },
	{ HTTP_POST, "/staff/surveys/{id}/close", handle_staff_survey_close, ROUTE_BODY_FORM,
	    STAFF_FORM, "staff.survey.close", RULE_POLL_MANAGE, NULL },
	{ GET, "/staff/surveys/{id}/delete", handle_staff_survey_delete_form, 0, ROUTE_STAFF,
	    "staff.survey.delete.form", RULE_POLL_MANAGE, NULL },
	{ HTTP_POST, "/staff/surveys/{id}/delete", handle_staff_survey_delete, ROUTE_BODY_FORM,
	    STAFF_FORM, "staff.survey.delete", RULE_POLL_MANAGE, NULL },
	{ GET, "/staff/surveys/{id}/versions", handle_staff_survey_versions, 0, ROUTE_STAFF,
	    "staff.survey.versions", RULE_STAFF, NULL },
	{ GET, "/staff/surveys/{id}/preview/{page}", handle_staff_survey_preview, 0, ROUTE_STAFF,
	    "staff.survey.preview", RULE_STAFF, NULL },
	{ GET, "/staff/surveys/{id}/pages/new", handle_staff_survey_page_new, 0, ROUTE_STAFF,
	    "staff.survey.page.new", RULE_POLL_MANAGE, &staff_survey_question_query },
	{ HTTP_POST, "/staff/surveys/{id}/pages", handle_staff_survey_page_create, ROUTE_BODY_FORM,
	    STAFF_FORM, "staff.survey.page.create", RULE_POLL_MANAGE,
	    &staff_survey_question_input },
	{ GET, "/staff/surveys/{id}/pages/{page}", handle_staff_survey_page_edit, 0, ROUTE_STAFF,
	    "staff.survey.page.edit", RULE_POLL_MANAGE, NULL },
	{ HTTP_POST, "/staff/surveys/{id}/pages/{page}", handle_staff_survey_page_update,
	    ROUTE_BODY_FORM, STAFF_FORM, "staff.survey.page.update", RULE_POLL_MANAGE,
	    &staff_survey_page_input },
	{ GET, "/staff/surveys/{id}/pages/{page}/delete", handle_staff_survey_page_delete_form, 0,
	    ROUTE_STAFF, "staff.survey.page.delete.form", RULE_POLL_MANAGE, NULL },
	{ HTTP_POST, "/staff/surveys/{id}/pages/{page}/delete", handle_staff_survey_page_delete,
	    ROUTE_BODY_FORM, STAFF_FORM, "staff.survey.page.delete", RULE_POLL_MANAGE,
	    &staff_survey_page_delete_input },
	{ GET, "/staff/surveys/{id}/pages/{page}/questions/new", handle_staff_survey_question_new,
	    0, ROUTE_STAFF, "staff.survey.question.new", RULE_POLL_MANAGE,
	    &staff_survey_question_query },
	{ HTTP_POST, "/staff/surveys/{id}/pages/{page}/questions",
	    handle_staff_survey_question_create, ROUTE_BODY_FORM, STAFF_FORM,
	    "staff.survey.question.create", RULE_POLL_MANAGE, &staff_survey_question_input },
	{ GET, "/staff/surveys/{id}/questions/{question}", handle_staff_survey_question_edit, 0,
	    ROUTE_STAFF, "staff.survey.question.edit", RULE_POLL_MANAGE,
	    &staff_survey_question_query },
	{ HTTP_POST, "/staff/surveys/{id}/questions/{question}",
	    handle_staff_survey_question_update, ROUTE_BODY_FORM, STAFF_FORM,
	    "staff.survey.question.update", RULE_POLL_MANAGE, &staff_survey_question_input },
	{ GET, "/staff/surveys/{id}/questions/{question}/type", handle_staff_survey_question_type,
	    0, ROUTE_STAFF, "staff.survey.question.type", RULE_POLL_MANAGE,
	    &staff_survey_question_query },
	{ GET, "/staff/surveys/{id}/questions/{question}/delete",
	    handle_staff_survey_question_delete_form, 0, ROUTE_STAFF,
	    "staff.survey.question.delete.form", RULE_POLL_MANAGE, NULL },
	{ HTTP_POST, "/staff/surveys/{id}/questions/{question}/delete",
	    handle_staff_survey_question_delete, ROUTE_BODY_FORM, STAFF_FORM,
	    "staff.survey.question.delete", RULE_POLL_MANAGE, &staff_survey_question_delete_input },
	{ HTTP_POST, "/staff/surveys/{id}/questions/{question}/move",
	    handle_staff_survey_question_move, ROUTE_BODY_FORM, STAFF_FORM,
	    "staff.survey.question.move", RULE_POLL_MANAGE, &staff_survey_move_input },
	{ GET, "/staff/surveys/{id}/responses", handle_staff_survey_responses, 0, ROUTE_STAFF,
	    "staff.survey.responses", RULE_RESULTS_VIEW, &staff_survey_responses_input },
	{ GET, "/staff/surveys/{id}/responses/new", handle_staff_survey_response_new, 0,
	    ROUTE_STAFF, "staff.survey.response.new", RULE_POLL_MANAGE, NULL },
	{ HTTP_POST, "/staff/surveys/{id}/responses", handle_staff_survey_response_create,
	    ROUTE_BODY_RESPONSE, STAFF_FORM, "staff.survey.response.create", RULE_POLL_MANAGE,
	    &staff_survey_response_input },
	{ GET, "/staff/surveys/{id}/responses/{response}", handle_staff_survey_response_edit, 0,
	    ROUTE_STAFF, "staff.survey.response.edit", RULE_POLL_MANAGE, NULL },
	{ HTTP_POST, "/staff/surveys/{id}/responses/{response}",
	    handle_staff_survey_response_correct, ROUTE_BODY_RESPONSE, STAFF_FORM,
	    "staff.survey.response.correct", RULE_POLL_MANAGE, NULL },
	{ GET, "/staff/surveys/{id}/results", handle_staff_survey_results, 0, ROUTE_STAFF,
	    "staff.survey.results", RULE_RESULTS_VIEW, NULL },
	{ GET, "/staff/surveys/{id}/export", handle_staff_survey_export, 0, ROUTE_STAFF,
	    "staff.survey.export", RULE_RESULTS_VIEW, &staff_survey_export_input },
#undef STAFF_FORM
	{ GET, "/staff/pages/{key}", handle_staff_page_edit, 0, ROUTE_STAFF, "staff.page.edit",
	    RULE_SITE_EDIT, NULL },
	{ HTTP_POST, "/staff/pages/{key}", handle_staff_page_save, ROUTE_BODY_PAGE,
	    ROUTE_FORM | ROUTE_STAFF | ROUTE_CSRF, "staff.page.save", RULE_SITE_EDIT,
	    &staff_page_input },
};

const struct route *
app_routes(int *n)
{
	*n = (int)(sizeof(routes) / sizeof(routes[0]));
	return routes;
}

const char *
route_rule_name(enum route_rule rule)
{
	switch (rule) {
	case RULE_NONE:
		break;
	case RULE_ANYONE:
		return "anyone";
	case RULE_STAFF:
		return "staff";
	case RULE_POLL_MANAGE:
		return "poll_manage";
	case RULE_RESULTS_VIEW:
		return "results_view";
	case RULE_SITE_EDIT:
		return "site_edit";
	case RULE_USER_MANAGE:
		return "user_manage";
	}
	return "none";
}

bool
route_rule_allows(enum route_rule rule, bool signed_in, enum role role)
{
	switch (rule) {
	case RULE_NONE:
		break;
	case RULE_ANYONE:
		return true;
	case RULE_STAFF:
		return signed_in;
	case RULE_POLL_MANAGE:
		return signed_in && role_allows(role, PERM_POLL_MANAGE);
	case RULE_RESULTS_VIEW:
		return signed_in && role_allows(role, PERM_RESULTS_VIEW);
	case RULE_SITE_EDIT:
		return signed_in && role_allows(role, PERM_SITE_EDIT);
	case RULE_USER_MANAGE:
		return signed_in && role_allows(role, PERM_USER_MANAGE);
	}
	return false;
}

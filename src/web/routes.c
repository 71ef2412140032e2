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
	{ GET, "/api/v1/surveys/{id}/results", handle_api_survey_results, 0, ROUTE_TOKEN_OPTIONAL,
	    "api.survey.results", RULE_ANYONE, NULL },
	{ GET, "/api/v1/surveys/{id}/crosstab", handle_api_survey_crosstab, 0, ROUTE_TOKEN,
	    "api.survey.crosstab", RULE_RESULTS_VIEW, &api_survey_crosstab_input },
	{ GET, "/api/v1/surveys/{id}/export", handle_api_survey_export, 0, ROUTE_TOKEN,
	    "api.survey.export", RULE_RESULTS_VIEW, &api_survey_export_input },
	{ HTTP_POST, "/api/v1/outcomes", handle_api_outcomes_create, ROUTE_BODY_PAGE,
	    ROUTE_JSON | ROUTE_TOKEN, "api.outcomes.create", RULE_POLL_MANAGE,
	    &api_outcome_create_input },
	{ GET, "/api/v1/outcomes", handle_api_outcomes_list, 0, ROUTE_TOKEN, "api.outcomes.list",
	    RULE_STAFF, NULL },
	{ GET, "/api/v1/outcomes/{id}", handle_api_outcome_get, 0, ROUTE_TOKEN, "api.outcome.get",
	    RULE_STAFF, NULL },
	{ HTTP_PATCH, "/api/v1/outcomes/{id}", handle_api_outcome_update, ROUTE_BODY_PAGE,
	    ROUTE_JSON | ROUTE_TOKEN, "api.outcome.update", RULE_POLL_MANAGE,
	    &api_outcome_update_input },
	{ HTTP_POST, "/api/v1/outcomes/{id}/publish", handle_api_outcome_publish, 0, ROUTE_TOKEN,
	    "api.outcome.publish", RULE_POLL_MANAGE, NULL },
	{ HTTP_DELETE, "/api/v1/outcomes/{id}", handle_api_outcome_delete, 0, ROUTE_TOKEN,
	    "api.outcome.delete", RULE_POLL_MANAGE, NULL },
	{ GET, "/api/v1/surveys/{id}/checklist", handle_api_survey_checklist_get, 0, ROUTE_TOKEN,
	    "api.survey.checklist", RULE_STAFF, NULL },
	{ HTTP_PUT, "/api/v1/surveys/{id}/checklist", handle_api_survey_checklist_put,
	    ROUTE_BODY_JSON, ROUTE_JSON | ROUTE_TOKEN, "api.survey.checklist.put", RULE_POLL_MANAGE,
	    &api_checklist_input },
	{ HTTP_POST, "/api/v1/surveys/{id}/analysing", handle_api_survey_analysing, 0, ROUTE_TOKEN,
	    "api.survey.analysing", RULE_POLL_MANAGE, NULL },
	{ GET, "/api/v1/surveys/{id}/documents", handle_api_documents_list, 0, ROUTE_TOKEN_OPTIONAL,
	    "api.survey.documents", RULE_ANYONE, NULL },
	{ HTTP_POST, "/api/v1/surveys/{id}/documents", handle_api_documents_create,
	    ROUTE_BODY_DOCUMENT, ROUTE_JSON | ROUTE_TOKEN, "api.survey.documents.create",
	    RULE_POLL_MANAGE, &api_document_create_input },
	{ GET, "/api/v1/surveys/{id}/documents/{doc}", handle_api_document_get, 0,
	    ROUTE_TOKEN_OPTIONAL, "api.survey.document", RULE_ANYONE, NULL },
	{ HTTP_PATCH, "/api/v1/surveys/{id}/documents/{doc}", handle_api_document_update,
	    ROUTE_BODY_DOCUMENT, ROUTE_JSON | ROUTE_TOKEN, "api.survey.document.update",
	    RULE_POLL_MANAGE, &api_document_update_input },
	{ HTTP_DELETE, "/api/v1/surveys/{id}/documents/{doc}", handle_api_document_delete, 0,
	    ROUTE_TOKEN, "api.survey.document.delete", RULE_POLL_MANAGE, NULL },
	{ HTTP_POST, "/api/v1/surveys/{id}/documents/{doc}/attachments",
	    handle_api_attachment_create, ROUTE_BODY_FILE, ROUTE_FILE | ROUTE_TOKEN,
	    "api.survey.attachments.create", RULE_POLL_MANAGE, &api_attachment_input },
	{ HTTP_DELETE, "/api/v1/surveys/{id}/attachments/{att}", handle_api_attachment_delete, 0,
	    ROUTE_TOKEN, "api.survey.attachment.delete", RULE_POLL_MANAGE, NULL },
	{ HTTP_POST, "/api/v1/assessments", handle_api_assessments_create, ROUTE_BODY_JSON,
	    ROUTE_JSON | ROUTE_TOKEN, "api.assessments.create", RULE_POLL_MANAGE,
	    &api_assessment_create_input },
	{ GET, "/api/v1/assessments", handle_api_assessments_list, 0, ROUTE_TOKEN,
	    "api.assessments.list", RULE_STAFF, &api_assessment_list_input },
	{ GET, "/api/v1/assessments/{id}", handle_api_assessment_get, 0, ROUTE_TOKEN,
	    "api.assessment.get", RULE_STAFF, NULL },
	{ HTTP_PATCH, "/api/v1/assessments/{id}", handle_api_assessment_update, ROUTE_BODY_JSON,
	    ROUTE_JSON | ROUTE_TOKEN, "api.assessment.update", RULE_POLL_MANAGE,
	    &api_assessment_update_input },
	{ HTTP_POST, "/api/v1/assessments/{id}/links", handle_api_assessment_link, ROUTE_BODY_JSON,
	    ROUTE_JSON | ROUTE_TOKEN, "api.assessment.link", RULE_POLL_MANAGE,
	    &api_assessment_link_input },
	{ HTTP_DELETE, "/api/v1/assessments/{id}/links/{key}/{target}",
	    handle_api_assessment_unlink, 0, ROUTE_TOKEN, "api.assessment.unlink", RULE_POLL_MANAGE,
	    NULL },

	/* Public site */
	{ GET, "/", handle_root, 0, ROUTE_CACHEABLE, "root", RULE_ANYONE, NULL },
	{ GET, "/{key}", handle_install_page, 0, ROUTE_CACHEABLE, "page", RULE_ANYONE, NULL },
	{ GET, "/language/{key}", handle_language, 0, 0, "language", RULE_ANYONE,
	    &language_input },
	{ GET, "/o/{slug}/", handle_org_home, 0, ROUTE_CACHEABLE, "org.home", RULE_ANYONE, NULL },
	{ GET, "/o/{slug}/you-said-we-did", handle_outcomes_page, 0, 0, "org.outcomes",
	    RULE_ANYONE, NULL },
	{ GET, "/o/{slug}/you-said-we-did.atom", handle_outcomes_feed, 0, 0, "org.outcomes.feed",
	    RULE_ANYONE, NULL },
	{ GET, "/o/{slug}/you-said-we-did/{id}", handle_outcome_page, 0, 0, "org.outcome",
	    RULE_ANYONE, NULL },
	{ GET, "/o/{slug}/have-your-say", handle_have_your_say, 0, 0, "org.have_your_say",
	    RULE_ANYONE, NULL },
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
	{ GET, "/o/{slug}/surveys/{id}/results", handle_survey_results_page, 0, 0,
	    "survey.results", RULE_ANYONE, NULL },
	{ HTTP_POST, "/o/{slug}/surveys/{id}", handle_survey_start, ROUTE_BODY_FORM,
	    ROUTE_PUBLIC_FORM, "survey.start", RULE_ANYONE, NULL },
	{ GET, "/o/{slug}/surveys/{id}/documents/{doc}", handle_consultation_document_page, 0, 0,
	    "consultation.document", RULE_ANYONE, NULL },
	{ GET, "/o/{slug}/surveys/{id}/documents/{doc}/easy-read",
	    handle_consultation_easy_read_page, 0, 0, "consultation.document.easy_read",
	    RULE_ANYONE, NULL },
	{ GET, "/o/{slug}/surveys/{id}/attachments/{att}", handle_consultation_attachment, 0, 0,
	    "consultation.attachment", RULE_ANYONE, NULL },
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
	{ HTTP_POST, "/o/{slug}/surveys/{id}/r/{link}/email", handle_survey_email_link,
	    ROUTE_BODY_FORM, ROUTE_PUBLIC_FORM, "survey.email_link", RULE_ANYONE,
	    &survey_hear_back_input },
	{ HTTP_POST, "/o/{slug}/surveys/{id}/r/{link}/hear-back", handle_survey_hear_back,
	    ROUTE_BODY_FORM, ROUTE_PUBLIC_FORM, "survey.hear_back", RULE_ANYONE,
	    &survey_hear_back_input },
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
	{ GET, "/staff/consultations", handle_staff_consultations, 0, ROUTE_STAFF,
	    "staff.consultations", RULE_STAFF, NULL },
	{ HTTP_POST, "/staff/consultations", handle_staff_consultation_create, ROUTE_BODY_FORM,
	    ROUTE_FORM | ROUTE_STAFF | ROUTE_CSRF, "staff.consultation.create", RULE_POLL_MANAGE,
	    &staff_consultation_input },
	{ GET, "/staff/consultations/{id}", handle_staff_consultation_view, 0, ROUTE_STAFF,
	    "staff.consultation.view", RULE_STAFF, NULL },
	{ HTTP_POST, "/staff/consultations/{id}/open", handle_staff_consultation_open,
	    ROUTE_BODY_FORM, ROUTE_FORM | ROUTE_STAFF | ROUTE_CSRF, "staff.consultation.open",
	    RULE_POLL_MANAGE, NULL },
	{ HTTP_POST, "/staff/consultations/{id}/close", handle_staff_consultation_close,
	    ROUTE_BODY_FORM, ROUTE_FORM | ROUTE_STAFF | ROUTE_CSRF, "staff.consultation.close",
	    RULE_POLL_MANAGE, NULL },
	{ HTTP_POST, "/staff/consultations/{id}/analysing", handle_staff_consultation_analysing,
	    ROUTE_BODY_FORM, ROUTE_FORM | ROUTE_STAFF | ROUTE_CSRF, "staff.consultation.analysing",
	    RULE_POLL_MANAGE, NULL },
	{ GET, "/staff/consultations/{id}/checklist", handle_staff_checklist_form, 0, ROUTE_STAFF,
	    "staff.consultation.checklist.form", RULE_POLL_MANAGE, NULL },
	{ HTTP_POST, "/staff/consultations/{id}/checklist", handle_staff_checklist_save,
	    ROUTE_BODY_FORM, ROUTE_FORM | ROUTE_STAFF | ROUTE_CSRF, "staff.consultation.checklist",
	    RULE_POLL_MANAGE, &staff_checklist_input },
	{ GET, "/staff/consultations/{id}/documents/new", handle_staff_document_new, 0, ROUTE_STAFF,
	    "staff.consultation.document.new", RULE_POLL_MANAGE, NULL },
	{ HTTP_POST, "/staff/consultations/{id}/documents", handle_staff_document_create,
	    ROUTE_BODY_DOCUMENT, ROUTE_FORM | ROUTE_STAFF | ROUTE_CSRF,
	    "staff.consultation.document.create", RULE_POLL_MANAGE, &staff_document_input },
	{ GET, "/staff/consultations/{id}/documents/{doc}", handle_staff_document_edit, 0,
	    ROUTE_STAFF, "staff.consultation.document.edit", RULE_POLL_MANAGE, NULL },
	{ HTTP_POST, "/staff/consultations/{id}/documents/{doc}", handle_staff_document_update,
	    ROUTE_BODY_DOCUMENT, ROUTE_FORM | ROUTE_STAFF | ROUTE_CSRF,
	    "staff.consultation.document.update", RULE_POLL_MANAGE, &staff_document_input },
	{ HTTP_POST, "/staff/consultations/{id}/documents/{doc}/move", handle_staff_document_move,
	    ROUTE_BODY_FORM, ROUTE_FORM | ROUTE_STAFF | ROUTE_CSRF,
	    "staff.consultation.document.move", RULE_POLL_MANAGE, &staff_document_move_input },
	{ GET, "/staff/consultations/{id}/documents/{doc}/delete",
	    handle_staff_document_delete_form, 0, ROUTE_STAFF,
	    "staff.consultation.document.delete.form", RULE_POLL_MANAGE, NULL },
	{ HTTP_POST, "/staff/consultations/{id}/documents/{doc}/delete",
	    handle_staff_document_delete, ROUTE_BODY_FORM, ROUTE_FORM | ROUTE_STAFF | ROUTE_CSRF,
	    "staff.consultation.document.delete", RULE_POLL_MANAGE, &staff_document_delete_input },
	{ GET, "/staff/consultations/{id}/attachments/{att}", handle_staff_attachment_download, 0,
	    ROUTE_STAFF, "staff.consultation.attachment", RULE_STAFF, NULL },
	{ HTTP_POST, "/staff/consultations/{id}/attachments/{att}/delete",
	    handle_staff_attachment_delete, ROUTE_BODY_FORM, ROUTE_FORM | ROUTE_STAFF | ROUTE_CSRF,
	    "staff.consultation.attachment.delete", RULE_POLL_MANAGE, NULL },
	{ GET, "/staff/assessments", handle_staff_assessments, 0, ROUTE_STAFF, "staff.assessments",
	    RULE_STAFF, NULL },
	{ GET, "/staff/assessments/new", handle_staff_assessment_new, 0, ROUTE_STAFF,
	    "staff.assessment.new", RULE_POLL_MANAGE, NULL },
	{ HTTP_POST, "/staff/assessments", handle_staff_assessment_create, ROUTE_BODY_FORM,
	    ROUTE_FORM | ROUTE_STAFF | ROUTE_CSRF, "staff.assessment.create", RULE_POLL_MANAGE,
	    &staff_assessment_input },
	{ GET, "/staff/assessments/{id}", handle_staff_assessment_view, 0, ROUTE_STAFF,
	    "staff.assessment.view", RULE_STAFF, NULL },
	{ GET, "/staff/assessments/{id}/edit", handle_staff_assessment_edit, 0, ROUTE_STAFF,
	    "staff.assessment.edit", RULE_POLL_MANAGE, NULL },
	{ HTTP_POST, "/staff/assessments/{id}/edit", handle_staff_assessment_update,
	    ROUTE_BODY_FORM, ROUTE_FORM | ROUTE_STAFF | ROUTE_CSRF, "staff.assessment.update",
	    RULE_POLL_MANAGE, &staff_assessment_input },
	{ HTTP_POST, "/staff/assessments/{id}/link", handle_staff_assessment_link, ROUTE_BODY_FORM,
	    ROUTE_FORM | ROUTE_STAFF | ROUTE_CSRF, "staff.assessment.link", RULE_POLL_MANAGE,
	    &staff_assessment_link_input },
	{ HTTP_POST, "/staff/assessments/{id}/unlink", handle_staff_assessment_unlink,
	    ROUTE_BODY_FORM, ROUTE_FORM | ROUTE_STAFF | ROUTE_CSRF, "staff.assessment.unlink",
	    RULE_POLL_MANAGE, &staff_assessment_link_input },
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

/*
 * handlers.h - every request handler, by area.  The route table
 * (routes.c) is the one place that says which URL reaches which.
 */
#ifndef INVOLVE_HANDLERS_H
#define INVOLVE_HANDLERS_H

#include "involve/http.h"
#include "involve/input.h"
#include "involve/poll.h"

#include <jansson.h>

struct survey;
struct survey_def;

/* The fields each route accepts (input.h), declared beside its handler and
 * named in the route table. */
extern const struct input_spec api_poll_create_input;
extern const struct input_spec api_poll_update_input;
extern const struct input_spec api_poll_vote_input;
extern const struct input_spec api_poll_list_input;
extern const struct input_spec api_survey_create_input;
extern const struct input_spec api_survey_update_input;
extern const struct input_spec api_survey_response_input;
extern const struct input_spec api_survey_list_input;
extern const struct input_spec api_survey_crosstab_input;
extern const struct input_spec api_survey_export_input;
extern const struct input_spec api_survey_codes_input;
extern const struct input_spec api_survey_import_input;
extern const struct input_spec api_survey_comments_input;
extern const struct input_spec api_survey_comment_review_input;
extern const struct input_spec staff_survey_comment_input;
extern const struct input_spec staff_survey_import_confirm_input;
extern const struct input_spec api_outcome_create_input;
extern const struct input_spec api_outcome_update_input;
extern const struct input_spec survey_hear_back_input;
extern const struct input_spec poll_vote_input;
extern const struct input_spec language_input;
extern const struct input_spec staff_login_input;
extern const struct input_spec staff_code_input;
extern const struct input_spec staff_setup_input;
extern const struct input_spec staff_user_role_input;
extern const struct input_spec staff_user_action_input;
extern const struct input_spec staff_settings_input;
extern const struct input_spec staff_dashboard_input;
extern const struct input_spec staff_page_input;
extern const struct input_spec staff_poll_input;
extern const struct input_spec staff_poll_delete_input;
extern const struct input_spec staff_poll_export_input;
extern const struct input_spec staff_surveys_input;
extern const struct input_spec staff_survey_input;
extern const struct input_spec staff_survey_question_input;
extern const struct input_spec staff_survey_question_query;
extern const struct input_spec staff_survey_question_delete_input;
extern const struct input_spec staff_survey_move_input;
extern const struct input_spec staff_survey_page_input;
extern const struct input_spec staff_survey_page_delete_input;
extern const struct input_spec staff_survey_response_input;
extern const struct input_spec staff_survey_responses_input;
extern const struct input_spec staff_survey_export_input;

/* handlers_ops.c: health, readiness, metrics, static files */
int handle_healthz(struct http_request *req, struct http_response *res);
int handle_readyz(struct http_request *req, struct http_response *res);
int handle_metrics(struct http_request *req, struct http_response *res);
int handle_static(struct http_request *req, struct http_response *res);

/* handlers_api_polls.c: the JSON API for polls */
int handle_api_polls_create(struct http_request *req, struct http_response *res);
int handle_api_polls_list(struct http_request *req, struct http_response *res);
int handle_api_poll_get(struct http_request *req, struct http_response *res);
int handle_api_poll_update(struct http_request *req, struct http_response *res);
int handle_api_poll_delete(struct http_request *req, struct http_response *res);
int handle_api_poll_open(struct http_request *req, struct http_response *res);
int handle_api_poll_close(struct http_request *req, struct http_response *res);
int handle_api_poll_vote(struct http_request *req, struct http_response *res);
int handle_api_poll_results(struct http_request *req, struct http_response *res);

/* handlers_api_surveys.c: the JSON API for surveys */
int handle_api_surveys_create(struct http_request *req, struct http_response *res);
int handle_api_surveys_list(struct http_request *req, struct http_response *res);
int handle_api_survey_get(struct http_request *req, struct http_response *res);
int handle_api_survey_update(struct http_request *req, struct http_response *res);
int handle_api_survey_delete(struct http_request *req, struct http_response *res);
int handle_api_survey_open(struct http_request *req, struct http_response *res);
int handle_api_survey_close(struct http_request *req, struct http_response *res);
int handle_api_survey_respond(struct http_request *req, struct http_response *res);
int handle_api_survey_results(struct http_request *req, struct http_response *res);
int handle_api_survey_crosstab(struct http_request *req, struct http_response *res);
int handle_api_survey_export(struct http_request *req, struct http_response *res);
int handle_api_survey_results_csv(struct http_request *req, struct http_response *res);
int handle_api_survey_codes(struct http_request *req, struct http_response *res);
int handle_api_survey_code_batches(struct http_request *req, struct http_response *res);
int handle_api_survey_codes_withdraw(struct http_request *req, struct http_response *res);
/* A survey as the API shows it (a new reference; NULL when out of memory). */
json_t *api_survey_json(struct http_request *req, const struct survey *sv,
    const struct survey_def *d);

/* handlers_survey_comments.c: free-text comments, and staff reviewing their themes */
int handle_api_survey_comments(struct http_request *req, struct http_response *res);
int handle_api_survey_comment_review(struct http_request *req, struct http_response *res);
int handle_staff_survey_comments(struct http_request *req, struct http_response *res);
int handle_staff_survey_comment(struct http_request *req, struct http_response *res);
int handle_staff_survey_comment_review(struct http_request *req, struct http_response *res);

/* handlers_survey_themes.c: what a survey's free text says, as the classifier read it */
int handle_api_survey_themes(struct http_request *req, struct http_response *res);
/* The "questions" of that answer, counts under below hidden (a new
 * reference), or NULL with *rc the failure. */
json_t *survey_themes_json(struct http_request *req, const struct survey *sv,
    const struct survey_def *d, int64_t below, int *rc);

/* handlers_survey_import.c: a survey brought across from LimeSurvey, by the API and on the
 * staff pages */
int handle_api_surveys_import(struct http_request *req, struct http_response *res);
int handle_staff_survey_import_form(struct http_request *req, struct http_response *res);
int handle_staff_survey_import(struct http_request *req, struct http_response *res);
int handle_staff_survey_import_confirm(struct http_request *req, struct http_response *res);

/* handlers_survey_public.c: answering a survey on the organisation's site */
int handle_survey_start_page(struct http_request *req, struct http_response *res);
int handle_survey_start(struct http_request *req, struct http_response *res);
int handle_survey_resume(struct http_request *req, struct http_response *res);
int handle_survey_page(struct http_request *req, struct http_response *res);
int handle_survey_page_save(struct http_request *req, struct http_response *res);
int handle_survey_check(struct http_request *req, struct http_response *res);
int handle_survey_submit(struct http_request *req, struct http_response *res);
int handle_survey_done(struct http_request *req, struct http_response *res);
int handle_survey_withdraw_form(struct http_request *req, struct http_response *res);
/* The "sent" page again, with what was wrong with the address given to
 * hear back (handlers_outcomes_public.c). */
int handle_survey_done_with(struct http_request *req, struct http_response *res,
    const struct errors *e, struct str email);
/* The page a respondent is on, again, with what is wrong with the address
 * they gave for emailing their link (e, under the field "resume-email"). */
int handle_survey_email_refused(struct http_request *req, struct http_response *res,
    const struct errors *e, struct str email);
int handle_survey_withdraw(struct http_request *req, struct http_response *res);

/* handlers_api_consultations.c: a consultation's checklist, stage, documents and files */
extern const struct input_spec api_checklist_input;
extern const struct input_spec api_document_create_input;
extern const struct input_spec api_document_update_input;
extern const struct input_spec api_attachment_input;
int handle_api_survey_checklist_get(struct http_request *req, struct http_response *res);
int handle_api_survey_checklist_put(struct http_request *req, struct http_response *res);
int handle_api_survey_analysing(struct http_request *req, struct http_response *res);
int handle_api_documents_list(struct http_request *req, struct http_response *res);
int handle_api_documents_create(struct http_request *req, struct http_response *res);
int handle_api_document_get(struct http_request *req, struct http_response *res);
int handle_api_document_update(struct http_request *req, struct http_response *res);
int handle_api_document_delete(struct http_request *req, struct http_response *res);
int handle_api_attachment_create(struct http_request *req, struct http_response *res);
int handle_api_attachment_delete(struct http_request *req, struct http_response *res);
/* Adds a consultation's "lifecycle" (and, for its own staff, "checklist")
 * to the API's survey object o. */
struct survey;
void consultation_json_add(struct http_request *req, const struct survey *sv, json_t *o);

/* handlers_api_assessments.c: assessments of the duty to involve */
extern const struct input_spec api_assessment_create_input;
extern const struct input_spec api_assessment_update_input;
extern const struct input_spec api_assessment_list_input;
extern const struct input_spec api_assessment_link_input;
int handle_api_assessments_create(struct http_request *req, struct http_response *res);
int handle_api_assessments_list(struct http_request *req, struct http_response *res);
int handle_api_assessment_get(struct http_request *req, struct http_response *res);
int handle_api_assessment_update(struct http_request *req, struct http_response *res);
int handle_api_assessment_link(struct http_request *req, struct http_response *res);
int handle_api_assessment_unlink(struct http_request *req, struct http_response *res);

/* handlers_consultation_public.c: a consultation's documents and files on its site */
int handle_consultation_document_page(struct http_request *req, struct http_response *res);
int handle_consultation_easy_read_page(struct http_request *req, struct http_response *res);
int handle_consultation_attachment(struct http_request *req, struct http_response *res);
/* Adds "consultation" (lifecycle, documents) to the start page's ctx for
 * consultation sv of organisation o: 0 or the store's error. */
struct org;
int consultation_start_context(struct http_request *req, const struct org *o,
    const struct survey *sv, json_t *ctx);
/* Sends file id of consultation survey_id as a download. */
int consultation_send_file(struct http_request *req, struct http_response *res, int64_t survey_id,
    int64_t id);

/* handlers_have_your_say.c: what an organisation asks and has asked the public */
int handle_have_your_say(struct http_request *req, struct http_response *res);
int handle_survey_results_page(struct http_request *req, struct http_response *res);
int handle_survey_results_csv(struct http_request *req, struct http_response *res);

/* handlers_api_outcomes.c: the JSON API for "You said, we did" */
int handle_api_outcomes_create(struct http_request *req, struct http_response *res);
int handle_api_outcomes_list(struct http_request *req, struct http_response *res);
int handle_api_outcome_get(struct http_request *req, struct http_response *res);
int handle_api_outcome_update(struct http_request *req, struct http_response *res);
int handle_api_outcome_publish(struct http_request *req, struct http_response *res);
int handle_api_outcome_delete(struct http_request *req, struct http_response *res);

/* handlers_outcomes_public.c: "You said, we did" on the organisation's site */
int handle_outcomes_page(struct http_request *req, struct http_response *res);
int handle_outcome_page(struct http_request *req, struct http_response *res);
int handle_outcomes_feed(struct http_request *req, struct http_response *res);
int handle_survey_hear_back(struct http_request *req, struct http_response *res);
int handle_survey_email_link(struct http_request *req, struct http_response *res);

/* handlers_public.c: the public site of each organisation */
int handle_root(struct http_request *req, struct http_response *res);
int handle_org_home(struct http_request *req, struct http_response *res);
int handle_org_page(struct http_request *req, struct http_response *res);     /* /o/{slug}/{key} */
int handle_install_page(struct http_request *req, struct http_response *res); /* /{key} */
int handle_poll_page(struct http_request *req, struct http_response *res);
int handle_poll_vote_form(struct http_request *req, struct http_response *res);
int handle_poll_results_page(struct http_request *req, struct http_response *res);
int handle_poll_embed(struct http_request *req, struct http_response *res);
int handle_poll_embed_vote(struct http_request *req, struct http_response *res);
int handle_language(struct http_request *req, struct http_response *res); /* /language/{key} */

/* handlers_staff.c: signed-in staff pages */
int handle_login_form(struct http_request *req, struct http_response *res);
int handle_login(struct http_request *req, struct http_response *res);
int handle_logout(struct http_request *req, struct http_response *res);
int handle_login_code_form(struct http_request *req, struct http_response *res);
int handle_login_code(struct http_request *req, struct http_response *res);
int handle_two_step_form(struct http_request *req, struct http_response *res);
int handle_two_step(struct http_request *req, struct http_response *res);

/* Poll {id} of the signed-in staff's organisation, into the request's arena:
 * 0, or -1 with res filled (404 for another organisation's). */
int load_own_poll(struct http_request *req, struct http_response *res, struct poll **out);

/* handlers_staff_codes.c: a poll's single-use codes. */
extern const struct input_spec staff_codes_input;
extern const struct input_spec staff_survey_codes_input;
extern const struct input_spec staff_codes_withdraw_input;
int handle_staff_poll_codes(struct http_request *req, struct http_response *res);
int handle_staff_poll_codes_withdraw(struct http_request *req, struct http_response *res);
/* The codes part of a poll's staff page: {batches [...], max}. */
json_t *staff_codes_context(struct http_request *req, const struct poll *p);
/* The survey's batches of invitation codes for its staff page: {batches, max,
 * can_make}; NULL when they could not be read. */
json_t *staff_survey_codes_context(struct http_request *req, const struct survey *sv);
int handle_staff_survey_codes(struct http_request *req, struct http_response *res);
int handle_staff_survey_codes_withdraw(struct http_request *req, struct http_response *res);

/* handlers_staff_users.c: the organisation's staff and settings. */
int handle_staff_users(struct http_request *req, struct http_response *res);
int handle_staff_user(struct http_request *req, struct http_response *res);
int handle_staff_user_role(struct http_request *req, struct http_response *res);
int handle_staff_user_confirm(struct http_request *req, struct http_response *res);
int handle_staff_user_action(struct http_request *req, struct http_response *res);
int handle_staff_settings_form(struct http_request *req, struct http_response *res);
int handle_staff_settings(struct http_request *req, struct http_response *res);
int handle_dashboard(struct http_request *req, struct http_response *res);
int handle_staff_poll_new(struct http_request *req, struct http_response *res);
int handle_staff_poll_create(struct http_request *req, struct http_response *res);
int handle_staff_poll_view(struct http_request *req, struct http_response *res);
int handle_staff_poll_edit(struct http_request *req, struct http_response *res);
int handle_staff_poll_update(struct http_request *req, struct http_response *res);
int handle_staff_poll_open(struct http_request *req, struct http_response *res);
int handle_staff_poll_close(struct http_request *req, struct http_response *res);
int handle_staff_poll_delete(struct http_request *req, struct http_response *res);
/* ?format=csv|json */
int handle_staff_poll_export(struct http_request *req, struct http_response *res);
int handle_staff_page_edit(struct http_request *req, struct http_response *res);
int handle_staff_page_save(struct http_request *req, struct http_response *res);

/* handlers_staff_consultations.c: consultations, their checklist and documents */
extern const struct input_spec staff_consultation_input;
extern const struct input_spec staff_checklist_input;
extern const struct input_spec staff_document_input;
extern const struct input_spec staff_document_move_input;
extern const struct input_spec staff_document_delete_input;
int handle_staff_consultations(struct http_request *req, struct http_response *res);
int handle_staff_consultation_create(struct http_request *req, struct http_response *res);
int handle_staff_consultation_view(struct http_request *req, struct http_response *res);
int handle_staff_consultation_open(struct http_request *req, struct http_response *res);
int handle_staff_consultation_close(struct http_request *req, struct http_response *res);
int handle_staff_consultation_analysing(struct http_request *req, struct http_response *res);
int handle_staff_checklist_form(struct http_request *req, struct http_response *res);
int handle_staff_checklist_save(struct http_request *req, struct http_response *res);
int handle_staff_document_new(struct http_request *req, struct http_response *res);
int handle_staff_document_create(struct http_request *req, struct http_response *res);
int handle_staff_document_edit(struct http_request *req, struct http_response *res);
int handle_staff_document_update(struct http_request *req, struct http_response *res);
int handle_staff_document_move(struct http_request *req, struct http_response *res);
int handle_staff_document_delete_form(struct http_request *req, struct http_response *res);
int handle_staff_document_delete(struct http_request *req, struct http_response *res);
int handle_staff_attachment_download(struct http_request *req, struct http_response *res);
int handle_staff_attachment_delete(struct http_request *req, struct http_response *res);
int handle_staff_attachment_upload(struct http_request *req, struct http_response *res);

/* handlers_api_outcomes.c: publishes draft o of the signed-in staff's organisation now,
 * queueing its mail to those who asked to hear back (store_outcome_publish). */
struct outcome;
int outcome_publish_now(struct http_request *req, const struct outcome *o);

/* handlers_staff_outcomes.c: "You said, we did" outcomes written, published and deleted */
extern const struct input_spec staff_outcome_input;
int handle_staff_outcomes(struct http_request *req, struct http_response *res);
int handle_staff_outcome_new(struct http_request *req, struct http_response *res);
int handle_staff_outcome_create(struct http_request *req, struct http_response *res);
int handle_staff_outcome_view(struct http_request *req, struct http_response *res);
int handle_staff_outcome_edit(struct http_request *req, struct http_response *res);
int handle_staff_outcome_update(struct http_request *req, struct http_response *res);
int handle_staff_outcome_publish_form(struct http_request *req, struct http_response *res);
int handle_staff_outcome_publish(struct http_request *req, struct http_response *res);
int handle_staff_outcome_delete_form(struct http_request *req, struct http_response *res);
int handle_staff_outcome_delete(struct http_request *req, struct http_response *res);

/* handlers_staff_assessments.c: assessments of the duty to involve, and their evidence trail */
extern const struct input_spec staff_assessment_input;
extern const struct input_spec staff_assessment_link_input;
int handle_staff_assessments(struct http_request *req, struct http_response *res);
int handle_staff_assessment_new(struct http_request *req, struct http_response *res);
int handle_staff_assessment_create(struct http_request *req, struct http_response *res);
int handle_staff_assessment_view(struct http_request *req, struct http_response *res);
int handle_staff_assessment_edit(struct http_request *req, struct http_response *res);
int handle_staff_assessment_update(struct http_request *req, struct http_response *res);
int handle_staff_assessment_link(struct http_request *req, struct http_response *res);
int handle_staff_assessment_unlink(struct http_request *req, struct http_response *res);
/* handlers_staff_surveys.c: the organisation's surveys, one survey's
 * builder page, settings, state, history and preview */
int handle_staff_surveys(struct http_request *req, struct http_response *res);
int handle_staff_survey_new(struct http_request *req, struct http_response *res);
int handle_staff_survey_create(struct http_request *req, struct http_response *res);
int handle_staff_survey_view(struct http_request *req, struct http_response *res);
int handle_staff_survey_details_form(struct http_request *req, struct http_response *res);
int handle_staff_survey_details(struct http_request *req, struct http_response *res);
int handle_staff_survey_open(struct http_request *req, struct http_response *res);
int handle_staff_survey_close(struct http_request *req, struct http_response *res);
int handle_staff_survey_delete_form(struct http_request *req, struct http_response *res);
int handle_staff_survey_delete(struct http_request *req, struct http_response *res);
int handle_staff_survey_versions(struct http_request *req, struct http_response *res);
int handle_staff_survey_preview(struct http_request *req, struct http_response *res);

struct survey;
struct survey_edit;
/* What the staff pages say of a survey (its title, state, times ...). */
json_t *staff_survey_value(struct http_request *req, const struct survey *sv);
/* The builder page, with the errors (worded by survey_edit_errors; may be
 * NULL) of a change refused from it. */
int staff_survey_builder(struct http_request *req, struct http_response *res, int status,
    struct survey_edit *ed, const struct errors *e);
/* The confirmation page before a change that cannot be undone: its
 * heading, what it does (explain, then items listed; items taken, may be
 * NULL), the form's action and button, errors of a refused try. */
int staff_survey_confirm(struct http_request *req, struct http_response *res, int status,
    const struct survey *sv, const char *heading, const char *explain, json_t *items,
    const char *action, const char *button, const struct errors *e);

/* handlers_staff_survey_build.c: a survey's questions, and a new page with its first */
int handle_staff_survey_question_new(struct http_request *req, struct http_response *res);
int handle_staff_survey_question_create(struct http_request *req, struct http_response *res);
int handle_staff_survey_question_edit(struct http_request *req, struct http_response *res);
int handle_staff_survey_question_update(struct http_request *req, struct http_response *res);
int handle_staff_survey_question_type(struct http_request *req, struct http_response *res);
int handle_staff_survey_question_delete_form(struct http_request *req, struct http_response *res);
int handle_staff_survey_question_delete(struct http_request *req, struct http_response *res);
int handle_staff_survey_question_move(struct http_request *req, struct http_response *res);
int handle_staff_survey_page_new(struct http_request *req, struct http_response *res);
int handle_staff_survey_page_create(struct http_request *req, struct http_response *res);

/* handlers_staff_survey_pages.c: a survey page's title and rules, and deleting it */
int handle_staff_survey_page_edit(struct http_request *req, struct http_response *res);
int handle_staff_survey_page_update(struct http_request *req, struct http_response *res);
int handle_staff_survey_page_delete_form(struct http_request *req, struct http_response *res);
int handle_staff_survey_page_delete(struct http_request *req, struct http_response *res);

/* handlers_staff_survey_responses.c: keyed-in responses, results, exports */
int handle_staff_survey_responses(struct http_request *req, struct http_response *res);
int handle_staff_survey_response_new(struct http_request *req, struct http_response *res);
int handle_staff_survey_response_create(struct http_request *req, struct http_response *res);
int handle_staff_survey_response_edit(struct http_request *req, struct http_response *res);
int handle_staff_survey_response_correct(struct http_request *req, struct http_response *res);
int handle_staff_survey_results(struct http_request *req, struct http_response *res);
/* ?format=csv|json|xlsx */
int handle_staff_survey_export(struct http_request *req, struct http_response *res);
int handle_staff_survey_results_csv(struct http_request *req, struct http_response *res);

#endif

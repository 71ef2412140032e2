/*
 * handlers.h - every request handler, by area.  The route table
 * (routes.c) is the one place that says which URL reaches which.
 */
#ifndef INVOLVE_HANDLERS_H
#define INVOLVE_HANDLERS_H

#include "involve/http.h"
#include "involve/input.h"

/* The fields each route accepts (input.h), declared beside its handler and
 * named in the route table. */
extern const struct input_spec api_poll_create_input;
extern const struct input_spec api_poll_update_input;
extern const struct input_spec api_poll_vote_input;
extern const struct input_spec api_poll_list_input;
extern const struct input_spec poll_vote_input;
extern const struct input_spec language_input;
extern const struct input_spec staff_login_input;
extern const struct input_spec staff_dashboard_input;
extern const struct input_spec staff_page_input;
extern const struct input_spec staff_poll_input;
extern const struct input_spec staff_poll_delete_input;
extern const struct input_spec staff_poll_export_input;

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
int handle_dashboard(struct http_request *req, struct http_response *res);
int handle_staff_poll_new(struct http_request *req, struct http_response *res);
int handle_staff_poll_create(struct http_request *req, struct http_response *res);
int handle_staff_poll_view(struct http_request *req, struct http_response *res);
int handle_staff_poll_edit(struct http_request *req, struct http_response *res);
int handle_staff_poll_update(struct http_request *req, struct http_response *res);
int handle_staff_poll_open(struct http_request *req, struct http_response *res);
int handle_staff_poll_close(struct http_request *req, struct http_response *res);
int handle_staff_poll_delete(struct http_request *req, struct http_response *res);
int handle_staff_poll_export(struct http_request *req, struct http_response *res); /* ?format=csv|json */
int handle_staff_page_edit(struct http_request *req, struct http_response *res);
int handle_staff_page_save(struct http_request *req, struct http_response *res);

#endif

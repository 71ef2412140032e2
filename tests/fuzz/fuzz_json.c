/*
 * fuzz_json.c - JSON request bodies into typed values: the API's poll
 * create and update bodies (read into a struct poll_input, then checked
 * by poll_build) and its vote bodies (read into a struct ballot, then
 * checked by poll_check_ballot), through the real handlers in
 * src/web/handlers_api_polls.c and the real store.
 *
 * Input: one byte choosing the request, then the body ("$" words of fuzz.h
 * replaced):
 *   c  POST  /api/v1/polls            with the API token
 *   u  PATCH /api/v1/polls/$d         the draft poll, with the API token
 *   v  POST  /api/v1/polls/$o/votes   the open single-choice poll
 *   m  POST  /api/v1/polls/$m/votes   the open multiple-choice poll
 * Any other byte picks one of these by its value.
 *
 * Besides freq_check: every answer is JSON; a created or changed poll
 * holds what poll_build allows (a question, 2 to POLL_OPTIONS_MAX distinct
 * options); a refused body names at least one field.
 */
#include <string.h>

#include <jansson.h>

#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fixture_init();
	return 0;
}

/* A poll as the API returns it must be one poll_build would accept. */
static void
check_poll_json(const json_t *v)
{
	const json_t *options = json_object_get(v, "options"), *item;
	const char *question = json_string_value(json_object_get(v, "question"));
	size_t i, j;

	FUZZ_CHECK(question != NULL && question[0] != '\0', "a poll without a question");
	FUZZ_CHECK(json_is_array(options) && json_array_size(options) >= POLL_OPTIONS_MIN &&
	        json_array_size(options) <= POLL_OPTIONS_MAX,
	    "a poll with %zu options", json_array_size(options));
	json_array_foreach(options, i, item) {
		const char *label = json_string_value(json_object_get(item, "label"));

		FUZZ_CHECK(label != NULL && label[0] != '\0', "option %zu has no label", i);
		for (j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(label,
			               json_string_value(json_object_get(
			                   json_array_get(options, j), "label"))) != 0,
			    "option %zu repeats", i);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char kinds[] = "cuvm";
	struct fuzz_request f;
	struct buf body = BUF_INIT;
	char target[64], kind, auth[SECRET_TOKEN_MAX + 16];
	json_t *v;

	if (size == 0)
		return 0;
	kind = data[0] != 0 && strchr(kinds, data[0]) ? (char)data[0] : kinds[data[0] % 4];
	fuzz_expand(&body, data + 1, size - 1);
	FUZZ_CHECK(buf_ok(&body), "out of memory");

	switch (kind) {
	case 'c':
		freq_init(&f, HTTP_POST);
		snprintf(target, sizeof(target), "/api/v1/polls");
		break;
	case 'u':
		freq_init(&f, HTTP_PATCH);
		snprintf(target, sizeof(target), "/api/v1/polls/%lld", (long long)fx.poll_draft);
		break;
	default:
		freq_init(&f, HTTP_POST);
		snprintf(target, sizeof(target), "/api/v1/polls/%lld/votes",
		    (long long)(kind == 'v' ? fx.poll_open : fx.poll_multi));
	}
	freq_target(&f, target, strlen(target));
	freq_header(&f, "Content-Type", "application/json", 16);
	if (kind == 'c' || kind == 'u') {
		snprintf(auth, sizeof(auth), "Bearer %s", fx.token);
		freq_header(&f, "Authorization", auth, strlen(auth));
	}
	freq_body(&f, body.p, body.n);
	freq_run(&f);
	freq_check(&f);

	FUZZ_CHECK(
	    f.res.content_type != NULL && strncmp(f.res.content_type, "application/", 12) == 0,
	    "an API answer as %s", f.res.content_type);
	v = json_loadb(f.res.body.p, f.res.body.n, 0, NULL);
	FUZZ_CHECK(v != NULL, "the answer is not JSON");
	if ((kind == 'c' && f.res.status == 201) || (kind == 'u' && f.res.status == 200))
		check_poll_json(v);
	if (f.res.status == 422)
		FUZZ_CHECK(json_array_size(json_object_get(v, "errors")) > 0,
		    "a refusal that names no field");
	json_decref(v);

	freq_free(&f);
	buf_free(&body);
	fixture_repair();
	return 0;
}

/*
 * api_json.c - the API's ids, times and text as JSON values (see
 * api_json.h).
 */
#include <stdio.h>

#include "involve/timefmt.h"
#include "api_json.h"

json_t *
api_json_id(int64_t id)
{
	char text[24];

	snprintf(text, sizeof(text), "%lld", (long long)id);
	return json_string(text);
}

json_t *
api_json_time(int64_t t)
{
	char text[TIMEFMT_RFC3339_MAX];

	if (t == 0 || timefmt_rfc3339(t, text) != 0)
		return json_null();
	return json_string(text);
}

json_t *
api_json_text(struct str s)
{
	return json_stringn(s.p ? s.p : "", s.n);
}

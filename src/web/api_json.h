/*
 * api_json.h - the values every JSON answer of the API writes the same
 * way: ids as strings (clients never do arithmetic on them), times as
 * RFC 3339 in UTC or null, text as it is stored.  Each returns a new
 * reference.
 *
 * Internal to src/web.
 */
#ifndef INVOLVE_WEB_API_JSON_H
#define INVOLVE_WEB_API_JSON_H

#include <jansson.h>
#include <stdint.h>

#include "involve/str.h"

json_t *api_json_id(int64_t id);
/* null for 0 (not set) */
json_t *api_json_time(int64_t t);
json_t *api_json_text(struct str s);

#endif

/*
 * json_depth.c - nesting depth of JSON text (see json_depth.h).
 */
#include "involve/json_depth.h"

bool
json_depth_within(const char *p, size_t n, int max)
{
	bool in_string = false;
	int depth = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		char c = p[i];

		if (in_string) {
			if (c == '\\')
				i++; /* the escaped character, whatever it is */
			else if (c == '"')
				in_string = false;
			continue;
		}
		switch (c) {
		case '"': in_string = true; break;
		case '[':
		case '{':
			if (++depth > max)
				return false;
			break;
		case ']':
		case '}':
			/* Unbalanced closers are the parser's to reject; they must
			 * not buy extra depth here. */
			if (depth > 0)
				depth--;
			break;
		default: break;
		}
	}
	return true;
}

/*
 * password.c - the staff password policy (see password.h).
 */
#include <string.h>

#include "involve/i18n.h"
#include "involve/password.h"
#include "involve/text.h"

int
password_check(const char *password, struct errors *e)
{
	struct str s = { password, password ? strnlen(password, PASSWORD_MAX_BYTES + 1) : 0 };
	size_t i, step, chars = 0;
	unsigned cp;

	if (s.n == 0) {
		errors_add(e, "password", N_("Enter a password"));
		return ERR_INVALID;
	}
	if (s.n > PASSWORD_MAX_BYTES) {
		errors_add(e, "password",
		    N_("Password must be %d bytes or fewer (letters and numbers are 1 byte, "
		    "accented letters and symbols 2 to 4)"), PASSWORD_MAX_BYTES);
		return ERR_INVALID;
	}
	for (i = 0; i < s.n; i += step) {
		if ((step = text_decode(s, i, &cp)) == 0) {
			errors_add(e, "password",
			    N_("Password contains something that is not text: type it again"));
			return ERR_INVALID;
		}
		if (text_is_control(cp)) {
			errors_add(e, "password", N_("Password must not contain tabs, line breaks "
			    "or other control characters"));
			return ERR_INVALID;
		}
		chars++;
	}
	if (chars < PASSWORD_MIN_CHARS) {
		errors_add(e, "password", N_("Password must be %d characters or more"),
		    PASSWORD_MIN_CHARS);
		return ERR_INVALID;
	}
	return 0;
}

/*
 * password.h - what a staff password must be.
 *
 * The policy is the product's rule, so it lives in the domain; hashing and
 * checking a password are secret.h's.
 */
#ifndef INVOLVE_PASSWORD_H
#define INVOLVE_PASSWORD_H

#include "involve/error.h"

#define PASSWORD_MIN_CHARS 12
#define PASSWORD_MAX_BYTES 256

/* At least PASSWORD_MIN_CHARS characters (characters, not bytes), at most
 * PASSWORD_MAX_BYTES bytes, valid UTF-8, no control characters.  0, or
 * ERR_INVALID with one error on field "password". */
int password_check(const char *password, struct errors *e);

#endif

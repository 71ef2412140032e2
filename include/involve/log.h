/*
 * log.h - structured logging: one JSON object per line on stderr.
 *
 * {"time":"2026-11-23T12:45:00Z","level":"error","component":"sqlite","msg":"..."}
 * Messages never carry personal data: no emails of the public, no cookie
 * values, no request bodies.
 */
#ifndef INVOLVE_LOG_H
#define INVOLVE_LOG_H

#include <stdio.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level min);
/* Where lines go (stderr by default); the stream is not owned. */
void log_set_stream(FILE *f);
void log_msg(enum log_level level, const char *component, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Writes a complete JSON object (no newline) as one line, atomically. */
void log_json_line(const char *json, size_t len);

#define log_debug(c, ...) log_msg(LOG_DEBUG, c, __VA_ARGS__)
#define log_info(c, ...) log_msg(LOG_INFO, c, __VA_ARGS__)
#define log_warn(c, ...) log_msg(LOG_WARN, c, __VA_ARGS__)
#define log_error(c, ...) log_msg(LOG_ERROR, c, __VA_ARGS__)

#endif

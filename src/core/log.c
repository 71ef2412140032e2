/*
 * log.c - structured JSON-lines logging (see log.h).
 */
#include <pthread.h>
#include <stdarg.h>
#include <time.h>

#include "involve/log.h"
#include "involve/str.h"

static enum log_level min_level = LOG_INFO;
static FILE *stream;
static pthread_mutex_t stream_lock = PTHREAD_MUTEX_INITIALIZER;

void
log_set_level(enum log_level min)
{
	min_level = min;
}

void
log_set_stream(FILE *f)
{
	stream = f;
}

void
log_json_line(const char *json, size_t len)
{
	FILE *f = stream ? stream : stderr;

	pthread_mutex_lock(&stream_lock);
	fwrite(json, 1, len, f);
	fputc('\n', f);
	fflush(f);
	pthread_mutex_unlock(&stream_lock);
}

void
log_msg(enum log_level level, const char *component, const char *fmt, ...)
{
	static const char *const names[] = { "debug", "info", "warn", "error" };
	char stamp[32], msg[1024];
	struct buf b = BUF_INIT;
	struct tm tm;
	time_t now;
	va_list ap;

	if (level < min_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	buf_printf(&b, "{\"time\":\"%s\",\"level\":\"%s\",\"component\":", stamp, names[level]);
	buf_add_json_string(&b, str_c(component));
	buf_add_c(&b, ",\"msg\":");
	buf_add_json_string(&b, str_c(msg));
	buf_addch(&b, '}');
	if (buf_ok(&b))
		log_json_line(b.p, b.n);
	buf_free(&b);
}

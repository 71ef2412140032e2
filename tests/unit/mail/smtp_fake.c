/*
 * smtp_fake.c - a scripted SMTP server for the tests (see smtp_fake.h).
 * One connection at a time, on a thread of its own; every wait polls, so
 * fake_stop ends it promptly.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "smtp_fake.h"

#define LINE_MAX_FAKE 1024
#define MESSAGE_MAX_FAKE (256 * 1024)

struct fake_smtp {
	struct fake_script script;
	int listen_fd;
	char url[64];
	pthread_t thread;
	atomic_bool stopping;
	pthread_mutex_t lock;
	int connections, messages;
	char *last;
	char rcpt[300];
	/* the connection being served */
	int fd;
	char in[LINE_MAX_FAKE * 4];
	size_t in_n;
};

/* Waits until fd can be read; false when stopping or on error. */
static bool
wait_readable(struct fake_smtp *f, int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int rc;

	while (!atomic_load(&f->stopping)) {
		rc = poll(&p, 1, 100);
		if (rc > 0)
			return true;
		if (rc < 0)
			return false;
	}
	return false;
}

/* Reads one line (without CRLF) into line; false at the end. */
static bool
read_line(struct fake_smtp *f, char *line, size_t size)
{
	char *nl;
	ssize_t got;
	size_t n;

	for (;;) {
		nl = memchr(f->in, '\n', f->in_n);
		if (nl) {
			n = (size_t)(nl - f->in) + 1;
			size_t len = n >= 2 && f->in[n - 2] == '\r' ? n - 2 : n - 1;

			if (len >= size)
				len = size - 1;
			memcpy(line, f->in, len);
			line[len] = '\0';
			memmove(f->in, f->in + n, f->in_n - n);
			f->in_n -= n;
			return true;
		}
		if (f->in_n == sizeof(f->in) || !wait_readable(f, f->fd))
			return false;
		got = read(f->fd, f->in + f->in_n, sizeof(f->in) - f->in_n);
		if (got <= 0)
			return false;
		f->in_n += (size_t)got;
	}
}

static void
say(struct fake_smtp *f, const char *text)
{
	size_t n = strlen(text);

	if (write(f->fd, text, n) != (ssize_t)n)
		return; /* the client went: its own error tells */
}

/* Replies `code`; false when the script says to close or hang. */
static bool
reply(struct fake_smtp *f, int code)
{
	char text[64], line[LINE_MAX_FAKE];

	if (code == FAKE_CLOSE)
		return false;
	if (code == FAKE_HANG) {
		while (read_line(f, line, sizeof(line)))
			;
		return false;
	}
	snprintf(text, sizeof(text), "%d %s\r\n", code, code < 400 ? "fine" : "not now or never");
	say(f, text);
	return true;
}

/* The message after 354, up to its "." line, dots undoubled. */
static bool
read_message(struct fake_smtp *f)
{
	char line[LINE_MAX_FAKE];
	char *text = malloc(MESSAGE_MAX_FAKE);
	size_t n = 0, len;

	cr_assert_not_null(text);
	while (read_line(f, line, sizeof(line))) {
		if (strcmp(line, ".") == 0) {
			text[n] = '\0';
			pthread_mutex_lock(&f->lock);
			free(f->last);
			f->last = text;
			f->messages++;
			pthread_mutex_unlock(&f->lock);
			return true;
		}
		len = strlen(line);
		if (line[0] == '.') {
			memmove(line, line + 1, len);
			len--;
		}
		cr_assert_lt(n + len + 3, (size_t)MESSAGE_MAX_FAKE);
		memcpy(text + n, line, len);
		n += len;
		text[n++] = '\r';
		text[n++] = '\n';
	}
	free(text);
	return false;
}

static void
serve(struct fake_smtp *f)
{
	char line[LINE_MAX_FAKE];
	const char *p;

	f->in_n = 0;
	if (!reply(f, f->script.greeting))
		return;
	while (read_line(f, line, sizeof(line))) {
		if (strncasecmp(line, "EHLO", 4) == 0 || strncasecmp(line, "HELO", 4) == 0) {
			say(f, "250 fake\r\n");
		} else if (strncasecmp(line, "MAIL", 4) == 0) {
			if (!reply(f, f->script.mail))
				return;
		} else if (strncasecmp(line, "RCPT", 4) == 0) {
			p = strchr(line, '<');
			pthread_mutex_lock(&f->lock);
			snprintf(f->rcpt, sizeof(f->rcpt), "%.290s", p ? p + 1 : line);
			if (strchr(f->rcpt, '>'))
				*strchr(f->rcpt, '>') = '\0';
			pthread_mutex_unlock(&f->lock);
			if (!reply(f, f->script.rcpt))
				return;
		} else if (strncasecmp(line, "DATA", 4) == 0) {
			if (!reply(f, f->script.data))
				return;
			if (f->script.data != 354)
				continue;
			if (!read_message(f) || !reply(f, f->script.end))
				return;
		} else if (strncasecmp(line, "QUIT", 4) == 0) {
			say(f, "221 bye\r\n");
			return;
		} else if (strncasecmp(line, "RSET", 4) == 0 || strncasecmp(line, "NOOP", 4) == 0) {
			say(f, "250 fine\r\n");
		} else {
			say(f, "500 what\r\n");
		}
	}
}

static void *
fake_main(void *arg)
{
	struct fake_smtp *f = arg;

	while (wait_readable(f, f->listen_fd)) {
		f->fd = accept(f->listen_fd, NULL, NULL);
		if (f->fd < 0)
			continue;
		pthread_mutex_lock(&f->lock);
		f->connections++;
		pthread_mutex_unlock(&f->lock);
		serve(f);
		close(f->fd);
		f->fd = -1;
	}
	return NULL;
}

/* A socket listening on a free port of 127.0.0.1; its port in *port. */
static int
listen_any(int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t n = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	cr_assert_geq(fd, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(listen(fd, 8), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &n), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

struct fake_smtp *
fake_start(struct fake_script script)
{
	struct fake_smtp *f = calloc(1, sizeof(*f));
	int port;

	cr_assert_not_null(f);
	f->script = script;
	f->fd = -1;
	f->listen_fd = listen_any(&port);
	snprintf(f->url, sizeof(f->url), "smtp://127.0.0.1:%d", port);
	atomic_init(&f->stopping, false);
	pthread_mutex_init(&f->lock, NULL);
	cr_assert_eq(pthread_create(&f->thread, NULL, fake_main, f), 0);
	return f;
}

const char *
fake_url(const struct fake_smtp *f)
{
	return f->url;
}

int
fake_connections(struct fake_smtp *f)
{
	int n;

	pthread_mutex_lock(&f->lock);
	n = f->connections;
	pthread_mutex_unlock(&f->lock);
	return n;
}

int
fake_messages(struct fake_smtp *f)
{
	int n;

	pthread_mutex_lock(&f->lock);
	n = f->messages;
	pthread_mutex_unlock(&f->lock);
	return n;
}

const char *
fake_last(struct fake_smtp *f)
{
	const char *p;

	pthread_mutex_lock(&f->lock);
	p = f->last ? f->last : "";
	pthread_mutex_unlock(&f->lock);
	return p;
}

const char *
fake_last_rcpt(struct fake_smtp *f)
{
	return f->rcpt;
}

void
fake_stop(struct fake_smtp *f)
{
	atomic_store(&f->stopping, true);
	pthread_join(f->thread, NULL);
	close(f->listen_fd);
	pthread_mutex_destroy(&f->lock);
	free(f->last);
	free(f);
}

void
fake_nobody(char *url, size_t size)
{
	int port, fd = listen_any(&port);

	close(fd);
	snprintf(url, size, "smtp://127.0.0.1:%d", port);
}

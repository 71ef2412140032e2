/*
 * smtp.c - one message to an SMTP server through libcurl (see smtp.h).
 *
 * libcurl runs the conversation (greeting, EHLO, STARTTLS, AUTH, MAIL,
 * RCPT, DATA, the message with its dots doubled, the end of the message);
 * this file follows it through the trace libcurl gives a debug function:
 * each command as it goes out (CURLINFO_HEADER_OUT) and each reply line
 * as it comes in (CURLINFO_HEADER_IN).  The message itself is fed by a
 * read function; once it has handed libcurl the message's last byte, the
 * end of the message may go out at any moment, and from then on, until a
 * reply comes, the server may have taken it.  What the outcome is follows
 * from where the conversation stopped (smtp.h), never from the text of a
 * reply, which is not kept (it may name the recipient).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "involve/smtp.h"

/* How far one conversation went. */
struct trace {
	const char *message;
	size_t n, at;
	bool body_done;    /* the whole message is libcurl's: its end goes next */
	int final_code;    /* the first reply after that: the end's answer */
	char command[8];   /* the last command sent: "MAIL", "RCPT", "DATA", ... */
	bool mail_sent;    /* MAIL FROM went out: replies from then on are the message's */
	int error_code;    /* the first 4xx or 5xx before the end, */
	char error_to[8];  /* the command it answered ("" for the greeting), */
	bool error_mail;   /* and whether MAIL FROM had gone out */
};

const char *
smtp_outcome_name(enum smtp_outcome o)
{
	switch (o) {
	case SMTP_SENT:
		return "sent";
	case SMTP_RETRY:
		return "retry";
	case SMTP_REFUSED:
		return "refused";
	case SMTP_UNKNOWN:
		break;
	}
	return "unknown";
}

int
smtp_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : ERR_IO;
}

void
smtp_global_cleanup(void)
{
	curl_global_cleanup();
}

int
smtp_url_check(const char *url, struct errors *e)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	int rc = ERR_INVALID;

	if (u == NULL)
		return ERR_NOMEM;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && host[0] != '\0' &&
	    (strcmp(scheme, "smtp") == 0 || strcmp(scheme, "smtps") == 0))
		rc = 0;
	else
		errors_add(e, "smtp-url", "use smtp://HOST:PORT, smtp://USER:PASSWORD@HOST:PORT or "
		    "smtps://HOST:PORT");
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return rc;
}

bool
smtp_url_has_user(const char *url)
{
	CURLU *u = curl_url();
	char *user = NULL;
	bool has;

	if (u == NULL)
		return true; /* the safer guess */
	has = curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK && user[0] != '\0';
	curl_free(user);
	curl_url_cleanup(u);
	return has;
}

static size_t
read_message(char *buf, size_t size, size_t nitems, void *arg)
{
	struct trace *t = arg;
	size_t room = size * nitems, left = t->n - t->at;

	if (left == 0) {
		t->body_done = true;
		return 0;
	}
	if (left > room)
		left = room;
	memcpy(buf, t->message + t->at, left);
	t->at += left;
	/* Every byte is libcurl's now: the end of the message may follow
	 * without another call, so from here on it may have been taken. */
	if (t->at == t->n)
		t->body_done = true;
	return left;
}

/* The reply code a line starts with ("250-..." or "250 ..."), or 0. */
static int
reply_code(const char *p, size_t n)
{
	if (n < 3 || !isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]) ||
	    !isdigit((unsigned char)p[2]))
		return 0;
	return (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
}

static int
follow(CURL *h, curl_infotype type, char *data, size_t size, void *arg)
{
	struct trace *t = arg;
	size_t i;
	int code;

	(void)h;
	if (type == CURLINFO_HEADER_OUT) {
		/* The command's verb, never its argument (an address). */
		for (i = 0; i < size && i + 1 < sizeof(t->command) && isalpha((unsigned char)data[i]);
		    i++)
			t->command[i] = (char)toupper((unsigned char)data[i]);
		t->command[i] = '\0';
		if (strcmp(t->command, "MAIL") == 0)
			t->mail_sent = true;
	} else if (type == CURLINFO_HEADER_IN) {
		code = reply_code(data, size);
		/* Only the first of each: a QUIT, and its reply, follow a refusal. */
		if (code != 0 && t->body_done && t->final_code == 0) {
			t->final_code = code;
		} else if (code >= 400 && !t->body_done && t->error_code == 0) {
			t->error_code = code;
			memcpy(t->error_to, t->command, sizeof(t->error_to));
			t->error_mail = t->mail_sent;
		}
	}
	return 0;
}

static void
result_set(struct smtp_result *out, enum smtp_outcome o, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
result_set(struct smtp_result *out, enum smtp_outcome o, int code, const char *fmt, ...)
{
	va_list ap;

	out->outcome = o;
	out->code = code;
	va_start(ap, fmt);
	vsnprintf(out->detail, sizeof(out->detail), fmt, ap);
	va_end(ap);
}

/* What became of the message, from how far the conversation went. */
static void
classify(CURLcode rc, const struct trace *t, struct smtp_result *out)
{
	const char *to = t->error_to[0] ? t->error_to : "the connection";

	if (rc == CURLE_OK) {
		result_set(out, SMTP_SENT, 250, "sent");
		return;
	}
	if (t->body_done) {
		/* The end of the message went out (or was about to). */
		if (t->final_code >= 400 && t->final_code < 500)
			result_set(out, SMTP_RETRY, t->final_code, "the mail server deferred the message "
			    "(%d)", t->final_code);
		else if (t->final_code >= 500)
			result_set(out, SMTP_REFUSED, t->final_code, "the mail server refused the "
			    "message (%d)", t->final_code);
		else
			result_set(out, SMTP_UNKNOWN, t->final_code, "no answer to the end of the "
			    "message (%s): it may have been delivered", curl_easy_strerror(rc));
		return;
	}
	/* A 5xx to the greeting, EHLO, STARTTLS or AUTH is about the server or
	 * its set-up, not this message: tried again, as is any 4xx. */
	if (t->error_code >= 500 && t->error_mail)
		result_set(out, SMTP_REFUSED, t->error_code, "the mail server refused %s (%d)", to,
		    t->error_code);
	else if (t->error_code != 0)
		result_set(out, SMTP_RETRY, t->error_code, "the mail server answered %d to %s",
		    t->error_code, to);
	else
		result_set(out, SMTP_RETRY, 0, "could not hand the message to the mail server (%s)",
		    curl_easy_strerror(rc));
}

void
smtp_send(const struct smtp_config *cfg, const char *to, const char *message, size_t n,
    struct smtp_result *out)
{
	struct trace t = { .message = message, .n = n };
	struct curl_slist *rcpt = NULL;
	long timeout = cfg->timeout > 0 ? cfg->timeout : SMTP_TIMEOUT_DEFAULT;
	char from[300], path[300];
	CURLcode rc;
	CURL *h;

	memset(out, 0, sizeof(*out));
	snprintf(from, sizeof(from), "<%s>", cfg->from);
	snprintf(path, sizeof(path), "<%s>", to);
	h = curl_easy_init();
	rcpt = curl_slist_append(NULL, path);
	if (h == NULL || rcpt == NULL) {
		result_set(out, SMTP_RETRY, 0, "out of memory before the mail server was reached");
		goto out;
	}
	curl_easy_setopt(h, CURLOPT_URL, cfg->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	/* A password never goes in clear: with one, STARTTLS is required. */
	curl_easy_setopt(h, CURLOPT_USE_SSL, cfg->password || smtp_url_has_user(cfg->url) ?
	    (long)CURLUSESSL_ALL : (long)CURLUSESSL_TRY);
	if (cfg->password)
		curl_easy_setopt(h, CURLOPT_PASSWORD, cfg->password);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_message);
	curl_easy_setopt(h, CURLOPT_READDATA, &t);
	/* The trace is what says how far the conversation went; libcurl
	 * calls the debug function only when verbose, and then writes nothing
	 * itself. */
	curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, follow);
	curl_easy_setopt(h, CURLOPT_DEBUGDATA, &t);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)SMTP_CONNECT_TIMEOUT);
	/* libcurl waits for the reply to the end of the message with the
	 * server response timeout alone (120 s unless set), not CURLOPT_TIMEOUT. */
	curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(h, CURLOPT_SERVER_RESPONSE_TIMEOUT, timeout);
	rc = curl_easy_perform(h);
	classify(rc, &t, out);
out:
	curl_slist_free_all(rcpt);
	if (h)
		curl_easy_cleanup(h);
}

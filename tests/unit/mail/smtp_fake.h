/*
 * smtp_fake.h - a scripted SMTP server on a loopback port, for the tests
 * of smtp.c and the mail worker: it answers each command with the reply
 * the test chose, so every place a conversation can stop is reached on
 * purpose (the node tests send through a real server, aiosmtpd).
 */
#ifndef INVOLVE_TEST_SMTP_FAKE_H
#define INVOLVE_TEST_SMTP_FAKE_H

#include <stdbool.h>
#include <stddef.h>

/* A reply: a code, or one of these. */
#define FAKE_CLOSE (-1) /* close the connection without a reply */
#define FAKE_HANG (-2)  /* say nothing until the client goes */

struct fake_script {
	int greeting; /* 220 */
	int mail;     /* 250 */
	int rcpt;     /* 250 */
	int data;     /* 354 */
	int end;      /* 250: the reply to the end of the message */
};

/* The script of a server that takes every message. */
#define FAKE_TAKES ((struct fake_script){ 220, 250, 250, 354, 250 })

struct fake_smtp;

/* Starts a server with this script on a free port of 127.0.0.1. */
struct fake_smtp *fake_start(struct fake_script script);
/* Its URL, "smtp://127.0.0.1:PORT". */
const char *fake_url(const struct fake_smtp *f);
/* Connections accepted so far, and messages whose end was received (taken
 * or not). */
int fake_connections(struct fake_smtp *f);
int fake_messages(struct fake_smtp *f);
/* The last message's text as received (dots undoubled), NUL-terminated;
 * "" before any.  Lives until the next message or fake_stop. */
const char *fake_last(struct fake_smtp *f);
/* The recipient of the last RCPT TO, without the angle brackets. */
const char *fake_last_rcpt(struct fake_smtp *f);
void fake_stop(struct fake_smtp *f);

/* A URL where nothing listens (a port just freed). */
void fake_nobody(char *url, size_t size);

#endif

/*
 * response_pages.c - responses read a page ahead (see response_pages.h).
 *
 * Two pages take turns: the caller works on one while a thread reads the
 * other.  A thread is made for each page read ahead and joined before its
 * page is given out, so nothing is shared with it while it runs but the
 * page it fills and the id it starts after.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "involve/error.h"
#include "involve/response_pages.h"

struct page {
	struct arena text; /* the rows' answers */
	struct survey_response *rows;
	int n;
	int rc; /* store_response_each's */
};

struct response_pages {
	struct store *store;
	int64_t survey_id;
	int64_t after_id; /* the last id of the pages given out */
	int size;
	struct page pages[2];
	int reading; /* the page being read, or -1: the last was given out */
	pthread_t thread;
	bool thread_running;
};

/* One row copied into the page: the statement's text goes with its row. */
static int
keep_row(void *arg, const struct survey_response *r)
{
	struct page *pg = arg;
	struct survey_response *to = &pg->rows[pg->n];

	*to = *r;
	to->page = (struct str){ "", 0 };
	to->answers = arena_str(&pg->text, r->answers);
	if (to->answers.p == NULL)
		return ERR_NOMEM;
	pg->n++;
	return 0;
}

static void *
read_page(void *arg)
{
	struct response_pages *p = arg;
	struct page *pg = &p->pages[p->reading];

	arena_reset(&pg->text);
	pg->n = 0;
	pg->rc = store_response_each(p->store, p->survey_id, p->after_id, p->size, keep_row, pg);
	return NULL;
}

/* Begins to read page i, after p->after_id: on a thread, or here and now
 * when no thread can be made. */
static void
start_reading(struct response_pages *p, int i)
{
	p->reading = i;
	p->thread_running = pthread_create(&p->thread, NULL, read_page, p) == 0;
	if (!p->thread_running)
		read_page(p);
}

static void
wait_reading(struct response_pages *p)
{
	if (p->thread_running)
		pthread_join(p->thread, NULL);
	p->thread_running = false;
}

int
response_pages_open(struct store *s, int64_t survey_id, int64_t after_id, int page,
    struct response_pages **out)
{
	struct response_pages *p = calloc(1, sizeof(*p));
	int i;

	*out = NULL;
	if (p == NULL)
		return ERR_NOMEM;
	p->store = s;
	p->survey_id = survey_id;
	p->after_id = after_id;
	p->size = page > 0 ? page : 1;
	for (i = 0; i < 2; i++)
		arena_init(&p->pages[i].text, NULL, 0);
	for (i = 0; i < 2; i++) {
		p->pages[i].rows = calloc((size_t)p->size, sizeof(*p->pages[i].rows));
		if (p->pages[i].rows == NULL) {
			response_pages_free(p);
			return ERR_NOMEM;
		}
	}
	start_reading(p, 0);
	*out = p;
	return 0;
}

int
response_pages_next(struct response_pages *p, const struct survey_response **rows, int *n)
{
	struct page *pg;
	int i = p->reading;

	*rows = NULL;
	*n = 0;
	if (i < 0)
		return 0;
	wait_reading(p);
	pg = &p->pages[i];
	p->reading = -1;
	if (pg->rc != 0)
		return pg->rc < 0 ? pg->rc : ERR_IO;
	if (pg->n == 0)
		return 0;
	p->after_id = pg->rows[pg->n - 1].id;
	*rows = pg->rows;
	*n = pg->n;
	/* A short page was the last. */
	if (pg->n == p->size)
		start_reading(p, 1 - i);
	return 1;
}

void
response_pages_free(struct response_pages *p)
{
	int i;

	if (p == NULL)
		return;
	wait_reading(p);
	for (i = 0; i < 2; i++) {
		free(p->pages[i].rows);
		arena_free(&p->pages[i].text);
	}
	free(p);
}

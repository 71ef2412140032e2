/*
 * page_cache.h - a short-lived cache of whole public pages.
 *
 * Most people open a poll from a link, with no cookie yet: for them a page
 * is the same for everyone, so it is rendered once and copied for the next
 * visitors for a moment.  Votes read their poll the same way: the writer
 * checks again at commit that the poll is open and the options its own.
 * An entry lives PAGE_CACHE_TTL_MS at most, and every entry is dropped at
 * once when staff change anything through this server
 * (page_cache_invalidate); another server's change shows within the
 * lifetime.  Thread-safe.
 */
#ifndef INVOLVE_PAGE_CACHE_H
#define INVOLVE_PAGE_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "involve/http.h"
#include "involve/poll.h"

struct coding_accept;

#define PAGE_CACHE_TTL_MS 1000
#define PAGE_CACHE_SLOTS 256
#define PAGE_CACHE_PATH_MAX 256
#define PAGE_CACHE_BODY_MAX (256 * 1024)

struct page_cache;

struct page_cache *page_cache_new(void);
void page_cache_free(struct page_cache *c);
/* Fills res (status, type, body) from a fresh entry for path: true on a
 * hit.  The body is in the coding `accept` prefers (content_coding.h; NULL
 * for identity) of those kept, with res->content_encoding and
 * res->vary_encoding set to match. */
bool page_cache_get(struct page_cache *c, struct str path, const struct coding_accept *accept,
    struct http_response *res);
/* Keeps a copy of res for path; with compress, also its gzip and brotli
 * forms where they pay (the caller decides whether the page may be
 * compressed at all: see app_encode_response). */
void page_cache_put(struct page_cache *c, struct str path, const struct http_response *res,
    bool compress);
/* The same for a poll as the vote handler reads it, under a key that is
 * not a path ("poll:12"): put keeps a copy; get copies a fresh one into a,
 * or gives NULL. */
void page_cache_put_poll(struct page_cache *c, struct str key, const struct poll *p);
struct poll *page_cache_get_poll(struct page_cache *c, struct str key, struct arena *a);
/* Forgets every entry (content changed). */
void page_cache_invalidate(struct page_cache *c);

#endif

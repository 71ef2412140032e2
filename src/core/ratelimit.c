/*
 * ratelimit.c - the network an address belongs to (see ratelimit.h).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "involve/ratelimit.h"

void
ratelimit_network(const char *addr, char *out, size_t size)
{
	unsigned char bytes[16];
	char text[INET6_ADDRSTRLEN];

	if (inet_pton(AF_INET6, addr, bytes) == 1) {
		/* The /64: the rest of the address is the host's own choice. */
		memset(bytes + 8, 0, 8);
		if (inet_ntop(AF_INET6, bytes, text, sizeof(text)) != NULL) {
			snprintf(out, size, "%s/64", text);
			return;
		}
	}
	if (inet_pton(AF_INET, addr, bytes) == 1 &&
	    inet_ntop(AF_INET, bytes, text, sizeof(text)) != NULL) {
		snprintf(out, size, "%s", text); /* one canonical spelling */
		return;
	}
	snprintf(out, size, "%s", addr);
}

int
ratelimit_retry_after(int64_t now, int window)
{
	if (window <= 0)
		return 1;
	return (int)(window - now % window);
}

/*
 * proxy.c - trusted reverse proxies and X-Forwarded-For (see proxy.h).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "involve/num.h"
#include "involve/proxy.h"

/* An address as family and bytes; IPv4-mapped IPv6 (::ffff:a.b.c.d, what
 * a dual-stack socket reports for an IPv4 client) becomes plain IPv4, so
 * one configured network matches the client however it connected. */
struct ip {
	int family;
	unsigned char bytes[16];
};

static const unsigned char v4_mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* Parses exactly n bytes of text (no spaces, no port, no zone). */
static bool
ip_parse(const char *s, size_t n, struct ip *out)
{
	char text[INET6_ADDRSTRLEN];

	if (n == 0 || n >= sizeof(text))
		return false;
	memcpy(text, s, n);
	text[n] = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, text, out->bytes) == 1) {
		out->family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, text, out->bytes) != 1)
		return false;
	out->family = AF_INET6;
	if (memcmp(out->bytes, v4_mapped_prefix, sizeof(v4_mapped_prefix)) == 0) {
		memmove(out->bytes, out->bytes + 12, 4);
		memset(out->bytes + 4, 0, 12);
		out->family = AF_INET;
	}
	return true;
}

static void
ip_format(const struct ip *ip, char *out, size_t size)
{
	if (size == 0)
		return;
	if (inet_ntop(ip->family, ip->bytes, out, (socklen_t)size) == NULL)
		out[0] = '\0';
}

static bool
net_contains(const struct proxy_net *net, const struct ip *ip)
{
	int whole = net->prefix / 8, bits = net->prefix % 8;
	unsigned char mask;

	if (net->family != ip->family)
		return false;
	if (memcmp(net->addr, ip->bytes, (size_t)whole) != 0)
		return false;
	if (bits == 0)
		return true;
	mask = (unsigned char)(0xff << (8 - bits));
	return (net->addr[whole] & mask) == (ip->bytes[whole] & mask);
}

static bool
list_contains_ip(const struct proxy_list *l, const struct ip *ip)
{
	int i;

	for (i = 0; i < l->n; i++) {
		if (net_contains(&l->nets[i], ip))
			return true;
	}
	return false;
}

void
proxy_list_init(struct proxy_list *l)
{
	memset(l, 0, sizeof(*l));
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Trims spaces and tabs from both ends of s[0..n). */
static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && is_space(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && is_space((*s)[*n - 1]))
		(*n)--;
}

/* One "ADDR[/PREFIX]" into net; false when malformed. */
static bool
net_parse(const char *s, size_t n, struct proxy_net *net)
{
	const char *slash = memchr(s, '/', n);
	size_t addr_n = slash ? (size_t)(slash - s) : n;
	struct ip ip;
	int64_t prefix;
	int max, i;

	if (!ip_parse(s, addr_n, &ip))
		return false;
	max = ip.family == AF_INET ? 32 : 128;
	prefix = max;
	if (slash) {
		struct str digits = { slash + 1, (size_t)(s + n - slash - 1) };

		/* At most three digits: "/0008" is not how anyone writes /8. */
		if (digits.n > 3 || num_parse(digits, 0, max, &prefix) != NUM_OK)
			return false;
	}
	memset(net, 0, sizeof(*net));
	net->family = ip.family;
	net->prefix = (int)prefix;
	memcpy(net->addr, ip.bytes, sizeof(net->addr));
	/* Clear the host bits, so 10.1.2.3/8 means 10.0.0.0/8. */
	for (i = 0; i < 16; i++) {
		int keep = net->prefix - i * 8;

		if (keep <= 0)
			net->addr[i] = 0;
		else if (keep < 8)
			net->addr[i] &= (unsigned char)(0xff << (8 - keep));
	}
	return true;
}

int
proxy_list_add(struct proxy_list *l, const char *spec, struct errors *e)
{
	struct proxy_list next = *l;
	const char *p = spec, *comma;
	size_t n = strlen(spec);

	/* Nothing at all names no proxy: a setting left empty in a service's
	 * environment file. */
	trim(&p, &n);
	if (n == 0)
		return 0;
	for (;;) {
		comma = strchr(p, ',');
		n = comma ? (size_t)(comma - p) : strlen(p);
		trim(&p, &n);
		if (next.n == PROXY_LIST_MAX) {
			errors_add(e, "trusted-proxy",
			    "at most %d trusted proxy networks can be given", PROXY_LIST_MAX);
			return ERR_INVALID;
		}
		if (!net_parse(p, n, &next.nets[next.n])) {
			errors_add(e, "trusted-proxy",
			    "\"%.*s\" is not an IPv4 or IPv6 address with an "
			    "optional /PREFIX, like 10.0.0.1, 192.168.0.0/16 or fd00::/8",
			    (int)(n > 60 ? 60 : n), p);
			return ERR_INVALID;
		}
		next.n++;
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	*l = next;
	return 0;
}

bool
proxy_list_contains(const struct proxy_list *l, const char *addr)
{
	struct ip ip;

	return ip_parse(addr, strlen(addr), &ip) && list_contains_ip(l, &ip);
}

void
proxy_client_address(const struct proxy_list *l, const char *peer, const struct str *forwarded,
    int forwarded_n, char *out, size_t size)
{
	struct ip client, entry;
	const char *s, *p;
	size_t begin, end, n;
	int h, hops = 0;

	if (!ip_parse(peer, strlen(peer), &client)) {
		snprintf(out, size, "%s", peer);
		return;
	}
	if (!list_contains_ip(l, &client))
		goto done;
	/* Right to left: the last header's last entry was added by the proxy
	 * nearest to us. */
	for (h = forwarded_n - 1; h >= 0; h--) {
		s = forwarded[h].p;
		end = forwarded[h].n;
		for (;;) {
			if (++hops > PROXY_HOPS_MAX)
				goto done;
			for (begin = end; begin > 0 && s[begin - 1] != ','; begin--)
				;
			p = s + begin;
			n = end - begin;
			trim(&p, &n);
			/* Malformed or empty: the chain is broken here, and what
			 * lies left of it cannot be trusted. */
			if (!ip_parse(p, n, &entry))
				goto done;
			client = entry;
			if (!list_contains_ip(l, &client))
				goto done;
			if (begin == 0)
				break;
			end = begin - 1; /* the comma */
		}
	}
done:
	ip_format(&client, out, size);
}

/*
 * poll_export.c - results files (see poll_export.h).
 */
#include <stdio.h>
#include <string.h>

#include "involve/poll_export.h"

static void
percent_text(char *out, size_t size, int64_t count, int64_t ballots)
{
	int tenths = poll_percent_tenths(count, ballots);

	snprintf(out, size, "%d.%d", tenths / 10, tenths % 10);
}

int
poll_export_csv(const struct poll *p, struct buf *out)
{
	char pct[16];
	int i;

	buf_add_c(out, "option_id,option,count,percent\r\n");
	for (i = 0; i < p->option_n; i++) {
		percent_text(pct, sizeof(pct), p->options[i].votes, p->ballots);
		buf_printf(out, "%lld,", (long long)p->options[i].id);
		buf_add_csv_cell(out, p->options[i].label);
		buf_printf(out, ",%lld,%s\r\n", (long long)p->options[i].votes, pct);
	}
	buf_printf(out, ",\"Total answers\",%lld,\r\n", (long long)p->ballots);
	return buf_ok(out) ? 0 : ERR_NOMEM;
}

int
poll_export_json(const struct poll *p, const char *url, struct buf *out)
{
	char pct[16];
	int i;

	buf_printf(out, "{\"poll\":{\"id\":\"%lld\",\"question\":", (long long)p->id);
	buf_add_json_string(out, p->question);
	buf_printf(out, ",\"multiple\":%s,\"url\":", p->multiple ? "true" : "false");
	buf_add_json_string(out, str_c(url ? url : ""));
	buf_printf(out, "},\"total\":%lld,\"options\":[", (long long)p->ballots);
	for (i = 0; i < p->option_n; i++) {
		percent_text(pct, sizeof(pct), p->options[i].votes, p->ballots);
		buf_printf(out, "%s{\"id\":\"%lld\",\"label\":", i ? "," : "", (long long)p->options[i].id);
		buf_add_json_string(out, p->options[i].label);
		buf_printf(out, ",\"count\":%lld,\"percent\":%s}", (long long)p->options[i].votes,
		    pct);
	}
	buf_add_c(out, "]}\n");
	return buf_ok(out) ? 0 : ERR_NOMEM;
}

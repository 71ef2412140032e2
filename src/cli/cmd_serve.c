/*
 * cmd_serve.c - `involve serve`: opens the data directory, starts the HTTP
 * server and runs until SIGINT or SIGTERM, then stops gracefully: no new
 * connections, requests in flight finish, queued writes commit.
 *
 * Started as root with --user, it gives the data directory to that user,
 * opens everything it needs (database, keys, templates, the listening
 * socket, which may be a port below 1024) and then becomes the user for
 * good before serving a single request.  Pages and static files are built
 * into the program, so it runs from any working directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "involve/app.h"
#include "involve/auth.h"
#include "involve/httpd.h"
#include "involve/log.h"
#include "involve/mail.h"
#include "involve/comment_worker.h"
#include "involve/mail_worker.h"
#include "involve/num.h"
#include "involve/proxy.h"
#include "involve/secret.h"
#include "involve/smtp.h"
#include "involve/web_assets.h"
#include "cli.h"
#include "serve_process.h"

#define SERVE_LISTEN_DEFAULT "127.0.0.1:8080"
#define SERVE_RATE_DEFAULT 60 /* votes a minute from one network */
#define SERVE_RATE_MAX 1000000
/* Bounds on --max-connections and --max-connections-per-ip: past a
 * million the kernel's own limits on open files (fs.nr_open) stop it. */
#define SERVE_CONNECTIONS_MAX 1000000
/* Bounds on --connection-timeout: an hour of silence is already far more
 * than any client needs. */
#define SERVE_TIMEOUT_MAX 3600
/* A refused sign-in's pause: a second by default; at most a minute. */
#define SERVE_REFUSAL_DELAY_DEFAULT 1000
#define SERVE_REFUSAL_DELAY_MAX 60000
/* The longest first pause before mail is tried again: a day. */
#define SERVE_MAIL_BACKOFF_MAX 86400
/* The longest SMTP password --smtp-password-file may hold. */
#define SERVE_SMTP_PASSWORD_MAX 256
/* The freed heap each thread's arena keeps for the next request. */
#define SERVE_HEAP_KEEP (16 << 20)

static const char serve_help[] =
    "Usage: involve serve [OPTIONS]\n\n"
    "Serves the public site, the staff pages and the JSON API.\n\n"
    "  --listen ADDR:PORT      where to listen (default " SERVE_LISTEN_DEFAULT ")\n"
    "  --data DIR              data directory: database and keys/ (default ./var)\n"
    "  --database URL          sqlite:PATH (default sqlite:DIR/involve.db), or\n"
    "                          postgresql://USER@HOST:PORT/NAME, which any number of servers\n"
    "                          can share (they must share DIR/keys/ too)\n"
    "  --public-url URL        the address people use, e.g. https://involve.example.org\n"
    "                          (default http://ADDR:PORT); https makes cookies Secure\n"
    "  --vote-rate-limit N     answers a minute from one network (default 60; 0 = off,\n"
    "                          for kiosks and load tests)\n"
    "  --metrics-allow CIDR[,CIDR]\n"
    "                          the networks /metrics is served to (default: this machine,\n"
    "                          127.0.0.0/8 and ::1); elsewhere it needs an administrator's\n"
    "                          API token\n"
    "  --refusal-delay MS      answer a throttled or busy sign-in after MS milliseconds\n"
    "                          (default 1000; 0 = at once): who asks too often waits\n"
    "  --session-idle MINUTES  sign staff out after this long unused (default 30; a\n"
    "                          session ends after 8 hours whatever)\n"
    "  --demo                  on first start, fill the database with the demo content\n"
    "                          and print the demo administrator's password\n"
    "  --templates DIR         read the page templates from DIR (web/templates), for\n"
    "                          working on them; by default those built in are used\n"
    "  --static DIR            read the static files from DIR (web/static) and serve\n"
    "                          them uncompressed; by default those built in are used\n"
    "  --demo-file FILE        demo content (default: data/demo/demo.json, built in)\n"
    "  --threads N             HTTP threads (default: one per processor)\n"
    "  --no-access-log         do not write a log line per request\n"
    "  --max-connections N     open connections at once (default 16384); the open-file\n"
    "                          limit is raised to fit, and lowered connections logged\n"
    "                          when it cannot be\n"
    "  --max-connections-per-ip N\n"
    "                          open connections from one address (default 1024, or 0\n"
    "                          = no limit when --trusted-proxy is given)\n"
    "  --connection-timeout S  close a connection silent for S seconds (default 30);\n"
    "                          a request body must arrive within twice that\n"
    "  --trusted-proxy ADDR[/PREFIX]\n"
    "                          a reverse proxy whose X-Forwarded-For is believed, IPv4\n"
    "                          or IPv6; repeat it or separate several with commas\n"
    "                          (an empty value names none)\n"
    "  --user NAME             started as root: give the data directory to NAME, open\n"
    "                          the database, keys and socket, then run as NAME\n"
    "  --smtp-url URL          send the outbox's mail through this SMTP server:\n"
    "                          smtp://HOST:PORT (STARTTLS when offered),\n"
    "                          smtp://USER:PASSWORD@HOST:587 (STARTTLS required) or\n"
    "                          smtps://HOST:465; without it mail waits in the outbox\n"
    "  --smtp-password-file FILE\n"
    "                          the password of the user in --smtp-url\n"
    "                          (smtp://USER@HOST:587), read from FILE (its first line;\n"
    "                          only its owner may read it), so no URL carries it\n"
    "  --mail-from ADDRESS     the address mail is sent from (needed with --smtp-url)\n"
    "  --mail-interval S       look for mail to send every S seconds (default 5)\n"
    "  --mail-backoff S        wait S seconds before trying again a message the server\n"
    "                          could not take, doubling each time, 6 attempts at most\n"
    "                          (default 60)\n"
    "  --themes-model FILE     read the free text of survey responses with this model\n"
    "                          (from involve themes train): themes, sentiment, another\n"
    "                          language, identifying details; without it free text is\n"
    "                          not classified\n";

static volatile sig_atomic_t stop_requested;

static void
on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* Whether option text s is a whole number in [min, max] (num.h's rules:
 * "12abc", " 7" and "+3" are not), read into *out. */
static bool
is_number(const char *s, int64_t min, int64_t max, int64_t *out)
{
	return num_parse_c(s, min, max, out) == NUM_OK;
}

/*
 * Adds the value of every --trusted-proxy in argv to l.  The option may be
 * repeated, and cli_parse keeps only the last value, so the arguments are
 * read again here with the same table, abbreviations included.
 */
static int
collect_trusted_proxies(int argc, char **argv, const struct cli_opt *opts,
    struct proxy_list *l, struct errors *e)
{
	struct option long_opts[CLI_OPTS_MAX + 4];
	int i, n = 0, opt, index, wanted = -1;

	for (i = 0; opts[i].name && n < CLI_OPTS_MAX; i++, n++) { /* cli_parse checked the count */
		long_opts[n] = (struct option){ opts[i].name,
			opts[i].has_arg ? required_argument : no_argument, NULL, 256 + i };
		if (strcmp(opts[i].name, "trusted-proxy") == 0)
			wanted = 256 + i;
	}
	long_opts[n++] = (struct option){ "data", required_argument, NULL, 'd' };
	long_opts[n++] = (struct option){ "database", required_argument, NULL, 'D' };
	long_opts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	long_opts[n] = (struct option){ NULL, 0, NULL, 0 };
	optind = 0; /* 0, not 1: makes getopt start afresh */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", long_opts, &index)) != -1) {
		if (opt == wanted && proxy_list_add(l, optarg, e) != 0)
			return ERR_INVALID;
	}
	return 0;
}

/*
 * Reads the SMTP password from the first line of path into out: a file only
 * its owner may read or write, as for keys and ~/.pgpass.  Prints what is
 * wrong and returns false otherwise.
 */
static bool
read_password_file(const char *path, char *out, size_t size)
{
	struct stat st;
	ssize_t n;
	char *nl;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "involve serve: --smtp-password-file: cannot read %s: %s\n", path,
		    strerror(errno));
		return false;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077) != 0) {
		fprintf(stderr, "involve serve: --smtp-password-file: %s must be a file only its "
		    "owner may read (chmod 600)\n", path);
		close(fd);
		return false;
	}
	n = read(fd, out, size - 1);
	close(fd);
	if (n < 0) {
		fprintf(stderr, "involve serve: --smtp-password-file: cannot read %s: %s\n", path,
		    strerror(errno));
		return false;
	}
	out[n] = '\0';
	if ((nl = strpbrk(out, "\r\n")) != NULL)
		*nl = '\0';
	if (out[0] == '\0' || (nl == NULL && (size_t)n == size - 1)) {
		fprintf(stderr, "involve serve: --smtp-password-file: %s must hold a password of at "
		    "most %zu bytes on its first line\n", path, size - 2);
		sodium_memzero(out, size);
		return false;
	}
	return true;
}

static int
count_org(void *arg, const struct org *o)
{
	(void)o;
	(*(int *)arg)++;
	return 0;
}

int
cmd_serve(int argc, char **argv)
{
	const char *listen = NULL, *public_arg = NULL, *rate = NULL, *demo_flag = NULL,
	    *demo_arg = NULL, *templates = NULL, *statics = NULL, *threads = NULL,
	    *no_access_log = NULL, *max_connections = NULL, *per_ip = NULL, *timeout = NULL,
	    *trusted_proxy = NULL, *user = NULL, *session_idle = NULL, *metrics_allow = NULL,
	    *refusal_delay = NULL, *smtp_url = NULL, *mail_from = NULL, *mail_interval = NULL,
	    *mail_backoff = NULL, *smtp_password_file = NULL, *themes_model = NULL;
	const struct cli_opt opts[] = {
		{ "listen", true, &listen },
		{ "public-url", true, &public_arg },
		{ "vote-rate-limit", true, &rate },
		{ "session-idle", true, &session_idle },
		{ "metrics-allow", true, &metrics_allow },
		{ "refusal-delay", true, &refusal_delay },
		{ "demo", false, &demo_flag },
		{ "demo-file", true, &demo_arg },
		{ "templates", true, &templates },
		{ "static", true, &statics },
		{ "threads", true, &threads },
		{ "no-access-log", false, &no_access_log },
		{ "max-connections", true, &max_connections },
		{ "max-connections-per-ip", true, &per_ip },
		{ "connection-timeout", true, &timeout },
		{ "trusted-proxy", true, &trusted_proxy },
		{ "user", true, &user },
		{ "smtp-url", true, &smtp_url },
		{ "smtp-password-file", true, &smtp_password_file },
		{ "mail-from", true, &mail_from },
		{ "mail-interval", true, &mail_interval },
		{ "mail-backoff", true, &mail_backoff },
		{ "themes-model", true, &themes_model },
		{ NULL, false, NULL },
	};
	struct cli_common common;
	struct app_config acfg;
	struct httpd_config hcfg;
	struct proxy_list proxies, metrics_nets;
	struct serve_user as_user;
	struct cli_env env;
	struct mail_worker_config mcfg;
	struct mail_worker *mailer = NULL;
	struct theme_model *model = NULL;
	const char **theme_names = NULL;
	struct comment_worker *reader = NULL;
	struct httpd *server = NULL;
	struct app *app = NULL;
	struct errors e;
	char public_url[512], shown[512], smtp_password[SERVE_SMTP_PASSWORD_MAX + 2] = "";
	const char *demo_file = NULL; /* the built-in copy */
	bool demo = false, curl_started = false;
	int64_t n;
	int orgs = 0, rc;
	struct sigaction sa;
	sigset_t stop_set, old_set;

	cli_common_init(&common);
	memset(&acfg, 0, sizeof(acfg));
	memset(&hcfg, 0, sizeof(hcfg));
	hcfg.listen = SERVE_LISTEN_DEFAULT;
	acfg.templates = web_templates;
	acfg.statics = web_static;
	acfg.vote_rate_limit = SERVE_RATE_DEFAULT;
	rc = cli_parse("serve", serve_help, argc, argv, 1, opts, &common);
	if (rc != CLI_OK)
		return rc == CLI_HELP ? CLI_OK : rc;
	rc = CLI_FAIL;
	/*
	 * A request that reads much (a cross-tab's page of packs, an export's
	 * page of rows) frees megabytes at the top of the heap; by default
	 * glibc hands anything over 128 KB back to the kernel at once, and the
	 * next request faults every page in again: four fifths of a cross-tab's
	 * CPU on PostgreSQL.  Up to SERVE_HEAP_KEEP stays with the process.
	 */
	mallopt(M_TRIM_THRESHOLD, SERVE_HEAP_KEEP);
	if (listen)
		hcfg.listen = listen;
	acfg.public_url = public_arg;
	if (templates)
		acfg.templates_dir = templates;
	if (statics)
		acfg.static_dir = statics;
	if (demo_arg)
		demo_file = demo_arg;
	demo = demo_flag != NULL;
	hcfg.access_log = no_access_log == NULL;
	if (rate) {
		if (!is_number(rate, 0, SERVE_RATE_MAX, &n))
			return cli_usage_error("serve", "--vote-rate-limit must be a whole number "
			    "from 0 to %d", SERVE_RATE_MAX);
		acfg.vote_rate_limit = (int)n;
	}
	acfg.refusal_delay_ms = SERVE_REFUSAL_DELAY_DEFAULT;
	if (refusal_delay) {
		if (!is_number(refusal_delay, 0, SERVE_REFUSAL_DELAY_MAX, &n))
			return cli_usage_error("serve", "--refusal-delay must be a whole number of "
			    "milliseconds from 0 to %d", SERVE_REFUSAL_DELAY_MAX);
		acfg.refusal_delay_ms = (int)n;
	}
	if (session_idle) {
		if (!is_number(session_idle, 1, AUTH_SESSION_SECONDS / 60, &n))
			return cli_usage_error("serve", "--session-idle must be a whole number of "
			    "minutes from 1 to %d", AUTH_SESSION_SECONDS / 60);
		acfg.session_idle = (int)n * 60;
	}
	if (threads) {
		if (!is_number(threads, 1, 256, &n))
			return cli_usage_error("serve", "--threads must be from 1 to 256");
		hcfg.threads = (int)n;
	}
	hcfg.max_connections = HTTPD_CONNECTIONS_DEFAULT;
	if (max_connections) {
		if (!is_number(max_connections, 1, SERVE_CONNECTIONS_MAX, &n))
			return cli_usage_error("serve", "--max-connections must be from 1 to %d",
			    SERVE_CONNECTIONS_MAX);
		hcfg.max_connections = (unsigned)n;
	}
	if (timeout) {
		if (!is_number(timeout, 1, SERVE_TIMEOUT_MAX, &n))
			return cli_usage_error("serve", "--connection-timeout must be from 1 to %d "
			    "seconds", SERVE_TIMEOUT_MAX);
		hcfg.timeout_seconds = (unsigned)n;
	}
	errors_init(&e);
	proxy_list_init(&proxies);
	if (trusted_proxy && collect_trusted_proxies(argc, argv, opts, &proxies, &e) != 0) {
		cli_print_errors("serve", &e);
		return CLI_USAGE;
	}
	hcfg.trusted_proxies = &proxies;
	proxy_list_init(&metrics_nets);
	if (metrics_allow) {
		/* proxy_list_add names the field "trusted-proxy", its usual
		 * option: the message names the option that was given. */
		if (proxy_list_add(&metrics_nets, metrics_allow, &e) != 0)
			return cli_usage_error("serve", "--metrics-allow: %s",
			    e.n > 0 ? e.list[0].detail : "not a list of networks");
		acfg.metrics_allow = &metrics_nets;
	}
	/* Behind a proxy every client has the proxy's address: a limit per
	 * address would be a limit on everyone at once. */
	hcfg.per_ip_max = proxies.n > 0 ? 0 : HTTPD_PER_IP_DEFAULT;
	if (per_ip) {
		if (!is_number(per_ip, 0, SERVE_CONNECTIONS_MAX, &n))
			return cli_usage_error("serve", "--max-connections-per-ip must be from 0 "
			    "(no limit) to %d", SERVE_CONNECTIONS_MAX);
		hcfg.per_ip_max = (unsigned)n;
	}
	memset(&mcfg, 0, sizeof(mcfg));
	if (smtp_url || mail_from) {
		if (smtp_url == NULL || mail_from == NULL)
			return cli_usage_error("serve", "--smtp-url and --mail-from go together");
		if (smtp_url_check(smtp_url, &e) != 0 ||
		    mail_address_check(str_c(mail_from), "mail-from", &e) != 0) {
			cli_print_errors("serve", &e);
			return CLI_USAGE;
		}
		mcfg.smtp_url = smtp_url;
		mcfg.from = mail_from;
	}
	if (smtp_password_file) {
		if (smtp_url == NULL || !smtp_url_has_user(smtp_url))
			return cli_usage_error("serve", "--smtp-password-file needs a user name in "
			    "--smtp-url (smtp://USER@HOST:587)");
	}
	if (mail_interval) {
		if (!is_number(mail_interval, 1, MAIL_INTERVAL_MAX, &n))
			return cli_usage_error("serve", "--mail-interval must be a whole number of "
			    "seconds from 1 to %d", MAIL_INTERVAL_MAX);
		mcfg.interval = (int)n;
	}
	if (mail_backoff) {
		if (!is_number(mail_backoff, 1, SERVE_MAIL_BACKOFF_MAX, &n))
			return cli_usage_error("serve", "--mail-backoff must be a whole number of "
			    "seconds from 1 to %d", SERVE_MAIL_BACKOFF_MAX);
		mcfg.retry_first = (int)n;
	}
	if (httpd_parse_listen(hcfg.listen, &e) != 0) {
		cli_print_errors("serve", &e);
		return CLI_USAGE;
	}
	if (acfg.public_url == NULL) {
		snprintf(public_url, sizeof(public_url), "http://%s", hcfg.listen);
		acfg.public_url = public_url;
	} else if (strncmp(acfg.public_url, "http://", 7) != 0 &&
	    strncmp(acfg.public_url, "https://", 8) != 0) {
		return cli_usage_error("serve", "--public-url must start with http:// or https://");
	} else {
		snprintf(public_url, sizeof(public_url), "%s", acfg.public_url);
		while (strlen(public_url) > 8 && public_url[strlen(public_url) - 1] == '/')
			public_url[strlen(public_url) - 1] = '\0';
		acfg.public_url = public_url;
	}

	if (user && !serve_user_lookup(user, &as_user))
		return CLI_FAIL;
	hcfg.max_connections = serve_raise_open_files(hcfg.max_connections);
	log_info("serve", "at most %u connections, %u from one address (0: no limit), closed "
	    "after %u s of silence; %d trusted proxy networks", hcfg.max_connections,
	    hcfg.per_ip_max, hcfg.timeout_seconds ? hcfg.timeout_seconds : HTTPD_TIMEOUT_SECONDS,
	    proxies.n);
	/* Before opening: SQLite running as root gives the WAL and shared-
	 * memory files it creates the owner of the database file. */
	if (user && !serve_user_own_data(&as_user, common.data_dir))
		return CLI_FAIL;
	/* Read before anything starts: a model that is not one stops here. */
	if (themes_model) {
		char msg[256];

		if (theme_model_load(themes_model, &model, msg, sizeof(msg)) != 0) {
			fprintf(stderr, "involve serve: --themes-model %s: %s\n", themes_model, msg);
			return CLI_FAIL;
		}
	}
	/* Read while still root with --user, as the keys are.  libcurl starts
	 * before any thread does. */
	if (smtp_password_file) {
		if (!read_password_file(smtp_password_file, smtp_password, sizeof(smtp_password))) {
			theme_model_free(model);
			return CLI_FAIL;
		}
		mcfg.smtp_password = smtp_password;
	}
	if (mcfg.smtp_url) {
		if (smtp_global_init() != 0) {
			fprintf(stderr, "involve serve: cannot start libcurl for SMTP\n");
			sodium_memzero(smtp_password, sizeof(smtp_password));
			theme_model_free(model);
			return CLI_FAIL;
		}
		curl_started = true;
	}
	if (cli_env_open(&common, &env) != CLI_OK)
		goto out;
	if (demo) {
		store_org_each(env.store, count_org, &orgs);
		if (orgs == 0 && demo_load(&env, demo_file) != 0)
			goto out;
	}
	app = calloc(1, sizeof(*app));
	if (app == NULL)
		goto out;
	acfg.tmp_dir = env.tmp_dir[0] ? env.tmp_dir : NULL;
	if (app_init(app, &acfg, env.store, &env.keys, &e) != 0) {
		cli_print_errors("serve", &e);
		goto out;
	}
	if (model) {
		int t, theme_n = theme_model_theme_n(model);

		theme_names = calloc((size_t)(theme_n > 0 ? theme_n : 1), sizeof(*theme_names));
		if (theme_names == NULL)
			goto out;
		for (t = 0; t < theme_n; t++)
			theme_names[t] = theme_model_theme_name(model, t);
		app->theme_names = theme_names;
		app->theme_n = theme_n;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* Block the stop signals before the server's threads start, so they
	 * inherit the mask and only this thread takes them, in sigsuspend. */
	sigemptyset(&stop_set);
	sigaddset(&stop_set, SIGINT);
	sigaddset(&stop_set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop_set, &old_set);
	if (httpd_start(app, &hcfg, &server, &e) != 0) {
		cli_print_errors("serve", &e);
		goto out;
	}
	/* Again, for what opening created (new keys, the database's files). */
	if (user && (!serve_user_own_data(&as_user, common.data_dir) ||
	    !serve_user_switch(&as_user)))
		goto out;
	if (mcfg.smtp_url) {
		mcfg.store = env.store;
		mcfg.key = env.keys.mail;
		if (mail_worker_start(&mcfg, &mailer, &e) != 0) {
			cli_print_errors("serve", &e);
			goto out;
		}
		store_url_display(mcfg.smtp_url, shown, sizeof(shown));
		log_info("serve", "mail goes through %s", shown);
	} else {
		log_info("serve", "no --smtp-url: mail waits in the outbox");
	}
	if (model) {
		struct comment_worker_config ccfg = { env.store, model, 0 };

		if (comment_worker_start(&ccfg, &reader, &e) != 0) {
			cli_print_errors("serve", &e);
			goto out;
		}
		log_info("serve", "free text is read with %s (%d themes)", themes_model,
		    theme_model_theme_n(model));
	} else {
		log_info("serve", "no --themes-model: free text is not classified");
	}
	printf("involve is serving %s/ (listening on %s; Ctrl-C stops it)\n", acfg.public_url,
	    hcfg.listen);
	fflush(stdout);
	store_url_display(common.database, shown, sizeof(shown));
	log_info("serve", "listening on %s, database %s", hcfg.listen, shown);
	/* Every minute, what has outlived its purpose is deleted (counts of
	 * attempts past their window, ended sessions: store_housekeep); the
	 * stop signals are blocked here, so sigtimedwait takes them. */
	while (!stop_requested) {
		struct timespec minute = { 60, 0 };

		if (sigtimedwait(&stop_set, NULL, &minute) > 0)
			break;
		if (store_housekeep(env.store, (int64_t)time(NULL)) != 0)
			log_warn("serve", "could not delete expired counts and sessions");
	}
	log_info("serve", "stopping");
	atomic_store(&app->ready, false);
	rc = CLI_OK;
out:
	/* The message being sent finishes; what it claimed goes back. */
	mail_worker_stop(mailer);
	comment_worker_stop(reader);
	httpd_stop(server);
	if (app) {
		app_free(app);
		free(app);
	}
	/* After the server: a request may read the themes' names to the end. */
	free(theme_names);
	theme_model_free(model);
	cli_env_close(&env);
	if (curl_started)
		smtp_global_cleanup();
	sodium_memzero(smtp_password, sizeof(smtp_password));
	return rc;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - command line, subcommands, exit codes. The only caller of exit().
 *
 * Exit codes: 0 success, 1 a runtime error (the kernel, a file), 2 bad usage.
 * `check` follows the monitoring-plugin convention instead: 0 OK, 1 WARNING,
 * 2 CRITICAL, 3 UNKNOWN (also for its usage and runtime errors).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect.h"
#include "explain.h"
#include "filter.h"
#include "render.h"
#include "rules.h"
#include "util.h"

#define EXIT_USAGE 2
#define EXIT_CHECK_UNKNOWN 3

enum command { CMD_DIAGNOSE, CMD_CHECK, CMD_EXPLAIN };
enum color_mode { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

struct opts {
	enum command command;
	const char *topic;            /* explain */
	struct filter filter;
	struct thresholds th;
	bool json;
	enum color_mode color;
	double interval;
	const char *record;
	const char *replay;
	char error[600];              /* the first usage error */
};

static const char usage_text[] =
	"Usage: tcpdx [diagnose] [OPTIONS]\n"
	"       tcpdx check [OPTIONS]\n"
	"       tcpdx explain [STATE|RULE]\n"
	"Tell why TCP connections look the way they do: count every TCP socket by\n"
	"state, judge the counts against the kernel's settings and counters, and say\n"
	"in plain words what is wrong and which side is at fault.\n"
	"\n"
	"Commands:\n"
	"  diagnose            states, listener queues, key settings, findings (default)\n"
	"  check               one monitoring-plugin line with perfdata; exit 0 OK,\n"
	"                      1 WARNING, 2 CRITICAL, 3 UNKNOWN\n"
	"  explain [TOPIC]     what a state or a rule means; without TOPIC, the whole\n"
	"                      state machine\n"
	"\n"
	"Options:\n"
	"  -4, --ipv4          IPv4 sockets only\n"
	"  -6, --ipv6          IPv6 sockets only (dual-stack sockets are IPv6)\n"
	"      --state LIST    only these states, comma-separated; may be repeated.\n"
	"                      States: established, syn-sent, syn-recv, fin-wait-1,\n"
	"                      fin-wait-2, time-wait, close, close-wait, last-ack,\n"
	"                      listen, closing (ss and netstat spellings work too).\n"
	"                      Groups: all, connected, synchronized, bucket, big.\n"
	"                      Default: every state but close (bound-only sockets).\n"
	"  -i, --interval SECONDS\n"
	"                      read the kernel's counters twice this far apart and\n"
	"                      judge their rates (default 1; 0: read once, no rates)\n"
	"  -t, --threshold RULE.PARAM=VALUE\n"
	"                      change a rule's threshold, e.g. close-wait.warning=50;\n"
	"                      may be repeated (see tcpdx explain RULE)\n"
	"  -j, --json          print one JSON document (fields in tcpdx(8))\n"
	"      --color[=WHEN]  colour the text: auto (default: on a terminal, unless\n"
	"                      NO_COLOR is set), always, never\n"
	"      --record FILE   also save the kernel's raw replies to FILE\n"
	"      --replay FILE   read replies saved by --record instead of the kernel\n"
	"  -h, --help          show this help and exit\n"
	"  -V, --version       show the version and exit\n"
	"\n"
	"Exit status: 0 success, 1 runtime error, 2 usage error (check: see above).\n"
	"Full reference: man tcpdx\n";

enum { OPT_STATE = 256, OPT_RECORD, OPT_REPLAY, OPT_COLOR };

static const struct option long_opts[] = {
	{ "ipv4", no_argument, NULL, '4' },
	{ "ipv6", no_argument, NULL, '6' },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "interval", required_argument, NULL, 'i' },
	{ "threshold", required_argument, NULL, 't' },
	{ "json", no_argument, NULL, 'j' },
	{ "color", optional_argument, NULL, OPT_COLOR },
	{ "colour", optional_argument, NULL, OPT_COLOR },
	{ "record", required_argument, NULL, OPT_RECORD },
	{ "replay", required_argument, NULL, OPT_REPLAY },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const char short_opts[] = ":46i:t:jhV";

static const char option_list[] =
	"-4, -6, --state LIST, -i/--interval SECONDS, -t/--threshold RULE.PARAM=VALUE, "
	"-j/--json, --color[=WHEN], --record FILE, --replay FILE, -h/--help, -V/--version";

static const struct {
	const char *name;
	enum command cmd;
} commands[] = {
	{ "diagnose", CMD_DIAGNOSE },
	{ "check", CMD_CHECK },
	{ "explain", CMD_EXPLAIN },
};

/* Keep the first usage error; main reports it once the command is known,
 * because check exits 3 where the others exit 2. */
static __attribute__((format(printf, 2, 3))) void usage_error(struct opts *o, const char *fmt,
							       ...)
{
	va_list ap;

	if (o->error[0])
		return;
	va_start(ap, fmt);
	vsnprintf(o->error, sizeof(o->error), fmt, ap);
	va_end(ap);
}

/*
 * getopt_long reported '?' or ':'. For long options optind has moved past the
 * culprit; for a short one inside a cluster ("-z4") it may not have, so the
 * character comes from optopt. glibc sets optopt to 0 for an unknown long
 * option and to the option's value for one given an argument it does not take.
 */
static void bad_option(struct opts *o, int c, char **argv)
{
	const char *arg = argv[optind - 1];
	const char *eq;

	if (c == ':') {
		usage_error(o, "option '%s' needs an argument: %s", arg,
			    strstr(arg, "state")       ? "a comma-separated list of states"
			    : strstr(arg, "interval") || !strcmp(arg, "-i")
							? "a number of seconds"
			    : strstr(arg, "threshold") || !strcmp(arg, "-t")
							? "RULE.PARAM=VALUE"
							: "a file name");
		return;
	}
	if (optopt && optopt < 256 && !strchr("46ijthV", optopt)) {
		usage_error(o, "unknown option '-%c'; options: %s", optopt, option_list);
		return;
	}
	eq = strchr(arg, '=');
	if (optopt && eq)
		usage_error(o, "option '%.*s' takes no argument", (int)(eq - arg), arg);
	else
		usage_error(o, "unknown option '%s'; options: %s", arg, option_list);
}

static void parse_interval(struct opts *o, const char *arg)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (!*arg || *end || errno || !isfinite(v) || v < 0 || v > 3600)
		usage_error(o, "bad --interval '%s'; expected seconds from 0 to 3600 "
			    "(0: no rates)", arg);
	else
		o->interval = v;
}

static void parse_color(struct opts *o, const char *arg)
{
	if (!arg || !strcmp(arg, "always"))
		o->color = COLOR_ALWAYS;
	else if (!strcmp(arg, "auto"))
		o->color = COLOR_AUTO;
	else if (!strcmp(arg, "never"))
		o->color = COLOR_NEVER;
	else
		usage_error(o, "bad --color '%s'; expected auto, always or never", arg);
}

static void parse_option(struct opts *o, int c, char **argv, bool *v4, bool *v6)
{
	char err[600];

	switch (c) {
	case '4': *v4 = true; break;
	case '6': *v6 = true; break;
	case 'j': o->json = true; break;
	case 'i': parse_interval(o, optarg); break;
	case OPT_COLOR: parse_color(o, optarg); break;
	case OPT_RECORD: o->record = optarg; break;
	case OPT_REPLAY: o->replay = optarg; break;
	case OPT_STATE:
		if (filter_add_states(&o->filter, optarg, err, sizeof(err)))
			usage_error(o, "%s", err);
		break;
	case 't':
		if (rules_threshold_set(&o->th, optarg, err, sizeof(err)))
			usage_error(o, "%s", err);
		break;
	case 'h':
		fputs(usage_text, stdout);
		exit(fflush(stdout) ? 1 : 0);
	case 'V':
		puts("tcpdx " PACKAGE_VERSION);
		exit(fflush(stdout) ? 1 : 0);
	default:
		bad_option(o, c, argv);
	}
}

static void parse_command(struct opts *o, int argc, char **argv)
{
	const char *word = optind < argc ? argv[optind++] : "diagnose";
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(word, commands[i].name))
			break;
	if (i == ARRAY_SIZE(commands)) {
		usage_error(o, "unknown command '%s'; commands: diagnose, check, explain", word);
		return;
	}
	o->command = commands[i].cmd;
	if (o->command == CMD_EXPLAIN && optind < argc)
		o->topic = argv[optind++];
	if (optind < argc)
		usage_error(o, "unexpected argument '%s'; %s", argv[optind],
			    o->command == CMD_EXPLAIN ? "explain takes one topic"
						      : "this command takes options only");
}

static void check_unknown(const char *why);

static void parse_args(int argc, char **argv, struct opts *o)
{
	bool v4 = false, v6 = false;
	int c;

	memset(o, 0, sizeof(*o));
	filter_init(&o->filter);
	rules_thresholds_default(&o->th);
	o->interval = 1.0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1)
		parse_option(o, c, argv, &v4, &v6);
	if (v4 || v6)
		o->filter.families = (v4 ? FILTER_V4 : 0) | (v6 ? FILTER_V6 : 0);
	if (o->record && o->replay)
		usage_error(o, "%s", "--record and --replay cannot be used together");
	parse_command(o, argc, argv);
	if (o->error[0]) {
		fprintf(stderr, "tcpdx: %s\n", o->error);
		if (o->command == CMD_CHECK)
			check_unknown(o->error);
		exit(o->command == CMD_CHECK ? EXIT_CHECK_UNKNOWN : EXIT_USAGE);
	}
}

/* A monitoring plugin always prints a status line, also when it fails. */
static void check_unknown(const char *why)
{
	printf("TCPDX UNKNOWN - %s\n", why);
	fflush(stdout);
}

static bool use_color(const struct opts *o)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	/* An explicit --color beats NO_COLOR (no-color.org). */
	if (o->color != COLOR_AUTO)
		return o->color == COLOR_ALWAYS;
	return !(nc && *nc) && isatty(STDOUT_FILENO) && !(term && !strcmp(term, "dumb"));
}

static int write_failed(void)
{
	fprintf(stderr, "tcpdx: writing the output failed: %s\n", strerror(errno));
	return 1;
}

static int cmd_report(const struct opts *o)
{
	struct collect_opts co = { .filter = &o->filter, .record = o->record,
				   .replay = o->replay, .interval = o->interval,
				   .proc_root = getenv("TCPDX_PROC_ROOT"), .settings = true };
	struct collected *c = xcalloc(1, sizeof(*c));
	struct findings *fs = xcalloc(1, sizeof(*fs));
	struct rules_input in;
	struct report r;
	char err[512];
	int ret, rc = 0;

	ret = collect_all(&co, c, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "tcpdx: %s\n", err);
		if (o->command == CMD_CHECK)
			check_unknown(err);
		rc = o->command == CMD_CHECK ? EXIT_CHECK_UNKNOWN : 1;
		goto out;
	}
	in = (struct rules_input){ .snap = &c->snap, .sys = c->have_settings ? &c->sys : NULL,
				   .before = c->interval > 0 ? &c->before : NULL,
				   .after = c->have_settings ? &c->after : NULL,
				   .interval = c->interval };
	r = (struct report){ .snap = &c->snap, .sys = in.sys, .before = in.before,
			     .after = in.after, .interval = c->interval, .findings = fs,
			     .color = use_color(o) };
	r.worst = rules_eval(&in, &o->th, fs);
	if (o->command == CMD_CHECK)
		ret = render_check(stdout, &r);
	else
		ret = o->json ? render_json(stdout, &r) : render_text(stdout, &r);
	if (ret || fflush(stdout))
		rc = o->command == CMD_CHECK ? EXIT_CHECK_UNKNOWN : write_failed();
	else if (o->command == CMD_CHECK)
		rc = r.worst >= SEV_CRITICAL ? 2 : r.worst == SEV_WARNING ? 1 : 0;
out:
	snapshot_free(&c->snap);
	free(c);
	free(fs);
	return rc;
}

static int cmd_explain(const struct opts *o)
{
	struct sysctls sys;
	int ret;

	sysctl_read_all(getenv("TCPDX_PROC_ROOT"), &sys);
	if (!o->topic)
		ret = explain_overview(stdout, &sys);
	else
		ret = explain_topic(stdout, o->topic, &sys, &o->th);
	if (ret == -ENOENT) {
		fprintf(stderr, "tcpdx: unknown topic '%s'; topics: %s\n", o->topic,
			explain_topics);
		return EXIT_USAGE;
	}
	if (ret || fflush(stdout))
		return write_failed();
	return 0;
}

int main(int argc, char **argv)
{
	struct opts *o = xcalloc(1, sizeof(*o));
	int rc;

	parse_args(argc, argv, o);
	rc = o->command == CMD_EXPLAIN ? cmd_explain(o) : cmd_report(o);
	free(o);
	return rc;
}

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
#include <time.h>
#include <unistd.h>

#include "collect.h"
#include "explain.h"
#include "filter.h"
#include "netns.h"
#include "render.h"
#include "render_list.h"
#include "rules.h"
#include "top.h"
#include "util.h"

#define EXIT_USAGE 2
#define EXIT_CHECK_UNKNOWN 3

enum command { CMD_DIAGNOSE, CMD_CHECK, CMD_EXPLAIN, CMD_LIST, CMD_TOP };
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
	bool processes;               /* -p: look up owners */
	const char *netns;            /* -N */
	bool all_netns;
	enum group_by by;
	size_t top;
	enum list_sort sort;
	bool ndjson;
	bool interval_given;          /* -i (not for top: -d) */
	double delay;                 /* top -d */
	bool delay_given;
	unsigned long iterations;     /* top -n; 0: until q */
	bool iterations_given;
	bool batch;                   /* top -b */
	char filter_text[256];        /* the filter options as typed (top's header) */
	char error[600];              /* the first usage error */
};

static const char usage_text[] =
	"Usage: tcpdx [diagnose] [OPTIONS]\n"
	"       tcpdx list [OPTIONS]\n"
	"       tcpdx check [OPTIONS]\n"
	"       tcpdx top [-d SECONDS] [-n ITERATIONS] [-b] [OPTIONS]\n"
	"       tcpdx explain [STATE|RULE]\n"
	"Tell why TCP connections look the way they do: count every TCP socket by\n"
	"state, judge the counts against the kernel's settings and counters, and say\n"
	"in plain words what is wrong and which side is at fault.\n"
	"\n"
	"Commands:\n"
	"  diagnose            states, listener queues, key settings, findings (default)\n"
	"  list                one line per socket, like ss -tan, with owner, timer,\n"
	"                      retransmissions and idle time\n"
	"  check               one monitoring-plugin line with perfdata; exit 0 OK,\n"
	"                      1 WARNING, 2 CRITICAL, 3 UNKNOWN\n"
	"  explain [TOPIC]     what a state or a rule means; without TOPIC, the whole\n"
	"                      state machine\n"
	"  top                 live view: states and their trend, findings, sockets by\n"
	"                      group; keys: q quit, ? help (see tcpdx(8), TOP)\n"
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
	"      --sport PORTS   local port or range (80, 8000-8080); comma-separated\n"
	"      --dport PORTS   remote port or range\n"
	"      --src PREFIXES  local address or CIDR (10.0.0.0/8, ::1)\n"
	"      --dst PREFIXES  remote address or CIDR\n"
	"                      (these four are filtered by the kernel; values of\n"
	"                      one option are ORed, the options ANDed)\n"
	"      --pid PIDS      only sockets of these processes\n"
	"      --comm NAMES    only sockets of processes with these names\n"
	"      --uid UIDS      only sockets of these users (numbers or names)\n"
	"  -p, --processes     look up the process owning each socket (reads\n"
	"                      /proc/*/fd; other users' need root)\n"
	"  -N, --netns NAME|PID|PATH\n"
	"                      run in that network namespace (ip netns name, any\n"
	"                      process's pid, or an nsfs path)\n"
	"      --all-netns     diagnose every network namespace, and the total\n"
	"      --by KEY        diagnose: count per process, lport, peer or rhost\n"
	"      --top N         with --by: show the N largest groups (default 10)\n"
	"      --sort KEY      list: sort by state, queue, peer or owner (holds the\n"
	"                      records in memory)\n"
	"      --ndjson        list: one JSON object per line\n"
	"      --numeric       addresses as numbers (always; for ss habits)\n"
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
	"  -d, --delay SECONDS top: seconds between refreshes (default 1; 0.01-3600)\n"
	"  -n, --iterations N  top: quit after N refreshes (default: until q)\n"
	"  -b, --batch         top: plain frames on stdout, no terminal needed\n"
	"  -h, --help          show this help and exit\n"
	"  -V, --version       show the version and exit\n"
	"\n"
	"Exit status: 0 success, 1 runtime error, 2 usage error (check: see above).\n"
	"Full reference: man tcpdx\n";

enum { OPT_STATE = 256, OPT_RECORD, OPT_REPLAY, OPT_COLOR, OPT_SPORT, OPT_DPORT, OPT_SRC,
       OPT_DST, OPT_PID, OPT_COMM, OPT_UID, OPT_ALL_NETNS, OPT_BY, OPT_TOP, OPT_SORT,
       OPT_NDJSON, OPT_NUMERIC };

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
	{ "sport", required_argument, NULL, OPT_SPORT },
	{ "dport", required_argument, NULL, OPT_DPORT },
	{ "src", required_argument, NULL, OPT_SRC },
	{ "dst", required_argument, NULL, OPT_DST },
	{ "pid", required_argument, NULL, OPT_PID },
	{ "comm", required_argument, NULL, OPT_COMM },
	{ "uid", required_argument, NULL, OPT_UID },
	{ "processes", no_argument, NULL, 'p' },
	{ "netns", required_argument, NULL, 'N' },
	{ "all-netns", no_argument, NULL, OPT_ALL_NETNS },
	{ "by", required_argument, NULL, OPT_BY },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "sort", required_argument, NULL, OPT_SORT },
	{ "ndjson", no_argument, NULL, OPT_NDJSON },
	{ "numeric", no_argument, NULL, OPT_NUMERIC },
	{ "delay", required_argument, NULL, 'd' },
	{ "iterations", required_argument, NULL, 'n' },
	{ "batch", no_argument, NULL, 'b' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const char short_opts[] = ":46i:t:jpN:hVd:n:b";

static const char option_list[] =
	"-4, -6, --state, --sport, --dport, --src, --dst, --pid, --comm, --uid, -p, -N, "
	"--all-netns, --by, --top, --sort, --ndjson, --numeric, -i, -t, -j, --color, --record, "
	"--replay, -d, -n, -b, -h, -V (see tcpdx --help)";

static const struct {
	const char *name;
	enum command cmd;
} commands[] = {
	{ "diagnose", CMD_DIAGNOSE },
	{ "list", CMD_LIST },
	{ "check", CMD_CHECK },
	{ "explain", CMD_EXPLAIN },
	{ "top", CMD_TOP },
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

/* What an option's argument should be, for "needs an argument". */
static const char *arg_help(const char *opt)
{
	static const struct { const char *opt, *help; } h[] = {
		{ "state", "a comma-separated list of states" },
		{ "interval", "a number of seconds" }, { "-i", "a number of seconds" },
		{ "threshold", "RULE.PARAM=VALUE" }, { "-t", "RULE.PARAM=VALUE" },
		{ "port", "a port or a range, e.g. 80 or 8000-8080" },
		{ "src", "an address or a prefix, e.g. 10.0.0.0/8" },
		{ "dst", "an address or a prefix, e.g. 10.0.0.0/8" },
		{ "pid", "process ids" }, { "comm", "process names" }, { "uid", "user ids or names" },
		{ "netns", "a namespace name, a pid or a path" }, { "-N", "a namespace name, a pid or a path" },
		{ "by", "process, lport, peer or rhost" }, { "top", "a number of groups" },
		{ "sort", "state, queue, peer or owner" },
		{ "delay", "a number of seconds" }, { "-d", "a number of seconds" },
		{ "iterations", "a number of refreshes" }, { "-n", "a number of refreshes" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(h); i++)
		if (h[i].opt[0] == '-' ? !strcmp(opt, h[i].opt) : !!strstr(opt, h[i].opt))
			return h[i].help;
	return "a file name";
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
			    arg_help(arg));
		return;
	}
	if (optopt && optopt < 256 && !strchr("46ijtpNhVdnb", optopt)) {
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

static void parse_top(struct opts *o, const char *arg)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (!*arg || *end || errno || v < 1 || v > 100000 || arg[0] == '-')
		usage_error(o, "bad --top '%s'; expected a number of groups from 1 to 100000", arg);
	else
		o->top = v;
}

static void parse_delay(struct opts *o, const char *arg)
{
	if (!top_interval_parse(arg, &o->delay))
		usage_error(o, "bad -d '%s'; expected seconds from 0.01 to 3600", arg);
	o->delay_given = true;
}

static void parse_iterations(struct opts *o, const char *arg)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (!*arg || *end || errno || v < 1 || arg[0] == '-')
		usage_error(o, "bad -n '%s'; expected a number of refreshes, 1 or more", arg);
	else
		o->iterations = v;
	o->iterations_given = true;
}

/* Remember a filter option as typed, for top's header and its "/" prompt. */
static void note_filter(struct opts *o, const char *opt, const char *arg)
{
	size_t len = strlen(o->filter_text);

	snprintf(o->filter_text + len, sizeof(o->filter_text) - len, "%s%s%s%s",
		 len ? " " : "", opt, arg ? " " : "", arg ? arg : "");
}

/* Options that only filter or group: each parses into the filter. */
static bool parse_filter_option(struct opts *o, int c)
{
	char err[600];
	int ret;

	switch (c) {
	case OPT_SPORT: ret = filter_add_ports(&o->filter, true, optarg, err, sizeof(err)); break;
	case OPT_DPORT: ret = filter_add_ports(&o->filter, false, optarg, err, sizeof(err)); break;
	case OPT_SRC: ret = filter_add_prefix(&o->filter, true, optarg, err, sizeof(err)); break;
	case OPT_DST: ret = filter_add_prefix(&o->filter, false, optarg, err, sizeof(err)); break;
	case OPT_PID: ret = filter_add_pids(&o->filter, optarg, err, sizeof(err)); break;
	case OPT_COMM: ret = filter_add_comms(&o->filter, optarg, err, sizeof(err)); break;
	case OPT_UID: ret = filter_add_uids(&o->filter, optarg, err, sizeof(err)); break;
	case OPT_STATE: ret = filter_add_states(&o->filter, optarg, err, sizeof(err)); break;
	case OPT_BY:
		o->by = groups_parse(optarg);
		if (o->by == GROUP_NONE)
			usage_error(o, "bad --by '%s'; expected process, lport, peer or rhost",
				    optarg);
		return true;
	case OPT_SORT:
		o->sort = render_list_sort_parse(optarg);
		if (o->sort == SORT_NONE)
			usage_error(o, "bad --sort '%s'; expected state, queue, peer or owner",
				    optarg);
		return true;
	default:
		return false;
	}
	if (ret)
		usage_error(o, "%s", err);
	note_filter(o, c == OPT_SPORT ? "--sport" : c == OPT_DPORT ? "--dport" :
		    c == OPT_SRC ? "--src" : c == OPT_DST ? "--dst" : c == OPT_PID ? "--pid" :
		    c == OPT_COMM ? "--comm" : c == OPT_UID ? "--uid" : "--state", optarg);
	return true;
}

static void parse_option(struct opts *o, int c, char **argv, bool *v4, bool *v6)
{
	char err[600];

	if (parse_filter_option(o, c))
		return;
	switch (c) {
	case '4': *v4 = true; note_filter(o, "-4", NULL); break;
	case '6': *v6 = true; note_filter(o, "-6", NULL); break;
	case 'd': parse_delay(o, optarg); break;
	case 'n': parse_iterations(o, optarg); break;
	case 'b': o->batch = true; break;
	case 'j': o->json = true; break;
	case 'i': parse_interval(o, optarg); o->interval_given = true; break;
	case OPT_COLOR: parse_color(o, optarg); break;
	case OPT_RECORD: o->record = optarg; break;
	case OPT_REPLAY: o->replay = optarg; break;
	case 'p': o->processes = true; break;
	case 'N': o->netns = optarg; break;
	case OPT_NUMERIC: break;
	case OPT_ALL_NETNS: o->all_netns = true; break;
	case OPT_TOP: parse_top(o, optarg); break;
	case OPT_NDJSON: o->ndjson = true; break;
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
		usage_error(o, "unknown command '%s'; commands: diagnose, list, check, explain, top",
			    word);
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

/* -d, -n and -b belong to top; top has no use for some others. */
static void check_top_options(struct opts *o)
{
	if (o->command != CMD_TOP) {
		if (o->delay_given || o->iterations_given || o->batch)
			usage_error(o, "%s", "-d, -n and -b are for tcpdx top");
		return;
	}
	if (o->interval_given)
		usage_error(o, "%s", "top refreshes every -d SECONDS (its rates are per refresh): "
			    "use -d, not -i");
	else if (o->json)
		usage_error(o, "%s", "top has no JSON output: use tcpdx -j, or tcpdx top -b for "
			    "plain frames");
	else if (o->record || o->replay)
		usage_error(o, "%s", "top reads the kernel live: --record and --replay are for "
			    "diagnose, list and check");
	else if (o->all_netns)
		usage_error(o, "%s", "top watches one namespace: use -N NAME, not --all-netns");
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	bool v4 = false, v6 = false;
	int c;

	memset(o, 0, sizeof(*o));
	filter_init(&o->filter);
	rules_thresholds_default(&o->th);
	o->interval = 1.0;
	o->delay = 1.0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1)
		parse_option(o, c, argv, &v4, &v6);
	if (v4 || v6)
		o->filter.families = (v4 ? FILTER_V4 : 0) | (v6 ? FILTER_V6 : 0);
	if (o->record && o->replay)
		usage_error(o, "%s", "--record and --replay cannot be used together");
	if (o->netns && o->all_netns)
		usage_error(o, "%s", "--netns and --all-netns cannot be used together");
	if ((o->netns || o->all_netns) && o->replay)
		usage_error(o, "%s", "--replay reads a recording, not a namespace: drop --netns");
	if (o->all_netns && o->record)
		usage_error(o, "%s", "--record saves one namespace's dump: use -N NAME, not --all-netns");
	if (o->replay && (o->processes || filter_needs_owners(&o->filter) || o->by == GROUP_PROCESS))
		usage_error(o, "%s", "a recording holds no processes: -p, --pid, --comm and "
			    "--by process do not work with --replay");
	parse_command(o, argc, argv);
	if (o->command != CMD_LIST && (o->sort != SORT_NONE || o->ndjson))
		usage_error(o, "%s", "--sort and --ndjson are for tcpdx list");
	if (o->command == CMD_LIST && (o->by != GROUP_NONE || o->all_netns))
		usage_error(o, "%s", "--by and --all-netns are for diagnose and check, not list");
	check_top_options(o);
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

/* One namespace's collection and judgement. */
struct run {
	struct collected c;
	struct findings fs;
	struct report r;
	char label[160];
};

static int run_one(const struct opts *o, const struct sysctls *globals,
		   struct list_writer *lw, struct run *run, char *err, size_t errlen)
{
	struct collect_opts co = { .filter = &o->filter, .record = o->record,
				   .replay = o->replay, .interval = o->interval,
				   .proc_root = getenv("TCPDX_PROC_ROOT"),
				   .settings = o->command != CMD_LIST,
				   .owners = o->processes, .by = o->by, .globals = globals,
				   .each = lw ? render_list_socket : NULL, .each_data = lw };
	struct rules_input in;
	int ret = collect_all(&co, &run->c, err, errlen);

	if (ret)
		return ret;
	in = (struct rules_input){ .snap = &run->c.snap,
				   .sys = run->c.have_settings ? &run->c.sys : NULL,
				   .before = run->c.interval > 0 ? &run->c.before : NULL,
				   .after = run->c.have_settings ? &run->c.after : NULL,
				   .interval = run->c.interval };
	run->r = (struct report){ .snap = &run->c.snap, .sys = in.sys, .before = in.before,
				  .after = in.after, .interval = run->c.interval,
				  .findings = &run->fs, .color = use_color(o), .top = o->top,
				  .netns = run->label[0] ? run->label : NULL };
	run->r.worst = rules_eval(&in, &o->th, &run->fs);
	return 0;
}

/* A runtime error: check's convention, or exit 1. */
static int fail(const struct opts *o, const char *err)
{
	fprintf(stderr, "tcpdx: %s\n", err);
	if (o->command == CMD_CHECK) {
		check_unknown(err);
		return EXIT_CHECK_UNKNOWN;
	}
	return 1;
}

static int finish(const struct opts *o, int ret, enum severity worst)
{
	if (ret || fflush(stdout))
		return o->command == CMD_CHECK ? EXIT_CHECK_UNKNOWN : write_failed();
	if (o->command == CMD_CHECK)
		return worst >= SEV_CRITICAL ? 2 : worst == SEV_WARNING ? 1 : 0;
	return 0;
}

/* -N: the global settings come from here, the rest from the namespace. */
static int enter_netns(const struct opts *o, struct sysctls *globals, char *label,
		       size_t labellen, char *err, size_t errlen)
{
	char path[256];
	int ret;

	sysctl_read_all(getenv("TCPDX_PROC_ROOT"), globals);
	ret = netns_resolve(o->netns, path, sizeof(path), err, errlen);
	if (!ret)
		ret = netns_enter(path, err, errlen);
	/* The same words --all-netns uses for a namespace. */
	if (o->netns[strspn(o->netns, "0123456789")] == '\0')
		snprintf(label, labellen, "pid %s", o->netns);
	else if (strchr(o->netns, '/'))
		snprintf(label, labellen, "%s", o->netns);
	else
		snprintf(label, labellen, "name %s", o->netns);
	return ret;
}

static int cmd_report(const struct opts *o)
{
	struct run *run = xcalloc(1, sizeof(*run));
	struct sysctls *globals = NULL;
	struct list_writer *lw = NULL;
	char err[512];
	int ret, rc;

	if (o->netns) {
		globals = xcalloc(1, sizeof(*globals));
		if (enter_netns(o, globals, run->label, sizeof(run->label), err, sizeof(err))) {
			rc = fail(o, err);
			goto out;
		}
	}
	if (o->command == CMD_LIST)
		lw = render_list_begin(stdout, o->ndjson ? LIST_NDJSON : o->json ? LIST_JSON
										: LIST_TEXT,
				       o->sort, o->processes || filter_needs_owners(&o->filter),
				       o->filter.families & FILTER_V6);
	ret = run_one(o, globals, lw, run, err, sizeof(err));
	if (ret) {
		if (lw)
			render_list_end(lw, &run->c.snap);
		rc = fail(o, err);
		goto out;
	}
	if (o->command == CMD_LIST)
		ret = render_list_end(lw, &run->c.snap);
	else if (o->command == CMD_CHECK)
		ret = render_check(stdout, &run->r);
	else
		ret = o->json ? render_json(stdout, &run->r) : render_text(stdout, &run->r);
	rc = finish(o, ret, run->r.worst);
out:
	snapshot_free(&run->c.snap);
	free(run);
	free(globals);
	return rc;
}

/* --all-netns: every namespace in turn, then the total. */
static int render_all(const struct opts *o, struct run *runs, size_t n, struct report *total)
{
	struct report *r;
	size_t i;
	int ret = 0;

	if (o->command == CMD_CHECK || o->json) {
		r = xcalloc(n ? n : 1, sizeof(*r));
		for (i = 0; i < n; i++)
			r[i] = runs[i].r;
		if (o->command == CMD_CHECK)
			ret = render_check_all(stdout, r, n, total);
		else
			ret = render_json_all(stdout, r, n, total);
		free(r);
		return ret;
	}
	for (i = 0; i < n && !ret; i++) {
		printf("%s==== NAMESPACE %zu OF %zu ====\n", i ? "\n" : "", i + 1, n);
		ret = render_text(stdout, &runs[i].r);
	}
	if (!ret) {
		printf("\n==== TOTAL OVER %zu NAMESPACES ====\n", n);
		ret = render_text(stdout, total);
	}
	return ret;
}

static int cmd_all_netns(const struct opts *o)
{
	struct netns_entry *ns = NULL;
	struct run *runs = NULL;
	struct snapshot *sum = xcalloc(1, sizeof(*sum));
	struct report total = { .snap = sum, .color = use_color(o) };
	struct sysctls globals;
	size_t n = 0, i, done = 0, hidden = 0;
	char err[512];
	int self = -1, rc = 0;

	sysctl_read_all(getenv("TCPDX_PROC_ROOT"), &globals);
	snapshot_init(sum, o->filter.families, filter_state_mask(&o->filter));
	sum->when = time(NULL);
	if (gethostname(sum->host, sizeof(sum->host) - 1))
		strcpy(sum->host, "unknown");
	if (netns_list_hidden(getenv("TCPDX_PROC_ROOT"), &ns, &n, &hidden, err, sizeof(err)) ||
	    (self = netns_save()) < 0) {
		rc = fail(o, self < 0 && !err[0] ? "cannot open this network namespace" : err);
		goto out;
	}
	runs = xcalloc(n ? n : 1, sizeof(*runs));
	for (i = 0; i < n; i++) {
		struct run *r = &runs[done];

		snprintf(r->label, sizeof(r->label), "%s", ns[i].label);
		if ((!ns[i].is_self && netns_enter(ns[i].path, err, sizeof(err))) ||
		    run_one(o, &globals, NULL, r, err, sizeof(err))) {
			/* A namespace that vanished or that we may not enter. */
			fprintf(stderr, "tcpdx: skipping namespace %s: %s\n", ns[i].label, err);
			snapshot_free(&r->c.snap);
			memset(r, 0, sizeof(*r));
			continue;
		}
		snapshot_sum(sum, &r->c.snap);
		if (r->r.worst > total.worst)
			total.worst = r->r.worst;
		done++;
	}
	if (netns_restore(self) < 0) {
		rc = fail(o, "cannot return to the original network namespace");
		self = -1;
		goto out;
	}
	self = -1;
	/* As root, only a more privileged process (a sandbox's pid 1) hides its
	 * namespace, which kernel threads show anyway: say it to other users. */
	if (hidden && geteuid() != 0)
		fprintf(stderr, "tcpdx: the namespaces of %zu %s could not be read (run as root to "
			"see every namespace)\n", hidden, hidden == 1 ? "process" : "processes");
	rc = finish(o, render_all(o, runs, done, &total), total.worst);
out:
	for (i = 0; runs && i < done; i++)
		snapshot_free(&runs[i].c.snap);
	if (self >= 0)
		close(self);
	snapshot_free(sum);
	free(sum);
	free(runs);
	free(ns);
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

static int cmd_top(const struct opts *o)
{
	struct top_opts *t = xcalloc(1, sizeof(*t));
	struct sysctls *globals = NULL;
	char label[160] = "", err[512];
	int rc;

	if (o->netns) {
		globals = xcalloc(1, sizeof(*globals));
		if (enter_netns(o, globals, label, sizeof(label), err, sizeof(err))) {
			rc = fail(o, err);
			goto out;
		}
	}
	t->filter = o->filter;
	snprintf(t->filter_text, sizeof(t->filter_text), "%s", o->filter_text);
	t->th = o->th;
	t->by = o->by != GROUP_NONE ? o->by : o->processes ? GROUP_PROCESS : GROUP_LPORT;
	t->interval = o->delay;
	t->iterations = o->iterations;
	t->batch = o->batch;
	t->color = o->color != COLOR_NEVER &&
		   (o->color == COLOR_ALWAYS || !getenv("NO_COLOR") || !*getenv("NO_COLOR"));
	t->top_n = o->top;
	t->netns = label[0] ? label : NULL;
	t->globals = globals;
	t->proc_root = getenv("TCPDX_PROC_ROOT");
	rc = top_run(t);
out:
	free(globals);
	free(t);
	return rc;
}

int main(int argc, char **argv)
{
	struct opts *o = xcalloc(1, sizeof(*o));
	int rc;

	parse_args(argc, argv, o);
	if (o->command == CMD_EXPLAIN)
		rc = cmd_explain(o);
	else if (o->command == CMD_TOP)
		rc = cmd_top(o);
	else if (o->all_netns)
		rc = cmd_all_netns(o);
	else
		rc = cmd_report(o);
	free(o);
	return rc;
}

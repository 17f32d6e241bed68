// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - command line, subcommands, exit codes. The only caller of exit().
 *
 * Exit codes: 0 success, 1 a runtime error (the kernel, a file), 2 bad usage.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "filter.h"
#include "render.h"

#define EXIT_USAGE 2

struct opts {
	const char *command;
	struct filter filter;
	bool json;
	const char *record;
	const char *replay;
};

static const char usage_text[] =
	"Usage: tcpdx [diagnose] [OPTIONS]\n"
	"Count TCP sockets by state, exactly as the kernel holds them, and show\n"
	"listeners with connections waiting to be accepted.\n"
	"\n"
	"Commands:\n"
	"  diagnose            state counts and listener queues (the default)\n"
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
	"  -j, --json          print one JSON document (fields in tcpdx(8))\n"
	"      --record FILE   also save the kernel's raw replies to FILE\n"
	"      --replay FILE   read replies saved by --record instead of the kernel\n"
	"  -h, --help          show this help and exit\n"
	"  -V, --version       show the version and exit\n"
	"\n"
	"Exit status: 0 success, 1 runtime error, 2 usage error.\n"
	"Full reference: man tcpdx\n";

enum { OPT_STATE = 256, OPT_RECORD, OPT_REPLAY };

static const struct option long_opts[] = {
	{ "ipv4", no_argument, NULL, '4' },
	{ "ipv6", no_argument, NULL, '6' },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "json", no_argument, NULL, 'j' },
	{ "record", required_argument, NULL, OPT_RECORD },
	{ "replay", required_argument, NULL, OPT_REPLAY },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const char option_list[] =
	"-4, -6, --state LIST, -j/--json, --record FILE, --replay FILE, -h/--help, -V/--version";

static const char *const commands[] = { "diagnose" };

static _Noreturn __attribute__((format(printf, 1, 2))) void usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("tcpdx: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_USAGE);
}

/*
 * getopt_long reported '?' or ':'. For long options optind has moved past the
 * culprit; for a short one inside a cluster ("-z4") it may not have, so the
 * character comes from optopt. glibc sets optopt to 0 for an unknown long
 * option and to the option's value for one given an argument it does not take.
 */
static _Noreturn void bad_option(int c, char **argv)
{
	const char *arg = argv[optind - 1];
	const char *eq;

	if (c == ':')
		usage_error("option '%s' needs an argument: %s", arg,
			    strstr(arg, "state") ? "a comma-separated list of states"
						 : "a file name");
	if (optopt && !strchr("46jhV", optopt) && optopt < 256)
		usage_error("unknown option '-%c'; options: %s", optopt, option_list);
	eq = strchr(arg, '=');
	if (optopt && eq)
		usage_error("option '%.*s' takes no argument", (int)(eq - arg), arg);
	usage_error("unknown option '%s'; options: %s", arg, option_list);
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	char err[512];
	bool v4 = false, v6 = false;
	size_t i;
	int c;

	memset(o, 0, sizeof(*o));
	filter_init(&o->filter);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":46jhV", long_opts, NULL)) != -1) {
		switch (c) {
		case '4': v4 = true; break;
		case '6': v6 = true; break;
		case 'j': o->json = true; break;
		case OPT_RECORD: o->record = optarg; break;
		case OPT_REPLAY: o->replay = optarg; break;
		case OPT_STATE:
			if (filter_add_states(&o->filter, optarg, err, sizeof(err)))
				usage_error("%s", err);
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(ferror(stdout) ? 1 : 0);
		case 'V':
			puts("tcpdx " PACKAGE_VERSION);
			exit(0);
		default:
			bad_option(c, argv);
		}
	}
	if (v4 || v6)
		o->filter.families = (v4 ? FILTER_V4 : 0) | (v6 ? FILTER_V6 : 0);
	if (o->record && o->replay)
		usage_error("%s", "--record and --replay cannot be used together");
	o->command = optind < argc ? argv[optind++] : "diagnose";
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(o->command, commands[i]))
			break;
	if (i == sizeof(commands) / sizeof(commands[0]))
		usage_error("unknown command '%s'; commands: diagnose", o->command);
	if (optind < argc)
		usage_error("unexpected argument '%s'; diagnose takes options only",
			    argv[optind]);
}

static int cmd_diagnose(const struct opts *o)
{
	struct collect_opts co = { .filter = &o->filter, .record = o->record,
				   .replay = o->replay };
	struct snapshot snap;
	char err[512];
	int ret;

	ret = collect_snapshot(&co, &snap, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "tcpdx: %s\n", err);
		snapshot_free(&snap);
		return 1;
	}
	ret = o->json ? render_json(stdout, &snap) : render_text(stdout, &snap);
	snapshot_free(&snap);
	if (ret || fflush(stdout)) {
		fprintf(stderr, "tcpdx: writing the output failed: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;

	parse_args(argc, argv, &o);
	return cmd_diagnose(&o);
}

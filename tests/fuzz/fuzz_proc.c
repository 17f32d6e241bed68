// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the /proc parsers (sockstat, TcpExt/Tcp pairs, a sysctl
 * value) and the command-line filter parsers on arbitrary text.
 * Build and run: make -C tests/fuzz (needs clang).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "counters.h"
#include "filter.h"
#include "sysctl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), err[512];
	struct counters c = { 0 };
	struct sysctl_value v;
	struct filter f;
	unsigned char bc[FILTER_BYTECODE_MAX];

	memcpy(text, data, size);
	text[size] = '\0';
	counters_parse_sockstat(text, &c);
	counters_parse_sockstat6(text, &c);
	counters_parse_pairs(text, &c);
	sysctl_parse(SYS_TCP_MEM, text, size, &v);
	sysctl_parse(SYS_IP_LOCAL_PORT_RANGE, text, size, &v);
	filter_init(&f);
	filter_add_states(&f, text, err, sizeof(err));
	filter_add_ports(&f, true, text, err, sizeof(err));
	filter_add_prefix(&f, false, text, err, sizeof(err));
	filter_add_comms(&f, text, err, sizeof(err));
	filter_bytecode(&f, 2, bc, sizeof(bc));
	filter_bytecode(&f, 10, bc, sizeof(bc));
	free(text);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: a buffer of netlink messages as a recvmsg() would return,
 * walked by diag_process() and each socket message parsed by diag_parse()
 * and counted into a snapshot. Nothing the kernel sends may crash tcpdx.
 * Build and run: make -C tests/fuzz (needs clang).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "diag_parse.h"
#include "snapshot.h"

static int on_msg(const struct nlmsghdr *nlh, void *data)
{
	struct tcp_sock sk;

	if (diag_parse(nlh, &sk) == 0)
		snapshot_add(data, &sk);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Netlink buffers are 4-byte aligned; copy to get that and an exact end. */
	void *buf = malloc(size ? size : 1);
	struct snapshot *s = malloc(sizeof(*s));
	struct diag_stats st = { 0 };

	memcpy(buf, data, size);
	snapshot_init(s, 3, 0x2ffe);
	diag_process(buf, size, on_msg, s, &st);
	snapshot_free(s);
	free(s);
	free(buf);
	return 0;
}

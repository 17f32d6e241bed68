/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * diag_parse.h - one SOCK_DIAG_BY_FAMILY message into one struct tcp_sock.
 *
 * No I/O and no state: it reads only inside the message (every length and
 * attribute is checked first), so it is safe on anything the kernel, a
 * recording or a fuzzer hands it. Called by collect for every socket.
 */
#ifndef TCPDX_DIAG_PARSE_H
#define TCPDX_DIAG_PARSE_H

#include <linux/netlink.h>

#include "sock.h"

/**
 * diag_parse() - fill @out from @nlh.
 *
 * Tells full sockets from TIME_WAIT/FIN_WAIT2 minisocks and SYN_RECV request
 * sockets (they carry no inode and no tcp_info). tcp_info is copied up to
 * sizeof(struct tcp_info); the kernel's may be longer or shorter.
 *
 * Returns 0; -EPROTO if the message is not a TCP socket reply of a family we
 * know; -EBADMSG if it is truncated, a length is inconsistent, an attribute
 * has the wrong size or the state is out of range. @out is undefined on error.
 */
int diag_parse(const struct nlmsghdr *nlh, struct tcp_sock *out);

#endif

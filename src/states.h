/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * states.h - names of the eleven TCP states, in one const table.
 *
 * Each state has a display name (RFC 793 with dashes, as ss's filters spell
 * them: "FIN-WAIT-2"), the kernel's name ("FIN_WAIT2") and the JSON key that
 * node_exporter's tcpstat collector uses ("fin_wait2"). Pure; used by filter,
 * the renderers and tests.
 */
#ifndef TCPDX_STATES_H
#define TCPDX_STATES_H

#include <stdint.h>

#include "sock.h"

/* Bit for state s in inet_diag_req_v2.idiag_states. */
#define STATE_BIT(s) (1u << (s))
/* The eleven states, without the bound-only walk (bit 13). */
#define STATES_DEFAULT_MASK 0xffeu
/* Bound-only sockets come back as CLOSE when bit 13 is set (Linux 6.8+). */
#define STATES_ALL_MASK (STATES_DEFAULT_MASK | STATE_BIT(TS_BOUND_INACTIVE))

/* Display name ("SYN-SENT") of state 1..11, or "UNKNOWN". */
const char *states_name(unsigned int state);
/* Kernel name ("SYN_SENT"), or "UNKNOWN". */
const char *states_kernel_name(unsigned int state);
/* JSON key ("syn_sent"), or NULL for a state outside 1..11. */
const char *states_json_key(unsigned int state);

/**
 * states_lookup() - a state by any accepted spelling.
 *
 * Case does not matter and '-' and '_' may be used or left out, so
 * "fin-wait-2", "FIN_WAIT2" and "finwait2" are the same; ss's short forms
 * ("estab", "listening", "unconn") and "closed" are accepted. Returns the
 * state number (1..11) or 0 if the name is unknown.
 */
unsigned int states_lookup(const char *name);

/* Whether a state was asked for by mask (CLOSE needs bit 13 to return any). */
static inline int states_queried(uint32_t mask, unsigned int state)
{
	if (state == TS_CLOSE)
		return !!(mask & STATE_BIT(TS_BOUND_INACTIVE));
	return !!(mask & STATE_BIT(state));
}

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
#include <math.h>
#include <string.h>

#include "top_history.h"

void top_ring_push(struct top_ring *r, uint64_t v)
{
	r->v[r->head] = v;
	r->head = (r->head + 1) % TOP_HISTORY;
	if (r->n < TOP_HISTORY)
		r->n++;
}

uint64_t top_ring_get(const struct top_ring *r, unsigned int age)
{
	if (age >= r->n)
		return 0;
	return r->v[(r->head + TOP_HISTORY - 1 - age) % TOP_HISTORY];
}

size_t top_ring_last(const struct top_ring *r, uint64_t *out, size_t n)
{
	size_t i;

	if (n > r->n)
		n = r->n;
	for (i = 0; i < n; i++)
		out[i] = top_ring_get(r, (unsigned int)(n - 1 - i));
	return n;
}

enum top_level top_history_level(const struct top_ring *r)
{
	double sum = 0, sq = 0, mean, sd, x, dev;
	unsigned int i, n;

	if (r->n < TOP_BASELINE_MIN + 1)
		return TOP_NORMAL;
	n = r->n - 1;
	for (i = 1; i <= n; i++)
		sum += (double)top_ring_get(r, i);
	mean = sum / n;
	for (i = 1; i <= n; i++) {
		x = (double)top_ring_get(r, i) - mean;
		sq += x * x;
	}
	sd = sqrt(sq / n);
	dev = fabs((double)top_ring_get(r, 0) - mean);
	return dev > 3 * sd && dev > 2 && dev > 0.1 * mean ? TOP_UNUSUAL : TOP_NORMAL;
}

char *top_sparkline(const uint64_t *v, size_t n, size_t width, bool utf8, char *buf,
		    size_t len)
{
	static const char *const bars[8] = { "\u2581", "\u2582", "\u2583", "\u2584",
					     "\u2585", "\u2586", "\u2587", "\u2588" };
	static const char ramp[8] = { '.', '_', '-', '~', '=', '+', '*', '#' };
	uint64_t max = 0;
	size_t i, col, o = 0, first;

	if (!len)
		return buf;
	if (n > width) {
		v += n - width;
		n = width;
	}
	for (i = 0; i < n; i++)
		if (v[i] > max)
			max = v[i];
	first = width - n;
	for (col = 0; col < width; col++) {
		const char *g = " ";
		char one[2] = { 0, 0 };
		size_t gl;

		if (col >= first && v[col - first]) {
			/* 1..8: the smallest non-zero count still shows. */
			unsigned int h = (unsigned int)((v[col - first] * 8 + max - 1) / max);

			if (utf8) {
				g = bars[h - 1];
			} else {
				one[0] = ramp[h - 1];
				g = one;
			}
		}
		gl = strlen(g);
		if (o + gl >= len)
			break;
		memcpy(buf + o, g, gl);
		o += gl;
	}
	buf[o] = '\0';
	return buf;
}

void top_history_reset(struct top_history *h)
{
	memset(h, 0, sizeof(*h));
}

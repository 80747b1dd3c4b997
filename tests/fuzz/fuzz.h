/*
 * fuzz.h - what the libFuzzer targets share: an invariant check that
 * aborts (so libFuzzer saves the input), and message buffers with a
 * canary behind them.
 *
 * The sanitizers only see writes past the end of an object; a function
 * given errlen = 40 that writes 41 bytes into a 256-byte array goes
 * unnoticed.  struct msgbuf hands out errlen bytes of a larger array and
 * checks that the rest is untouched and that a NUL lies within errlen.
 */
#ifndef UPDPROBE_FUZZ_H
#define UPDPROBE_FUZZ_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes after the size given to the function under test. */
#define MSGBUF_CANARY		32
#define MSGBUF_MAX		8192	/* above PROBE_URL_MAX (4,192) */
#define MSGBUF_FILL		0x5a

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz invariant failed: %s (%s:%d)\n",	\
		    #cond, __FILE__, __LINE__);				\
		abort();						\
	}								\
} while (0)

struct msgbuf {
	char	buf[MSGBUF_MAX + MSGBUF_CANARY];
	size_t	len;		/* what the function under test is given */
};

/* A buffer of len bytes (len <= MSGBUF_MAX), filled so no NUL is left. */
static inline char *
msgbuf_init(struct msgbuf *m, size_t len)
{
	CHECK(len <= MSGBUF_MAX);
	m->len = len;
	memset(m->buf, MSGBUF_FILL, sizeof(m->buf));
	return m->buf;
}

/* Nothing was written after the len bytes the function was given. */
static inline void
msgbuf_check_canary(const struct msgbuf *m)
{
	size_t	i;

	for (i = m->len; i < sizeof(m->buf); i++)
		CHECK((unsigned char)m->buf[i] == MSGBUF_FILL);
}

/* The function wrote a terminated string within len, and nothing after. */
static inline void
msgbuf_check(const struct msgbuf *m)
{
	if (m->len > 0)
		CHECK(memchr(m->buf, '\0', m->len) != NULL);
	msgbuf_check_canary(m);
}

/* A NUL within the n bytes of a fixed-size field. */
#define CHECK_TERMINATED(field)						\
	CHECK(memchr((field), '\0', sizeof(field)) != NULL)

/*
 * Message sizes the targets cycle through, picked by the input length so
 * the input keeps its plain meaning (a DirFile is a DirFile): the size
 * the callers use most, short ones that cut messages, and 1 and 0.
 */
static inline size_t
pick_errlen(size_t input_len, size_t usual)
{
	static const size_t	other[] = { 40, 7, 1, 0 };
	size_t			k = input_len % 8;

	return k < 4 ? usual : other[k - 4];
}

#endif

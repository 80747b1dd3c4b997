/*
 * render.c - the verdict on a row and the plugin output: the first line
 * "UPDPROBE STATE - target: Code N name (detail) | perfdata", the long
 * output after it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check_updprobe.h"
#include "util.h"

/* The monitoring-plugins' guideline: the first line under 80 characters. */
#define FIRST_LINE_MAX		79
/* A detail cut to fewer characters than this is left out instead. */
#define DETAIL_MIN		12
/* A label (the target) is never cut below this. */
#define LABEL_MIN		16

static const char *const state_name[] = {
	"OK", "WARNING", "CRITICAL", "UNKNOWN"
};

static const char *const timing_label[TM_COUNT] = {
	"dns", "connect", "dirfile", "firmware"
};

void
row_init(struct check_row *r)
{
	memset(r, 0, sizeof(*r));
	r->code = UPDPROBE_MIB_CODE_NOT_PROBED;
	r->step = UPDPROBE_MIB_STEP_NOT_PROBED;
	r->age = -1;
}

void
copy_clean(char *dst, size_t dstlen, const char *src, size_t len)
{
	size_t i;

	if (dstlen == 0)
		return;
	if (len > dstlen - 1)
		len = dstlen - 1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)src[i];

		if (c == '|')
			c = '/';
		else if (c < 0x20 || c == 0x7f)
			c = ' ';
		dst[i] = (char)c;
	}
	dst[len] = '\0';
}

/* The length of s cut to at most n bytes, not inside a UTF-8 sequence. */
static size_t
utf8_cut(const char *s, size_t n)
{
	size_t len = strlen(s);

	if (len <= n)
		return len;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

void
evaluate(const struct options *o, struct check_row *r, time_t now)
{
	const char *name = m3_code_name((int)r->code);

	r->age = -1;
	if (r->last_probe > 0)
		r->age = now > (time_t)r->last_probe ?
		    (long)(now - (time_t)r->last_probe) : 0;
	if (r->code == UPDPROBE_MIB_CODE_NOT_PROBED) {
		r->state = STATE_UNKNOWN;
		snprintf(r->what, sizeof(r->what), "Code -1 not probed yet");
		snprintf(r->why, sizeof(r->why), "no probe of this target has "
		    "completed since updprobed started or loaded it");
		return;
	}
	if (r->code < 0 || r->code > M3_CODE_MAX) {
		r->state = STATE_UNKNOWN;
		snprintf(r->what, sizeof(r->what), "code %ld unknown", r->code);
		snprintf(r->why, sizeof(r->why), "not a Snom m3 code: a newer "
		    "agent? %s", r->detail);
		return;
	}
	if (r->interval > 0 && r->age >= 0 &&
	    (unsigned long)r->age > STALE_INTERVALS * r->interval) {
		r->state = STATE_UNKNOWN;
		snprintf(r->what, sizeof(r->what), "stale: last probe %ld s ago",
		    r->age);
		snprintf(r->why, sizeof(r->why), "interval %lu s; last result "
		    "Code %ld %s", r->interval, r->code, name);
		return;
	}
	if (o->crit_mask & (1u << r->code))
		r->state = STATE_CRITICAL;
	else if (o->warn_mask & (1u << r->code))
		r->state = STATE_WARNING;
	else
		r->state = STATE_OK;
	snprintf(r->what, sizeof(r->what), "Code %ld %s", r->code, name);
	snprintf(r->why, sizeof(r->why), "%s", r->detail);
}

int
severity(enum state s)
{
	static const int rank[] = { 0, 2, 3, 1 };

	return rank[s];
}

/*
 * "UPDPROBE STATE - head (detail)", at most FIRST_LINE_MAX characters
 * where it can be: the label is cut in the middle, the detail at its end
 * ("..."), or left out.  head = label + ": " + what.
 */
static void
print_first_line(enum state st, const char *counts, const char *label,
    const char *what, const char *detail)
{
	char lab[PROBE_URL_MAX];
	size_t fixed, room, n, len = strlen(label);

	/* "UPDPROBE CRITICAL - " counts label ": " what */
	fixed = strlen("UPDPROBE  - ") + strlen(state_name[st]) +
	    strlen(counts) + 2 + strlen(what);
	room = fixed < FIRST_LINE_MAX ? FIRST_LINE_MAX - fixed : 0;
	if (len > room && len > LABEL_MIN && len < sizeof(lab)) {
		size_t keep = room > LABEL_MIN ? room : LABEL_MIN;
		size_t head = utf8_cut(label, (keep - 3) / 2);
		size_t tail = len - (keep - 3 - head);

		while (((unsigned char)label[tail] & 0xc0) == 0x80)
			tail++;		/* not inside a UTF-8 sequence */
		snprintf(lab, sizeof(lab), "%.*s...%s", (int)head, label,
		    label + tail);
	} else
		snprintf(lab, sizeof(lab), "%s", label);
	n = fixed + strlen(lab);
	printf("UPDPROBE %s - %s%s: %s", state_name[st], counts, lab, what);
	if (detail[0] == '\0')
		return;
	if (n + 3 + strlen(detail) <= FIRST_LINE_MAX)
		printf(" (%s)", detail);
	else if (n + 3 + 3 + DETAIL_MIN <= FIRST_LINE_MAX)
		printf(" (%.*s...)", (int)utf8_cut(detail,
		    FIRST_LINE_MAX - n - 6), detail);
}

/* The perfdata of one row; prefix "" or "TARGET_". */
static void
print_perfdata(const struct check_row *r, const char *prefix)
{
	int i;

	for (i = 0; i < TM_COUNT; i++)
		printf("%s%s%s=%.3fs;;;0", i ? " " : "", prefix,
		    timing_label[i], r->ms[i] / 1000.0);
	printf(" %ssize=%" PRIu64 "B;;;0", prefix, r->size);
}

static const char *
step_name(long step)
{
	if (step < UPDPROBE_MIB_STEP_CONFIG || step > UPDPROBE_MIB_STEP_NONE)
		return "not probed";
	return probe_step_name(UPDPROBE_MIB_STEP_TO_ENGINE(step));
}

/* The long output of one row checked alone. */
static void
print_row_details(const struct options *o, const struct check_row *r,
    char warnings[][PROBE_NOTE_MAX], int nwarnings)
{
	char when[64];
	struct tm tm;
	time_t lp = (time_t)r->last_probe;
	int i;

	if (r->have_code && r->code == 0)
		printf("Code 0 no problems: %s\n", r->detail[0] ? r->detail :
		    "-");
	else if (r->have_code && r->code > 0 && r->code <= M3_CODE_MAX) {
		printf("Code %ld %s, step %s: %s\n", r->code,
		    m3_code_name((int)r->code), step_name(r->step),
		    r->detail[0] ? r->detail : "-");
		printf("fix: %s\n", m3_code_hint((int)r->code));
	} else
		printf("%s: %s\n", r->what, r->why);
	for (i = 0; i < nwarnings; i++)
		printf("warning: %s\n", warnings[i]);
	if (r->table == TABLE_TARGETS && r->source_state ==
	    UPDPROBE_MIB_SOURCE_FILE_OK)
		printf("base station: its provisioning file points at server "
		    "%s\n", r->server);
	else if (r->table == TABLE_TARGETS && r->source_state ==
	    UPDPROBE_MIB_SOURCE_FILE_BROKEN)
		printf("base station: its provisioning file is broken\n");
	else if (r->table == TABLE_SERVERS && r->type ==
	    UPDPROBE_MIB_SERVER_PROVISIONING)
		printf("server: %lu base station%s use%s these settings\n",
		    r->base_stations, r->base_stations == 1 ? "" : "s",
		    r->base_stations == 1 ? "s" : "");
	if (o->verbose < 1)
		return;
	printf("url: %s\n", r->url[0] ? r->url : "-");
	printf("version: %s\n", r->version[0] ? r->version : "-");
	printf("HTTP status: %ld\n", r->http_status);
	if (r->last_probe > 0 && localtime_r(&lp, &tm) != NULL &&
	    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %z", &tm) > 0)
		printf("last probe: %s (%ld s ago)", when, r->age);
	else
		printf("last probe: never");
	if (r->interval > 0)
		printf(", every %lu s, stale after %lu s\n", r->interval,
		    STALE_INTERVALS * r->interval);
	else
		printf("\n");
}

void
render_one(const struct options *o, const struct check_row *r,
    const char *label, char warnings[][PROBE_NOTE_MAX], int nwarnings)
{
	print_first_line(r->state, "", label, r->what, r->why);
	if (r->have_code && r->code >= 0) {
		printf(" | ");
		print_perfdata(r, "");
	}
	printf("\n");
	print_row_details(o, r, warnings, nwarnings);
}

static int
by_severity(const void *a, const void *b)
{
	const struct check_row *const *x = a, *const *y = b;
	int d = severity((*y)->state) - severity((*x)->state);

	if (d != 0)
		return d;
	return *x < *y ? -1 : *x > *y;	/* stable: table order */
}

/* " (N base stations)" for a row that stands for some. */
static void
print_stations(const struct check_row *r)
{
	if (r->table == TABLE_SERVERS && r->base_stations > 0)
		printf(" (%lu base station%s)", r->base_stations,
		    r->base_stations == 1 ? "" : "s");
}

/*
 * Every row.  Without base stations the server table is the target
 * table again, and the output is the same as from the target table
 * ("targets"); with them the rows are "servers".
 */
void
render_all(const struct options *o, const struct rows *rs, enum table table)
{
	const char *noun = "targets";
	struct check_row **order;
	size_t i, count[4] = { 0, 0, 0, 0 }, notok, shown = 0;
	unsigned long stations = 0, affected = 0;
	char counts[128];
	const struct check_row *w;

	if ((order = calloc(rs->n, sizeof(*order))) == NULL) {
		printf("UPDPROBE UNKNOWN - out of memory\n");
		return;
	}
	for (i = 0; i < rs->n; i++) {
		order[i] = &rs->v[i];
		count[rs->v[i].state]++;
		stations += rs->v[i].base_stations;
		if (rs->v[i].state != STATE_OK)
			affected += rs->v[i].base_stations;
	}
	if (table == TABLE_SERVERS && stations > 0)
		noun = "servers";
	qsort(order, rs->n, sizeof(*order), by_severity);
	w = order[0];
	notok = rs->n - count[STATE_OK];
	if (notok == 0)
		printf("UPDPROBE OK - all %zu %s OK", rs->n, noun);
	else {
		if (affected > 0)
			snprintf(counts, sizeof(counts), "%zu of %zu %s not OK, "
			    "%lu base stations; ", notok, rs->n, noun, affected);
		else
			snprintf(counts, sizeof(counts), "%zu of %zu %s not OK; ",
			    notok, rs->n, noun);
		print_first_line(w->state, counts, w->name, w->what, w->why);
	}
	printf(" | %s=%zu;;;0 ok=%zu;;;0 warning=%zu;;;0 critical=%zu;;;0 "
	    "unknown=%zu;;;0", noun, rs->n, count[STATE_OK],
	    count[STATE_WARNING], count[STATE_CRITICAL], count[STATE_UNKNOWN]);
	if (stations > 0)
		printf(" base_stations=%lu;;;0 base_stations_not_ok=%lu;;;0",
		    stations, affected);
	printf("\n");
	for (i = 0; i < rs->n; i++) {
		const struct check_row *r = order[i];

		printf("%s%s %s", i ? "\n" : "", state_name[r->state], r->name);
		print_stations(r);
		printf(": %s", r->what);
		if (r->have_code && r->code > 0 && r->code <= M3_CODE_MAX &&
		    strncmp(r->what, "Code", 4) == 0)
			printf(" (%s)%s%s", step_name(r->step),
			    r->detail[0] ? ": " : "", r->detail);
		else if (r->why[0] != '\0')
			printf(": %s", r->why);
		if (o->verbose >= 1) {
			printf(" [%s", r->url[0] ? r->url : "-");
			if (r->age >= 0)
				printf(", last probe %ld s ago", r->age);
			printf("]");
		}
	}
	/* Per-target perfdata after the long output, all on its last line
	 * (guidelines: "LONG TEXT LINE N | PERFDATA LINE 2"): Icinga 2 reads
	 * only that line's, and Nagios takes the rest as one list anyway.
	 * No blank after the "|": Icinga 2.13 would make it part of the
	 * first label (" a_dns"). */
	for (i = 0; i < rs->n; i++) {
		const struct check_row *r = &rs->v[i];
		char prefix[UPDPROBE_MIB_NAME_MAX + 2];

		if (!r->have_code || r->code < 0)
			continue;
		snprintf(prefix, sizeof(prefix), "%s_", r->name);
		printf(shown++ ? " " : " |");
		print_perfdata(r, prefix);
	}
	printf("\n");
	free(order);
}

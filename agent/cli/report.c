/*
 * report.c - the CLI trace and the JSON object.
 */
#include <stdio.h>
#include <string.h>

#include "report.h"

#define C_RESET	"\033[0m"
#define C_OK	"\033[32m"
#define C_FAIL	"\033[1;31m"
#define C_DIM	"\033[2m"
#define C_BOLD	"\033[1m"

void
json_string(FILE *f, const char *s)
{
	const unsigned char *c;

	fputc('"', f);
	for (c = (const unsigned char *)s; *c != '\0'; c++) {
		switch (*c) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			/* Control bytes, DEL and bytes >= 0x80 (the result
			 * is ASCII, but a byte that is not UTF-8 must never
			 * make the JSON invalid) as \u00XX. */
			if (*c < 0x20 || *c >= 0x7f)
				fprintf(f, "\\u%04x", *c);
			else
				fputc(*c, f);
		}
	}
	fputc('"', f);
}

static const char *
state_name(enum step_state s)
{
	switch (s) {
	case STEP_OK:
		return "ok";
	case STEP_FAILED:
		return "failed";
	case STEP_SKIPPED:
		return "skipped";
	default:
		return "not run";
	}
}

void
report_json(FILE *f, const struct probe_result *r)
{
	static const enum probe_step timed[] = {
		STEP_DNS, STEP_CONNECT, STEP_DIRFILE, STEP_FIRMWARE
	};
	size_t i;
	int s;

	fputs("{\"url\":", f);
	json_string(f, r->url);
	fprintf(f, ",\"code\":%d,\"name\":", r->code);
	json_string(f, m3_code_name(r->code));
	fputs(",\"step\":", f);
	json_string(f, probe_step_name(r->step));
	fputs(",\"detail\":", f);
	json_string(f, r->detail);
	fputs(",\"hint\":", f);
	json_string(f, m3_code_hint(r->code));
	fputs(",\"address\":", f);
	json_string(f, r->address);
	fputs(",\"version\":", f);
	json_string(f, r->version);
	fprintf(f, ",\"http_status\":%ld,\"firmware_size\":%llu,\"timings\":{",
	    r->http_status, (unsigned long long)r->firmware_size);
	for (i = 0; i < sizeof(timed) / sizeof(timed[0]); i++)
		fprintf(f, "\"%s_ms\":%.1f,", probe_step_name(timed[i]),
		    r->steps[timed[i]].ms);
	fprintf(f, "\"total_ms\":%.1f},\"steps\":[", r->total_ms);
	for (s = 0; s < STEP_NONE; s++) {
		fprintf(f, "%s{\"step\":", s ? "," : "");
		json_string(f, probe_step_name((enum probe_step)s));
		fprintf(f, ",\"state\":\"%s\",\"ms\":%.1f,\"note\":",
		    state_name(r->steps[s].state), r->steps[s].ms);
		json_string(f, r->steps[s].note);
		fputc('}', f);
	}
	fputs("],\"warnings\":[", f);
	for (s = 0; s < r->nwarnings; s++) {
		if (s)
			fputc(',', f);
		json_string(f, r->warnings[s]);
	}
	fputs("]}\n", f);
}

void
report_text(FILE *f, const struct probe_result *r, int color, int verbose)
{
	int s;

	fprintf(f, "%s%s%s\n", color ? C_BOLD : "", r->url, color ? C_RESET : "");
	for (s = 0; s < STEP_NONE; s++) {
		const struct step_report *sr = &r->steps[s];
		const char *c = "";
		char ms[16] = "";

		if (sr->state == STEP_NOT_RUN && !verbose)
			continue;
		if (color)
			c = sr->state == STEP_OK ? C_OK :
			    sr->state == STEP_FAILED ? C_FAIL : C_DIM;
		if (sr->ms > 0 || sr->state == STEP_OK)
			snprintf(ms, sizeof(ms), "%8.1f ms", sr->ms);
		fprintf(f, "  %-9s %s%-8s%s %11s  %s\n",
		    probe_step_name((enum probe_step)s), c,
		    state_name(sr->state), color ? C_RESET : "", ms, sr->note);
	}
	for (s = 0; s < r->nwarnings; s++)
		fprintf(f, "  %swarning%s   %s\n", color ? C_FAIL : "",
		    color ? C_RESET : "", r->warnings[s]);
	fprintf(f, "%sCode %d: %s%s  (%.1f ms in all)\n",
	    color ? (r->code == 0 ? C_OK : C_FAIL) : "", r->code,
	    m3_code_name(r->code), color ? C_RESET : "", r->total_ms);
	if (r->code != 0)
		fprintf(f, "  %s\n  fix: %s\n", r->detail, m3_code_hint(r->code));
}

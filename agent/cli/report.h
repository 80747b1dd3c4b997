/*
 * report.h - rendering a probe result for people (a trace) and for
 * scripts (one JSON object).  Nothing here computes a verdict.
 */
#ifndef UPDPROBE_REPORT_H
#define UPDPROBE_REPORT_H

#include <stdio.h>

#include "probe.h"

void	report_json(FILE *, const struct probe_result *);
/* color: ANSI colours (a terminal); verbose: also the skipped steps. */
void	report_text(FILE *, const struct probe_result *, int color, int verbose);
/* Write s as a JSON string, quotes included. */
void	json_string(FILE *, const char *s);

#endif

/*
 * codes.h - the Snom m3's firmware update codes (the device's own numbers,
 * never renumber) and the steps of the simulated update sequence.
 */
#ifndef UPDPROBE_CODES_H
#define UPDPROBE_CODES_H

enum m3_code {
	M3_NO_PROBLEMS = 0,
	M3_WRONG_PARAMETER = 1,
	M3_NETWORK_NOT_AVAILABLE = 2,
	M3_FILE_NOT_FOUND = 3,
	M3_FIRMWARE_TOO_BIG = 4,
	M3_TIMEOUT = 5,
	M3_SERVER_NOT_SPECIFIED = 6,
	M3_UNSPECIFIED_ERROR = 7,
	M3_ILLEGAL_API_USE = 8,		/* device-internal, never predicted */
	M3_DIRFILE_SYNTAX = 9,
	M3_DIRFILE_UNKNOWN = 10,
	M3_LOOKUP_FAILED = 11,
	M3_AUTH_FAILED = 12
};
#define M3_CODE_MAX	12

/* In the order the device performs them. */
enum probe_step {
	STEP_CONFIG = 0,
	STEP_DNS,
	STEP_CONNECT,
	STEP_DIRFILE,
	STEP_VERSION,
	STEP_FIRMWARE,
	STEP_NONE		/* no step failed */
};
#define STEP_COUNT	(STEP_NONE + 1)

const char	*m3_code_name(int code);
/* One sentence on what an operator should check for this code. */
const char	*m3_code_hint(int code);
const char	*probe_step_name(enum probe_step);

#endif

/*
 * codes.c - names of the codes as the Snom m3 documentation gives them.
 */
#include "codes.h"

static const struct {
	const char	*name;
	const char	*hint;
} codes[M3_CODE_MAX + 1] = {
	{ "no problems",
	  "nothing to fix: the update would start" },
	{ "wrong parameter",
	  "the selected version (or language) is not in the DirFile: "
	  "regenerate dirlist.txt or select a listed version" },
	{ "network not available",
	  "check routing, firewall and the server's HTTP status for the "
	  "update folder" },
	{ "file not found",
	  "put the missing file into the update folder, or fix the path" },
	{ "firmware file too big",
	  "the firmware file exceeds the size the device accepts: check the "
	  "file and the folder" },
	{ "timeout waiting for file",
	  "the server accepts but does not deliver in time: check its load "
	  "and the path to it" },
	{ "server not specified",
	  "set %NETWORK_FWU_SERVER% (the update server) in the provisioning" },
	{ "unspecified error",
	  "a firmware file is there but its content is wrong: copy the .fwu "
	  "files again, in binary mode" },
	{ "illegal use of the update API",
	  "device-internal error" },
	{ "DirFile syntax error",
	  "regenerate dirlist.txt with MakeDirList; do not edit it by hand" },
	{ "unknown DirFile format",
	  "the folder does not hold a DirFile: check the path (wrong folder?)" },
	{ "server name lookup failed",
	  "the DNS servers the base stations use cannot resolve the server "
	  "name" },
	{ "authentication failed",
	  "the server asks for credentials the device does not have: check "
	  "user and password" },
};

static const char *steps[STEP_COUNT] = {
	"config", "dns", "connect", "dirfile", "version", "firmware", "none"
};

const char *
m3_code_name(int code)
{
	if (code < 0 || code > M3_CODE_MAX)
		return "not probed";
	return codes[code].name;
}

const char *
m3_code_hint(int code)
{
	if (code < 0 || code > M3_CODE_MAX)
		return "";
	return codes[code].hint;
}

const char *
probe_step_name(enum probe_step s)
{
	if ((int)s < 0 || s >= STEP_COUNT)
		return "none";
	return steps[s];
}

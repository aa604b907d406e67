/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "error.h"

void
es_error_set(struct es_error *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

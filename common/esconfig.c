/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Placeholder until the parser lands. */
#include "config.h"

/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "module.h"

#ifndef NSS_MODULE_PATH
#error "NSS_MODULE_PATH must name the built module"
#endif

static void *
resolve(struct nss_module *module, const char *name, int *missing)
{
	char symbol[64];
	void *address;

	snprintf(symbol, sizeof(symbol), "_nss_edgesupport_%s", name);
	address = dlsym(module->handle, symbol);
	if (address == NULL) {
		fprintf(stderr, "symbol %s not found in the module\n", symbol);
		(*missing)++;
	}

	return address;
}

int
nss_module_open(struct nss_module *module)
{
	const char *path = getenv("ES_NSS_MODULE");
	int missing = 0;

	if (path == NULL || path[0] == '\0')
		path = NSS_MODULE_PATH;

	memset(module, 0, sizeof(*module));
	module->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (module->handle == NULL) {
		fprintf(stderr, "dlopen %s failed: %s; run make first\n",
		    path, dlerror());
		return -1;
	}

	module->getpwnam_r = resolve(module, "getpwnam_r", &missing);
	module->getpwuid_r = resolve(module, "getpwuid_r", &missing);
	module->setpwent = resolve(module, "setpwent", &missing);
	module->getpwent_r = resolve(module, "getpwent_r", &missing);
	module->endpwent = resolve(module, "endpwent", &missing);
	module->getgrnam_r = resolve(module, "getgrnam_r", &missing);
	module->getgrgid_r = resolve(module, "getgrgid_r", &missing);
	module->setgrent = resolve(module, "setgrent", &missing);
	module->getgrent_r = resolve(module, "getgrent_r", &missing);
	module->endgrent = resolve(module, "endgrent", &missing);
	module->getspnam_r = resolve(module, "getspnam_r", &missing);
	module->setspent = resolve(module, "setspent", &missing);
	module->getspent_r = resolve(module, "getspent_r", &missing);
	module->endspent = resolve(module, "endspent", &missing);
	module->initgroups_dyn = resolve(module, "initgroups_dyn", &missing);

	if (missing > 0) {
		nss_module_close(module);
		return -1;
	}

	return 0;
}

void
nss_module_close(struct nss_module *module)
{
	if (module->handle != NULL)
		dlclose(module->handle);
	memset(module, 0, sizeof(*module));
}

int
write_file_atomic(const char *path, const char *text)
{
	size_t len = strlen(text);
	char *tmp;
	FILE *file;
	int r = -1;

	if (asprintf(&tmp, "%s.tmp.%ld", path, (long)getpid()) < 0)
		return -1;

	file = fopen(tmp, "we");
	if (file == NULL) {
		perror(tmp);
		goto out;
	}

	if (fwrite(text, 1, len, file) != len) {
		perror(tmp);
		fclose(file);
		goto out;
	}

	if (fclose(file) != 0 || rename(tmp, path) != 0) {
		perror(path);
		goto out;
	}

	r = 0;
out:
	if (r < 0)
		unlink(tmp);
	free(tmp);
	return r;
}

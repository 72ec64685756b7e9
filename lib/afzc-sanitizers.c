/*
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at:
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

/* Where the sanitizers of a --enable-sanitizers build write their reports.
 *
 * Linked directly into each program of such a build (ovs-vswitchd,
 * ovstest-afzc, ovs-afzc-bench), never into a library archive, so that its
 * constructor runs.
 *
 * gcc links a program built with -fsanitize=address,undefined with two
 * runtimes, libasan and libubsan, each with its own copy of the code that
 * writes reports and its own report file.  Both export
 * __sanitizer_set_report_path(), and each calls it at start-up with the
 * log_path of its options; the dynamic linker binds both calls to
 * libasan's copy, which comes first.  The result is that AddressSanitizer
 * and LeakSanitizer reports go to the file that UBSAN_OPTIONS names, and
 * that UndefinedBehaviorSanitizer reports always go to standard error,
 * which a daemon started with --detach has pointed at /dev/null: they are
 * lost.  This constructor calls each runtime's own
 * __sanitizer_set_report_path(), found with dlsym() in that runtime, with
 * the log_path of that runtime's options, so that ASAN_OPTIONS and
 * UBSAN_OPTIONS each decide for their own reports as documented.
 *
 * libubsan initializes itself only when it first reports, and then points
 * libasan's report file at UBSAN_OPTIONS's log_path again.  So libasan's
 * is set once more at exit, before LeakSanitizer's check (exit handlers
 * run last registered first, and libasan registered its own before any
 * constructor of the program ran); without that, the leak report would
 * overwrite the file that the UBSan reports went to.  Only a fatal
 * AddressSanitizer error that comes after a UBSan report in the same
 * process still ends up in UBSAN_OPTIONS's file.
 *
 * Nothing is changed for a runtime whose options have no log_path, or that
 * is not loaded. */

#include <config.h>

#include <dlfcn.h>
#include <link.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* A sanitizer runtime to find among the loaded objects. */
struct afzc_san_runtime {
    const char *soname;         /* Start of its file name, e.g. "libasan.so". */
    char path[256];             /* The loaded object's name, once found. */
};

/* dl_iterate_phdr() callback: records in 'rt_' the name of the loaded
 * object whose file name starts with its 'soname'.  Returns nonzero, which
 * stops the iteration, once it is found. */
static int
afzc_san_find_runtime(struct dl_phdr_info *info, size_t size, void *rt_)
{
    struct afzc_san_runtime *rt = rt_;
    const char *base;

    if (!info->dlpi_name || !info->dlpi_name[0]) {
        return 0;
    }
    base = strrchr(info->dlpi_name, '/');
    base = base ? base + 1 : info->dlpi_name;
    if (strncmp(base, rt->soname, strlen(rt->soname))
        || strlen(info->dlpi_name) >= sizeof rt->path) {
        return 0;
    }
    strcpy(rt->path, info->dlpi_name);
    return 1;
}

/* Copies into 'buf', of 'size' bytes, the value of the last "log_path"
 * option in the sanitizer options of environment variable 'var' (options
 * separated by colons, values not quoted).  Returns false if there is
 * none, or if it does not fit. */
static bool
afzc_san_log_path(const char *var, char *buf, size_t size)
{
    const char *options = getenv(var);
    const char *value = NULL;
    const char *p;
    size_t len = 0;

    if (!options) {
        return false;
    }
    for (p = options; *p; ) {
        size_t n = strcspn(p, ":");

        if (n > strlen("log_path=") && !strncmp(p, "log_path=", 9)) {
            value = p + 9;
            len = n - 9;
        }
        p += n;
        if (*p == ':') {
            p++;
        }
    }
    if (!value || len >= size) {
        return false;
    }
    memcpy(buf, value, len);
    buf[len] = '\0';
    return true;
}

/* Points the report file of the sanitizer runtime whose file name starts
 * with 'soname' at the log_path of the options in environment variable
 * 'var', through the runtime's own __sanitizer_set_report_path(). */
static void
afzc_san_redirect(const char *soname, const char *var)
{
    struct afzc_san_runtime rt = { .soname = soname };
    void (*set_report_path)(const char *);
    char log_path[4096];
    void *handle;

    if (!afzc_san_log_path(var, log_path, sizeof log_path)
        || !dl_iterate_phdr(afzc_san_find_runtime, &rt)) {
        return;
    }
    handle = dlopen(rt.path, RTLD_NOW | RTLD_NOLOAD);
    if (!handle) {
        return;
    }
    set_report_path = (void (*)(const char *)) dlsym(handle,
                                                    "__sanitizer_set_report_path");
    if (set_report_path) {
        set_report_path(log_path);
    }
    dlclose(handle);
}

/* Exit handler: points libasan's reports at ASAN_OPTIONS's log_path again,
 * before LeakSanitizer's check at exit. */
static void
afzc_san_atexit(void)
{
    afzc_san_redirect("libasan.so", "ASAN_OPTIONS");
}

/* Runs before main(), after libasan has initialized itself. */
static void __attribute__((constructor))
afzc_san_init(void)
{
    afzc_san_redirect("libasan.so", "ASAN_OPTIONS");
    afzc_san_redirect("libubsan.so", "UBSAN_OPTIONS");
    atexit(afzc_san_atexit);
}

/* VM configurations: a versioned JSON document (see docs/config.md) that
 * mirrors a VZ-style configuration object, the option table that ties every
 * `nestvm run` flag to its config key, and validation that reports every
 * problem at once. */
#ifndef NESTVM_FRONT_CONFIG_H
#define NESTVM_FRONT_CONFIG_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "board/board.h"

#define VMCFG_VERSION 1

/* Problems found while reading, setting or validating a configuration; each
 * is one line naming the field (or flag) and the fix. */
struct problems {
    char **msg;
    unsigned n, cap;
};
void problem_add(struct problems *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print every problem as "nestvm: [FILE: ]MSG"; returns the count. */
unsigned problems_print(const struct problems *p, const char *file);
void problems_free(struct problems *p);

struct vm_config {
    json_t *root;       /* the document */
    char *file;         /* where it was read from (messages), or NULL */
    char *base_dir;     /* relative paths in the document resolve here (NULL: cwd) */
    json_t *origin;     /* config key -> "--flag" / "--flag\x1fRAW" for values given on the command line */
    json_t *cleared;    /* array keys a flag has already replaced in this parse */
    char **strings;     /* allocations that board_config points into */
    unsigned nstrings;
};

/* An empty version-1 configuration (defaults are applied when converting). */
void vmcfg_init(struct vm_config *c);
/* Read FILE; syntax errors become problems.  Returns 0 when a document was read. */
int vmcfg_load(struct vm_config *c, const char *path, struct problems *p);
int vmcfg_save(const struct vm_config *c, const char *path);
void vmcfg_free(struct vm_config *c);

/* Set a value by config key ("cpu_count", "platform.nested_virtualization")
 * or by flag name ("cpus"), parsing value as the flag would.  flag != NULL
 * marks a command-line origin (messages then name the flag). */
int vmcfg_set(struct vm_config *c, const char *key, const char *value, const char *flag, struct problems *p);

/* Parse `run`-style flags (argv[0] is the command name).  Flags with
 * handled_here set (e.g. --config, --help) are returned through *extra; the
 * caller decides.  Returns 0, or 1 when --help was given. */
struct run_extra {
    const char *config;     /* --config FILE */
    const char *name;       /* first positional argument (create NAME), if allowed */
    bool allow_name;
};
int vmcfg_parse_flags(struct vm_config *c, int argc, char **argv, struct run_extra *extra, struct problems *p);
/* The --config FILE argument, found before the flags are parsed (the file
 * is read first, the flags then override it); NULL if none. */
const char *vmcfg_config_arg(int argc, char **argv);
/* c (initialised) from --config FILE, then the flags over it: 0, 1 for
 * --help, or -1 when the file could not be read (its problems printed, c
 * freed). */
int vmcfg_from_args(struct vm_config *c, int argc, char **argv, struct run_extra *extra, struct problems *p);
/* The flag reference generated from the option table. */
void vmcfg_print_flags(FILE *f);

/* Check the whole document: structure, unknown fields (with suggestions),
 * ranges, files, and what the chosen backend can do. */
void vmcfg_validate(struct vm_config *c, struct problems *p);

/* Fill a board_config from a validated document (defaults for what is
 * missing).  Strings stay valid until vmcfg_free. */
void vmcfg_to_board(struct vm_config *c, struct board_config *bc);
/* The control socket path, or NULL. */
const char *vmcfg_api_sock(struct vm_config *c);

/* Helpers shared by the front. */
json_t *vmcfg_get(json_t *root, const char *dotted);
const char *vmcfg_get_string(json_t *root, const char *dotted);
int parse_size(const char *s, uint64_t *out);
/* Absolute form of path resolved against base (NULL: cwd); malloc'd. */
char *path_resolve(const char *base, const char *path);

#endif

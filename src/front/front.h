/* Internals shared by the nestvm command's files. */
#ifndef NESTVM_FRONT_H
#define NESTVM_FRONT_H

#include <stdbool.h>
#include <stdio.h>

#include "config.h"

enum opt_kind {
    K_PATH,     /* file path (relative: to the config file's directory) */
    K_STRING,
    K_UINT,
    K_SIZE,     /* bytes; "512M" style accepted */
    K_SECONDS,
    K_BOOL,     /* flag without a value */
    K_ENUM,     /* vm_option_values() */
    K_DISK,     /* storage[] entry from PATH[,ro] */
    K_NET,      /* network[] entry from user[,hostfwd=...] */
    K_CONSOLE,  /* serial_ports[] from serial|virtio */
};

/* One row per `run` flag: its config key, how its value parses, its help. */
struct vm_option {
    const char *flag;       /* long option name, NULL for config-only keys */
    const char *key;        /* config key, dotted */
    enum opt_kind kind;
    const char *metavar;
    const char *help;
};
extern const struct vm_option vm_options[];
const struct vm_option *vm_option_find(const char *name);
const char *const *vm_option_values(const struct vm_option *o);

/* "Did you mean": Levenshtein distance, and how far a suggestion may be. */
unsigned edit_distance(const char *a, const char *b);
unsigned suggest_limit(const char *word);

/* Commands (argv[0] is the command name). */
int cmd_run(int argc, char **argv);
int cmd_create(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_start(int argc, char **argv);
int cmd_edit(int argc, char **argv);
int cmd_delete(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);

/* Validate, build the board and run it (with the control socket when the
 * config names one).  Problems are printed; returns the exit code. */
int run_config(struct vm_config *c, const char *label);

/* The VM library (library.c), used by import. */
const char *library_home(void);
/* Directory of VM name (malloc'd), or NULL with a problem when name is bad. */
char *library_vm_dir(const char *name, struct problems *p);
int library_valid_name(const char *name, struct problems *p);
/* Store configuration c as VM name (kernel and initrd copied in; disks too
 * when copy_disks, else referenced by absolute path).  Returns an exit code. */
int library_store(struct vm_config *c, const char *name, const char *cmd, bool copy_disks);
/* Copy a file (sparse-aware); 0 or -1 with errno. */
int copy_file(const char *from, const char *to);

#endif

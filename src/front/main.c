/* The nestvm command line. */
#include <stdio.h>
#include <string.h>

#include "cpu/cpu.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: nestvm COMMAND [ARGS...]\n"
            "\n"
            "Commands:\n"
            "  cpu-models       list the CPU models and the features each advertises\n"
            "  help             show this help\n"
            "  version          print the version\n"
            "\n"
            "The user-mode runner is a separate program: nestvm-user PROGRAM [ARGS...]\n");
}

static void print_model(const struct cpu_model *m, void *opaque)
{
    (void)opaque;
    printf("%-10s %s\n", m->name, m->doc);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
        printf("nestvm %s\n", NESTVM_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "cpu-models")) {
        cpu_model_list(print_model, NULL);
        return 0;
    }
    fprintf(stderr, "nestvm: unknown command '%s' (try 'nestvm help')\n", cmd);
    return 2;
}

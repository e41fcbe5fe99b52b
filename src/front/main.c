/* The nestvm command line: a table of commands, each in its own file
 * (run.c, library.c, utm.c). */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cpu/cpu.h"
#include "front.h"

static int cmd_cpu_models(int argc, char **argv);
static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

static const struct command {
    const char *name, *args, *help;
    int (*fn)(int argc, char **argv);
} commands[] = {
    { "run", "[--config FILE] [flags]", "boot a Linux kernel (see 'nestvm run --help')", cmd_run },
    { "create", "NAME [run flags]", "store a VM in the library ($NESTVM_HOME)", cmd_create },
    { "list", "", "list the stored VMs and which are running", cmd_list },
    { "show", "NAME", "show a stored VM's configuration and state", cmd_show },
    { "start", "NAME [run flags]", "run a stored VM (flags override for this start)", cmd_start },
    { "edit", "NAME --set KEY=VALUE...", "change a stored VM's configuration", cmd_edit },
    { "delete", "NAME", "remove a stored VM", cmd_delete },
    { "check", "", "what this host supports: backends, EL2, vCPUs, memory", cmd_check },
    { "import", "PATH.utm [NAME]", "import a UTM (Apple backend, Linux) bundle into the library", cmd_import },
    { "export", "NAME PATH.utm", "write a stored VM as a UTM bundle", cmd_export },
    { "cpu-models", "", "list the CPU models and the features each advertises", cmd_cpu_models },
    { "help", "", "show this help", cmd_help },
    { "version", "", "print the version", cmd_version },
};

static void usage(FILE *f)
{
    fprintf(f, "usage: nestvm COMMAND [ARGS...]\n\nCommands:\n");
    for (unsigned i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        char left[64];
        snprintf(left, sizeof(left), "%s %s", commands[i].name, commands[i].args);
        fprintf(f, "  %-34s %s\n", left, commands[i].help);
    }
    fprintf(f, "\nThe user-mode runner is a separate program: nestvm-user PROGRAM [ARGS...]\n");
}

static void print_model(const struct cpu_model *m, void *opaque)
{
    (void)opaque;
    printf("%-10s %s\n", m->name, m->doc);
}

static int cmd_cpu_models(int argc, char **argv)
{
    (void)argc, (void)argv;
    cpu_model_list(print_model, NULL);
    return 0;
}

static int cmd_help(int argc, char **argv)
{
    (void)argc, (void)argv;
    usage(stdout);
    return 0;
}

static int cmd_version(int argc, char **argv)
{
    (void)argc, (void)argv;
    printf("nestvm %s\n", NESTVM_VERSION);
    return 0;
}

int main(int argc, char **argv)
{
    /* A peer closing a socket (a hostfwd client, a control-socket client)
     * must cost that connection an EPIPE, never the VMM its life. */
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h"))
        cmd = "help";
    if (!strcmp(cmd, "--version"))
        cmd = "version";
    for (unsigned i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (!strcmp(cmd, commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "nestvm: unknown command '%s' (try 'nestvm help')\n", cmd);
    return 2;
}

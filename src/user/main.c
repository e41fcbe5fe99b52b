/* nestvm-user: run a static aarch64 Linux program on the software CPU.
 *
 *   nestvm-user [--cpu MODEL] [--strace] PROGRAM [ARGS...]
 *
 * Exit status: the program's, or 128+N when it is killed by signal N (the
 * host process then dies of the same signal), or 2 when PROGRAM cannot be
 * loaded (with one error line on stderr).
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "user.h"

struct proc P;

extern char **environ;

void user_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "nestvm-user: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
}

struct cpu *proc_new_cpu(void)
{
    struct cpu_env env = { .tlb_fill = mm_tlb_fill, .opaque = NULL };
    struct cpu *c = cpu_new(P.model, &env, true);
    if (!c) {
        fprintf(stderr, "nestvm-user: cannot create the CPU\n");
        exit(1);
    }
    return c;
}

void proc_set_cmdline(char *const argv[], int argc)
{
    size_t n = 0;
    for (int i = 0; i < argc; i++)
        n += strlen(argv[i]) + 1;
    char *b = malloc(n ? n : 1);
    if (!b)
        return;
    size_t k = 0;
    for (int i = 0; i < argc; i++) {
        size_t l = strlen(argv[i]) + 1;
        memcpy(b + k, argv[i], l);
        k += l;
    }
    free(P.cmdline);
    P.cmdline = b;
    P.cmdline_len = n;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: nestvm-user [--cpu MODEL] [--strace] [-E VAR=VALUE] [-U VAR] [-0 ARGV0] PROGRAM [ARGS...]\n"
               "Runs a static aarch64 Linux program (ET_EXEC or static-PIE).\n"
               "  --cpu MODEL   CPU model (--cpu help lists them)\n"
               "  -E VAR=VALUE  set VAR in the program's environment (repeatable)\n"
               "  -U VAR        remove VAR from the program's environment (repeatable)\n"
               "  -0 ARGV0      pass ARGV0 as argv[0] instead of PROGRAM\n"
               "Environment: NESTVM_USER_DEBUG=1 warns about unsupported syscalls,\n"
               "NESTVM_USER_STRACE=1 traces syscalls.\n");
}

static void list_model(const struct cpu_model *m, void *opaque)
{
    (void)opaque;
    printf("%-12s %s\n", m->name, m->doc ? m->doc : "");
}

/* Find PROGRAM like execvp when it has no slash. */
static const char *find_program(const char *name, char *buf, size_t len)
{
    if (strchr(name, '/') || access(name, F_OK) == 0)
        return name;
    const char *path = getenv("PATH");
    if (!path)
        return name;
    while (*path) {
        const char *e = strchr(path, ':');
        size_t n = e ? (size_t)(e - path) : strlen(path);
        snprintf(buf, len, "%.*s/%s", (int)n, path, name);
        if (access(buf, X_OK) == 0)
            return buf;
        path += n + (e ? 1 : 0);
    }
    return name;
}

static const char *acc_name(int acc)
{
    return acc == ACC_WRITE ? "write" : acc == ACC_EXEC ? "execute" : "read";
}

static void handle_exit(struct cpu *c, enum cpu_exit r)
{
    char desc[200];
    switch (r) {
    case CPU_EXIT_SVC:
        do_syscall(c);
        break;
    case CPU_EXIT_FAULT:
        if ((c->exc.iss & 0x3f) == 0x21) {
            snprintf(desc, sizeof(desc), "unaligned %s access to 0x%llx at pc 0x%llx", acc_name(c->exc.access),
                     (unsigned long long)c->exc.far, (unsigned long long)c->pc);
            sig_force(SIGBUS, 1 /* BUS_ADRALN */, c->exc.far, desc);
        } else {
            snprintf(desc, sizeof(desc), "%s %s of address 0x%llx at pc 0x%llx",
                     c->exc.perm ? "invalid permissions for" : "unmapped", acc_name(c->exc.access),
                     (unsigned long long)c->exc.far, (unsigned long long)c->pc);
            sig_force(SIGSEGV, c->exc.perm ? 2 /* SEGV_ACCERR */ : 1 /* SEGV_MAPERR */, c->exc.far, desc);
        }
        break;
    case CPU_EXIT_UNDEF:
    case CPU_EXIT_HLT: {
        uint32_t insn = 0;
        if (cpu_mem_read(c, c->pc, &insn, 4))
            snprintf(desc, sizeof(desc), "undefined instruction 0x%08x at pc 0x%llx", insn, (unsigned long long)c->pc);
        else
            snprintf(desc, sizeof(desc), "undefined instruction at pc 0x%llx", (unsigned long long)c->pc);
        sig_force(SIGILL, 1 /* ILL_ILLOPC */, c->pc, desc);
        break;
    }
    case CPU_EXIT_BRK:
        snprintf(desc, sizeof(desc), "breakpoint (BRK #0x%x) at pc 0x%llx", c->exc.iss & 0xffff, (unsigned long long)c->pc);
        sig_force(SIGTRAP, 1 /* TRAP_BRKPT */, c->pc, desc);
        break;
    case CPU_EXIT_ALIGN:
        snprintf(desc, sizeof(desc), "%s alignment fault (address 0x%llx) at pc 0x%llx",
                 c->exc.ec == EC_SP_ALIGN ? "SP" : "PC", (unsigned long long)c->exc.far, (unsigned long long)c->pc);
        sig_force(SIGBUS, 1 /* BUS_ADRALN */, c->exc.ec == EC_PC_ALIGN ? c->pc : c->exc.far, desc);
        break;
    case CPU_EXIT_REQUEST:
    case CPU_EXIT_NONE:
        break;
    default:
        /* System-mode exits (HVC, WFI, MMIO ...) cannot happen at EL0 in user
         * mode; treat anything unexpected as an undefined instruction. */
        snprintf(desc, sizeof(desc), "unexpected CPU exit %d at pc 0x%llx", (int)r, (unsigned long long)c->pc);
        sig_force(SIGILL, 1 /* ILL_ILLOPC */, c->pc, desc);
        break;
    }
}

_Noreturn void run_loop(void)
{
    for (;;) {
        thread_check_exec();
        thread_sync();
        struct cpu *c = tcpu;
        enum cpu_exit r = cpu_run(c);
        handle_exit(c, r);
        thread_check_exec();
        if (sig_pending())
            sig_deliver();
    }
}

int main(int argc, char **argv)
{
    int i = 1;
    const char *model_name = NULL, *argv0 = NULL;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--")) {
            i++;
            break;
        } else if ((!strcmp(argv[i], "--cpu") || !strcmp(argv[i], "-cpu")) && i + 1 < argc) {
            model_name = argv[++i];
        } else if (!strcmp(argv[i], "-E") && i + 1 < argc) {
            char *eq = strchr(argv[++i], '=');
            if (!eq) {
                fprintf(stderr, "nestvm-user: -E needs VAR=VALUE\n");
                return 2;
            }
            *eq = 0;
            setenv(argv[i], eq + 1, 1);
            *eq = '=';
        } else if (!strcmp(argv[i], "-U") && i + 1 < argc) {
            unsetenv(argv[++i]);
        } else if (!strcmp(argv[i], "-0") && i + 1 < argc) {
            argv0 = argv[++i];
        } else if (!strcmp(argv[i], "--strace") || !strcmp(argv[i], "-strace")) {
            P.strace = true;
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "nestvm-user: unknown option %s\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (model_name && !strcmp(model_name, "help")) {
        cpu_model_list(list_model, NULL);
        return 0;
    }
    if (i >= argc) {
        usage(stderr);
        return 2;
    }
    const char *dbg = getenv("NESTVM_USER_DEBUG");
    P.debug = dbg && *dbg && strcmp(dbg, "0");
    const char *st = getenv("NESTVM_USER_STRACE");
    if (st && *st && strcmp(st, "0"))
        P.strace = true;

    P.model = model_name ? cpu_model_find(model_name) : cpu_model_default();
    if (!P.model) {
        fprintf(stderr, "nestvm-user: unknown CPU model '%s' (try --cpu help)\n", model_name);
        return 2;
    }

    char found[PATH_MAX];
    const char *prog = find_program(argv[i], found, sizeof(found));
    char err[256];
    int errnum;
    struct elf_file *f = elf_open(prog, err, sizeof(err), &errnum);
    if (!f) {
        fprintf(stderr, "nestvm-user: %s: %s\n", prog, err);
        return 2;
    }
    char real[PATH_MAX];
    snprintf(P.exe_path, sizeof(P.exe_path), "%s", realpath(prog, real) ? real : prog);

    mm_init();
    sig_init();
    tcpu = proc_new_cpu();
    struct elf_image img;
    if (elf_map(f, &img, err, sizeof(err)) < 0) {
        fprintf(stderr, "nestvm-user: %s: %s\n", prog, err);
        return 2;
    }
    elf_close(f);
    int envc = 0;
    while (environ[envc])
        envc++;
    if (argv0)
        argv[i] = (char *)argv0;
    uint64_t sp = elf_setup_stack(&img, prog, argv + i, argc - i, environ, envc);
    proc_set_cmdline(argv + i, argc - i);
    tcpu->x[REG_SP] = sp;
    tcpu->pc = img.entry;

    thread_init_main();
    run_loop();
}

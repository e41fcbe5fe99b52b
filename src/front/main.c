/* The nestvm command line. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board/board.h"
#include "cpu/cpu.h"
#include "hv/hv.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: nestvm COMMAND [ARGS...]\n"
            "\n"
            "Commands:\n"
            "  run              boot a Linux kernel (see 'nestvm run --help')\n"
            "  cpu-models       list the CPU models and the features each advertises\n"
            "  help             show this help\n"
            "  version          print the version\n"
            "\n"
            "The user-mode runner is a separate program: nestvm-user PROGRAM [ARGS...]\n");
}

static void run_usage(FILE *f)
{
    fprintf(f,
            "usage: nestvm run --kernel IMAGE [options]\n"
            "\n"
            "  --kernel IMAGE      arm64 Linux Image (gzip-compressed accepted); with --nested and\n"
            "                      no --kernel, the default guest: Debian's newest cloud kernel and a\n"
            "                      busybox initramfs that runs a KVM guest of its own (fetched on first use)\n"
            "  --initrd FILE       initial ramdisk\n"
            "  --append STRING     kernel command line\n"
            "  --cpus N            vCPUs (1-%u, default 1)\n"
            "  --memory SIZE       guest RAM, e.g. 512M, 2G (default 512M; a plain number is MiB)\n"
            "  --nested            vCPUs start at EL2 with the virtualization extensions\n"
            "  --cpu-model NAME    CPU model (see 'nestvm cpu-models')\n"
            "  --timeout SECONDS   stop the guest after this long (exit code 4)\n"
            "  --dtb-out FILE      write the generated device tree blob to FILE\n"
            "  --disk PATH[,ro]    virtio-blk disk on a raw image (repeatable, up to %u: vda, vdb, ...)\n"
            "  --net user[,hostfwd=tcp::HOSTPORT-:GUESTPORT]...\n"
            "                      virtio-net with user-mode networking (guest 10.0.2.15, DHCP, DNS)\n"
            "  --console serial|virtio\n"
            "                      stdio on the PL011 (ttyAMA0, default) or on virtio-console (hvc0)\n"
            "  --rng               virtio-rng (host entropy)\n"
            "  --virtio-transport pci|mmio\n"
            "                      virtio devices behind the PCIe host bridge (default) or on virtio-mmio\n"
            "\n"
            "Serial console on stdin/stdout.  Exit codes: 0 guest powered off, 3 guest reset,\n"
            "4 timeout, 2 bad usage or input, 1 internal error.\n",
            hv_max_vcpus(HV_BACKEND_SOFT), BOARD_MAX_DISKS);
}

/* The default guest of `nestvm run --nested` without --kernel: the guest
 * kit's newest cloud kernel with a busybox initramfs that runs kvm-smoke, a
 * KVM guest of its own.  Fetched into the cache on first use. */
#define DEFAULT_KERNEL_ID "7-cloud"

static int run_capture(const char *cmd, char *out, size_t len)
{
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t n = fread(out, 1, len - 1, p);
    out[n] = 0;
    while (n && (out[n - 1] == '\n' || out[n - 1] == '\r'))
        out[--n] = 0;
    int st = pclose(p);
    return st == 0 && n ? 0 : -1;
}

static int default_guest(struct board_config *cfg, char *kernel, char *initrd, size_t len)
{
    const char *kit = getenv("NESTVM_GUEST_KIT");
    char kitbuf[1024];
    if (!kit) {
        snprintf(kitbuf, sizeof(kitbuf), "%s/guest", NESTVM_SOURCE_DIR);
        kit = kitbuf;
    }
    char fetch[1200];
    snprintf(fetch, sizeof(fetch), "%s/fetch", kit);
    if (access(fetch, X_OK) != 0) {
        fprintf(stderr, "nestvm: no --kernel given and the guest kit is not at '%s' (set NESTVM_GUEST_KIT)\n", kit);
        return -1;
    }
    char cmd[4096], smoke[1024];
    fprintf(stderr, "nestvm: preparing the default guest (Debian %s kernel, busybox, kvm-smoke) ...\n", DEFAULT_KERNEL_ID);
    snprintf(cmd, sizeof(cmd), "'%s' %s busybox >&2", fetch, DEFAULT_KERNEL_ID);
    if (system(cmd) != 0) {
        fprintf(stderr, "nestvm: could not fetch the default guest kernel (see above)\n");
        return -1;
    }
    snprintf(cmd, sizeof(cmd), "'%s/build-kvm-smoke'", kit);
    if (run_capture(cmd, smoke, sizeof(smoke)) < 0) {
        fprintf(stderr, "nestvm: could not build kvm-smoke (is gcc-aarch64-linux-gnu installed?)\n");
        return -1;
    }
    snprintf(cmd, sizeof(cmd), "'%s/mkinitramfs' --kernel %s --add '%s:/bin/kvm-smoke' --run kvm-smoke", kit,
             DEFAULT_KERNEL_ID, smoke);
    if (run_capture(cmd, initrd, len) < 0) {
        fprintf(stderr, "nestvm: could not build the initramfs\n");
        return -1;
    }
    const char *cache = getenv("NESTVM_CACHE");
    const char *home = getenv("HOME");
    if (cache)
        snprintf(kernel, len, "%s/kernels/%s/Image", cache, DEFAULT_KERNEL_ID);
    else
        snprintf(kernel, len, "%s/.cache/nestvm/kernels/%s/Image", home ? home : ".", DEFAULT_KERNEL_ID);
    cfg->kernel = kernel;
    cfg->initrd = initrd;
    if (!cfg->cmdline)
        cfg->cmdline = "console=ttyAMA0";
    return 0;
}

/* "512M", "2G", "1048576K", "4096" (MiB). */
static int parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return -1;
    uint64_t mul = 1ull << 20;
    if (*end) {
        switch (*end) {
        case 'k': case 'K': mul = 1ull << 10; break;
        case 'm': case 'M': mul = 1ull << 20; break;
        case 'g': case 'G': mul = 1ull << 30; break;
        default: return -1;
        }
        if (end[1] && strcmp(end + 1, "iB") && strcmp(end + 1, "B"))
            return -1;
    }
    if (v > (1ull << 44) / mul)
        return -1;
    *out = v * mul;
    return 0;
}

static int cmd_run(int argc, char **argv)
{
    struct board_config cfg = { .cpus = 1, .memory = 512ull << 20, .backend = HV_BACKEND_AUTO };
    enum { O_KERNEL = 1, O_INITRD, O_APPEND, O_CPUS, O_MEMORY, O_TIMEOUT, O_DTB_OUT, O_NESTED, O_CPU_MODEL, O_HELP,
           O_DISK, O_NET, O_CONSOLE, O_RNG, O_TRANSPORT };
    static const struct option opts[] = {
        { "kernel", required_argument, 0, O_KERNEL }, { "initrd", required_argument, 0, O_INITRD },
        { "append", required_argument, 0, O_APPEND }, { "cpus", required_argument, 0, O_CPUS },
        { "memory", required_argument, 0, O_MEMORY }, { "timeout", required_argument, 0, O_TIMEOUT },
        { "dtb-out", required_argument, 0, O_DTB_OUT }, { "nested", no_argument, 0, O_NESTED },
        { "cpu-model", required_argument, 0, O_CPU_MODEL }, { "help", no_argument, 0, O_HELP },
        { "disk", required_argument, 0, O_DISK }, { "net", required_argument, 0, O_NET },
        { "console", required_argument, 0, O_CONSOLE }, { "rng", no_argument, 0, O_RNG },
        { "virtio-transport", required_argument, 0, O_TRANSPORT },
        { 0, 0, 0, 0 },
    };
    optind = 1;
    opterr = 0;
    int o;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        char *end;
        switch (o) {
        case O_KERNEL: cfg.kernel = optarg; break;
        case O_INITRD: cfg.initrd = optarg; break;
        case O_APPEND: cfg.cmdline = optarg; break;
        case O_CPUS: {
            long n = strtol(optarg, &end, 10);
            if (*end || n < 1 || n > (long)hv_max_vcpus(HV_BACKEND_SOFT)) {
                fprintf(stderr, "nestvm: --cpus must be a number from 1 to %u, not '%s'\n",
                        hv_max_vcpus(HV_BACKEND_SOFT), optarg);
                return BOARD_EXIT_BAD_INPUT;
            }
            cfg.cpus = (unsigned)n;
            break;
        }
        case O_MEMORY:
            if (parse_size(optarg, &cfg.memory) < 0 || cfg.memory < (64ull << 20) || cfg.memory > (64ull << 30) ||
                (cfg.memory & ((1ull << 20) - 1))) {
                fprintf(stderr, "nestvm: --memory must be a whole number of MiB from 64M to 64G, not '%s'\n", optarg);
                return BOARD_EXIT_BAD_INPUT;
            }
            break;
        case O_TIMEOUT:
            cfg.timeout = strtod(optarg, &end);
            if (*end || !(cfg.timeout > 0) || cfg.timeout > 1e7) {
                fprintf(stderr, "nestvm: --timeout must be a positive number of seconds, not '%s'\n", optarg);
                return BOARD_EXIT_BAD_INPUT;
            }
            break;
        case O_DTB_OUT: cfg.dtb_out = optarg; break;
        case O_NESTED: cfg.nested = true; break;
        case O_CPU_MODEL:
            if (!cpu_model_find(optarg)) {
                fprintf(stderr, "nestvm: unknown CPU model '%s' (see 'nestvm cpu-models')\n", optarg);
                return BOARD_EXIT_BAD_INPUT;
            }
            cfg.cpu_model = optarg;
            break;
        case O_HELP: run_usage(stdout); return 0;
        case O_DISK: {
            if (cfg.ndisks == BOARD_MAX_DISKS) {
                fprintf(stderr, "nestvm: --disk: at most %u disks\n", BOARD_MAX_DISKS);
                return BOARD_EXIT_BAD_INPUT;
            }
            struct board_disk *dk = &cfg.disks[cfg.ndisks++];
            size_t n = strlen(optarg);
            dk->path = optarg;
            if (n >= 3 && !strcmp(optarg + n - 3, ",ro")) {
                optarg[n - 3] = 0;
                dk->readonly = true;
            }
            if (!*dk->path) {
                fprintf(stderr, "nestvm: --disk needs a PATH[,ro]\n");
                return BOARD_EXIT_BAD_INPUT;
            }
            break;
        }
        case O_NET: cfg.net = optarg; break;
        case O_CONSOLE:
            if (!strcmp(optarg, "serial") || !strcmp(optarg, "virtio"))
                cfg.console = optarg[0] == 's' ? BOARD_CONSOLE_SERIAL : BOARD_CONSOLE_VIRTIO;
            else {
                fprintf(stderr, "nestvm: --console must be serial or virtio, not '%s'\n", optarg);
                return BOARD_EXIT_BAD_INPUT;
            }
            break;
        case O_RNG: cfg.rng = true; break;
        case O_TRANSPORT:
            if (!strcmp(optarg, "pci") || !strcmp(optarg, "mmio"))
                cfg.virtio_transport = optarg[0] == 'p' ? BOARD_VIRTIO_PCI : BOARD_VIRTIO_MMIO;
            else {
                fprintf(stderr, "nestvm: --virtio-transport must be pci or mmio, not '%s'\n", optarg);
                return BOARD_EXIT_BAD_INPUT;
            }
            break;
        default:
            fprintf(stderr, "nestvm: run: unknown or incomplete option '%s' (see 'nestvm run --help')\n", argv[optind - 1]);
            return BOARD_EXIT_BAD_INPUT;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "nestvm: run: unexpected argument '%s'\n", argv[optind]);
        return BOARD_EXIT_BAD_INPUT;
    }
    char kernel_path[1024], initrd_path[1024];
    if (!cfg.kernel && cfg.nested && !cfg.initrd) {
        if (default_guest(&cfg, kernel_path, initrd_path, sizeof(kernel_path)) < 0)
            return BOARD_EXIT_BAD_INPUT;
    } else if (!cfg.kernel) {
        fprintf(stderr, "nestvm: run: --kernel IMAGE is required (see 'nestvm run --help')\n");
        return BOARD_EXIT_BAD_INPUT;
    }
    int code;
    struct board *b = board_create(&cfg, &code);
    if (!b)
        return code;
    code = board_run(b);
    board_destroy(b);
    return code;
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
    if (!strcmp(cmd, "run"))
        return cmd_run(argc - 1, argv + 1);
    fprintf(stderr, "nestvm: unknown command '%s' (try 'nestvm help')\n", cmd);
    return 2;
}

/* `nestvm run`: a configuration from --config FILE and/or flags (flags
 * override the file), validated as a whole, then the board. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board/board.h"
#include "control.h"
#include "front.h"

static void run_usage(FILE *f)
{
    fprintf(f,
            "usage: nestvm run [--config FILE] [--kernel IMAGE] [options]\n"
            "\n"
            "  --config FILE          a VM configuration (JSON, docs/config.md); flags override it\n");
    vmcfg_print_flags(f);
    fprintf(f,
            "\n"
            "Serial console on stdin/stdout.  Exit codes: 0 guest powered off, 3 guest reset,\n"
            "4 timeout, 2 bad usage or input, 1 internal error.\n");
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

static int default_guest(struct vm_config *c)
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
    char cmd[4096], smoke[1024], initrd[1024], kernel[1024];
    fprintf(stderr, "nestvm: preparing the default guest (Debian %s kernel, busybox, kvm-smoke) ...\n", DEFAULT_KERNEL_ID);
    snprintf(cmd, sizeof(cmd), "'%s' %s busybox >&2", fetch, DEFAULT_KERNEL_ID);
    if (system(cmd) != 0) {
        fprintf(stderr, "nestvm: could not fetch the default guest kernel (see above)\n");
        return -1;
    }
    snprintf(cmd, sizeof(cmd), "'%s/build-kvm-prog' kvm-smoke", kit);
    if (run_capture(cmd, smoke, sizeof(smoke)) < 0) {
        fprintf(stderr, "nestvm: could not build kvm-smoke (is gcc-aarch64-linux-gnu installed?)\n");
        return -1;
    }
    snprintf(cmd, sizeof(cmd), "'%s/mkinitramfs' --kernel %s --add '%s:/bin/kvm-smoke' --run kvm-smoke", kit,
             DEFAULT_KERNEL_ID, smoke);
    if (run_capture(cmd, initrd, sizeof(initrd)) < 0) {
        fprintf(stderr, "nestvm: could not build the initramfs\n");
        return -1;
    }
    const char *cache = getenv("NESTVM_CACHE");
    const char *home = getenv("HOME");
    if (cache)
        snprintf(kernel, sizeof(kernel), "%s/kernels/%s/Image", cache, DEFAULT_KERNEL_ID);
    else
        snprintf(kernel, sizeof(kernel), "%s/.cache/nestvm/kernels/%s/Image", home ? home : ".", DEFAULT_KERNEL_ID);
    struct problems p = { 0 };
    vmcfg_set(c, "kernel", kernel, "kernel", &p);
    vmcfg_set(c, "initrd", initrd, "initrd", &p);
    if (!vmcfg_get(c->root, "boot_loader.command_line"))
        vmcfg_set(c, "append", "console=ttyAMA0", "append", &p);
    problems_free(&p);
    return 0;
}

int run_config(struct vm_config *c, const char *label)
{
    struct problems p = { 0 };
    vmcfg_validate(c, &p);
    if (p.n) {
        problems_print(&p, label);
        problems_free(&p);
        return BOARD_EXIT_BAD_INPUT;
    }
    struct board_config bc;
    vmcfg_to_board(c, &bc);
    int code;
    struct board *b = board_create(&bc, &code);
    if (!b)
        return code;
    struct control *ctl = NULL;
    const char *sock = vmcfg_api_sock(c);
    if (sock && !(ctl = control_start(b, sock))) {
        board_destroy(b);
        return BOARD_EXIT_BAD_INPUT;
    }
    code = board_run(b);
    control_stop(ctl);
    board_destroy(b);
    return code;
}

int cmd_run(int argc, char **argv)
{
    struct vm_config c;
    struct problems p = { 0 };
    struct run_extra ex = { 0 };
    vmcfg_init(&c);
    int r = vmcfg_from_args(&c, argc, argv, &ex, &p);
    if (r < 0)
        return BOARD_EXIT_BAD_INPUT;
    if (r == 1) {
        run_usage(stdout);
        vmcfg_free(&c);
        return 0;
    }
    const char *file = c.file;  /* the --config file read, or NULL */
    int code = BOARD_EXIT_BAD_INPUT;
    if (p.n) {   /* with whatever else is wrong */
        if (vmcfg_get(c.root, "boot_loader.kernel") || file)
            vmcfg_validate(&c, &p);
        problems_print(&p, file);
        goto out;
    }
    if (!vmcfg_get(c.root, "boot_loader.kernel")) {
        if (!file && json_is_true(vmcfg_get(c.root, "platform.nested_virtualization")) &&
            !vmcfg_get(c.root, "boot_loader.initrd")) {
            if (default_guest(&c) < 0)
                goto out;
        } else if (!file) {
            fprintf(stderr, "nestvm: run: --kernel IMAGE is required (see 'nestvm run --help')\n");
            goto out;
        }
    }
    code = run_config(&c, file);
out:
    problems_free(&p);
    vmcfg_free(&c);
    return code;
}

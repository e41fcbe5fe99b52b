/* The VM library: one directory per VM under $NESTVM_HOME/vms (default
 * ~/.local/share/nestvm/vms) holding config.json and the copied kernel and
 * initrd (disks stay where they are and are referenced by absolute path).
 * A running VM holds an exclusive flock on its "lock" file, which also
 * records its pid, so a second start fails cleanly and `list` can tell. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "front.h"

const char *library_home(void)
{
    static char buf[4096];
    const char *h = getenv("NESTVM_HOME");
    if (h && *h)
        return h;
    const char *home = getenv("HOME");
    snprintf(buf, sizeof(buf), "%s/.local/share/nestvm", home ? home : ".");
    return buf;
}

int library_valid_name(const char *name, struct problems *p)
{
    size_t n = strlen(name);
    bool ok = n > 0 && n <= 64 && name[0] != '.' && name[0] != '-';
    for (size_t i = 0; ok && i < n; i++)
        ok = (name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
             (name[i] >= '0' && name[i] <= '9') || name[i] == '-' || name[i] == '_' || name[i] == '.';
    if (!ok)
        problem_add(p, "'%s' is not a usable VM name: use 1 to 64 letters, digits, '-', '_' or '.', not starting "
                    "with '.' or '-'", name);
    return ok ? 0 : -1;
}

char *library_vm_dir(const char *name, struct problems *p)
{
    if (library_valid_name(name, p) < 0)
        return NULL;
    char *d;
    return asprintf(&d, "%s/vms/%s", library_home(), name) < 0 ? NULL : d;
}

static int mkdirs(const char *path)
{
    char buf[4400];
    snprintf(buf, sizeof(buf), "%s", path);
    for (char *s = buf + 1; *s; s++)
        if (*s == '/') {
            *s = 0;
            if (mkdir(buf, 0755) < 0 && errno != EEXIST)
                return -1;
            *s = '/';
        }
    return mkdir(buf, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

int copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return -1;
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        int e = errno;
        close(in);
        errno = e;
        return -1;
    }
    struct stat st;
    int r = fstat(in, &st);
    off_t left = r == 0 ? st.st_size : 0;
    while (r == 0 && left > 0) {
        ssize_t n = copy_file_range(in, NULL, out, NULL, (size_t)left, 0);
        if (n <= 0) {   /* e.g. across file systems on old kernels: plain copy */
            char buf[1 << 16];
            n = read(in, buf, sizeof(buf));
            if (n <= 0 || write(out, buf, (size_t)n) != n) {
                r = -1;
                break;
            }
        }
        left -= n;
    }
    int e = errno;
    if (close(out) < 0)
        r = -1;
    close(in);
    errno = e;
    return r;
}

static int rm_tree(const char *dir);

/* ---- locks --------------------------------------------------------------- */

/* The pid of the process running VM dir, or 0. */
static long running_pid(const char *dir)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/lock", dir);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    long pid = 0;
    if (flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK) {
        char buf[32] = "";
        ssize_t n = read(fd, buf, sizeof(buf) - 1);
        pid = n > 0 ? strtol(buf, NULL, 10) : -1;
        if (pid == 0)
            pid = -1;
    }
    close(fd);
    return pid;
}

/* Take the VM's lock for the life of this process: fd, or -1 (printed). */
static int take_lock(const char *dir, const char *name)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/lock", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        fprintf(stderr, "nestvm: start: cannot open '%s': %s\n", path, strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        char buf[32] = "";
        ssize_t n = read(fd, buf, sizeof(buf) - 1);
        long pid = n > 0 ? strtol(buf, NULL, 10) : 0;
        if (pid > 0)
            fprintf(stderr, "nestvm: start: VM '%s' is already running (pid %ld)\n", name, pid);
        else
            fprintf(stderr, "nestvm: start: VM '%s' is already running\n", name);
        close(fd);
        return -1;
    }
    char buf[32];
    int len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)len, 0) != len) {
        /* the lock itself still holds */
    }
    return fd;
}

/* ---- helpers ------------------------------------------------------------- */

static int load_vm(const char *name, char **dir_out, struct vm_config *c, const char *cmd)
{
    struct problems p = { 0 };
    char *dir = library_vm_dir(name, &p);
    vmcfg_init(c);
    if (!dir) {
        fprintf(stderr, "nestvm: %s: %s\n", cmd, p.msg[0]);
        problems_free(&p);
        return -1;
    }
    char path[4200];
    snprintf(path, sizeof(path), "%s/config.json", dir);
    if (access(dir, F_OK) != 0) {
        fprintf(stderr, "nestvm: %s: no VM named '%s' (see 'nestvm list')\n", cmd, name);
        free(dir);
        return -1;
    }
    if (vmcfg_load(c, path, &p) < 0) {
        problems_print(&p, path);
        problems_free(&p);
        free(dir);
        return -1;
    }
    *dir_out = dir;
    return 0;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* Copy the file at config key into dir (as name) and point the key at it. */
static int adopt_file(struct vm_config *c, const char *key, const char *dir, const char *name)
{
    const char *src = vmcfg_get_string(c->root, key);
    if (!src)
        return 0;
    char *abs = path_resolve(c->base_dir, src), to[4300];
    snprintf(to, sizeof(to), "%s/%s", dir, name);
    int r = copy_file(abs, to);
    if (r < 0)
        fprintf(stderr, "nestvm: cannot copy '%s' to '%s': %s\n", abs, to, strerror(errno));
    free(abs);
    if (r == 0) {
        struct problems p = { 0 };
        vmcfg_set(c, key, name, NULL, &p);
        problems_free(&p);
    }
    return r;
}

/* Store configuration c as VM name: copies the kernel and initrd, makes
 * other paths absolute.  Used by create and import. */
int library_store(struct vm_config *c, const char *name, const char *cmd, bool copy_disks)
{
    struct problems p = { 0 };
    char *dir = library_vm_dir(name, &p);
    if (!dir) {
        fprintf(stderr, "nestvm: %s: %s\n", cmd, p.msg[0]);
        problems_free(&p);
        return BOARD_EXIT_BAD_INPUT;
    }
    if (access(dir, F_OK) == 0) {
        fprintf(stderr, "nestvm: %s: a VM named '%s' already exists (see 'nestvm show %s'; 'nestvm delete %s' removes it)\n",
                cmd, name, name, name);
        free(dir);
        return BOARD_EXIT_BAD_INPUT;
    }
    /* Disks stay in place: absolute paths. */
    json_t *disks = json_object_get(c->root, "storage"), *d;
    size_t i;
    json_array_foreach(disks, i, d) {
        const char *path = json_string_value(json_object_get(d, "path"));
        if (path) {
            char *abs = path_resolve(c->base_dir, path);
            json_object_set_new(d, "path", json_string(abs));
            free(abs);
        }
    }
    static const char *const abs_keys[] = { "dtb_out", "api_sock" };
    for (unsigned k = 0; k < 2; k++) {
        const char *v = json_string_value(json_object_get(c->root, abs_keys[k]));
        if (v) {
            char *abs = path_resolve(c->base_dir, v);
            json_object_set_new(c->root, abs_keys[k], json_string(abs));
            free(abs);
        }
    }
    char vms[4200];
    snprintf(vms, sizeof(vms), "%s/vms", library_home());
    if (mkdirs(vms) < 0 || mkdir(dir, 0755) < 0) {
        fprintf(stderr, "nestvm: %s: cannot create '%s': %s\n", cmd, dir, strerror(errno));
        free(dir);
        return BOARD_EXIT_INTERNAL;
    }
    const char *kernel = vmcfg_get_string(c->root, "boot_loader.kernel");
    const char *initrd = vmcfg_get_string(c->root, "boot_loader.initrd");
    char kname[300], iname[300];
    snprintf(kname, sizeof(kname), "%s", kernel ? base_name(kernel) : "kernel");
    snprintf(iname, sizeof(iname), "%s", initrd ? base_name(initrd) : "initrd");
    if (!strcmp(kname, iname) || !strcmp(iname, "config.json") || !strcmp(iname, "lock"))
        snprintf(iname, sizeof(iname), "initrd-%s", initrd ? base_name(initrd) : "");
    if (!strcmp(kname, "config.json") || !strcmp(kname, "lock"))
        snprintf(kname, sizeof(kname), "kernel-%s", kernel ? base_name(kernel) : "");
    char cfgpath[4300];
    snprintf(cfgpath, sizeof(cfgpath), "%s/config.json", dir);
    int code = 0, bad = 0;
    if (copy_disks) {
        json_array_foreach(disks, i, d) {
            const char *path = json_string_value(json_object_get(d, "path"));
            char dname[300], to[4700];
            snprintf(dname, sizeof(dname), "%s", path ? base_name(path) : "");
            snprintf(to, sizeof(to), "%s/%s", dir, dname);
            if (!path || !strcmp(dname, kname) || !strcmp(dname, iname) || !strcmp(dname, "config.json") ||
                !strcmp(dname, "lock") || access(to, F_OK) == 0)
                snprintf(dname, sizeof(dname), "disk%zu.img", i);
            snprintf(to, sizeof(to), "%s/%s", dir, dname);
            if (path && copy_file(path, to) < 0) {
                fprintf(stderr, "nestvm: cannot copy '%s' to '%s': %s\n", path, to, strerror(errno));
                bad = 1;
            }
            json_object_set_new(d, "path", json_string(dname));
        }
    }
    if (bad || adopt_file(c, "boot_loader.kernel", dir, kname) < 0 ||
        adopt_file(c, "boot_loader.initrd", dir, iname) < 0 || vmcfg_save(c, cfgpath) < 0) {
        code = BOARD_EXIT_INTERNAL;
        fprintf(stderr, "nestvm: %s: could not store VM '%s' in '%s'\n", cmd, name, dir);
        rm_tree(dir);
    } else {
        printf("nestvm: %s: VM '%s' stored in %s\n", cmd, name, dir);
    }
    free(dir);
    return code;
}

static int rm_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    struct dirent *e;
    int r = 0;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char path[4400];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
            r |= rm_tree(path);
        else
            r |= unlink(path);
    }
    closedir(d);
    return r | rmdir(dir);
}

static void format_size(char *out, size_t len, uint64_t bytes)
{
    if (bytes && bytes % (1ull << 30) == 0)
        snprintf(out, len, "%lluG", (unsigned long long)(bytes >> 30));
    else
        snprintf(out, len, "%lluM", (unsigned long long)(bytes >> 20));
}

/* ---- commands ------------------------------------------------------------ */

int cmd_create(int argc, char **argv)
{
    struct vm_config c;
    struct problems p = { 0 };
    struct run_extra ex = { .allow_name = true };
    vmcfg_init(&c);
    int r = vmcfg_from_args(&c, argc, argv, &ex, &p);
    if (r < 0)
        return BOARD_EXIT_BAD_INPUT;
    if (r == 1) {
        printf("usage: nestvm create NAME [--config FILE] [run flags]   (see 'nestvm run --help')\n");
        vmcfg_free(&c);
        return 0;
    }
    if (!ex.name)
        problem_add(&p, "create: a VM name is required: nestvm create NAME [run flags]");
    else
        library_valid_name(ex.name, &p);
    if (!p.n)
        vmcfg_validate(&c, &p);
    int code = BOARD_EXIT_BAD_INPUT;
    if (p.n)
        problems_print(&p, c.file);
    else
        code = library_store(&c, ex.name, "create", false);
    problems_free(&p);
    vmcfg_free(&c);
    return code;
}

int cmd_list(int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "nestvm: list: takes no arguments\n");
        return BOARD_EXIT_BAD_INPUT;
    }
    char vms[4200];
    snprintf(vms, sizeof(vms), "%s/vms", library_home());
    struct dirent **names = NULL;
    int n = scandir(vms, &names, NULL, alphasort);
    printf("%-20s %-18s %4s %7s %6s\n", "NAME", "STATE", "CPUS", "MEMORY", "NESTED");
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        struct vm_config c;
        char *dir = NULL;
        struct problems p = { 0 };
        char path[4600];
        snprintf(path, sizeof(path), "%s/%s/config.json", vms, name);
        vmcfg_init(&c);
        if (name[0] != '.' && access(path, F_OK) == 0) {
            char state[32], mem[16];
            snprintf(path, sizeof(path), "%s/%s", vms, name);
            long pid = running_pid(path);
            snprintf(state, sizeof(state), pid > 0 ? "running (pid %ld)" : pid ? "running" : "stopped", pid);
            snprintf(path, sizeof(path), "%s/%s/config.json", vms, name);
            if (vmcfg_load(&c, path, &p) == 0) {
                struct board_config bc;
                vmcfg_to_board(&c, &bc);
                format_size(mem, sizeof(mem), bc.memory);
                printf("%-20s %-18s %4u %7s %6s\n", name, state, bc.cpus, mem, bc.nested ? "yes" : "no");
            } else {
                printf("%-20s %-18s %4s %7s %6s\n", name, state, "?", "?", "?");
            }
        }
        problems_free(&p);
        vmcfg_free(&c);
        free(dir);
        free(names[i]);
    }
    free(names);
    return 0;
}

int cmd_show(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "nestvm: show: usage: nestvm show NAME\n");
        return BOARD_EXIT_BAD_INPUT;
    }
    struct vm_config c;
    char *dir;
    if (load_vm(argv[1], &dir, &c, "show") < 0) {
        vmcfg_free(&c);
        return BOARD_EXIT_BAD_INPUT;
    }
    long pid = running_pid(dir);
    printf("name: %s\n", argv[1]);
    if (pid > 0)
        printf("state: running (pid %ld)\n", pid);
    else
        printf("state: %s\n", pid ? "running" : "stopped");
    printf("directory: %s\n", dir);
    char *s = json_dumps(c.root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    printf("config:\n%s\n", s ? s : "{}");
    free(s);
    free(dir);
    vmcfg_free(&c);
    return 0;
}

int cmd_start(int argc, char **argv)
{
    struct run_extra ex = { .allow_name = true };
    struct problems p = { 0 };
    struct vm_config c;
    /* The name first (a scratch parse), so the overriding flags then land
     * on the stored config. */
    struct vm_config scratch;
    vmcfg_init(&scratch);
    int help = vmcfg_parse_flags(&scratch, argc, argv, &ex, &p);
    vmcfg_free(&scratch);
    problems_free(&p);
    const char *name = ex.name;
    ex.name = NULL;
    if (!name || help) {
        fprintf(stderr, "nestvm: start: usage: nestvm start NAME [run flags for this start only]\n");
        return BOARD_EXIT_BAD_INPUT;
    }
    char *dir;
    if (load_vm(name, &dir, &c, "start") < 0) {
        vmcfg_free(&c);
        return BOARD_EXIT_BAD_INPUT;
    }
    vmcfg_parse_flags(&c, argc, argv, &ex, &p);
    if (ex.config)
        problem_add(&p, "start: --config cannot be used with a stored VM (use 'nestvm edit')");
    if (p.n) {
        problems_print(&p, NULL);
        problems_free(&p);
        vmcfg_free(&c);
        free(dir);
        return BOARD_EXIT_BAD_INPUT;
    }
    int code = BOARD_EXIT_BAD_INPUT;
    int lock = take_lock(dir, name);
    if (lock >= 0) {
        code = run_config(&c, c.file);
        if (ftruncate(lock, 0) < 0) {
            /* the lock goes with the process anyway */
        }
        close(lock);
    }
    free(dir);
    vmcfg_free(&c);
    return code;
}

int cmd_edit(int argc, char **argv)
{
    if (argc < 4 || argv[1][0] == '-') {
        fprintf(stderr, "nestvm: edit: usage: nestvm edit NAME --set KEY=VALUE [--set KEY=VALUE]...\n");
        return BOARD_EXIT_BAD_INPUT;
    }
    struct vm_config c;
    char *dir;
    if (load_vm(argv[1], &dir, &c, "edit") < 0) {
        vmcfg_free(&c);
        return BOARD_EXIT_BAD_INPUT;
    }
    struct problems p = { 0 };
    for (int i = 2; i < argc; i++) {
        const char *kv = NULL;
        if (!strcmp(argv[i], "--set") && i + 1 < argc)
            kv = argv[++i];
        else if (!strncmp(argv[i], "--set=", 6))
            kv = argv[i] + 6;
        if (!kv) {
            problem_add(&p, "edit: unexpected argument '%s'; use --set KEY=VALUE", argv[i]);
            continue;
        }
        const char *eq = strchr(kv, '=');
        if (!eq) {
            problem_add(&p, "edit: '%s' is not KEY=VALUE", kv);
            continue;
        }
        char key[128];
        snprintf(key, sizeof(key), "%.*s", (int)(eq - kv), kv);
        vmcfg_set(&c, key, eq + 1, NULL, &p);
    }
    struct problems vp = { 0 };
    if (!p.n)
        vmcfg_validate(&c, &vp);
    int code = 0;
    if (p.n || vp.n) {
        problems_print(&p, NULL);
        problems_print(&vp, c.file);
        fprintf(stderr, "nestvm: edit: nothing was changed\n");
        code = BOARD_EXIT_BAD_INPUT;
    } else if (vmcfg_save(&c, c.file) < 0) {
        fprintf(stderr, "nestvm: edit: cannot write '%s': %s\n", c.file, strerror(errno));
        code = BOARD_EXIT_INTERNAL;
    }
    if (!code)
        printf("nestvm: edit: VM '%s' updated\n", argv[1]);
    problems_free(&vp);
    if (!code && running_pid(dir))
        printf("nestvm: edit: VM '%s' is running; the change applies from its next start\n", argv[1]);
    problems_free(&p);
    free(dir);
    vmcfg_free(&c);
    return code;
}

int cmd_delete(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "nestvm: delete: usage: nestvm delete NAME\n");
        return BOARD_EXIT_BAD_INPUT;
    }
    struct problems p = { 0 };
    char *dir = library_vm_dir(argv[1], &p);
    int code = BOARD_EXIT_BAD_INPUT;
    if (!dir) {
        fprintf(stderr, "nestvm: delete: %s\n", p.msg[0]);
    } else if (access(dir, F_OK) != 0) {
        fprintf(stderr, "nestvm: delete: no VM named '%s' (see 'nestvm list')\n", argv[1]);
    } else if (running_pid(dir)) {
        fprintf(stderr, "nestvm: delete: VM '%s' is running; stop it first\n", argv[1]);
    } else if (rm_tree(dir) < 0) {
        fprintf(stderr, "nestvm: delete: cannot remove '%s': %s\n", dir, strerror(errno));
        code = BOARD_EXIT_INTERNAL;
    } else {
        printf("nestvm: delete: VM '%s' deleted\n", argv[1]);
        code = 0;
    }
    problems_free(&p);
    free(dir);
    return code;
}

int cmd_check(int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "nestvm: check: takes no arguments\n");
        return BOARD_EXIT_BAD_INPUT;
    }
    static const struct { enum hv_backend be; const char *name; } backends[] = {
        { HV_BACKEND_SOFT, "soft" }, { HV_BACKEND_KVM, "kvm" }, { HV_BACKEND_AUTO, "auto" },
    };
    for (unsigned i = 0; i < 3; i++) {
        bool el2 = false;
        const char *why = NULL;
        hv_vm_config_get_el2_supported(backends[i].be, &el2, &why);
        unsigned max = hv_max_vcpus(backends[i].be);
        printf("backend %-4s  %-13s  max vCPUs %-3u  EL2 (nested) %-3s  %s\n", backends[i].name,
               max ? "available" : "not available", max, el2 ? "yes" : "no", why ? why : "");
    }
    long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
    unsigned long long host = pages > 0 && psz > 0 ? (unsigned long long)pages * (unsigned long long)psz >> 20 : 0;
    printf("memory        64M to 64G per VM, whole MiB (this host has %llu MiB)\n", host);
    printf("library       %s/vms\n", library_home());
    return 0;
}

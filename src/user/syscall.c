/* Linux aarch64 syscalls on an x86_64 (or other Linux) host.
 *
 * Guest file descriptors are host file descriptors.  Guest pointers are never
 * dereferenced directly: buffers go through mm_iov()/copy_*_guest(), which
 * check the guest mapping and protection.  Structures whose layout differs
 * between aarch64 and the host (struct stat, epoll_event, open flags) are
 * translated; the others (timespec, rlimit, statfs, sysinfo, rusage, termios,
 * siginfo, pollfd, fd_set ...) have the same layout on every 64-bit Linux.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <linux/futex.h>
#include <time.h>
#include <unistd.h>

#include "sysnames.h"
#include "sysnums.h"
#include "user.h"

#define MAX_IOV 1024
#define PATH_BUF 4096

static int64_t ret(long r)
{
    return r < 0 ? -errno : r;
}

/* ---- open flags: aarch64 differs from x86 in four bits ------------------- */
#define A_O_DIRECTORY 0040000
#define A_O_NOFOLLOW 0100000
#define A_O_DIRECT 0200000
#define A_O_LARGEFILE 0400000

static int oflags_g2h(uint64_t g)
{
    int h = (int)(g & ~(uint64_t)(A_O_DIRECTORY | A_O_NOFOLLOW | A_O_DIRECT | A_O_LARGEFILE));
    if (g & A_O_DIRECTORY) h |= O_DIRECTORY;
    if (g & A_O_NOFOLLOW) h |= O_NOFOLLOW;
    if (g & A_O_DIRECT) h |= O_DIRECT;
    return h;
}

static uint64_t oflags_h2g(int h)
{
    uint64_t g = (uint64_t)(h & ~(O_DIRECTORY | O_NOFOLLOW | O_DIRECT | O_LARGEFILE));
    if (h & O_DIRECTORY) g |= A_O_DIRECTORY;
    if (h & O_NOFOLLOW) g |= A_O_NOFOLLOW;
    if (h & O_DIRECT) g |= A_O_DIRECT;
    g |= A_O_LARGEFILE; /* always set for 64-bit tasks */
    return g;
}

/* ---- paths --------------------------------------------------------------- */

static int get_path(char *buf, uint64_t va)
{
    int r = copy_str_from_guest(buf, va, PATH_BUF);
    if (r < 0)
        return r;
    if (!strcmp(buf, "/proc/self/exe")) {
        snprintf(buf, PATH_BUF, "%s", P.exe_path);
    } else {
        char self[64];
        snprintf(self, sizeof(self), "/proc/%d/exe", (int)getpid());
        if (!strcmp(buf, self))
            snprintf(buf, PATH_BUF, "%s", P.exe_path);
    }
    return 0;
}

#define PATH_ARG(var, va)              \
    char var[PATH_BUF];                \
    do {                               \
        int _r = get_path(var, (va));  \
        if (_r < 0)                    \
            return _r;                 \
    } while (0)

static int g_dirfd(uint64_t d)
{
    return (int)(int32_t)d; /* AT_FDCWD = -100 on both */
}

/* /proc/self files that must describe the guest, not the emulator: served
 * from a memfd.  Returns -ENOENT for every other path. */
static int proc_file(const char *path)
{
    char self[64];
    const char *rest = NULL;
    snprintf(self, sizeof(self), "/proc/%d/", (int)getpid());
    if (!strncmp(path, "/proc/self/", 11))
        rest = path + 11;
    else if (!strncmp(path, self, strlen(self)))
        rest = path + strlen(self);
    else if (!strncmp(path, "/proc/thread-self/", 18))
        rest = path + 18;
    if (!rest || (strcmp(rest, "maps") && strcmp(rest, "cmdline")))
        return -ENOENT;
    int fd = (int)syscall(SYS_memfd_create, "nestvm-proc", 0u);
    if (fd < 0)
        return -errno;
    if (!strcmp(rest, "maps")) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (f) {
            mm_format_maps(f);
            fclose(f);
            if (write(fd, buf, len) < 0)
                len = 0;
            free(buf);
        }
    } else if (P.cmdline && write(fd, P.cmdline, P.cmdline_len) < 0) {
        close(fd);
        return -EIO;
    }
    lseek(fd, 0, SEEK_SET);
    return fd;
}

/* ---- struct stat --------------------------------------------------------- */

static int put_stat(uint64_t va, const struct stat *st)
{
    uint8_t g[128] = { 0 };
    uint64_t q;
    uint32_t w;
#define P64(off, v) (q = (uint64_t)(v), memcpy(g + (off), &q, 8))
#define P32(off, v) (w = (uint32_t)(v), memcpy(g + (off), &w, 4))
    P64(0, st->st_dev);
    P64(8, st->st_ino);
    P32(16, st->st_mode);
    P32(20, st->st_nlink);
    P32(24, st->st_uid);
    P32(28, st->st_gid);
    P64(32, st->st_rdev);
    P64(48, st->st_size);
    P32(56, st->st_blksize);
    P64(64, st->st_blocks);
    P64(72, st->st_atim.tv_sec);
    P64(80, st->st_atim.tv_nsec);
    P64(88, st->st_mtim.tv_sec);
    P64(96, st->st_mtim.tv_nsec);
    P64(104, st->st_ctim.tv_sec);
    P64(112, st->st_ctim.tv_nsec);
#undef P64
#undef P32
    return copy_to_guest(va, g, sizeof(g));
}

/* ---- I/O helpers --------------------------------------------------------- */

static __thread struct iovec iov[MAX_IOV];

static int64_t do_rw(int fd, uint64_t buf, uint64_t len, bool is_write, bool positional, int64_t off)
{
    if (len > 0x7ffff000)
        len = 0x7ffff000;
    int n = mm_iov(buf, len, is_write ? GP_R : GP_W, iov, MAX_IOV);
    if (n < 0)
        return n;
    ssize_t r;
    if (n == 0) {
        char dummy;
        r = is_write ? (positional ? pwrite(fd, &dummy, 0, off) : write(fd, &dummy, 0))
                     : (positional ? pread(fd, &dummy, 0, off) : read(fd, &dummy, 0));
    } else if (is_write) {
        r = positional ? pwritev(fd, iov, n, off) : writev(fd, iov, n);
    } else {
        r = positional ? preadv(fd, iov, n, off) : readv(fd, iov, n);
    }
    if (r < 0)
        return -errno;
    if (!is_write && r > 0)
        cpu_code_invalidate_range(tcpu, buf, (uint64_t)r);
    return r;
}

static int64_t do_rwv(int fd, uint64_t giov, uint64_t cnt, bool is_write, bool positional, int64_t off)
{
    if (cnt > 1024)
        return -EINVAL;
    int n = 0;
    uint64_t total = 0;
    for (uint64_t i = 0; i < cnt; i++) {
        uint64_t e[2];
        int r = copy_from_guest(e, giov + 16 * i, 16);
        if (r < 0)
            return r;
        if (e[1] > 0x7fffffff || total + e[1] > 0x7fffffff)
            return -EINVAL;
        total += e[1];
        int k = mm_iov(e[0], e[1], is_write ? GP_R : GP_W, iov + n, MAX_IOV - n);
        if (k < 0)
            return k;
        n += k;
    }
    ssize_t r;
    if (is_write)
        r = positional ? pwritev(fd, iov, n, off) : writev(fd, iov, n);
    else
        r = positional ? preadv(fd, iov, n, off) : readv(fd, iov, n);
    if (r < 0)
        return -errno;
    /* Translated code in the pages just written must be dropped. */
    for (uint64_t i = 0, left = (uint64_t)r; !is_write && left && i < cnt; i++) {
        uint64_t e[2];
        if (copy_from_guest(e, giov + 16 * i, 16) < 0)
            break;
        uint64_t n = e[1] < left ? e[1] : left;
        cpu_code_invalidate_range(tcpu, e[0], n);
        left -= n;
    }
    return r;
}

/* Copy a host buffer result to the guest. */
static int64_t out_buf(uint64_t va, const void *buf, size_t len, int64_t result)
{
    int r = copy_to_guest(va, buf, len);
    return r < 0 ? r : result;
}

/* ---- ioctl --------------------------------------------------------------- */

static int64_t do_ioctl(int fd, uint64_t req, uint64_t arg)
{
    size_t in = 0, out = 0;
    bool value = false;
    switch ((uint32_t)req) {
    case 0x5401: out = 36; break;                                 /* TCGETS */
    case 0x5402: case 0x5403: case 0x5404: in = 36; break;         /* TCSETS* */
    case 0x5413: out = 8; break;                                  /* TIOCGWINSZ */
    case 0x5414: in = 8; break;                                   /* TIOCSWINSZ */
    case 0x540F: out = 4; break;                                  /* TIOCGPGRP */
    case 0x5410: in = 4; break;                                   /* TIOCSPGRP */
    case 0x541B: out = 4; break;                                  /* FIONREAD */
    case 0x5421: in = 4; break;                                   /* FIONBIO */
    case 0x5429: out = 4; break;                                  /* TIOCGSID */
    case 0x5450: case 0x5451: case 0x5422: value = true; break;   /* FIONCLEX FIOCLEX TIOCNOTTY */
    case 0x540E: case 0x540B: case 0x5409: case 0x540A: value = true; break; /* TIOCSCTTY TCFLSH TCSBRK TCXONC */
    default:
        if (P.debug)
            user_warn("ioctl 0x%llx not supported (fd %d)", (unsigned long long)req, fd);
        return -ENOTTY;
    }
    if (value)
        return ret(ioctl(fd, (unsigned long)req, (unsigned long)arg));
    uint8_t buf[64] = { 0 };
    if (in) {
        int r = copy_from_guest(buf, arg, in);
        if (r < 0)
            return r;
    }
    long r = ioctl(fd, (unsigned long)req, buf);
    if (r < 0)
        return -errno;
    if (out)
        return out_buf(arg, buf, out, r);
    return r;
}

/* ---- fcntl --------------------------------------------------------------- */

static int64_t do_fcntl(int fd, int cmd, uint64_t arg)
{
    switch (cmd) {
    case F_DUPFD: case F_GETFD: case F_SETFD: case F_DUPFD_CLOEXEC: case F_SETOWN: case F_GETOWN:
    case F_SETSIG: case F_GETSIG: case F_SETLEASE: case F_GETLEASE: case F_NOTIFY:
    case F_SETPIPE_SZ: case F_GETPIPE_SZ: case F_ADD_SEALS: case F_GET_SEALS:
        return ret(fcntl(fd, cmd, (long)arg));
    case F_GETFL: {
        int r = fcntl(fd, F_GETFL);
        return r < 0 ? -errno : (int64_t)oflags_h2g(r);
    }
    case F_SETFL:
        return ret(fcntl(fd, F_SETFL, oflags_g2h(arg)));
    case F_GETLK: case F_SETLK: case F_SETLKW: case F_OFD_GETLK: case F_OFD_SETLK: case F_OFD_SETLKW: {
        struct flock fl;
        int r = copy_from_guest(&fl, arg, sizeof(fl));
        if (r < 0)
            return r;
        if (fcntl(fd, cmd, &fl) < 0)
            return -errno;
        if (cmd == F_GETLK || cmd == F_OFD_GETLK)
            return out_buf(arg, &fl, sizeof(fl), 0);
        return 0;
    }
    default:
        if (P.debug)
            user_warn("fcntl cmd %d not supported", cmd);
        return -EINVAL;
    }
}

/* ---- time ---------------------------------------------------------------- */

static int get_timespec(struct timespec *t, uint64_t va)
{
    return copy_from_guest(t, va, sizeof(*t));
}

/* ---- process ------------------------------------------------------------- */

#define G_CLONE_VM 0x00000100
#define G_CLONE_VFORK 0x00004000
#define G_CLONE_SIGHAND 0x00000800
#define G_CLONE_THREAD 0x00010000
#define G_CLONE_SETTLS 0x00080000
#define G_CLONE_PARENT_SETTID 0x00100000
#define G_CLONE_CHILD_CLEARTID 0x00200000
#define G_CLONE_CHILD_SETTID 0x01000000

static int64_t do_clone(struct cpu *c, uint64_t flags, uint64_t newsp, uint64_t ptid, uint64_t tls, uint64_t ctid)
{
    if (flags & G_CLONE_THREAD) {
        if (!(flags & G_CLONE_VM) || !(flags & G_CLONE_SIGHAND))
            return -EINVAL;
        return thread_create(c, flags, newsp, ptid, tls, ctid);
    }
    if ((flags & G_CLONE_VM) && !(flags & G_CLONE_VFORK)) {
        if (P.debug)
            user_warn("clone(CLONE_VM) without CLONE_THREAD or CLONE_VFORK is not supported; returning EINVAL");
        return -EINVAL;
    }
    /* fork, and vfork as fork (the child gets a copy of the memory). */
    int exit_sig = (int)(flags & 0xff);
    fflush(stdout);
    fflush(stderr);
    pid_t pid;
    mm_lock_write(); /* no other thread may hold the VMA lock across fork */
    if (exit_sig == SIGCHLD)
        pid = fork();
    else
        pid = (pid_t)syscall(SYS_clone, (unsigned long)exit_sig, 0ul, NULL, NULL, 0ul);
    int fork_errno = errno;
    if (pid != 0)
        mm_unlock();
    if (pid < 0)
        return -fork_errno;
    if (pid == 0) {
        mm_after_fork_child();
        thread_after_fork_child();
        if (newsp)
            c->x[REG_SP] = newsp;
        if (flags & G_CLONE_SETTLS)
            c->tpidr_el0 = tls;
        int32_t me = (int32_t)getpid();
        if (flags & G_CLONE_CHILD_SETTID)
            copy_to_guest(ctid, &me, 4);
        if (flags & G_CLONE_CHILD_CLEARTID)
            t_clear_child_tid = ctid;
        return 0;
    }
    if (flags & G_CLONE_PARENT_SETTID) {
        int32_t p32 = pid;
        copy_to_guest(ptid, &p32, 4);
    }
    return pid;
}

/* Close the descriptors marked close-on-exec (our exec does not go through
 * the host's execve). */
static void close_cloexec_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return;
    int dfd = dirfd(d);
    int fds[1024], n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 1024) {
        if (e->d_name[0] == '.')
            continue;
        int fd = atoi(e->d_name);
        if (fd == dfd)
            continue;
        int fl = fcntl(fd, F_GETFD);
        if (fl >= 0 && (fl & FD_CLOEXEC))
            fds[n++] = fd;
    }
    closedir(d);
    for (int i = 0; i < n; i++)
        close(fds[i]);
}

/* Is path an ELF executable for the host machine? */
static bool host_native_elf(const char *path)
{
    const char *e = getenv("NESTVM_USER_HOST_EXEC");
    if (e && !strcmp(e, "0"))
        return false;
#if defined(__x86_64__)
    const unsigned host_machine = 62; /* EM_X86_64 */
#elif defined(__aarch64__)
    const unsigned host_machine = 183;
#elif defined(__riscv)
    const unsigned host_machine = 243;
#else
    const unsigned host_machine = 0;
#endif
    unsigned char h[20];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, h, sizeof(h));
    close(fd);
    return n == (ssize_t)sizeof(h) && !memcmp(h, "\177ELF", 4) && (unsigned)(h[18] | h[19] << 8) == host_machine &&
           host_machine != 0;
}

int64_t do_execve(const char *path, char **argv, int argc, char **envp, int envc)
{
    char err[256];
    int errnum = 0;
    /* #! scripts: run the interpreter. */
    for (int depth = 0;; depth++) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return -errno;
        char line[256];
        ssize_t n = read(fd, line, sizeof(line) - 1);
        close(fd);
        if (n < 2 || line[0] != '#' || line[1] != '!')
            break;
        if (depth >= 4)
            return -ELOOP;
        line[n] = 0;
        char *nl = strchr(line, '\n');
        if (!nl)
            return -ENOEXEC;
        *nl = 0;
        char *p = line + 2;
        while (*p == ' ' || *p == '\t')
            p++;
        char *interp = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
        char *iarg = NULL;
        if (*p) {
            *p++ = 0;
            while (*p == ' ' || *p == '\t')
                p++;
            if (*p) {
                iarg = p;
                char *end = iarg + strlen(iarg);
                while (end > iarg && (end[-1] == ' ' || end[-1] == '\t'))
                    *--end = 0;
            }
        }
        if (!*interp)
            return -ENOEXEC;
        char **nargv = calloc((size_t)argc + 4, sizeof(char *));
        int k = 0;
        nargv[k++] = strdup(interp);
        if (iarg)
            nargv[k++] = strdup(iarg);
        nargv[k++] = strdup(path);
        for (int i = 1; i < argc; i++)
            nargv[k++] = argv[i];
        argv = nargv; /* leaked on purpose: exec replaces the image */
        argc = k;
        path = nargv[0];
    }
    struct elf_file *f = elf_open(path, err, sizeof(err), &errnum);
    if (!f) {
        if (P.debug)
            user_warn("execve %s: %s", path, err);
        if (errnum == ENOEXEC && host_native_elf(path)) {
            /* Like qemu-aarch64: a program for the host itself (e.g. /bin/sh
             * from system()) is run by the host kernel. */
            char **hargv = calloc((size_t)argc + 1, sizeof(char *));
            char **henvp = calloc((size_t)envc + 1, sizeof(char *));
            if (!hargv || !henvp)
                return -ENOMEM;
            memcpy(hargv, argv, sizeof(char *) * (size_t)argc);
            memcpy(henvp, envp, sizeof(char *) * (size_t)envc);
            fflush(stdout);
            fflush(stderr);
            execve(path, hargv, henvp);
            int e = errno;
            free(hargv);
            free(henvp);
            return -e;
        }
        return -errnum;
    }
    /* Point of no return. */
    thread_exec_begin();
    char execfn[PATH_BUF];
    snprintf(execfn, sizeof(execfn), "%s", path);
    char real[PATH_MAX];
    if (realpath(path, real))
        snprintf(P.exe_path, sizeof(P.exe_path), "%s", real);
    else
        snprintf(P.exe_path, sizeof(P.exe_path), "%s", path);
    mm_reset();
    sig_exec_reset();
    struct cpu *oldc = tcpu;
    tcpu = proc_new_cpu();
    thread_set_cpu(tcpu);
    cpu_free(oldc);
    struct elf_image img;
    if (elf_map(f, &img, err, sizeof(err)) < 0) {
        fprintf(stderr, "nestvm-user: execve %s: %s\n", path, err);
        _exit(127);
    }
    elf_close(f);
    close_cloexec_fds();
    t_clear_child_tid = 0;
    uint64_t sp = elf_setup_stack(&img, execfn, argv, argc, envp, envc);
    proc_set_cmdline(argv, argc);
    tcpu->x[REG_SP] = sp;
    tcpu->pc = img.entry;
    return 0;
}

static int64_t sys_execve(uint64_t gpath, uint64_t gargv, uint64_t genvp)
{
    PATH_ARG(path, gpath);
    char **vec[2] = { NULL, NULL };
    int cnt[2] = { 0, 0 };
    uint64_t src[2] = { gargv, genvp };
    int64_t r = 0;
    for (int k = 0; k < 2; k++) {
        int capn = 16;
        vec[k] = calloc((size_t)capn + 1, sizeof(char *));
        for (uint64_t i = 0; src[k]; i++) {
            uint64_t p;
            if ((r = copy_from_guest(&p, src[k] + 8 * i, 8)) < 0)
                goto out;
            if (!p)
                break;
            if (cnt[k] >= 65536) {
                r = -E2BIG;
                goto out;
            }
            if (cnt[k] == capn) {
                capn *= 2;
                vec[k] = realloc(vec[k], ((size_t)capn + 1) * sizeof(char *));
            }
            char *s = malloc(131072);
            if ((r = copy_str_from_guest(s, p, 131072)) < 0) {
                free(s);
                r = r == -ENAMETOOLONG ? -E2BIG : r;
                goto out;
            }
            vec[k][cnt[k]++] = realloc(s, strlen(s) + 1);
        }
        vec[k][cnt[k]] = NULL;
    }
    r = do_execve(path, vec[0], cnt[0], vec[1], cnt[1]);
out:
    for (int k = 0; k < 2; k++) {
        if (!vec[k])
            continue;
        for (int i = 0; i < cnt[k]; i++)
            free(vec[k][i]);
        free(vec[k]);
    }
    return r;
}

/* ---- epoll (struct epoll_event is packed on x86_64, 16 bytes on arm64) ---- */

static int64_t do_epoll_ctl(int epfd, int op, int fd, uint64_t gev)
{
    struct epoll_event ev = { 0 };
    if (gev) {
        uint64_t g[2];
        int r = copy_from_guest(g, gev, 16);
        if (r < 0)
            return r;
        ev.events = (uint32_t)g[0];
        ev.data.u64 = g[1];
    }
    return ret(epoll_ctl(epfd, op, fd, gev ? &ev : NULL));
}

static int64_t do_epoll_pwait(int epfd, uint64_t gevs, int maxev, int timeout, uint64_t gmaskp, uint64_t msize)
{
    if (maxev <= 0 || maxev > 4096)
        return -EINVAL;
    struct epoll_event *ev = calloc((size_t)maxev, sizeof(*ev));
    sigset_t hs, *hsp = NULL;
    if (gmaskp) {
        uint64_t m;
        if (msize != 8 || copy_from_guest(&m, gmaskp, 8) < 0) {
            free(ev);
            return -EINVAL;
        }
        sigemptyset(&hs);
        for (int s = 1; s < 32; s++)
            if ((m >> (s - 1) & 1) && s != SIGSEGV && s != SIGBUS && s != SIGILL && s != SIGFPE && s != SIGTRAP)
                sigaddset(&hs, s);
        hsp = &hs;
    }
    int n = epoll_pwait(epfd, ev, maxev, timeout, hsp);
    int64_t r = n < 0 ? -errno : n;
    for (int i = 0; i < n && r >= 0; i++) {
        uint64_t g[2] = { ev[i].events, ev[i].data.u64 };
        int e = copy_to_guest(gevs + 16 * (uint64_t)i, g, 16);
        if (e < 0)
            r = e;
    }
    free(ev);
    return r;
}

static bool host_sigset_from_guest(uint64_t va, uint64_t size, sigset_t *hs)
{
    uint64_t m;
    if (size != 8 || copy_from_guest(&m, va, 8) < 0)
        return false;
    sigemptyset(hs);
    for (int s = 1; s <= 64; s++)
        if ((m >> (s - 1) & 1) && s != SIGSEGV && s != SIGBUS && s != SIGILL && s != SIGFPE && s != SIGTRAP &&
            (s < 32 || s >= SIGRTMIN))
            sigaddset(hs, s);
    return true;
}

/* ---- sendmsg / recvmsg (struct msghdr has the same layout; its pointers
 * are translated) ----------------------------------------------------------- */

static int64_t do_msg(int fd, uint64_t gmsg, int flags, bool send)
{
    uint64_t m[7];
    int r = copy_from_guest(m, gmsg, 56);
    if (r < 0)
        return r;
    uint64_t gname = m[0], giov = m[2], giovlen = m[3], gctl = m[4], gctllen = m[5];
    uint32_t namelen = (uint32_t)m[1];
    uint8_t name[128];
    static __thread uint8_t ctl[4096];
    if (namelen > sizeof(name) || gctllen > sizeof(ctl) || giovlen > 1024)
        return -EINVAL;
    if (send && gname && namelen && (r = copy_from_guest(name, gname, namelen)) < 0)
        return r;
    if (send && gctl && gctllen && (r = copy_from_guest(ctl, gctl, gctllen)) < 0)
        return r;
    int n = 0;
    for (uint64_t i = 0; i < giovlen; i++) {
        uint64_t e[2];
        if ((r = copy_from_guest(e, giov + 16 * i, 16)) < 0)
            return r;
        int k = mm_iov(e[0], e[1], send ? GP_R : GP_W, iov + n, MAX_IOV - n);
        if (k < 0)
            return k;
        n += k;
    }
    struct msghdr h = { .msg_name = gname ? name : NULL, .msg_namelen = gname ? (send ? namelen : sizeof(name)) : 0,
                        .msg_iov = iov, .msg_iovlen = (size_t)n, .msg_control = gctl ? ctl : NULL,
                        .msg_controllen = gctl ? gctllen : 0, .msg_flags = 0 };
    ssize_t k = send ? sendmsg(fd, &h, flags) : recvmsg(fd, &h, flags);
    if (k < 0)
        return -errno;
    if (!send) {
        if (gname && (r = copy_to_guest(gname, name, h.msg_namelen < namelen ? h.msg_namelen : namelen)) < 0)
            return r;
        if (gctl && h.msg_controllen && (r = copy_to_guest(gctl, ctl, h.msg_controllen)) < 0)
            return r;
        uint32_t nl = h.msg_namelen;
        uint64_t cl = h.msg_controllen;
        int32_t fl = h.msg_flags;
        if ((r = copy_to_guest(gmsg + 8, &nl, 4)) < 0 || (r = copy_to_guest(gmsg + 40, &cl, 8)) < 0 ||
            (r = copy_to_guest(gmsg + 48, &fl, 4)) < 0)
            return r;
        for (uint64_t i = 0, left = (uint64_t)k; left && i < giovlen; i++) {
            uint64_t e[2];
            if (copy_from_guest(e, giov + 16 * i, 16) < 0)
                break;
            uint64_t n = e[1] < left ? e[1] : left;
            cpu_code_invalidate_range(tcpu, e[0], n);
            left -= n;
        }
    }
    return k;
}

/* ---- the dispatcher ------------------------------------------------------ */

static bool restartable(uint64_t nr)
{
    switch (nr) {
    case A64_SYS_read: case A64_SYS_write: case A64_SYS_readv: case A64_SYS_writev:
    case A64_SYS_pread64: case A64_SYS_pwrite64: case A64_SYS_openat: case A64_SYS_wait4:
    case A64_SYS_waitid: case A64_SYS_ioctl: case A64_SYS_fcntl: case A64_SYS_flock:
    case A64_SYS_futex: case A64_SYS_sendfile: case A64_SYS_connect: case A64_SYS_accept:
    case A64_SYS_accept4: case A64_SYS_recvfrom: case A64_SYS_sendto:
        return true;
    }
    return false;
}

static int64_t dispatch(struct cpu *c, uint64_t nr, bool *noret);

void do_syscall(struct cpu *c)
{
    uint64_t nr = c->x[8];
    uint64_t orig_x0 = c->x[0];
    bool noret = false;
    int64_t r = dispatch(c, nr, &noret);
    thread_check_exec();
    c = tcpu; /* execve replaces the CPU */
    if (P.strace)
        fprintf(stderr, "[nestvm-user %d] %s(0x%llx, 0x%llx, 0x%llx) = %lld\n", (int)syscall(SYS_gettid),
                nr < A64_NSYSNAMES && a64_sysnames[nr] ? a64_sysnames[nr] : "?", (unsigned long long)orig_x0,
                (unsigned long long)c->x[1], (unsigned long long)c->x[2], (long long)r);
    if (noret)
        return;
    if (r == -EINTR && restartable(nr) && sig_should_restart()) {
        c->pc -= 4;
        c->x[0] = orig_x0;
        return;
    }
    c->x[0] = (uint64_t)r;
}

static int64_t dispatch(struct cpu *c, uint64_t nr, bool *noret)
{
    uint64_t a0 = c->x[0], a1 = c->x[1], a2 = c->x[2], a3 = c->x[3], a4 = c->x[4], a5 = c->x[5];
    int fd = (int)(int32_t)a0;
    int r;
    switch (nr) {
    /* ---- files ---- */
    case A64_SYS_read: return do_rw(fd, a1, a2, false, false, 0);
    case A64_SYS_write: return do_rw(fd, a1, a2, true, false, 0);
    case A64_SYS_pread64: return do_rw(fd, a1, a2, false, true, (int64_t)a3);
    case A64_SYS_pwrite64: return do_rw(fd, a1, a2, true, true, (int64_t)a3);
    case A64_SYS_readv: return do_rwv(fd, a1, a2, false, false, 0);
    case A64_SYS_writev: return do_rwv(fd, a1, a2, true, false, 0);
    case A64_SYS_preadv: return do_rwv(fd, a1, a2, false, true, (int64_t)a3);
    case A64_SYS_pwritev: return do_rwv(fd, a1, a2, true, true, (int64_t)a3);
    case A64_SYS_openat: {
        PATH_ARG(path, a1);
        int e = proc_file(path);
        if (e != -ENOENT)
            return e;
        return ret(openat(g_dirfd(a0), path, oflags_g2h(a2), (mode_t)a3));
    }
    case A64_SYS_close: return ret(close(fd));
    case A64_SYS_close_range: return ret(syscall(SYS_close_range, (unsigned)a0, (unsigned)a1, (unsigned)a2));
    case A64_SYS_lseek: return ret(lseek(fd, (off_t)a1, (int)a2));
    case A64_SYS_fstat: {
        struct stat st;
        if (fstat(fd, &st) < 0)
            return -errno;
        return put_stat(a1, &st);
    }
    case A64_SYS_fstatat: {
        PATH_ARG(path, a1);
        struct stat st;
        if (fstatat(g_dirfd(a0), path, &st, (int)a3) < 0)
            return -errno;
        return put_stat(a2, &st);
    }
    case A64_SYS_statx: {
        PATH_ARG(path, a1);
        struct statx sx;
        if (statx(g_dirfd(a0), path, (int)a2, (unsigned)a3, &sx) < 0)
            return -errno;
        return out_buf(a4, &sx, sizeof(sx), 0);
    }
    case A64_SYS_statfs: {
        PATH_ARG(path, a0);
        struct statfs s;
        if (statfs(path, &s) < 0)
            return -errno;
        return out_buf(a1, &s, 120, 0);
    }
    case A64_SYS_fstatfs: {
        struct statfs s;
        if (fstatfs(fd, &s) < 0)
            return -errno;
        return out_buf(a1, &s, 120, 0);
    }
    case A64_SYS_getdents64: {
        uint64_t n = a2 > 65536 ? 65536 : a2;
        char *buf = malloc(n ? n : 1);
        long k = syscall(SYS_getdents64, fd, buf, (unsigned long)n);
        int64_t res = k < 0 ? -errno : (k > 0 ? out_buf(a1, buf, (size_t)k, k) : 0);
        free(buf);
        return res;
    }
    case A64_SYS_readlinkat: {
        PATH_ARG(path, a1);
        char tmp[PATH_BUF];
        char in[PATH_BUF];
        copy_str_from_guest(in, a1, PATH_BUF);
        ssize_t k;
        if (strcmp(in, path) != 0) { /* /proc/self/exe */
            k = (ssize_t)strlen(P.exe_path);
            memcpy(tmp, P.exe_path, (size_t)k);
        } else {
            k = readlinkat(g_dirfd(a0), path, tmp, sizeof(tmp));
            if (k < 0)
                return -errno;
        }
        if ((int64_t)a3 <= 0)
            return -EINVAL;
        if ((uint64_t)k > a3)
            k = (ssize_t)a3;
        return out_buf(a2, tmp, (size_t)k, k);
    }
    case A64_SYS_faccessat: {
        PATH_ARG(path, a1);
        return ret(faccessat(g_dirfd(a0), path, (int)a2, 0));
    }
    case A64_SYS_faccessat2: {
        PATH_ARG(path, a1);
        return ret(syscall(SYS_faccessat2, g_dirfd(a0), path, (int)a2, (int)a3));
    }
    case A64_SYS_fcntl: return do_fcntl(fd, (int)a1, a2);
    case A64_SYS_ioctl: return do_ioctl(fd, a1, a2);
    case A64_SYS_dup: return ret(dup(fd));
    case A64_SYS_dup3: return ret(dup3(fd, (int)a1, oflags_g2h(a2)));
    case A64_SYS_pipe2: {
        int p[2];
        if (pipe2(p, oflags_g2h(a1)) < 0)
            return -errno;
        int32_t g[2] = { p[0], p[1] };
        r = copy_to_guest(a0, g, 8);
        if (r < 0) {
            close(p[0]);
            close(p[1]);
            return r;
        }
        return 0;
    }
    case A64_SYS_getcwd: {
        char buf[PATH_BUF];
        if (!getcwd(buf, sizeof(buf)))
            return -errno;
        size_t n = strlen(buf) + 1;
        if (n > a1)
            return -ERANGE;
        return out_buf(a0, buf, n, (int64_t)n);
    }
    case A64_SYS_chdir: {
        PATH_ARG(path, a0);
        return ret(chdir(path));
    }
    case A64_SYS_fchdir: return ret(fchdir(fd));
    case A64_SYS_chroot: return -EPERM;
    case A64_SYS_mkdirat: {
        PATH_ARG(path, a1);
        return ret(mkdirat(g_dirfd(a0), path, (mode_t)a2));
    }
    case A64_SYS_mknodat: {
        PATH_ARG(path, a1);
        return ret(mknodat(g_dirfd(a0), path, (mode_t)a2, (dev_t)a3));
    }
    case A64_SYS_unlinkat: {
        PATH_ARG(path, a1);
        return ret(unlinkat(g_dirfd(a0), path, (int)a2));
    }
    case A64_SYS_renameat: {
        PATH_ARG(p1, a1);
        PATH_ARG(p2, a3);
        return ret(renameat(g_dirfd(a0), p1, g_dirfd(a2), p2));
    }
    case A64_SYS_renameat2: {
        PATH_ARG(p1, a1);
        PATH_ARG(p2, a3);
        return ret(syscall(SYS_renameat2, g_dirfd(a0), p1, g_dirfd(a2), p2, (unsigned)a4));
    }
    case A64_SYS_symlinkat: {
        PATH_ARG(p1, a0);
        PATH_ARG(p2, a2);
        return ret(symlinkat(p1, g_dirfd(a1), p2));
    }
    case A64_SYS_linkat: {
        PATH_ARG(p1, a1);
        PATH_ARG(p2, a3);
        return ret(linkat(g_dirfd(a0), p1, g_dirfd(a2), p2, (int)a4));
    }
    case A64_SYS_fchmod: return ret(fchmod(fd, (mode_t)a1));
    case A64_SYS_fchmodat: {
        PATH_ARG(path, a1);
        return ret(fchmodat(g_dirfd(a0), path, (mode_t)a2, 0));
    }
    case A64_SYS_fchown: return ret(fchown(fd, (uid_t)a1, (gid_t)a2));
    case A64_SYS_fchownat: {
        PATH_ARG(path, a1);
        return ret(fchownat(g_dirfd(a0), path, (uid_t)a2, (gid_t)a3, (int)a4));
    }
    case A64_SYS_utimensat: {
        struct timespec ts[2];
        char path[PATH_BUF];
        if (a1 && (r = get_path(path, a1)) < 0)
            return r;
        if (a2 && (r = copy_from_guest(ts, a2, sizeof(ts))) < 0)
            return r;
        return ret(syscall(SYS_utimensat, g_dirfd(a0), a1 ? path : NULL, a2 ? ts : NULL, (int)a3));
    }
    case A64_SYS_truncate: {
        PATH_ARG(path, a0);
        return ret(truncate(path, (off_t)a1));
    }
    case A64_SYS_ftruncate: return ret(ftruncate(fd, (off_t)a1));
    case A64_SYS_fallocate: return ret(fallocate(fd, (int)a1, (off_t)a2, (off_t)a3));
    case A64_SYS_fsync: return ret(fsync(fd));
    case A64_SYS_fdatasync: return ret(fdatasync(fd));
    case A64_SYS_sync: sync(); return 0;
    case A64_SYS_syncfs: return ret(syncfs(fd));
    case A64_SYS_sync_file_range: return 0;
    case A64_SYS_flock: return ret(flock(fd, (int)a1));
    case A64_SYS_umask: return umask((mode_t)a0);
    case A64_SYS_sendfile: {
        off_t off, *offp = NULL;
        if (a2) {
            if ((r = copy_from_guest(&off, a2, 8)) < 0)
                return r;
            offp = &off;
        }
        ssize_t k = sendfile(fd, (int)a1, offp, (size_t)a3);
        if (k < 0)
            return -errno;
        if (offp && (r = copy_to_guest(a2, &off, 8)) < 0)
            return r;
        return k;
    }
    case A64_SYS_copy_file_range: {
        off_t o1, o2;
        if (a1 && (r = copy_from_guest(&o1, a1, 8)) < 0)
            return r;
        if (a3 && (r = copy_from_guest(&o2, a3, 8)) < 0)
            return r;
        ssize_t k = copy_file_range(fd, a1 ? &o1 : NULL, (int)a2, a3 ? &o2 : NULL, (size_t)a4, (unsigned)a5);
        if (k < 0)
            return -errno;
        if (a1)
            copy_to_guest(a1, &o1, 8);
        if (a3)
            copy_to_guest(a3, &o2, 8);
        return k;
    }
    case A64_SYS_memfd_create: {
        PATH_ARG(name, a0);
        return ret(syscall(SYS_memfd_create, name, (unsigned)a1));
    }
    case A64_SYS_eventfd2: return ret(syscall(SYS_eventfd2, (unsigned)a0, oflags_g2h(a1)));
    case A64_SYS_ppoll: {
        if (a1 > 4096)
            return -EINVAL;
        struct pollfd *pf = calloc(a1 ? a1 : 1, sizeof(*pf));
        if (a1 && (r = copy_from_guest(pf, a0, a1 * sizeof(*pf))) < 0) {
            free(pf);
            return r;
        }
        struct timespec t, *tp = NULL;
        sigset_t hs, *hsp = NULL;
        if (a2) {
            if ((r = get_timespec(&t, a2)) < 0) {
                free(pf);
                return r;
            }
            tp = &t;
        }
        if (a3) {
            if (!host_sigset_from_guest(a3, a4, &hs)) {
                free(pf);
                return -EINVAL;
            }
            hsp = &hs;
        }
        int k = ppoll(pf, (nfds_t)a1, tp, hsp);
        int64_t res = k < 0 ? -errno : k;
        if (k >= 0 && a1)
            res = out_buf(a0, pf, a1 * sizeof(*pf), k);
        if (k >= 0 && a2)
            copy_to_guest(a2, &t, sizeof(t));
        free(pf);
        return res;
    }
    case A64_SYS_pselect6: {
        int n = (int)a0;
        if (n < 0 || n > FD_SETSIZE)
            return -EINVAL;
        fd_set s[3];
        uint64_t g[3] = { a1, a2, a3 };
        size_t bytes = (size_t)((n + 63) / 64) * 8;
        for (int i = 0; i < 3; i++) {
            FD_ZERO(&s[i]);
            if (g[i] && bytes && (r = copy_from_guest(&s[i], g[i], bytes)) < 0)
                return r;
        }
        struct timespec t, *tp = NULL;
        if (a4) {
            if ((r = get_timespec(&t, a4)) < 0)
                return r;
            tp = &t;
        }
        sigset_t hs, *hsp = NULL;
        if (a5) {
            uint64_t sm[2];
            if ((r = copy_from_guest(sm, a5, 16)) < 0)
                return r;
            if (sm[0]) {
                if (!host_sigset_from_guest(sm[0], sm[1], &hs))
                    return -EINVAL;
                hsp = &hs;
            }
        }
        int k = pselect(n, g[0] ? &s[0] : NULL, g[1] ? &s[1] : NULL, g[2] ? &s[2] : NULL, tp, hsp);
        if (k < 0)
            return -errno;
        for (int i = 0; i < 3; i++)
            if (g[i] && bytes && (r = copy_to_guest(g[i], &s[i], bytes)) < 0)
                return r;
        return k;
    }
    case A64_SYS_epoll_create1: return ret(epoll_create1(oflags_g2h(a0)));
    case A64_SYS_epoll_ctl: return do_epoll_ctl(fd, (int)a1, (int)a2, a3);
    case A64_SYS_epoll_pwait: return do_epoll_pwait(fd, a1, (int)a2, (int)a3, a4, a5);

    /* ---- sockets (plain buffers only) ---- */
    case A64_SYS_socket: return ret(socket((int)a0, (int)a1, (int)a2));
    case A64_SYS_socketpair: {
        int sv[2];
        if (socketpair((int)a0, (int)a1, (int)a2, sv) < 0)
            return -errno;
        int32_t g[2] = { sv[0], sv[1] };
        return out_buf(a3, g, 8, 0);
    }
    case A64_SYS_bind: case A64_SYS_connect: {
        uint8_t sa[128];
        if (a2 > sizeof(sa))
            return -EINVAL;
        if ((r = copy_from_guest(sa, a1, a2)) < 0)
            return r;
        return ret(nr == A64_SYS_bind ? bind(fd, (struct sockaddr *)sa, (socklen_t)a2)
                                      : connect(fd, (struct sockaddr *)sa, (socklen_t)a2));
    }
    case A64_SYS_listen: return ret(listen(fd, (int)a1));
    case A64_SYS_shutdown: return ret(shutdown(fd, (int)a1));
    case A64_SYS_accept: case A64_SYS_accept4: case A64_SYS_getsockname: case A64_SYS_getpeername: {
        uint8_t sa[128];
        uint32_t len = 0;
        if (a1 && (r = copy_from_guest(&len, a2, 4)) < 0)
            return r;
        socklen_t hl = sizeof(sa);
        int k;
        if (nr == A64_SYS_accept || nr == A64_SYS_accept4)
            k = accept4(fd, a1 ? (struct sockaddr *)sa : NULL, a1 ? &hl : NULL, nr == A64_SYS_accept4 ? oflags_g2h(a3) : 0);
        else if (nr == A64_SYS_getsockname)
            k = getsockname(fd, (struct sockaddr *)sa, &hl);
        else
            k = getpeername(fd, (struct sockaddr *)sa, &hl);
        if (k < 0)
            return -errno;
        if (a1) {
            uint32_t n = hl < len ? hl : len;
            if ((r = copy_to_guest(a1, sa, n)) < 0 || (r = copy_to_guest(a2, &hl, 4)) < 0)
                return r;
        }
        return k;
    }
    case A64_SYS_sendto: {
        uint8_t sa[128];
        if (a4 && (a5 > sizeof(sa) || (r = copy_from_guest(sa, a4, a5)) < 0))
            return a5 > sizeof(sa) ? -EINVAL : r;
        void *buf = malloc(a2 ? a2 : 1);
        if (a2 && (r = copy_from_guest(buf, a1, a2)) < 0) {
            free(buf);
            return r;
        }
        ssize_t k = sendto(fd, buf, a2, (int)a3, a4 ? (struct sockaddr *)sa : NULL, (socklen_t)(a4 ? a5 : 0));
        free(buf);
        return ret(k);
    }
    case A64_SYS_recvfrom: {
        uint8_t sa[128];
        socklen_t hl = sizeof(sa);
        void *buf = malloc(a2 ? a2 : 1);
        ssize_t k = recvfrom(fd, buf, a2, (int)a3, a4 ? (struct sockaddr *)sa : NULL, a4 ? &hl : NULL);
        int64_t res = k < 0 ? -errno : out_buf(a1, buf, (size_t)k, k);
        free(buf);
        if (res >= 0 && a4) {
            uint32_t len;
            if ((r = copy_from_guest(&len, a5, 4)) < 0)
                return r;
            copy_to_guest(a4, sa, hl < len ? hl : len);
            copy_to_guest(a5, &hl, 4);
        }
        return res;
    }
    case A64_SYS_setsockopt: {
        uint8_t v[256];
        if (a4 > sizeof(v))
            return -EINVAL;
        if ((r = copy_from_guest(v, a3, a4)) < 0)
            return r;
        return ret(setsockopt(fd, (int)a1, (int)a2, v, (socklen_t)a4));
    }
    case A64_SYS_getsockopt: {
        uint8_t v[256];
        uint32_t len;
        if ((r = copy_from_guest(&len, a4, 4)) < 0)
            return r;
        socklen_t hl = len > sizeof(v) ? sizeof(v) : len;
        if (getsockopt(fd, (int)a1, (int)a2, v, &hl) < 0)
            return -errno;
        if ((r = copy_to_guest(a3, v, hl)) < 0 || (r = copy_to_guest(a4, &hl, 4)) < 0)
            return r;
        return 0;
    }

    case A64_SYS_sendmsg: case A64_SYS_recvmsg: return do_msg(fd, a1, (int)a2, nr == A64_SYS_sendmsg);

    /* ---- timers, inotify ---- */
    case A64_SYS_timer_create: {
        uint8_t ev[64];
        if (a1 && (r = copy_from_guest(ev, a1, sizeof(ev))) < 0)
            return r;
        int tid = 0;
        if (syscall(SYS_timer_create, (clockid_t)a0, a1 ? ev : NULL, &tid) < 0)
            return -errno;
        return out_buf(a2, &tid, 4, 0);
    }
    case A64_SYS_timer_settime: case A64_SYS_timerfd_settime: {
        struct itimerspec n, o;
        if ((r = copy_from_guest(&n, a2, sizeof(n))) < 0)
            return r;
        long k = syscall(nr == A64_SYS_timer_settime ? SYS_timer_settime : SYS_timerfd_settime, (int)a0, (int)a1, &n, &o);
        if (k < 0)
            return -errno;
        if (a3)
            return out_buf(a3, &o, sizeof(o), 0);
        return 0;
    }
    case A64_SYS_timer_gettime: case A64_SYS_timerfd_gettime: {
        struct itimerspec o;
        if (syscall(nr == A64_SYS_timer_gettime ? SYS_timer_gettime : SYS_timerfd_gettime, (int)a0, &o) < 0)
            return -errno;
        return out_buf(a1, &o, sizeof(o), 0);
    }
    case A64_SYS_timer_getoverrun: return ret(syscall(SYS_timer_getoverrun, (int)a0));
    case A64_SYS_timer_delete: return ret(syscall(SYS_timer_delete, (int)a0));
    case A64_SYS_timerfd_create: return ret(syscall(SYS_timerfd_create, (int)a0, oflags_g2h(a1)));
    case A64_SYS_inotify_init1: return ret(syscall(SYS_inotify_init1, oflags_g2h(a0)));
    case A64_SYS_inotify_add_watch: {
        PATH_ARG(path, a1);
        return ret(syscall(SYS_inotify_add_watch, fd, path, (uint32_t)a2));
    }
    case A64_SYS_inotify_rm_watch: return ret(syscall(SYS_inotify_rm_watch, fd, (int)a1));
    case A64_SYS_fadvise64: return ret(syscall(SYS_fadvise64, fd, (off_t)a1, (off_t)a2, (int)a3));
    case A64_SYS_readahead: return 0;

    /* ---- memory ---- */
    case A64_SYS_brk: return sys_brk(a0);
    case A64_SYS_mmap: return sys_mmap(a0, a1, (int)a2, (int)a3, (int)(int32_t)a4, (int64_t)a5);
    case A64_SYS_munmap: return sys_munmap(a0, a1);
    case A64_SYS_mprotect: return sys_mprotect(a0, a1, (int)a2);
    case A64_SYS_mremap: return sys_mremap(a0, a1, a2, (int)a3, a4);
    case A64_SYS_madvise: return sys_madvise(a0, a1, (int)a2);
    case A64_SYS_msync: return sys_msync(a0, a1, (int)a2);
    case A64_SYS_mincore: return sys_mincore(a0, a1, a2);
    case A64_SYS_mlock: case A64_SYS_munlock: case A64_SYS_mlockall: case A64_SYS_munlockall:
    case A64_SYS_mlock2:
        return 0;

    /* ---- process ---- */
    case A64_SYS_exit:
        thread_exit((int)(a0 & 0xff));
    case A64_SYS_exit_group:
        fflush(stdout);
        fflush(stderr);
        _exit((int)(a0 & 0xff));
    case A64_SYS_set_tid_address:
        t_clear_child_tid = a0;
        return syscall(SYS_gettid);
    case A64_SYS_set_robust_list: return 0;
    case A64_SYS_get_robust_list: return -ENOSYS;
    case A64_SYS_rseq: return -ENOSYS;
    case A64_SYS_clone: return do_clone(c, a0, a1, a2, a3, a4);
    case A64_SYS_clone3: return -ENOSYS;
    case A64_SYS_execve: {
        int64_t res = sys_execve(a0, a1, a2);
        if (res == 0)
            *noret = true;
        return res;
    }
    case A64_SYS_wait4: {
        int status = 0;
        struct rusage ru;
        pid_t p = wait4((pid_t)a0, a1 ? &status : NULL, (int)a2, a3 ? &ru : NULL);
        if (p < 0)
            return -errno;
        if (p > 0 && a1 && (r = copy_to_guest(a1, &status, 4)) < 0)
            return r;
        if (p > 0 && a3 && (r = copy_to_guest(a3, &ru, sizeof(ru))) < 0)
            return r;
        return p;
    }
    case A64_SYS_waitid: {
        siginfo_t si;
        memset(&si, 0, sizeof(si));
        struct rusage ru;
        long k = syscall(SYS_waitid, (int)a0, (pid_t)a1, &si, (int)a3, a4 ? &ru : NULL);
        if (k < 0)
            return -errno;
        if (a2 && (r = copy_to_guest(a2, &si, 128)) < 0)
            return r;
        if (a4 && (r = copy_to_guest(a4, &ru, sizeof(ru))) < 0)
            return r;
        return k;
    }
    case A64_SYS_getpid: return getpid();
    case A64_SYS_gettid: return syscall(SYS_gettid);
    case A64_SYS_getppid: return getppid();
    case A64_SYS_getuid: return getuid();
    case A64_SYS_geteuid: return geteuid();
    case A64_SYS_getgid: return getgid();
    case A64_SYS_getegid: return getegid();
    case A64_SYS_getresuid: case A64_SYS_getresgid: {
        uint32_t v[3];
        if (nr == A64_SYS_getresuid)
            getresuid(&v[0], &v[1], &v[2]);
        else
            getresgid(&v[0], &v[1], &v[2]);
        if ((r = copy_to_guest(a0, &v[0], 4)) < 0 || (r = copy_to_guest(a1, &v[1], 4)) < 0 ||
            (r = copy_to_guest(a2, &v[2], 4)) < 0)
            return r;
        return 0;
    }
    case A64_SYS_setuid: return ret(syscall(SYS_setuid, (uid_t)a0));
    case A64_SYS_setgid: return ret(syscall(SYS_setgid, (gid_t)a0));
    case A64_SYS_setreuid: return ret(syscall(SYS_setreuid, (uid_t)a0, (uid_t)a1));
    case A64_SYS_setregid: return ret(syscall(SYS_setregid, (gid_t)a0, (gid_t)a1));
    case A64_SYS_setresuid: return ret(syscall(SYS_setresuid, (uid_t)a0, (uid_t)a1, (uid_t)a2));
    case A64_SYS_setresgid: return ret(syscall(SYS_setresgid, (gid_t)a0, (gid_t)a1, (gid_t)a2));
    case A64_SYS_setfsuid: return ret(syscall(SYS_setfsuid, (uid_t)a0));
    case A64_SYS_setfsgid: return ret(syscall(SYS_setfsgid, (gid_t)a0));
    case A64_SYS_getgroups: {
        if ((int)a0 < 0)
            return -EINVAL;
        gid_t g[256];
        int n = getgroups(a0 > 256 ? 256 : (int)a0, g);
        if (n < 0)
            return -errno;
        if (a0 && (r = copy_to_guest(a1, g, (size_t)n * 4)) < 0)
            return r;
        return n;
    }
    case A64_SYS_setgroups: return -EPERM;
    case A64_SYS_getpgid: return ret(getpgid((pid_t)a0));
    case A64_SYS_setpgid: return ret(setpgid((pid_t)a0, (pid_t)a1));
    case A64_SYS_getsid: return ret(getsid((pid_t)a0));
    case A64_SYS_setsid: return ret(setsid());
    case A64_SYS_uname: {
        struct utsname u;
        uname(&u);
        snprintf(u.machine, sizeof(u.machine), "aarch64");
        return out_buf(a0, &u, sizeof(u), 0);
    }
    case A64_SYS_sethostname: case A64_SYS_setdomainname: return -EPERM;
    case A64_SYS_getrlimit: case A64_SYS_setrlimit: case A64_SYS_prlimit64: {
        uint64_t pid = 0, res = a0, nl = 0, ol = 0;
        if (nr == A64_SYS_getrlimit)
            ol = a1;
        else if (nr == A64_SYS_setrlimit)
            nl = a1;
        else
            pid = a0, res = a1, nl = a2, ol = a3;
        struct rlimit n, o;
        if (nl && (r = copy_from_guest(&n, nl, sizeof(n))) < 0)
            return r;
        if (prlimit((pid_t)pid, (int)res, nl ? &n : NULL, ol ? &o : NULL) < 0)
            return -errno;
        if (ol)
            return out_buf(ol, &o, sizeof(o), 0);
        return 0;
    }
    case A64_SYS_getrusage: {
        struct rusage ru;
        if (getrusage((int)a0, &ru) < 0)
            return -errno;
        return out_buf(a1, &ru, sizeof(ru), 0);
    }
    case A64_SYS_times: {
        struct tms t;
        clock_t k = times(&t);
        if (a0 && (r = copy_to_guest(a0, &t, sizeof(t))) < 0)
            return r;
        return (int64_t)k;
    }
    case A64_SYS_getpriority: return ret(syscall(SYS_getpriority, (int)a0, (int)a1));
    case A64_SYS_setpriority: return ret(setpriority((int)a0, (id_t)a1, (int)a2));
    case A64_SYS_sched_yield: sched_yield(); return 0;
    case A64_SYS_sched_getaffinity: {
        uint8_t m[128] = { 0 };
        long k = syscall(SYS_sched_getaffinity, (pid_t)a0, a1 < sizeof(m) ? a1 : sizeof(m), m);
        if (k < 0)
            return -errno;
        return out_buf(a2, m, (size_t)k, k);
    }
    case A64_SYS_sched_setaffinity: return 0;
    case A64_SYS_sched_getscheduler: return 0;
    case A64_SYS_sched_getparam: {
        int32_t z = 0;
        return out_buf(a1, &z, 4, 0);
    }
    case A64_SYS_getcpu: {
        uint32_t z = 0;
        if (a0 && (r = copy_to_guest(a0, &z, 4)) < 0)
            return r;
        if (a1 && (r = copy_to_guest(a1, &z, 4)) < 0)
            return r;
        return 0;
    }
    case A64_SYS_personality: return 0;
    case A64_SYS_prctl:
        if (a0 == PR_SET_NAME) {
            char name[16] = { 0 };
            copy_str_from_guest(name, a1, 16);
            return ret(prctl(PR_SET_NAME, name));
        }
        if (a0 == PR_GET_NAME) {
            char name[16] = { 0 };
            prctl(PR_GET_NAME, name);
            return out_buf(a1, name, 16, 0);
        }
        switch (a0) {
        case PR_SET_PDEATHSIG: case PR_GET_DUMPABLE: case PR_SET_DUMPABLE: case PR_SET_CHILD_SUBREAPER:
        case PR_SET_NO_NEW_PRIVS: case PR_GET_NO_NEW_PRIVS: case PR_GET_TIMERSLACK: case PR_SET_TIMERSLACK:
            return ret(prctl((int)a0, (unsigned long)a1, (unsigned long)a2, (unsigned long)a3, (unsigned long)a4));
        case PR_GET_PDEATHSIG: {
            int v = 0;
            if (prctl(PR_GET_PDEATHSIG, &v) < 0)
                return -errno;
            return out_buf(a1, &v, 4, 0);
        }
        }
        if (P.debug)
            user_warn("prctl %llu not supported", (unsigned long long)a0);
        return -EINVAL;
    case A64_SYS_sysinfo: {
        struct sysinfo si;
        sysinfo(&si);
        return out_buf(a0, &si, sizeof(si), 0);
    }
    case A64_SYS_getrandom: {
        if (a1 > 1 << 20)
            a1 = 1 << 20;
        uint8_t *b = malloc(a1 ? a1 : 1);
        ssize_t k = getrandom(b, a1, (unsigned)a2);
        int64_t res = k < 0 ? -errno : out_buf(a0, b, (size_t)k, k);
        free(b);
        return res;
    }

    /* ---- time ---- */
    case A64_SYS_clock_gettime: case A64_SYS_clock_getres: {
        struct timespec t;
        int k = nr == A64_SYS_clock_gettime ? clock_gettime((clockid_t)a0, &t) : clock_getres((clockid_t)a0, &t);
        if (k < 0)
            return -errno;
        if (a1)
            return out_buf(a1, &t, sizeof(t), 0);
        return 0;
    }
    case A64_SYS_gettimeofday: {
        struct timeval tv;
        gettimeofday(&tv, NULL);
        if (a0 && (r = copy_to_guest(a0, &tv, sizeof(tv))) < 0)
            return r;
        if (a1) {
            int32_t tz[2] = { 0, 0 };
            if ((r = copy_to_guest(a1, tz, 8)) < 0)
                return r;
        }
        return 0;
    }
    case A64_SYS_nanosleep: case A64_SYS_clock_nanosleep: {
        struct timespec t, rem = { 0, 0 };
        uint64_t req = nr == A64_SYS_nanosleep ? a0 : a2, remp = nr == A64_SYS_nanosleep ? a1 : a3;
        if ((r = get_timespec(&t, req)) < 0)
            return r;
        int k;
        if (nr == A64_SYS_nanosleep)
            k = nanosleep(&t, &rem) < 0 ? errno : 0;
        else
            k = clock_nanosleep((clockid_t)a0, (int)a1, &t, &rem);
        if (k == EINTR && remp && !(nr == A64_SYS_clock_nanosleep && (a1 & TIMER_ABSTIME)))
            copy_to_guest(remp, &rem, sizeof(rem));
        return -k;
    }
    case A64_SYS_setitimer: {
        struct itimerval n, o;
        if ((r = copy_from_guest(&n, a1, sizeof(n))) < 0)
            return r;
        if (setitimer((int)a0, &n, &o) < 0)
            return -errno;
        if (a2)
            return out_buf(a2, &o, sizeof(o), 0);
        return 0;
    }
    case A64_SYS_getitimer: {
        struct itimerval o;
        if (getitimer((int)a0, &o) < 0)
            return -errno;
        return out_buf(a1, &o, sizeof(o), 0);
    }

    /* ---- futex: the host futex on the host address of the word ---- */
    case A64_SYS_futex: {
        struct iovec iov;
        if (a0 & 3)
            return -EINVAL;
        if (mm_iov(a0, 4, GP_R, &iov, 1) != 1)
            return -EFAULT;
        int op = (int)a1 & 127;
        struct timespec t, *tp = NULL;
        if ((op == FUTEX_WAIT || op == FUTEX_WAIT_BITSET) && a3) {
            if ((r = get_timespec(&t, a3)) < 0)
                return r;
            tp = &t;
        }
        switch (op) {
        case FUTEX_WAIT: case FUTEX_WAKE: case FUTEX_WAIT_BITSET: case FUTEX_WAKE_BITSET:
            return ret(syscall(SYS_futex, iov.iov_base, (int)a1, (uint32_t)a2, tp, NULL, (uint32_t)a5));
        default:
            if (P.debug)
                user_warn("futex op %d not supported", op);
            return -ENOSYS;
        }
    }

    /* ---- signals ---- */
    case A64_SYS_rt_sigaction: return sys_rt_sigaction((int)a0, a1, a2, a3);
    case A64_SYS_rt_sigprocmask: return sys_rt_sigprocmask((int)a0, a1, a2, a3);
    case A64_SYS_rt_sigreturn: *noret = true; return sys_rt_sigreturn();
    case A64_SYS_sigaltstack: return sys_sigaltstack(a0, a1);
    case A64_SYS_rt_sigpending: return sys_rt_sigpending(a0, a1);
    case A64_SYS_rt_sigsuspend: return sys_rt_sigsuspend(a0, a1);
    case A64_SYS_rt_sigtimedwait: return sys_rt_sigtimedwait(a0, a1, a2, a3);
    case A64_SYS_kill:
        if ((pid_t)a0 == getpid())
            return sys_kill_self((int)a1);
        fflush(stdout);
        return ret(kill((pid_t)a0, (int)a1));
    case A64_SYS_tkill:
        if ((pid_t)a0 == (pid_t)syscall(SYS_gettid))
            return sys_kill_self((int)a1);
        return ret(syscall(SYS_tkill, (pid_t)a0, (int)a1));
    case A64_SYS_tgkill:
        if ((pid_t)a1 == (pid_t)syscall(SYS_gettid) && ((pid_t)a0 == getpid() || (int)a0 == -1))
            return sys_kill_self((int)a2);
        return ret(syscall(SYS_tgkill, (pid_t)a0, (pid_t)a1, (int)a2));
    case A64_SYS_capget: case A64_SYS_capset: return -EPERM;
    case A64_SYS_membarrier: return -ENOSYS;

    default:
        if (P.debug)
            user_warn("unsupported syscall %llu (%s, x0=0x%llx) -> ENOSYS", (unsigned long long)nr,
                      nr < A64_NSYSNAMES && a64_sysnames[nr] ? a64_sysnames[nr] : "unknown", (unsigned long long)a0);
        return -ENOSYS;
    }
}

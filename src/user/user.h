/* nestvm-user: run a static aarch64 Linux program at EL0 on the software CPU.
 *
 * One guest process per host process (fork of the guest = fork of the host).
 * The guest address space is a sorted table of VMAs, each backed by host
 * memory obtained with mmap; the CPU's TLB misses are served from it (mm.c).
 * Syscalls are translated to host syscalls (syscall.c), signals are emulated
 * (signal.c) and the ELF loader builds the initial image (elf.c).
 */
#ifndef NESTVM_USER_H
#define NESTVM_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "cpu.h"

#define G_PAGE 4096ull
#define G_PAGE_MASK (~(G_PAGE - 1))
#define PAGE_UP(x) (((x) + G_PAGE - 1) & G_PAGE_MASK)
#define PAGE_DOWN(x) ((x) & G_PAGE_MASK)

/* Guest address space layout (48-bit VA like Linux/arm64). */
#define G_TASK_SIZE (1ull << 48)
#define G_STACK_TOP 0xfffffffff000ull
#define G_STACK_SIZE (8ull << 20)
#define G_MMAP_BASE 0xfffff0000000ull       /* top-down mmap allocations start below */
#define G_ET_DYN_BASE 0xaaaaaaaa0000ull     /* static-PIE load address */
#define G_MMAP_MIN 0x10000ull

/* Guest protection bits (same values as PROT_*). */
#define GP_R 1
#define GP_W 2
#define GP_X 4

/* VMA flags. */
#define VMA_SHARED 1   /* MAP_SHARED: writes reach the file / other processes */
#define VMA_FILE 2     /* file backed */
#define VMA_HOSTRO 4   /* host mapping is read-only (shared mapping of a read-only fd) */

struct vma {
    uint64_t start, end; /* guest [start, end), page aligned */
    int prot;            /* GP_* */
    int flags;           /* VMA_* */
    uint8_t *host;       /* host address of start */
};

/* ---- mm.c ---------------------------------------------------------------- */
void mm_init(void);
void mm_reset(void); /* drop every mapping (execve) */
bool mm_tlb_fill(struct cpu *c, uint64_t va, enum access_kind acc, struct tlb_entry *e, struct exc_info *exc);
/* Map [addr, addr+len) (addr page aligned) fixed; replaces what was there. */
int64_t mm_map_fixed(uint64_t addr, uint64_t len, int prot, int vflags, int hostflags, int fd, off_t off);
/* Find a free range of len bytes (top-down from the mmap base); 0 if none. */
uint64_t mm_find_free(uint64_t len, uint64_t hint);
bool mm_range_free(uint64_t start, uint64_t end);
int mm_unmap(uint64_t start, uint64_t len);
int mm_protect(uint64_t start, uint64_t len, int prot);
int mm_prot_at(uint64_t va); /* -1 if unmapped */
/* Host pointer for guest va regardless of protection (loader use); NULL if unmapped. */
uint8_t *mm_host(uint64_t va);
/* Split [va, va+len) into host iovecs if every byte is mapped with prot; returns
 * the number of iovecs or -EFAULT. */
int mm_iov(uint64_t va, uint64_t len, int prot, struct iovec *iov, int max);
int copy_from_guest(void *dst, uint64_t va, size_t len);
int copy_to_guest(uint64_t va, const void *src, size_t len);
/* Copy a NUL-terminated string (max bytes incl. NUL); -EFAULT / -ENAMETOOLONG. */
int copy_str_from_guest(char *dst, uint64_t va, size_t max);
/* Syscalls. */
int64_t sys_brk(uint64_t addr);
int64_t sys_mmap(uint64_t addr, uint64_t len, int prot, int flags, int fd, int64_t off);
int64_t sys_munmap(uint64_t addr, uint64_t len);
int64_t sys_mprotect(uint64_t addr, uint64_t len, int prot);
int64_t sys_mremap(uint64_t old, uint64_t oldsz, uint64_t newsz, int flags, uint64_t newaddr);
int64_t sys_madvise(uint64_t addr, uint64_t len, int advice);
int64_t sys_msync(uint64_t addr, uint64_t len, int flags);
int64_t sys_mincore(uint64_t addr, uint64_t len, uint64_t vec);
void mm_set_brk(uint64_t start);
void mm_dump(void);
#include <stdio.h>
void mm_format_maps(FILE *f);

/* ---- elf.c --------------------------------------------------------------- */
struct elf_image {
    uint64_t entry;      /* biased entry point */
    uint64_t phdr;       /* guest address of the program headers */
    uint64_t phnum, phent;
    uint64_t load_bias;
    uint64_t brk;        /* end of the highest segment */
    bool exec_stack;
};
struct elf_file; /* validated, not yet loaded */
/* Open and validate; on error returns NULL with a message in err and *errnum set
 * to a Linux errno for execve. */
struct elf_file *elf_open(const char *path, char *err, size_t errlen, int *errnum);
void elf_close(struct elf_file *f);
/* Map the file into the (empty) address space. */
int elf_map(struct elf_file *f, struct elf_image *img, char *err, size_t errlen);
/* Build the initial stack; returns the initial sp. */
uint64_t elf_setup_stack(const struct elf_image *img, const char *execfn, char *const argv[], int argc,
                         char *const envp[], int envc);

/* ---- signal.c ------------------------------------------------------------ */
#define G_NSIG 64
struct g_sigaction {
    uint64_t handler;
    uint64_t flags;
    uint64_t restorer;
    uint64_t mask;
};
#define G_SIG_DFL 0
#define G_SIG_IGN 1
void sig_init(void);
void sig_thread_init(uint64_t mask);
void sig_exec_reset(void);
/* Queue a signal for the guest (si: 128-byte Linux siginfo, may be NULL). */
void sig_queue(int sig, const void *si);
/* A synchronous fault of the current instruction. */
void sig_force(int sig, int code, uint64_t addr, const char *desc);
bool sig_pending(void);
/* Deliver deliverable pending signals to the guest (sets up frames). */
void sig_deliver(void);
/* If a syscall returned -EINTR and a pending signal's handler has SA_RESTART,
 * the caller restarts the syscall. */
bool sig_should_restart(void);
int64_t sys_rt_sigaction(int sig, uint64_t act, uint64_t oact, uint64_t sigsetsize);
int64_t sys_rt_sigprocmask(int how, uint64_t set, uint64_t oset, uint64_t sigsetsize);
int64_t sys_rt_sigreturn(void);
int64_t sys_sigaltstack(uint64_t ss, uint64_t oss);
int64_t sys_rt_sigpending(uint64_t set, uint64_t size);
int64_t sys_rt_sigsuspend(uint64_t set, uint64_t size);
int64_t sys_rt_sigtimedwait(uint64_t set, uint64_t info, uint64_t ts, uint64_t size);
int64_t sys_kill_self(int sig);
uint64_t sig_get_mask(void);
void sig_set_mask(uint64_t m);
/* Terminate the host process the way signal sig would. */
_Noreturn void sig_die(int sig);

/* ---- syscall.c ----------------------------------------------------------- */
void do_syscall(struct cpu *c);
int64_t do_execve(const char *path, char **argv, int argc, char **envp, int envc);

/* ---- process state (main.c) ---------------------------------------------- */
struct proc {
    const struct cpu_model *model;
    char exe_path[4096];   /* absolute path of the running program (/proc/self/exe) */
    char *cmdline;         /* argv joined with NULs (/proc/self/cmdline) */
    size_t cmdline_len;
    bool debug;            /* NESTVM_USER_DEBUG */
    bool strace;           /* NESTVM_USER_STRACE */
};
extern struct proc P;

/* Per guest thread (one host thread each). */
extern __thread struct cpu *tcpu;
extern __thread uint64_t t_clear_child_tid;

struct cpu *proc_new_cpu(void);
void proc_set_cmdline(char *const argv[], int argc);
_Noreturn void run_loop(void);

/* ---- thread.c ------------------------------------------------------------ */
void thread_init_main(void);
int thread_count(void);
void thread_set_cpu(struct cpu *c);
/* Ask every other thread to flush its TLB (and translated code) before it
 * runs guest code again; returns the new epoch. */
uint64_t thread_shootdown(bool code);
/* Run-loop hook: apply a pending shootdown to this thread's CPU. */
void thread_sync(void);
/* Lowest epoch every live thread has acknowledged. */
uint64_t thread_min_acked(void);
int64_t thread_create(struct cpu *parent, uint64_t flags, uint64_t newsp, uint64_t ptid, uint64_t tls, uint64_t ctid);
_Noreturn void thread_exit(int code);
void thread_after_fork_child(void);
void thread_exec_begin(void);
void thread_check_exec(void);
void mm_lock_write(void);
void mm_unlock(void);
void mm_reclaim(void);
void mm_after_fork_child(void);
void user_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif

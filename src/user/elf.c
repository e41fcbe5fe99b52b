/* ELF64 aarch64 loader: static executables (ET_EXEC) and static-PIE (ET_DYN
 * without PT_INTERP).  Everything about the file is validated in elf_open()
 * before the address space is touched, so execve can still fail cleanly. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/random.h>
#include <unistd.h>

#include "model.h"
#include "user.h"

#define MAX_PHNUM 128

struct elf_file {
    int fd;
    uint64_t size;
    Elf64_Ehdr eh;
    Elf64_Phdr ph[MAX_PHNUM];
    uint64_t bias;
};

#define FAIL(en, ...)                                 \
    do {                                              \
        snprintf(err, errlen, __VA_ARGS__);           \
        *errnum = (en);                               \
        goto fail;                                    \
    } while (0)

struct elf_file *elf_open(const char *path, char *err, size_t errlen, int *errnum)
{
    struct elf_file *f = calloc(1, sizeof(*f));
    if (!f) {
        snprintf(err, errlen, "out of memory");
        *errnum = ENOMEM;
        return NULL;
    }
    f->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (f->fd < 0)
        FAIL(errno, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(f->fd, &st) < 0)
        FAIL(errno, "cannot stat: %s", strerror(errno));
    if (S_ISDIR(st.st_mode))
        FAIL(EACCES, "is a directory");
    if (!S_ISREG(st.st_mode))
        FAIL(EACCES, "not a regular file");
    f->size = (uint64_t)st.st_size;
    ssize_t n = pread(f->fd, &f->eh, sizeof(f->eh), 0);
    if (n < 4 || memcmp(f->eh.e_ident, ELFMAG, SELFMAG) != 0)
        FAIL(ENOEXEC, "not an ELF file");
    if (n < (ssize_t)sizeof(f->eh))
        FAIL(ENOEXEC, "truncated ELF file (header)");
    if (f->eh.e_ident[EI_CLASS] != ELFCLASS64)
        FAIL(ENOEXEC, "not a 64-bit ELF file");
    if (f->eh.e_ident[EI_DATA] != ELFDATA2LSB)
        FAIL(ENOEXEC, "not a little-endian ELF file");
    if (f->eh.e_ident[EI_VERSION] != EV_CURRENT)
        FAIL(ENOEXEC, "unsupported ELF version");
    if (f->eh.e_machine != EM_AARCH64)
        FAIL(ENOEXEC, "wrong machine (e_machine %u, expected aarch64 = %u)", f->eh.e_machine, EM_AARCH64);
    if (f->eh.e_type != ET_EXEC && f->eh.e_type != ET_DYN)
        FAIL(ENOEXEC, "not an executable (e_type %u)", f->eh.e_type);
    if (f->eh.e_phentsize != sizeof(Elf64_Phdr))
        FAIL(ENOEXEC, "bad program header size %u", f->eh.e_phentsize);
    if (f->eh.e_phnum == 0 || f->eh.e_phnum > MAX_PHNUM)
        FAIL(ENOEXEC, "bad program header count %u", f->eh.e_phnum);
    uint64_t phsz = (uint64_t)f->eh.e_phnum * sizeof(Elf64_Phdr);
    if (f->eh.e_phoff > f->size || phsz > f->size - f->eh.e_phoff)
        FAIL(ENOEXEC, "truncated ELF file (program headers beyond end of file)");
    if (pread(f->fd, f->ph, phsz, (off_t)f->eh.e_phoff) != (ssize_t)phsz)
        FAIL(ENOEXEC, "truncated ELF file (cannot read program headers)");

    uint64_t lo = ~0ull, hi = 0, align = G_PAGE;
    int nload = 0;
    for (int i = 0; i < f->eh.e_phnum; i++) {
        const Elf64_Phdr *p = &f->ph[i];
        if (p->p_type == PT_INTERP)
            FAIL(ENOEXEC, "dynamically linked ELF (has PT_INTERP) is not supported; build with -static");
        if (p->p_type == PT_DYNAMIC && f->eh.e_type == ET_EXEC)
            FAIL(ENOEXEC, "dynamically linked ELF (has PT_DYNAMIC) is not supported; build with -static");
        if (p->p_type != PT_LOAD)
            continue;
        nload++;
        if (p->p_filesz > p->p_memsz)
            FAIL(ENOEXEC, "bad segment %d (file size larger than memory size)", i);
        if (p->p_filesz && (p->p_offset > f->size || p->p_filesz > f->size - p->p_offset))
            FAIL(ENOEXEC, "truncated ELF file (segment %d beyond end of file)", i);
        if (p->p_vaddr + p->p_memsz < p->p_vaddr || p->p_vaddr + p->p_memsz > G_TASK_SIZE)
            FAIL(ENOEXEC, "segment %d out of range (vaddr 0x%llx size 0x%llx)", i, (unsigned long long)p->p_vaddr,
                 (unsigned long long)p->p_memsz);
        if ((p->p_vaddr & (G_PAGE - 1)) != (p->p_offset & (G_PAGE - 1)))
            FAIL(ENOEXEC, "segment %d misaligned (vaddr and offset differ modulo the page size)", i);
        if (p->p_vaddr < lo)
            lo = p->p_vaddr;
        if (p->p_vaddr + p->p_memsz > hi)
            hi = p->p_vaddr + p->p_memsz;
        if (p->p_align > align && p->p_align <= (1ull << 30) && !(p->p_align & (p->p_align - 1)))
            align = p->p_align;
    }
    if (nload == 0)
        FAIL(ENOEXEC, "no loadable segments");
    if (f->eh.e_type == ET_DYN) {
        f->bias = ((G_ET_DYN_BASE + align - 1) & ~(align - 1)) - PAGE_DOWN(lo);
    }
    uint64_t blo = PAGE_DOWN(lo + f->bias), bhi = PAGE_UP(hi + f->bias);
    if (blo < G_MMAP_MIN || bhi > G_MMAP_BASE - G_STACK_SIZE || bhi < blo)
        FAIL(ENOEXEC, "segments out of range (0x%llx-0x%llx)", (unsigned long long)blo, (unsigned long long)bhi);
    for (int i = 0, prev = -1; i < f->eh.e_phnum; i++) {
        if (f->ph[i].p_type != PT_LOAD)
            continue;
        if (prev >= 0 && f->ph[i].p_vaddr < f->ph[prev].p_vaddr + f->ph[prev].p_memsz)
            FAIL(ENOEXEC, "overlapping or unsorted segments");
        prev = i;
    }
    uint64_t entry = f->eh.e_entry + f->bias;
    if (entry < blo || entry >= bhi)
        FAIL(ENOEXEC, "entry point 0x%llx outside the loaded segments", (unsigned long long)entry);
    return f;
fail:
    if (f->fd >= 0)
        close(f->fd);
    free(f);
    return NULL;
}

void elf_close(struct elf_file *f)
{
    if (!f)
        return;
    if (f->fd >= 0)
        close(f->fd);
    free(f);
}

static int elf_prot(uint32_t pf)
{
    return (pf & PF_R ? GP_R : 0) | (pf & PF_W ? GP_W : 0) | (pf & PF_X ? GP_X : 0);
}

int elf_map(struct elf_file *f, struct elf_image *img, char *err, size_t errlen)
{
    memset(img, 0, sizeof(*img));
    uint64_t bias = f->bias, prev_end = 0, brk = 0;
    img->load_bias = bias;
    img->entry = f->eh.e_entry + bias;
    img->phnum = f->eh.e_phnum;
    img->phent = sizeof(Elf64_Phdr);
    for (int i = 0; i < f->eh.e_phnum; i++) {
        const Elf64_Phdr *p = &f->ph[i];
        if (p->p_type == PT_GNU_STACK)
            img->exec_stack = (p->p_flags & PF_X) != 0;
        if (p->p_type == PT_PHDR)
            img->phdr = p->p_vaddr + bias;
        if (p->p_type != PT_LOAD)
            continue;
        int prot = elf_prot(p->p_flags);
        uint64_t s = PAGE_DOWN(p->p_vaddr + bias), e = PAGE_UP(p->p_vaddr + p->p_memsz + bias);
        if (p->p_memsz == 0)
            continue;
        if (s < prev_end) {
            /* The first page(s) are shared with the previous segment. */
            for (uint64_t a = s; a < prev_end && a < e; a += G_PAGE)
                mm_protect(a, G_PAGE, mm_prot_at(a) | prot);
            s = prev_end;
        }
        if (s < e) {
            int64_t r = mm_map_fixed(s, e - s, prot, 0, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (r < 0) {
                snprintf(err, errlen, "cannot map segment %d: %s", i, strerror((int)-r));
                return (int)r;
            }
        }
        if (p->p_filesz) {
            struct iovec iov[8];
            int n = mm_iov(p->p_vaddr + bias, p->p_filesz, 0, iov, 8);
            if (n < 0 || preadv(f->fd, iov, n, (off_t)p->p_offset) != (ssize_t)p->p_filesz) {
                snprintf(err, errlen, "cannot read segment %d", i);
                return -EIO;
            }
        }
        /* The image's program headers: in the segment that holds them. */
        if (!img->phdr && f->eh.e_phoff >= p->p_offset && f->eh.e_phoff - p->p_offset < p->p_filesz)
            img->phdr = p->p_vaddr + bias + (f->eh.e_phoff - p->p_offset);
        if (e > prev_end)
            prev_end = e;
        if (p->p_vaddr + p->p_memsz + bias > brk)
            brk = p->p_vaddr + p->p_memsz + bias;
    }
    img->brk = brk;
    return 0;
}

/* ---- initial stack ------------------------------------------------------- */

struct stk {
    uint64_t sp;
    uint8_t *top_host; /* host address of G_STACK_TOP */
};

static uint8_t *stk_host(uint64_t va)
{
    return mm_host(va);
}

static uint64_t push_bytes(uint64_t *sp, const void *data, size_t len)
{
    *sp -= len;
    /* The stack VMA is one contiguous host mapping. */
    memcpy(stk_host(*sp), data, len);
    return *sp;
}

static void put64(uint64_t va, uint64_t v)
{
    memcpy(stk_host(va), &v, 8);
}

uint64_t elf_setup_stack(const struct elf_image *img, const char *execfn, char *const argv[], int argc,
                         char *const envp[], int envc)
{
    uint64_t top = G_STACK_TOP, base = top - G_STACK_SIZE;
    int prot = GP_R | GP_W | (img->exec_stack ? GP_X : 0);
    if (mm_map_fixed(base, G_STACK_SIZE, prot, 0, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0) < 0) {
        fprintf(stderr, "nestvm-user: cannot map the stack\n");
        exit(1);
    }
    uint64_t sp = top - 16;
    uint64_t execfn_va = push_bytes(&sp, execfn, strlen(execfn) + 1);
    uint64_t *envv = calloc((size_t)envc + 1, 8), *argvv = calloc((size_t)argc + 1, 8);
    size_t strbytes = 0;
    for (int i = 0; i < envc; i++)
        strbytes += strlen(envp[i]) + 1;
    for (int i = 0; i < argc; i++)
        strbytes += strlen(argv[i]) + 1;
    if (!envv || !argvv || strbytes > G_STACK_SIZE / 4) {
        fprintf(stderr, "nestvm-user: argument list too long\n");
        exit(1);
    }
    for (int i = envc - 1; i >= 0; i--)
        envv[i] = push_bytes(&sp, envp[i], strlen(envp[i]) + 1);
    for (int i = argc - 1; i >= 0; i--)
        argvv[i] = push_bytes(&sp, argv[i], strlen(argv[i]) + 1);
    uint64_t platform = push_bytes(&sp, "aarch64", 8);
    uint8_t rnd[16];
    if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
        memset(rnd, 0x5a, sizeof(rnd));
    sp &= ~15ull;
    uint64_t random_va = push_bytes(&sp, rnd, 16);

    uint64_t hwcap = 0, hwcap2 = 0;
    cpu_model_hwcaps(P.model, &hwcap, &hwcap2);
    uint64_t aux[][2] = {
        { AT_HWCAP, hwcap },
        { AT_PAGESZ, G_PAGE },
        { AT_CLKTCK, (uint64_t)sysconf(_SC_CLK_TCK) },
        { AT_PHDR, img->phdr },
        { AT_PHENT, img->phent },
        { AT_PHNUM, img->phnum },
        { AT_BASE, 0 },
        { AT_FLAGS, 0 },
        { AT_ENTRY, img->entry },
        { AT_UID, getuid() },
        { AT_EUID, geteuid() },
        { AT_GID, getgid() },
        { AT_EGID, getegid() },
        { AT_SECURE, 0 },
        { AT_RANDOM, random_va },
        { AT_HWCAP2, hwcap2 },
        { AT_EXECFN, execfn_va },
        { AT_PLATFORM, platform },
        { 51 /* AT_MINSIGSTKSZ */, 5120 },
        { AT_NULL, 0 },
    };
    size_t naux = sizeof(aux) / sizeof(aux[0]);
    size_t words = 1 + (size_t)argc + 1 + (size_t)envc + 1 + 2 * naux;
    sp = (sp - words * 8) & ~15ull;
    uint64_t p = sp;
    put64(p, (uint64_t)argc), p += 8;
    for (int i = 0; i < argc; i++)
        put64(p, argvv[i]), p += 8;
    put64(p, 0), p += 8;
    for (int i = 0; i < envc; i++)
        put64(p, envv[i]), p += 8;
    put64(p, 0), p += 8;
    for (size_t i = 0; i < naux; i++) {
        put64(p, aux[i][0]), p += 8;
        put64(p, aux[i][1]), p += 8;
    }
    free(envv);
    free(argvv);
    mm_set_brk(img->brk);
    return sp;
}

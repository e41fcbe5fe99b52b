/* The guest address space: a sorted table of VMAs, each backed by host memory
 * from mmap.  The guest only ever reaches host memory through these VMAs: the
 * CPU's TLB misses (mm_tlb_fill) and the syscall layer's copies (mm_iov,
 * copy_*_guest) both look the guest address up here first.
 *
 * Host memory is always mapped readable and writable (except shared mappings
 * of read-only files); guest protection is enforced by the TLB tags.  Pages of
 * a file mapping beyond the end of the file are backed by anonymous memory so
 * that a guest access there can never raise SIGBUS in the host.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <pthread.h>
#include <unistd.h>

#include "user.h"

static struct vma *vmas;
static int nvma, cap;
static __thread int last_hit;
static uint64_t brk_start, brk_cur;

/* One recursive lock for the VMA table: taken by the public entry points
 * (including TLB fills; the CPU's own TLB keeps them rare).  It is never held
 * across a blocking host call. */
static pthread_mutex_t mm_mu;

void mm_lock_write(void)
{
    pthread_mutex_lock(&mm_mu);
}

void mm_unlock(void)
{
    pthread_mutex_unlock(&mm_mu);
}

static void mm_mu_init(void)
{
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&mm_mu, &a);
    pthread_mutexattr_destroy(&a);
}

void mm_after_fork_child(void)
{
    mm_mu_init();
}

#define LOCKED(type, call)         \
    do {                           \
        pthread_mutex_lock(&mm_mu); \
        type _r = call;            \
        pthread_mutex_unlock(&mm_mu); \
        return _r;                 \
    } while (0)

/* Host memory that left the guest address space is released only once every
 * thread has flushed its TLB (another thread may still hold a TLB entry or a
 * syscall iovec pointing into it). */
struct grave {
    uint8_t *host;
    uint64_t len, epoch;
};
static struct grave *graves;
static int ngraves, capgraves;

static void host_release(uint8_t *h, uint64_t len, uint64_t epoch)
{
    if (ngraves == capgraves) {
        int n = capgraves ? capgraves * 2 : 16;
        struct grave *g = realloc(graves, sizeof(*g) * (size_t)n);
        if (!g) {
            /* Out of memory for bookkeeping: keep the memory mapped (a leak, never a crash). */
            return;
        }
        graves = g;
        capgraves = n;
    }
    graves[ngraves++] = (struct grave){ h, len, epoch };
}

void mm_reclaim(void)
{
    pthread_mutex_lock(&mm_mu);
    if (ngraves) {
        uint64_t done = thread_min_acked();
        int k = 0;
        for (int i = 0; i < ngraves; i++) {
            if (graves[i].epoch <= done)
                munmap(graves[i].host, graves[i].len);
            else
                graves[k++] = graves[i];
        }
        ngraves = k;
    }
    pthread_mutex_unlock(&mm_mu);
}

static uint64_t pending_epoch(void);

void mm_init(void)
{
    mm_mu_init();
    cap = 64;
    vmas = calloc((size_t)cap, sizeof(*vmas));
    if (!vmas) {
        fprintf(stderr, "nestvm-user: out of memory\n");
        exit(1);
    }
    nvma = 0;
    last_hit = 0;
}

static uint64_t cur_epoch;

/* The epoch the next flush_cpu() will publish. */
static uint64_t pending_epoch(void)
{
    return cur_epoch + 1;
}

static void flush_cpu(uint64_t start, uint64_t len, bool code)
{
    if (!tcpu)
        return;
    cpu_tlb_flush(tcpu);
    if (code)
        cpu_code_invalidate_range(tcpu, start, len);
    cur_epoch = thread_shootdown(code);
    if (ngraves)
        mm_reclaim();
}

/* Index of the VMA containing va, or -1. */
static int vma_index(uint64_t va)
{
    if (last_hit < nvma && vmas[last_hit].start <= va && va < vmas[last_hit].end)
        return last_hit;
    int lo = 0, hi = nvma - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (va < vmas[mid].start)
            hi = mid - 1;
        else if (va >= vmas[mid].end)
            lo = mid + 1;
        else
            return last_hit = mid;
    }
    return -1;
}

/* Index of the first VMA whose end is above va (nvma if none). */
static int vma_first_after(uint64_t va)
{
    int lo = 0, hi = nvma;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (vmas[mid].end <= va)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void vma_insert(int idx, const struct vma *v)
{
    if (nvma == cap) {
        struct vma *n = realloc(vmas, sizeof(*vmas) * (size_t)cap * 2);
        if (!n) {
            fprintf(stderr, "nestvm-user: out of memory (VMA table)\n");
            exit(1);
        }
        vmas = n;
        cap *= 2;
    }
    memmove(&vmas[idx + 1], &vmas[idx], sizeof(*vmas) * (size_t)(nvma - idx));
    vmas[idx] = *v;
    nvma++;
}

static void vma_remove(int idx, int n)
{
    memmove(&vmas[idx], &vmas[idx + n], sizeof(*vmas) * (size_t)(nvma - idx - n));
    nvma -= n;
    last_hit = 0;
}

/* Make addr a VMA boundary if it falls inside one. */
static void vma_split(uint64_t addr)
{
    int i = vma_index(addr);
    if (i < 0 || vmas[i].start == addr)
        return;
    struct vma hi = vmas[i];
    hi.host += addr - hi.start;
    hi.start = addr;
    vmas[i].end = addr;
    vma_insert(i + 1, &hi);
}

static bool vma_mergeable(const struct vma *a, const struct vma *b)
{
    return a->end == b->start && a->prot == b->prot && a->flags == b->flags &&
           a->host + (a->end - a->start) == b->host;
}

static void vma_merge_around(uint64_t start, uint64_t end)
{
    int i = vma_first_after(start ? start - 1 : 0);
    for (; i + 1 < nvma && vmas[i].start <= end; ) {
        if (vma_mergeable(&vmas[i], &vmas[i + 1])) {
            vmas[i].end = vmas[i + 1].end;
            vma_remove(i + 1, 1);
        } else {
            i++;
        }
    }
}

static int norm_prot(int prot)
{
    prot &= GP_R | GP_W | GP_X;
    if (prot & GP_W)
        prot |= GP_R; /* arm64: writable implies readable */
    return prot;
}

static bool mm_tlb_fill_l(struct cpu *c, uint64_t va, enum access_kind acc, struct tlb_entry *e, struct exc_info *exc)
{
    (void)c;
    int i = vma_index(va);
    uint64_t page = va & TLB_PAGE_MASK;
    exc->ec = acc == ACC_EXEC ? EC_IABORT_LOWER : EC_DABORT_LOWER;
    if (i < 0) {
        exc->perm = false;
        exc->iss = 0x07 | (acc == ACC_WRITE ? 1u << 6 : 0); /* translation fault, level 3 */
        return false;
    }
    const struct vma *v = &vmas[i];
    e->addend = (uintptr_t)(v->host + (page - v->start)) - (uintptr_t)page;
    e->tag_r = (v->prot & GP_R) ? page : TLB_INVALID;
    e->tag_w = (v->prot & GP_W) ? page : TLB_INVALID;
    e->tag_x = (v->prot & GP_X) ? page : TLB_INVALID;
    int need = acc == ACC_WRITE ? GP_W : acc == ACC_EXEC ? GP_X : GP_R;
    if (!(v->prot & need)) {
        exc->perm = true;
        exc->iss = 0x0f | (acc == ACC_WRITE ? 1u << 6 : 0); /* permission fault, level 3 */
        return false;
    }
    return true;
}

static bool mm_range_free_l(uint64_t start, uint64_t end)
{
    int i = vma_first_after(start);
    return i >= nvma || vmas[i].start >= end;
}

static uint64_t mm_find_free_l(uint64_t len, uint64_t hint)
{
    if (hint) {
        hint = PAGE_UP(hint);
        if (hint >= G_MMAP_MIN && hint + len > hint && hint + len <= G_TASK_SIZE && mm_range_free(hint, hint + len))
            return hint;
    }
    uint64_t hi = G_MMAP_BASE;
    for (int i = nvma - 1; i >= 0; i--) {
        const struct vma *v = &vmas[i];
        if (v->start >= hi)
            continue;
        if (v->end <= hi && hi - v->end >= len)
            return hi - len;
        hi = v->start;
    }
    if (hi >= G_MMAP_MIN + len)
        return hi - len;
    return 0;
}

/* Remove [start, end) from the table and release the host memory. */
static void unmap_range(uint64_t start, uint64_t end)
{
    vma_split(start);
    vma_split(end);
    int i = vma_first_after(start);
    int j = i;
    while (j < nvma && vmas[j].start < end) {
        host_release(vmas[j].host, vmas[j].end - vmas[j].start, pending_epoch());
        j++;
    }
    if (j > i)
        vma_remove(i, j - i);
}

static int mm_unmap_l(uint64_t start, uint64_t len)
{
    if (len == 0)
        return 0;
    uint64_t end = start + len;
    if (end < start)
        return -EINVAL;
    bool had_code = false;
    for (int i = vma_first_after(start); i < nvma && vmas[i].start < end; i++)
        if (vmas[i].prot & GP_X)
            had_code = true;
    unmap_range(start, end);
    flush_cpu(start, len, had_code);
    return 0;
}

static int64_t mm_map_fixed_l(uint64_t addr, uint64_t len, int prot, int vflags, int hostflags, int fd, off_t off)
{
    int hprot = PROT_READ | ((vflags & VMA_HOSTRO) ? 0 : PROT_WRITE);
    uint8_t *h = mmap(NULL, len, hprot, hostflags, fd, off);
    if (h == MAP_FAILED)
        return -errno;
    if (fd >= 0) {
        /* Pages beyond the end of the file would SIGBUS in the host: back them
         * with anonymous memory instead. */
        struct stat st;
        if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
            uint64_t valid = st.st_size > off ? PAGE_UP((uint64_t)(st.st_size - off)) : 0;
            if (valid < len &&
                mmap(h + valid, len - valid, hprot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED) {
                int e = errno;
                munmap(h, len);
                return -e;
            }
        }
    }
    bool had_code = false;
    for (int i = vma_first_after(addr); i < nvma && vmas[i].start < addr + len; i++)
        if (vmas[i].prot & GP_X)
            had_code = true;
    unmap_range(addr, addr + len);
    struct vma v = { addr, addr + len, norm_prot(prot), vflags, h };
    vma_insert(vma_first_after(addr), &v);
    flush_cpu(addr, len, had_code);
    return (int64_t)addr;
}

static int mm_protect_l(uint64_t start, uint64_t len, int prot)
{
    uint64_t end = start + len;
    prot = norm_prot(prot);
    /* Like Linux: the mappings from start on are changed one after the
     * other until a hole (-ENOMEM) or a mapping that cannot take the new
     * protection (-EACCES); the part before it stays changed. */
    uint64_t a = start, stop = start;
    int err = 0;
    for (int i = vma_first_after(start); a < end; i++) {
        if (i >= nvma || vmas[i].start > a) {
            err = -ENOMEM;
            break;
        }
        if ((vmas[i].flags & VMA_HOSTRO) && (prot & GP_W)) {
            err = -EACCES;
            break;
        }
        a = vmas[i].end;
        stop = a < end ? a : end;
    }
    if (stop > start) {
        vma_split(start);
        vma_split(stop);
        bool lost_x = false;
        for (int i = vma_first_after(start); i < nvma && vmas[i].start < stop; i++) {
            if ((vmas[i].prot & GP_X) && !(prot & GP_X))
                lost_x = true;
            vmas[i].prot = prot;
        }
        vma_merge_around(start, stop);
        flush_cpu(start, stop - start, lost_x);
    }
    return err;
}

static int mm_prot_at_l(uint64_t va)
{
    int i = vma_index(va);
    return i < 0 ? -1 : vmas[i].prot;
}

static uint8_t *mm_host_l(uint64_t va)
{
    int i = vma_index(va);
    return i < 0 ? NULL : vmas[i].host + (va - vmas[i].start);
}

void mm_reset(void)
{
    pthread_mutex_lock(&mm_mu);
    unmap_range(0, G_TASK_SIZE);
    last_hit = 0;
    brk_start = brk_cur = 0;
    if (tcpu) {
        cpu_tlb_flush(tcpu);
        cpu_code_invalidate_all(tcpu);
    }
    cur_epoch = thread_shootdown(true);
    pthread_mutex_unlock(&mm_mu);
    mm_reclaim();
}

static int mm_iov_l(uint64_t va, uint64_t len, int prot, struct iovec *iov, int max)
{
    int n = 0;
    if (len == 0)
        return 0;
    if (va + len < va || va + len > G_TASK_SIZE)
        return -EFAULT;
    while (len) {
        int i = vma_index(va);
        if (i < 0 || (vmas[i].prot & prot) != prot)
            return -EFAULT;
        uint64_t chunk = vmas[i].end - va;
        if (chunk > len)
            chunk = len;
        uint8_t *h = vmas[i].host + (va - vmas[i].start);
        if (n > 0 && (uint8_t *)iov[n - 1].iov_base + iov[n - 1].iov_len == h) {
            iov[n - 1].iov_len += chunk;
        } else {
            if (n == max)
                return -EFAULT;
            iov[n].iov_base = h;
            iov[n].iov_len = chunk;
            n++;
        }
        va += chunk;
        len -= chunk;
    }
    return n;
}

static int copy_from_guest_l(void *dst, uint64_t va, size_t len)
{
    struct iovec iov[16];
    int n = mm_iov(va, len, GP_R, iov, 16);
    if (n < 0)
        return n;
    uint8_t *d = dst;
    for (int i = 0; i < n; i++) {
        memcpy(d, iov[i].iov_base, iov[i].iov_len);
        d += iov[i].iov_len;
    }
    return 0;
}

static int copy_to_guest_l(uint64_t va, const void *src, size_t len)
{
    struct iovec iov[16];
    int n = mm_iov(va, len, GP_W, iov, 16);
    if (n < 0)
        return n;
    const uint8_t *s = src;
    for (int i = 0; i < n; i++) {
        memcpy(iov[i].iov_base, s, iov[i].iov_len);
        s += iov[i].iov_len;
    }
    if (tcpu)
        cpu_code_invalidate_range(tcpu, va, len);
    return 0;
}

static int copy_str_from_guest_l(char *dst, uint64_t va, size_t max)
{
    size_t n = 0;
    while (n < max) {
        int i = vma_index(va + n);
        if (i < 0 || !(vmas[i].prot & GP_R))
            return -EFAULT;
        const char *h = (const char *)vmas[i].host + (va + n - vmas[i].start);
        size_t avail = vmas[i].end - (va + n);
        if (avail > max - n)
            avail = max - n;
        const char *z = memchr(h, 0, avail);
        if (z) {
            memcpy(dst + n, h, (size_t)(z - h) + 1);
            return 0;
        }
        memcpy(dst + n, h, avail);
        n += avail;
    }
    return -ENAMETOOLONG;
}

/* ---- syscalls ------------------------------------------------------------ */

void mm_set_brk(uint64_t start)
{
    brk_start = brk_cur = PAGE_UP(start);
}

static int64_t sys_brk_l(uint64_t addr)
{
    if (addr < brk_start || addr >= G_MMAP_BASE)
        return (int64_t)brk_cur;
    uint64_t old_end = PAGE_UP(brk_cur), new_end = PAGE_UP(addr);
    if (new_end > old_end) {
        if (!mm_range_free(old_end, new_end))
            return (int64_t)brk_cur;
        int64_t r = mm_map_fixed(old_end, new_end - old_end, GP_R | GP_W, 0,
                                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (r < 0)
            return (int64_t)brk_cur;
    } else if (new_end < old_end) {
        mm_unmap(new_end, old_end - new_end);
    }
    brk_cur = addr;
    return (int64_t)brk_cur;
}

#define G_MAP_SHARED 0x01
#define G_MAP_PRIVATE 0x02
#define G_MAP_SHARED_VALIDATE 0x03
#define G_MAP_TYPE 0x0f
#define G_MAP_FIXED 0x10
#define G_MAP_ANONYMOUS 0x20
#define G_MAP_FIXED_NOREPLACE 0x100000

static int64_t sys_mmap_l(uint64_t addr, uint64_t len, int prot, int flags, int fd, int64_t off)
{
    if (len == 0 || (off & (int64_t)(G_PAGE - 1)))
        return -EINVAL;
    if (prot & ~(GP_R | GP_W | GP_X | 0x10 /* PROT_BTI */))
        return -EINVAL;
    uint64_t plen = PAGE_UP(len);
    if (plen < len || plen > G_TASK_SIZE)
        return -ENOMEM;
    int type = flags & G_MAP_TYPE;
    if (type != G_MAP_SHARED && type != G_MAP_PRIVATE && type != G_MAP_SHARED_VALIDATE)
        return -EINVAL;
    bool shared = type != G_MAP_PRIVATE;
    bool anon = flags & G_MAP_ANONYMOUS;
    uint64_t a;
    if (flags & (G_MAP_FIXED | G_MAP_FIXED_NOREPLACE)) {
        if (addr & (G_PAGE - 1))
            return -EINVAL;
        if (addr + plen < addr || addr + plen > G_TASK_SIZE || addr < G_MMAP_MIN)
            return -ENOMEM;
        if ((flags & G_MAP_FIXED_NOREPLACE) && !mm_range_free(addr, addr + plen))
            return -EEXIST;
        a = addr;
    } else {
        a = mm_find_free(plen, addr);
        if (!a)
            return -ENOMEM;
    }
    int vflags = 0, hflags = shared ? MAP_SHARED : MAP_PRIVATE;
    if (anon) {
        fd = -1;
        off = 0;
        hflags |= MAP_ANONYMOUS | MAP_NORESERVE;
    } else {
        int fl = fcntl(fd, F_GETFL);
        if (fl < 0)
            return -EBADF;
        vflags |= VMA_FILE;
        if (shared) {
            vflags |= VMA_SHARED;
            if ((fl & O_ACCMODE) != O_RDWR) {
                if (prot & GP_W)
                    return -EACCES;
                vflags |= VMA_HOSTRO;
            }
        }
    }
    if (shared && anon)
        vflags |= VMA_SHARED;
    return mm_map_fixed(a, plen, prot, vflags, hflags, fd, off);
}

static int64_t sys_munmap_l(uint64_t addr, uint64_t len)
{
    if ((addr & (G_PAGE - 1)) || len == 0)
        return -EINVAL;
    uint64_t plen = PAGE_UP(len);
    if (addr + plen < addr || addr + plen > G_TASK_SIZE)
        return -EINVAL;
    return mm_unmap(addr, plen);
}

static int64_t sys_mprotect_l(uint64_t addr, uint64_t len, int prot)
{
    if (addr & (G_PAGE - 1))
        return -EINVAL;
    if (prot & ~(GP_R | GP_W | GP_X | 0x10 | 0x01000000 /* GROWSDOWN */))
        return -EINVAL;
    uint64_t plen = PAGE_UP(len);
    if (plen < len || addr + plen < addr)
        return -ENOMEM;
    if (plen == 0)
        return 0;
    return mm_protect(addr, plen, prot);
}

/* New host memory for a VMA that grows or moves.  With several threads the
 * old host range must stay valid until every thread has flushed its TLB, so
 * private memory is copied instead of moved by the host's mremap. */
static uint8_t *move_host(struct vma *v, uint64_t oldsz, uint64_t newsz)
{
    if (thread_count() > 1 && !(v->flags & VMA_SHARED)) {
        uint8_t *n = mmap(NULL, newsz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (n == MAP_FAILED)
            return n;
        memcpy(n, v->host, oldsz);
        host_release(v->host, oldsz, pending_epoch());
        return n;
    }
    return mremap(v->host, oldsz, newsz, MREMAP_MAYMOVE);
}

#define G_MREMAP_MAYMOVE 1
#define G_MREMAP_FIXED 2

static int64_t sys_mremap_l(uint64_t old, uint64_t oldsz, uint64_t newsz, int flags, uint64_t newaddr)
{
    if ((old & (G_PAGE - 1)) || (flags & ~(G_MREMAP_MAYMOVE | G_MREMAP_FIXED)))
        return -EINVAL;
    if ((flags & G_MREMAP_FIXED) && !(flags & G_MREMAP_MAYMOVE))
        return -EINVAL;
    oldsz = PAGE_UP(oldsz);
    newsz = PAGE_UP(newsz);
    if (newsz == 0)
        return -EINVAL;
    if (oldsz == 0)
        return -EINVAL; /* duplicating shared mappings is not supported */
    if (old + oldsz < old || old + oldsz > G_TASK_SIZE)
        return -EINVAL;
    /* Linux wants a mapping at old, then always allows a shrinking remap
     * (it just unmaps the tail, even across several mappings). */
    if (vma_index(old) < 0)
        return -EFAULT;
    if (!(flags & G_MREMAP_FIXED) && newsz <= oldsz) {
        mm_unmap(old + newsz, oldsz - newsz);
        return (int64_t)old;
    }
    int i = vma_index(old);
    if (i < 0 || old + oldsz > vmas[i].end)
        return -EFAULT;
    if (!(flags & G_MREMAP_FIXED)) {
        if (old + newsz <= G_TASK_SIZE && mm_range_free(old + oldsz, old + newsz)) {
            /* Grow in place. */
            vma_split(old);
            vma_split(old + oldsz);
            i = vma_index(old);
            void *h = move_host(&vmas[i], oldsz, newsz);
            if (h == MAP_FAILED)
                return -errno;
            vmas[i].host = h;
            vmas[i].end = old + newsz;
            flush_cpu(old, oldsz, false);
            return (int64_t)old;
        }
        if (!(flags & G_MREMAP_MAYMOVE))
            return -ENOMEM;
    }
    uint64_t dst;
    if (flags & G_MREMAP_FIXED) {
        if ((newaddr & (G_PAGE - 1)) || newaddr + newsz > G_TASK_SIZE || newaddr + newsz < newaddr)
            return -EINVAL;
        if (newaddr < old + oldsz && old < newaddr + newsz)
            return -EINVAL;
        dst = newaddr;
        mm_unmap(dst, newsz);
    } else {
        dst = mm_find_free(newsz, 0);
        if (!dst)
            return -ENOMEM;
    }
    vma_split(old);
    vma_split(old + oldsz);
    i = vma_index(old);
    struct vma v = vmas[i];
    uint8_t *h = move_host(&v, oldsz, newsz);
    if (h == MAP_FAILED)
        return -errno;
    vma_remove(i, 1);
    v.start = dst;
    v.end = dst + newsz;
    v.host = h;
    vma_insert(vma_first_after(dst), &v);
    flush_cpu(old, oldsz, (v.prot & GP_X) != 0);
    return (int64_t)dst;
}

#define G_MADV_DONTNEED 4
#define G_MADV_FREE 8

static int64_t sys_madvise_l(uint64_t addr, uint64_t len, int advice)
{
    if (addr & (G_PAGE - 1))
        return -EINVAL;
    uint64_t end = addr + PAGE_UP(len);
    if (advice != G_MADV_DONTNEED)
        return 0;
    for (uint64_t a = addr; a < end;) {
        int i = vma_index(a);
        if (i < 0) {
            int j = vma_first_after(a);
            if (j >= nvma)
                return -ENOMEM;
            a = vmas[j].start;
            continue;
        }
        uint64_t e = vmas[i].end < end ? vmas[i].end : end;
        madvise(vmas[i].host + (a - vmas[i].start), e - a, MADV_DONTNEED);
        a = e;
    }
    if (tcpu)
        cpu_code_invalidate_range(tcpu, addr, end - addr);
    return 0;
}

static int64_t sys_msync_l(uint64_t addr, uint64_t len, int flags)
{
    if (addr & (G_PAGE - 1))
        return -EINVAL;
    uint64_t end = addr + PAGE_UP(len);
    for (uint64_t a = addr; a < end;) {
        int i = vma_index(a);
        if (i < 0)
            return -ENOMEM;
        uint64_t e = vmas[i].end < end ? vmas[i].end : end;
        if (vmas[i].flags & VMA_SHARED)
            msync(vmas[i].host + (a - vmas[i].start), e - a, flags & 7);
        a = e;
    }
    return 0;
}

static int64_t sys_mincore_l(uint64_t addr, uint64_t len, uint64_t vec)
{
    if (addr & (G_PAGE - 1))
        return -EINVAL;
    uint64_t n = PAGE_UP(len) / G_PAGE;
    for (uint64_t k = 0; k < n; k++)
        if (vma_index(addr + k * G_PAGE) < 0)
            return -ENOMEM;
    for (uint64_t k = 0; k < n; k++) {
        uint8_t one = 1;
        int r = copy_to_guest(vec + k, &one, 1);
        if (r < 0)
            return r;
    }
    return 0;
}

/* The guest's /proc/self/maps. */
void mm_format_maps(FILE *f)
{
    pthread_mutex_lock(&mm_mu);
    for (int i = 0; i < nvma; i++) {
        const struct vma *v = &vmas[i];
        const char *name = "";
        if (v->end == G_STACK_TOP)
            name = "[stack]";
        else if (brk_start && v->start >= brk_start && v->end <= PAGE_UP(brk_cur) && v->start < PAGE_UP(brk_cur))
            name = "[heap]";
        fprintf(f, "%08llx-%08llx %c%c%c%c 00000000 00:00 0%s%s\n", (unsigned long long)v->start,
                (unsigned long long)v->end, v->prot & GP_R ? 'r' : '-', v->prot & GP_W ? 'w' : '-',
                v->prot & GP_X ? 'x' : '-', v->flags & VMA_SHARED ? 's' : 'p', *name ? "                          " : "",
                name);
    }
    pthread_mutex_unlock(&mm_mu);
}

void mm_dump(void)
{
    for (int i = 0; i < nvma; i++)
        fprintf(stderr, "  %012llx-%012llx %c%c%c%s\n", (unsigned long long)vmas[i].start,
                (unsigned long long)vmas[i].end, vmas[i].prot & GP_R ? 'r' : '-', vmas[i].prot & GP_W ? 'w' : '-',
                vmas[i].prot & GP_X ? 'x' : '-', vmas[i].flags & VMA_SHARED ? " shared" : "");
}

/* ---- locked entry points ------------------------------------------------- */

bool mm_tlb_fill(struct cpu *c, uint64_t va, enum access_kind acc, struct tlb_entry *e, struct exc_info *exc)
{
    LOCKED(bool, mm_tlb_fill_l(c, va, acc, e, exc));
}

bool mm_range_free(uint64_t start, uint64_t end)
{
    LOCKED(bool, mm_range_free_l(start, end));
}

uint64_t mm_find_free(uint64_t len, uint64_t hint)
{
    LOCKED(uint64_t, mm_find_free_l(len, hint));
}

int mm_unmap(uint64_t start, uint64_t len)
{
    LOCKED(int, mm_unmap_l(start, len));
}

int64_t mm_map_fixed(uint64_t addr, uint64_t len, int prot, int vflags, int hostflags, int fd, off_t off)
{
    LOCKED(int64_t, mm_map_fixed_l(addr, len, prot, vflags, hostflags, fd, off));
}

int mm_protect(uint64_t start, uint64_t len, int prot)
{
    LOCKED(int, mm_protect_l(start, len, prot));
}

int mm_prot_at(uint64_t va)
{
    LOCKED(int, mm_prot_at_l(va));
}

uint8_t *mm_host(uint64_t va)
{
    LOCKED(uint8_t *, mm_host_l(va));
}

int mm_iov(uint64_t va, uint64_t len, int prot, struct iovec *iov, int max)
{
    LOCKED(int, mm_iov_l(va, len, prot, iov, max));
}

int copy_from_guest(void *dst, uint64_t va, size_t len)
{
    LOCKED(int, copy_from_guest_l(dst, va, len));
}

int copy_to_guest(uint64_t va, const void *src, size_t len)
{
    LOCKED(int, copy_to_guest_l(va, src, len));
}

int copy_str_from_guest(char *dst, uint64_t va, size_t max)
{
    LOCKED(int, copy_str_from_guest_l(dst, va, max));
}

int64_t sys_brk(uint64_t addr)
{
    LOCKED(int64_t, sys_brk_l(addr));
}

int64_t sys_mmap(uint64_t addr, uint64_t len, int prot, int flags, int fd, int64_t off)
{
    LOCKED(int64_t, sys_mmap_l(addr, len, prot, flags, fd, off));
}

int64_t sys_munmap(uint64_t addr, uint64_t len)
{
    LOCKED(int64_t, sys_munmap_l(addr, len));
}

int64_t sys_mprotect(uint64_t addr, uint64_t len, int prot)
{
    LOCKED(int64_t, sys_mprotect_l(addr, len, prot));
}

int64_t sys_mremap(uint64_t old, uint64_t oldsz, uint64_t newsz, int flags, uint64_t newaddr)
{
    LOCKED(int64_t, sys_mremap_l(old, oldsz, newsz, flags, newaddr));
}

int64_t sys_madvise(uint64_t addr, uint64_t len, int advice)
{
    LOCKED(int64_t, sys_madvise_l(addr, len, advice));
}

int64_t sys_msync(uint64_t addr, uint64_t len, int flags)
{
    LOCKED(int64_t, sys_msync_l(addr, len, flags));
}

int64_t sys_mincore(uint64_t addr, uint64_t len, uint64_t vec)
{
    LOCKED(int64_t, sys_mincore_l(addr, len, vec));
}

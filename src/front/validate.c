/* Validation of a VM configuration before anything starts: the document's
 * shape (unknown fields get a "did you mean"), then ranges, files, and what
 * the chosen backend can do.  Every problem is collected, one line each,
 * naming the field -- or the flag, when the value came from the command line
 * -- and the fix. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "config.h"
#include "cpu/cpu.h"
#include "front.h"

#define MIN_MEMORY (64ull << 20)
#define MAX_MEMORY (64ull << 30)

unsigned edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return ~0u;
    unsigned row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = (unsigned)j;
    for (size_t i = 1; i <= la; i++) {
        unsigned diag = row[0];
        row[0] = (unsigned)i;
        for (size_t j = 1; j <= lb; j++) {
            unsigned up = row[j];
            unsigned cost = a[i - 1] == b[j - 1] ? 0 : 1;
            unsigned v = diag + cost;
            if (up + 1 < v) v = up + 1;
            if (row[j - 1] + 1 < v) v = row[j - 1] + 1;
            row[j] = v;
            diag = up;
        }
    }
    return row[lb];
}

unsigned suggest_limit(const char *word)
{
    size_t n = strlen(word);
    return n <= 4 ? 1 : n <= 8 ? 2 : 3;
}

/* ---- the document's shape ------------------------------------------------ */

enum jt { T_ANY, T_STR, T_BOOL, T_OBJ, T_ARR };

struct field {
    const char *name;
    enum jt type;
    const struct field *sub;        /* T_OBJ fields, or T_ARR element (object) fields */
    const char *const *values;      /* allowed strings */
};

static const char *const v_linux[] = { "linux", NULL };
static const char *const v_generic[] = { "generic", NULL };
static const char *const v_blk[] = { "virtio-blk", NULL };
static const char *const v_net[] = { "virtio-net", NULL };
static const char *const v_user[] = { "user", NULL };
static const char *const v_tcp[] = { "tcp", "udp", NULL };
static const char *const v_serial[] = { "pl011", "virtio-console", NULL };
static const char *const v_accel[] = { "auto", "kvm", "soft", NULL };
static const char *const v_transport[] = { "pci", "mmio", NULL };

static const struct field f_boot[] = {
    { "type", T_STR, NULL, v_linux }, { "kernel", T_STR, NULL, NULL }, { "initrd", T_STR, NULL, NULL },
    { "command_line", T_STR, NULL, NULL }, { NULL, 0, NULL, NULL },
};
static const struct field f_platform[] = {
    { "type", T_STR, NULL, v_generic }, { "nested_virtualization", T_BOOL, NULL, NULL },
    { "machine_identifier", T_STR, NULL, NULL }, { "cpu_model", T_STR, NULL, NULL }, { NULL, 0, NULL, NULL },
};
static const struct field f_disk[] = {
    { "type", T_STR, NULL, v_blk }, { "path", T_STR, NULL, NULL }, { "read_only", T_BOOL, NULL, NULL },
    { NULL, 0, NULL, NULL },
};
static const struct field f_fwd[] = {
    { "protocol", T_STR, NULL, v_tcp }, { "host_address", T_STR, NULL, NULL }, { "host_port", T_ANY, NULL, NULL },
    { "guest_address", T_STR, NULL, NULL }, { "guest_port", T_ANY, NULL, NULL }, { NULL, 0, NULL, NULL },
};
static const struct field f_net[] = {
    { "type", T_STR, NULL, v_net }, { "mode", T_STR, NULL, v_user }, { "port_forwards", T_ARR, f_fwd, NULL },
    { "mac_address", T_STR, NULL, NULL }, { NULL, 0, NULL, NULL },
};
static const struct field f_serial[] = { { "type", T_STR, NULL, v_serial }, { NULL, 0, NULL, NULL } };
static const struct field f_root[] = {
    { "version", T_ANY, NULL, NULL },
    { "cpu_count", T_ANY, NULL, NULL },
    { "memory_size", T_ANY, NULL, NULL },
    { "boot_loader", T_OBJ, f_boot, NULL },
    { "platform", T_OBJ, f_platform, NULL },
    { "storage", T_ARR, f_disk, NULL },
    { "network", T_ARR, f_net, NULL },
    { "serial_ports", T_ARR, f_serial, NULL },
    { "entropy", T_BOOL, NULL, NULL },
    { "accel", T_STR, NULL, v_accel },
    { "virtio_transport", T_STR, NULL, v_transport },
    { "timeout", T_ANY, NULL, NULL },
    { "dtb_out", T_STR, NULL, NULL },
    { "api_sock", T_STR, NULL, NULL },
    { NULL, 0, NULL, NULL },
};

struct vctx {
    struct vm_config *c;
    struct problems *p;
};

/* The flag a value came from ("--cpus"), looking at the key and its
 * parents; NULL when it came from the file. */
static const char *origin_of(struct vm_config *c, const char *path, const char **raw)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", path);
    for (;;) {
        const char *o = json_string_value(json_object_get(c->origin, buf));
        if (o) {
            static char flag[64];
            const char *sep = strchr(o, '\x1f');
            snprintf(flag, sizeof(flag), "%.*s", sep ? (int)(sep - o) : (int)strlen(o), o);
            if (raw)
                *raw = sep && !strcmp(buf, path) ? sep + 1 : NULL;
            return flag;
        }
        char *cut = strrchr(buf, '.'), *br = strrchr(buf, '[');
        if (br > cut)
            cut = br;
        if (!cut)
            return NULL;
        *cut = 0;
    }
}

/* The raw command-line text of the flag a value (or its parent) came from. */
static char *origin_raw(struct vm_config *c, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", path);
    for (;;) {
        const char *o = json_string_value(json_object_get(c->origin, buf));
        if (o) {
            const char *sep = strchr(o, '\x1f');
            return sep ? strdup(sep + 1) : NULL;
        }
        char *cut = strrchr(buf, '.'), *br = strrchr(buf, '[');
        if (br > cut)
            cut = br;
        if (!cut)
            return NULL;
        *cut = 0;
    }
}

/* "auto, kvm or soft" */
static const char *cli_values(const char *const *values)
{
    static char out[128];
    size_t n = 0;
    out[0] = 0;
    for (unsigned i = 0; values && values[i]; i++)
        n += (size_t)snprintf(out + n, n < sizeof(out) ? sizeof(out) - n : 0, "%s%s",
                              i == 0 ? "" : values[i + 1] ? ", " : " or ", values[i]);
    return out;
}

static const char *subject(struct vctx *v, const char *path)
{
    const char *f = origin_of(v->c, path, NULL);
    return f ? f : path;
}

/* The offending value as the user wrote it. */
static char *shown(struct vctx *v, const char *path, json_t *j)
{
    const char *raw = NULL;
    char *s = NULL;
    if (origin_of(v->c, path, &raw) && raw) {
        if (asprintf(&s, "'%s'", raw) < 0)
            s = NULL;
        return s ? s : strdup("?");
    }
    s = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
    return s ? s : strdup("?");
}

static const char *type_name(enum jt t)
{
    switch (t) {
    case T_STR: return "a string";
    case T_BOOL: return "true or false";
    case T_OBJ: return "an object";
    case T_ARR: return "an array";
    default: return "a value";
    }
}

static bool type_ok(enum jt t, json_t *j)
{
    switch (t) {
    case T_STR: return json_is_string(j);
    case T_BOOL: return json_is_boolean(j);
    case T_OBJ: return json_is_object(j);
    case T_ARR: return json_is_array(j);
    default: return true;
    }
}

static void list_values(char *out, size_t len, const char *const *values)
{
    size_t n = 0;
    out[0] = 0;
    for (unsigned i = 0; values[i]; i++)
        n += (size_t)snprintf(out + n, n < len ? len - n : 0, "%s\"%s\"", i == 0 ? "" : values[i + 1] ? ", " : " or ",
                              values[i]);
}

/* An abbreviation: "cmdline" for "command_line" (same first letter, the
 * letters of word appear in name in order). */
static bool abbreviates(const char *word, const char *name)
{
    if (strlen(word) < 3 || word[0] != name[0])
        return false;
    for (; *name && *word; name++)
        if (*name == *word)
            word++;
    return !*word;
}

static void unknown_field(struct vctx *v, const char *path, const char *prefix, const char *key,
                          const struct field *fields)
{
    const char *best = NULL;
    unsigned bd = ~0u;
    for (const struct field *f = fields; f->name; f++) {
        unsigned d = edit_distance(key, f->name);
        if (d < bd) { bd = d; best = f->name; }
    }
    for (const struct field *f = fields; bd > suggest_limit(key) && f->name; f++)
        if (abbreviates(key, f->name)) {
            bd = 0;
            best = f->name;
        }
    if (best && bd <= suggest_limit(key)) {
        problem_add(v->p, "%s: unknown field; did you mean \"%s\"?", path, best);
        return;
    }
    /* A flag's name used as a key: point at the key the flag sets. */
    size_t pl = strlen(prefix);
    for (const struct vm_option *o = vm_options; o->key; o++) {
        if (o->flag && !strcmp(o->flag, key) && !strncmp(o->key, prefix, pl) && !strchr(o->key + pl, '.')) {
            problem_add(v->p, "%s: unknown field; did you mean \"%s\" (what --%s sets)?", path, o->key + pl, o->flag);
            return;
        }
    }
    problem_add(v->p, "%s: unknown field; remove it (the fields are listed in docs/config.md)", path);
}

static void check_object(struct vctx *v, json_t *obj, const struct field *fields, const char *prefix)
{
    const char *key;
    json_t *val;
    json_object_foreach(obj, key, val) {
        char path[256];
        snprintf(path, sizeof(path), "%s%s", prefix, key);
        const struct field *f = fields;
        while (f->name && strcmp(f->name, key))
            f++;
        if (!f->name) {
            unknown_field(v, path, prefix, key, fields);
            continue;
        }
        if (!type_ok(f->type, val)) {
            char *s = shown(v, path, val);
            problem_add(v->p, "%s must be %s, not %s", subject(v, path), type_name(f->type), s);
            free(s);
            continue;
        }
        if (f->values) {
            const char *s = json_string_value(val);
            unsigned i = 0;
            while (f->values[i] && strcmp(f->values[i], s))
                i++;
            const char *raw = NULL, *flag = origin_of(v->c, path, &raw);
            const struct vm_option *o = flag ? vm_option_find(flag + 2) : NULL;
            if (!f->values[i] && o && (o->kind == K_ENUM || o->kind == K_CONSOLE)) {
                /* In the flag's own words: --console must be serial or virtio. */
                char *r = origin_raw(v->c, path);
                problem_add(v->p, "%s must be %s, not '%s'", flag, o->kind == K_CONSOLE ? "serial or virtio"
                            : cli_values(vm_option_values(o)), r ? r : "");
                free(r);
            } else if (!f->values[i]) {
                char list[160], *sh = shown(v, path, val);
                list_values(list, sizeof(list), f->values);
                problem_add(v->p, "%s must be %s%s, not %s", subject(v, path), f->values[1] ? "one of " : "", list, sh);
                free(sh);
            }
        }
        char sub[300];
        if (f->type == T_OBJ && f->sub) {
            snprintf(sub, sizeof(sub), "%s.", path);
            check_object(v, val, f->sub, sub);
        } else if (f->type == T_ARR && f->sub) {
            size_t i;
            json_t *el;
            json_array_foreach(val, i, el) {
                snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
                if (!json_is_object(el)) {
                    char *s = shown(v, sub, el);
                    problem_add(v->p, "%s must be an object, not %s", subject(v, sub), s);
                    free(s);
                    continue;
                }
                char sub2[320];
                snprintf(sub2, sizeof(sub2), "%s.", sub);
                check_object(v, el, f->sub, sub2);
            }
        }
    }
}

/* ---- meaning ------------------------------------------------------------- */

static void check_file(struct vctx *v, const char *path, const char *file, bool write, const char *fix)
{
    char *abs = path_resolve(v->c->base_dir, file);
    struct stat st;
    if (!abs)
        return;
    if (stat(abs, &st) != 0) {
        problem_add(v->p, "%s: cannot open '%s': %s%s%s", subject(v, path), abs, strerror(errno), fix ? "; " : "",
                    fix ? fix : "");
    } else if (!S_ISREG(st.st_mode)) {
        problem_add(v->p, "%s: '%s' is not a regular file", subject(v, path), abs);
    } else if (access(abs, write ? R_OK | W_OK : R_OK) != 0) {
        problem_add(v->p, "%s: cannot open '%s' for %s: %s%s", subject(v, path), abs, write ? "writing" : "reading",
                    strerror(errno), write ? "; set read_only to true or fix the file's permissions" : "");
    }
    free(abs);
}

/* A raw disk image: a regular file of at least one sector, or a block
 * device; writable unless read-only. */
static void check_disk(struct vctx *v, const char *path, const char *file, bool ro)
{
    char *abs = path_resolve(v->c->base_dir, file);
    struct stat st;
    const char *subj = subject(v, path);
    bool cli = subj[0] == '-';
    if (!abs)
        return;
    if (stat(abs, &st) != 0 || access(abs, R_OK) != 0)
        problem_add(v->p, "%s: cannot open '%s': %s", subj, abs, strerror(errno));
    else if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
        problem_add(v->p, "%s: '%s' is not a regular file or block device", subj, abs);
    else if (!ro && access(abs, W_OK) != 0)
        problem_add(v->p, "%s: '%s' is read-only; %s", subj, abs,
                    cli ? "add ',ro' to use it as a read-only disk" : "set read_only to true to use it as a read-only disk");
    else if (S_ISREG(st.st_mode) && st.st_size < 512)
        problem_add(v->p, "%s: '%s' is smaller than one 512-byte sector", subj, abs);
    free(abs);
}

static enum hv_backend backend_of(json_t *r)
{
    const char *a = json_string_value(json_object_get(r, "accel"));
    if (a && !strcmp(a, "kvm"))
        return HV_BACKEND_KVM;
    if (a && !strcmp(a, "soft"))
        return HV_BACKEND_SOFT;
    return HV_BACKEND_AUTO;
}

static const char *backend_name(enum hv_backend b)
{
    return b == HV_BACKEND_KVM ? "kvm" : b == HV_BACKEND_SOFT ? "soft" : "auto";
}

static bool whole_int(json_t *j, long long lo, long long hi)
{
    return json_is_integer(j) && json_integer_value(j) >= lo && json_integer_value(j) <= hi;
}

void vmcfg_validate(struct vm_config *c, struct problems *p)
{
    struct vctx v = { c, p };
    json_t *r = c->root, *j;
    check_object(&v, r, f_root, "");

    j = json_object_get(r, "version");
    if (!j) {
        problem_add(p, "version is missing; add \"version\": %d", VMCFG_VERSION);
    } else if (!json_is_integer(j) || json_integer_value(j) != VMCFG_VERSION) {
        char *s = shown(&v, "version", j);
        problem_add(p, "version %s is not supported; this nestvm reads version %d (see docs/config.md)", s,
                    VMCFG_VERSION);
        free(s);
    }

    enum hv_backend be = backend_of(r);
    unsigned max = hv_max_vcpus(be);
    bool el2 = false;
    const char *why = NULL;
    hv_vm_config_get_el2_supported(be, &el2, &why);
    /* From the command line, board_create reports it in the backend's words. */
    if (be != HV_BACKEND_AUTO && max == 0 && !origin_of(c, "accel", NULL))
        problem_add(p, "%s: the %s backend is not available on this host (%s); use \"soft\" or \"auto\"",
                    subject(&v, "accel"), backend_name(be), why ? why : "no reason given");

    if ((j = json_object_get(r, "cpu_count")) && max && !whole_int(j, 1, max)) {
        char *s = shown(&v, "cpu_count", j);
        problem_add(p, "%s must be a number from 1 to %u, not %s", subject(&v, "cpu_count"), max, s);
        free(s);
    }

    if ((j = json_object_get(r, "memory_size"))) {
        uint64_t bytes = 0;
        bool ok = json_is_integer(j) ? json_integer_value(j) > 0 && (bytes = (uint64_t)json_integer_value(j), 1)
                : json_is_string(j) ? parse_size(json_string_value(j), &bytes) == 0 : false;
        if (!ok || bytes < MIN_MEMORY || bytes > MAX_MEMORY || (bytes & ((1u << 20) - 1))) {
            char *s = shown(&v, "memory_size", j), hint[64] = "";
            if (ok && (bytes & ((1u << 20) - 1)) && bytes >= MIN_MEMORY && bytes <= MAX_MEMORY)
                snprintf(hint, sizeof(hint), "; e.g. \"%lluM\"", (unsigned long long)((bytes + (1u << 20) - 1) >> 20));
            problem_add(p, "%s must be a whole number of MiB from 64M to 64G, not %s%s", subject(&v, "memory_size"), s,
                        hint);
            free(s);
        }
    }

    const char *kernel = vmcfg_get_string(r, "boot_loader.kernel");
    if (json_is_string(vmcfg_get(r, "boot_loader.kernel")) && kernel)
        check_file(&v, "boot_loader.kernel", kernel, false, NULL);
    else if (!vmcfg_get(r, "boot_loader.kernel"))
        problem_add(p, c->file ? "boot_loader.kernel is required; give the path of an arm64 Linux Image (--kernel IMAGE)"
                               : "--kernel IMAGE is required (see 'nestvm run --help')");
    const char *initrd = vmcfg_get_string(r, "boot_loader.initrd");
    if (initrd)
        check_file(&v, "boot_loader.initrd", initrd, false, NULL);

    json_t *nested = vmcfg_get(r, "platform.nested_virtualization");
    if (json_is_true(nested) && !el2 && !(be != HV_BACKEND_AUTO && max == 0))
        problem_add(p, "%s: the %s backend cannot give guests EL2: %s; set accel to \"soft\" (the software CPU "
                    "always can) or turn nested virtualization off",
                    subject(&v, "platform.nested_virtualization"), backend_name(be), why ? why : "no reason given");
    const char *mid = vmcfg_get_string(r, "platform.machine_identifier");
    if (mid && (strspn(mid, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") + strspn(
                    mid + strspn(mid, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"), "=") !=
                strlen(mid) || strlen(mid) % 4))
        problem_add(p, "platform.machine_identifier must be base64 data (as UTM's machineIdentifier), not \"%s\"",
                    mid);
    const char *model = vmcfg_get_string(r, "platform.cpu_model");
    if (model && !cpu_model_find(model))
        problem_add(p, "%s: unknown CPU model '%s' (see 'nestvm cpu-models')", subject(&v, "platform.cpu_model"), model);

    json_t *arr = json_object_get(r, "storage"), *el;
    size_t i;
    if (json_is_array(arr)) {
        if (json_array_size(arr) > BOARD_MAX_DISKS)
            problem_add(p, "%s: at most %d disks", subject(&v, "storage"), BOARD_MAX_DISKS);
        json_array_foreach(arr, i, el) {
            char path[64];
            snprintf(path, sizeof(path), "storage[%zu].path", i);
            json_t *pj = json_object_get(el, "path");
            if (!json_is_object(el))
                continue;
            if (!pj)
                problem_add(p, "%s is required; give the path of a raw disk image", path);
            else if (json_is_string(pj))
                check_disk(&v, path, json_string_value(pj), json_is_true(json_object_get(el, "read_only")));
        }
    }
    arr = json_object_get(r, "network");
    if (json_is_array(arr)) {
        if (json_array_size(arr) > 1)
            problem_add(p, "%s: %zu network devices, but nestvm gives a VM at most 1; remove the others",
                        subject(&v, "network"), json_array_size(arr));
        json_array_foreach(arr, i, el) {
            json_t *fw = json_object_get(el, "port_forwards"), *f;
            size_t k;
            json_array_foreach(fw, k, f) {
                static const char *const addrs[] = { "host_address", "guest_address" };
                for (unsigned n = 0; n < 2 && json_is_object(f); n++) {
                    const char *a = json_string_value(json_object_get(f, addrs[n]));
                    struct in_addr ia;
                    if (a && inet_pton(AF_INET, a, &ia) != 1)
                        problem_add(p, "network[%zu].port_forwards[%zu].%s must be an IPv4 address, not \"%s\"", i, k,
                                    addrs[n], a);
                }
                static const char *const ports[] = { "host_port", "guest_port" };
                for (unsigned n = 0; n < 2; n++) {
                    char path[96];
                    snprintf(path, sizeof(path), "network[%zu].port_forwards[%zu].%s", i, k, ports[n]);
                    json_t *pj = json_object_get(f, ports[n]);
                    if (!json_is_object(f))
                        break;
                    if (!pj) {
                        problem_add(p, "%s is required; give a port number from 1 to 65535", path);
                    } else if (!whole_int(pj, 1, 65535)) {
                        char *s = shown(&v, path, pj);
                        problem_add(p, "%s must be a port number from 1 to 65535, not %s", path, s);
                        free(s);
                    }
                }
            }
        }
    }
    arr = json_object_get(r, "serial_ports");
    if (json_is_array(arr) && json_array_size(arr) > 1)
        problem_add(p, "%s: %zu serial ports, but nestvm has one console; keep one", subject(&v, "serial_ports"),
                    json_array_size(arr));

    if ((j = json_object_get(r, "timeout")) && (!json_is_number(j) || !(json_number_value(j) > 0) ||
                                                json_number_value(j) > 1e7)) {
        char *s = shown(&v, "timeout", j);
        problem_add(p, "%s must be a positive number of seconds, not %s", subject(&v, "timeout"), s);
        free(s);
    }
    const char *sock = json_string_value(json_object_get(r, "api_sock"));
    if (sock) {
        char *abs = path_resolve(c->base_dir, sock);
        if (abs && strlen(abs) >= sizeof(((struct sockaddr_un *)0)->sun_path))
            problem_add(p, "%s: the socket path '%s' is %zu bytes, longer than a socket address holds (%zu); use a "
                        "shorter path", subject(&v, "api_sock"), abs, strlen(abs),
                        sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
        free(abs);
    }
}

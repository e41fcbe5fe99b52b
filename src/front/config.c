/* VM configurations: the option table (every `run` flag and its config
 * key), setting values from flags or `edit --set`, reading and writing the
 * JSON document, and turning it into a board_config. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "config.h"
#include "front.h"

/* ---- problems ------------------------------------------------------------ */

void problem_add(struct problems *p, const char *fmt, ...)
{
    if (p->n == p->cap) {
        unsigned cap = p->cap ? p->cap * 2 : 8;
        char **m = realloc(p->msg, cap * sizeof(*m));
        if (!m)
            return;
        p->msg = m;
        p->cap = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&p->msg[p->n], fmt, ap) >= 0)
        p->n++;
    va_end(ap);
}

unsigned problems_print(const struct problems *p, const char *file)
{
    for (unsigned i = 0; i < p->n; i++) {
        /* Problems naming a flag are about the command line, not the file. */
        if (file && strncmp(p->msg[i], "--", 2) &&
            strncmp(p->msg[i], "run:", 4) && strncmp(p->msg[i], "create:", 7) && strncmp(p->msg[i], "start:", 6))
            fprintf(stderr, "nestvm: %s: %s\n", file, p->msg[i]);
        else
            fprintf(stderr, "nestvm: %s\n", p->msg[i]);
    }
    return p->n;
}

void problems_free(struct problems *p)
{
    for (unsigned i = 0; i < p->n; i++)
        free(p->msg[i]);
    free(p->msg);
    memset(p, 0, sizeof(*p));
}

/* ---- the option table ---------------------------------------------------- */

const struct vm_option vm_options[] = {
    { "kernel", "boot_loader.kernel", K_PATH, "IMAGE",
      "arm64 Linux Image (gzip-compressed accepted); with --nested and no\n"
      "kernel, the default guest: Debian's newest cloud kernel and a busybox\n"
      "initramfs that runs a KVM guest of its own (fetched on first use)" },
    { "initrd", "boot_loader.initrd", K_PATH, "FILE", "initial ramdisk" },
    { "append", "boot_loader.command_line", K_STRING, "STRING", "kernel command line" },
    { "cpus", "cpu_count", K_UINT, "N", "vCPUs (1 to the backend's maximum, default 1)" },
    { "memory", "memory_size", K_SIZE, "SIZE", "guest RAM, e.g. 512M, 2G (default 512M; a plain number is MiB)" },
    { "nested", "platform.nested_virtualization", K_BOOL, NULL,
      "vCPUs start at EL2 with the virtualization extensions" },
    { "cpu-model", "platform.cpu_model", K_STRING, "NAME", "CPU model (see 'nestvm cpu-models')" },
    { "accel", "accel", K_ENUM, "auto|kvm|soft", "backend: KVM (arm64 hosts) or the software CPU (default auto)" },
    { "disk", "storage", K_DISK, "PATH[,ro]", "raw disk image as virtio-blk (repeatable: vda, vdb, ...)" },
    { "net", "network", K_NET, "user[,hostfwd=tcp::H-:G]", "virtio-net with user-mode networking" },
    { "console", "serial_ports", K_CONSOLE, "serial|virtio", "console on stdio: PL011 (ttyAMA0) or virtio (hvc0)" },
    { "rng", "entropy", K_BOOL, NULL, "virtio-rng entropy device" },
    { "virtio-transport", "virtio_transport", K_ENUM, "pci|mmio", "how virtio devices attach" },
    { "timeout", "timeout", K_SECONDS, "SECONDS", "stop the guest after this long (exit code 4)" },
    { "dtb-out", "dtb_out", K_PATH, "FILE", "write the generated device tree blob to FILE" },
    { "api-sock", "api_sock", K_PATH, "PATH", "JSON-lines control socket (mode 0600; see README)" },
    /* Config only (no flag). */
    { NULL, "platform.machine_identifier", K_STRING, NULL, NULL },
    { NULL, NULL, 0, NULL, NULL },
};

static const char *const accel_values[] = { "auto", "kvm", "soft", NULL };
static const char *const transport_values[] = { "pci", "mmio", NULL };

const char *const *vm_option_values(const struct vm_option *o)
{
    if (!strcmp(o->key, "accel"))
        return accel_values;
    if (!strcmp(o->key, "virtio_transport"))
        return transport_values;
    return NULL;
}

const struct vm_option *vm_option_find(const char *name)
{
    for (const struct vm_option *o = vm_options; o->key; o++)
        if (!strcmp(o->key, name) || (o->flag && !strcmp(o->flag, name)))
            return o;
    return NULL;
}

void vmcfg_print_flags(FILE *f)
{
    for (const struct vm_option *o = vm_options; o->key; o++) {
        if (!o->flag)
            continue;
        char left[64];
        snprintf(left, sizeof(left), "--%s%s%s", o->flag, o->metavar ? " " : "", o->metavar ? o->metavar : "");
        const char *h = o->help;
        bool first = true;
        while (*h) {
            const char *nl = strchr(h, '\n');
            int len = nl ? (int)(nl - h) : (int)strlen(h);
            if (first && strlen(left) < 22)
                fprintf(f, "  %-22s %.*s\n", left, len, h);
            else if (first)
                fprintf(f, "  %s\n  %-22s %.*s\n", left, "", len, h);
            else
                fprintf(f, "  %-22s %.*s\n", "", len, h);
            first = false;
            h += len + (nl ? 1 : 0);
        }
        fprintf(f, "  %-22s (config: %s)\n", "", o->key);
    }
}

/* ---- documents ----------------------------------------------------------- */

void vmcfg_init(struct vm_config *c)
{
    memset(c, 0, sizeof(*c));
    c->root = json_object();
    json_object_set_new(c->root, "version", json_integer(VMCFG_VERSION));
    c->origin = json_object();
    c->cleared = json_object();
}

static char *dir_of(const char *path)
{
    char *abs = path_resolve(NULL, path);
    char *slash = abs ? strrchr(abs, '/') : NULL;
    if (slash)
        *(slash == abs ? slash + 1 : slash) = 0;
    return abs;
}

int vmcfg_load(struct vm_config *c, const char *path, struct problems *p)
{
    json_error_t err;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
    free(c->file);
    c->file = strdup(path);
    if (!root) {
        if (err.line < 1) {
            problem_add(p, "cannot read the configuration: %s", err.text);
        } else {
            problem_add(p, "line %d, column %d: not valid JSON: %s; fix the syntax", err.line, err.column, err.text);
        }
        return -1;
    }
    if (!json_is_object(root)) {
        problem_add(p, "the top level must be a JSON object ({ \"version\": %d, ... })", VMCFG_VERSION);
        json_decref(root);
        return -1;
    }
    json_decref(c->root);
    c->root = root;
    free(c->base_dir);
    c->base_dir = dir_of(path);
    return 0;
}

int vmcfg_save(const struct vm_config *c, const char *path)
{
    char tmp[4096];
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    if (json_dump_file(c->root, tmp, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0)
        return -1;
    FILE *f = fopen(tmp, "a");
    if (f) {
        fputc('\n', f);
        fclose(f);
    }
    return rename(tmp, path);
}

void vmcfg_free(struct vm_config *c)
{
    json_decref(c->root);
    json_decref(c->origin);
    json_decref(c->cleared);
    free(c->file);
    free(c->base_dir);
    for (unsigned i = 0; i < c->nstrings; i++)
        free(c->strings[i]);
    free(c->strings);
    memset(c, 0, sizeof(*c));
}

char *path_resolve(const char *base, const char *path)
{
    char *out = NULL;
    if (path[0] == '/')
        return strdup(path);
    char cwd[4096];
    if (!base) {
        if (!getcwd(cwd, sizeof(cwd)))
            return strdup(path);
        base = cwd;
    }
    if (asprintf(&out, "%s%s%s", base, base[strlen(base) - 1] == '/' ? "" : "/", path) < 0)
        return NULL;
    return out;
}

json_t *vmcfg_get(json_t *root, const char *dotted)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", dotted);
    json_t *j = root;
    for (char *s = buf, *tok; j && (tok = strsep(&s, "."));)
        j = json_is_object(j) ? json_object_get(j, tok) : NULL;
    return j;
}

const char *vmcfg_get_string(json_t *root, const char *dotted)
{
    return json_string_value(vmcfg_get(root, dotted));
}

/* Set root[dotted] = v (stolen), creating objects on the way. */
static void put(json_t *root, const char *dotted, json_t *v)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", dotted);
    json_t *j = root;
    char *s = buf, *dot;
    while ((dot = strchr(s, '.'))) {
        *dot = 0;
        json_t *next = json_object_get(j, s);
        if (!json_is_object(next)) {
            next = json_object();
            json_object_set_new(j, s, next);
        }
        j = next;
        s = dot + 1;
    }
    json_object_set_new(j, s, v);
}

static void del(json_t *root, const char *dotted)
{
    const char *dot = strrchr(dotted, '.');
    if (!dot) {
        json_object_del(root, dotted);
        return;
    }
    char parent[256];
    snprintf(parent, sizeof(parent), "%.*s", (int)(dot - dotted), dotted);
    json_t *j = vmcfg_get(root, parent);
    if (json_is_object(j))
        json_object_del(j, dot + 1);
}

/* "512M", "2G", "1048576K", "4096" (MiB). */
int parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (*s < '0' || *s > '9')
        return -1;
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

static int parse_bool(const char *s)
{
    static const char *const yes[] = { "true", "yes", "on", "1" }, *const no[] = { "false", "no", "off", "0" };
    for (unsigned i = 0; i < 4; i++) {
        if (!strcasecmp(s, yes[i]))
            return 1;
        if (!strcasecmp(s, no[i]))
            return 0;
    }
    return -1;
}

/* A port 1-65535 from exactly the n characters at s, or -1. */
static long parse_port(const char *s, size_t n)
{
    long v = 0;
    if (n == 0 || n > 5)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v >= 1 && v <= 65535 ? v : -1;
}

static bool valid_ipv4(const char *s, size_t n)
{
    char buf[32];
    struct in_addr a;
    if (n >= sizeof(buf))
        return false;
    memcpy(buf, s, n);
    buf[n] = 0;
    return inet_pton(AF_INET, buf, &a) == 1;
}

/* "PROTO:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT" -> a port_forwards entry. */
static json_t *parse_hostfwd(const char *s)
{
    const char *end = s + strlen(s);
    const char *proto = !strncmp(s, "tcp:", 4) ? "tcp" : !strncmp(s, "udp:", 4) ? "udp" : NULL;
    if (!proto)
        return NULL;
    s += 4;
    const char *dash = strchr(s, '-');
    const char *c1 = dash ? memchr(s, ':', (size_t)(dash - s)) : NULL;
    const char *c2 = dash ? strchr(dash + 1, ':') : NULL;
    if (!c1 || !c2)
        return NULL;
    long hp = parse_port(c1 + 1, (size_t)(dash - c1 - 1)), gp = parse_port(c2 + 1, (size_t)(end - c2 - 1));
    if (hp < 0 || gp < 0 || (c1 > s && !valid_ipv4(s, (size_t)(c1 - s))) ||
        (c2 > dash + 1 && !valid_ipv4(dash + 1, (size_t)(c2 - dash - 1))))
        return NULL;
    json_t *f = json_object();
    json_object_set_new(f, "protocol", json_string(proto));
    if (c1 > s)
        json_object_set_new(f, "host_address", json_stringn(s, (size_t)(c1 - s)));
    json_object_set_new(f, "host_port", json_integer(hp));
    if (c2 > dash + 1)
        json_object_set_new(f, "guest_address", json_stringn(dash + 1, (size_t)(c2 - dash - 1)));
    json_object_set_new(f, "guest_port", json_integer(gp));
    return f;
}

/* "user[,hostfwd=PROTO:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT]..." -> a
 * network entry; the first bad part becomes a problem (NULL). */
static json_t *parse_net(const char *s, const char *subject, struct problems *p)
{
    const char *comma = strchr(s, ',');
    size_t n = comma ? (size_t)(comma - s) : strlen(s);
    if (n != 4 || strncmp(s, "user", 4)) {
        problem_add(p, "%s: unknown network type in '%s' (expected user[,hostfwd=tcp::HOSTPORT-:GUESTPORT]...)",
                    subject, s);
        return NULL;
    }
    json_t *net = json_object(), *fwds = json_array();
    json_object_set_new(net, "type", json_string("virtio-net"));
    json_object_set_new(net, "mode", json_string("user"));
    while (comma) {
        const char *part = comma + 1;
        comma = strchr(part, ',');
        n = comma ? (size_t)(comma - part) : strlen(part);
        char *tok = strndup(part, n);
        json_t *f = tok && !strncmp(tok, "hostfwd=", 8) ? parse_hostfwd(tok + 8) : NULL;
        free(tok);
        if (!f) {
            problem_add(p, "%s: bad option '%.*s' in '%s' (expected hostfwd=tcp::HOSTPORT-:GUESTPORT)", subject,
                        (int)n, part, s);
            json_decref(fwds);
            json_decref(net);
            return NULL;
        }
        json_array_append_new(fwds, f);
    }
    if (json_array_size(fwds))
        json_object_set_new(net, "port_forwards", fwds);
    else
        json_decref(fwds);
    return net;
}

/* Append (or, on the first use in this parse, replace) an array entry. */
static void put_array_entry(struct vm_config *c, const char *key, json_t *entry, bool from_flag)
{
    json_t *arr = json_object_get(c->root, key);
    if (!json_is_array(arr) || (from_flag && !json_object_get(c->cleared, key)) || !from_flag) {
        arr = json_array();
        json_object_set_new(c->root, key, arr);
        if (from_flag)
            json_object_set_new(c->cleared, key, json_true());
    }
    json_array_append_new(arr, entry);
}

int vmcfg_set(struct vm_config *c, const char *key, const char *value, const char *flag, struct problems *p)
{
    const struct vm_option *o = vm_option_find(key);
    if (!o) {
        const char *best = NULL;
        unsigned bd = ~0u;
        for (const struct vm_option *q = vm_options; q->key; q++) {
            unsigned d = edit_distance(key, q->key);
            if (d < bd) { bd = d; best = q->key; }
            if (q->flag && (d = edit_distance(key, q->flag)) < bd) { bd = d; best = q->key; }
        }
        if (best && bd <= suggest_limit(key))
            problem_add(p, "'%s' is not a configuration key; did you mean \"%s\"?", key, best);
        else
            problem_add(p, "'%s' is not a configuration key (see docs/config.md)", key);
        return -1;
    }
    char subject[80];
    snprintf(subject, sizeof(subject), flag ? "--%s" : "%s", flag ? o->flag : o->key);
    if (flag) {
        char *org;
        if (asprintf(&org, "--%s\x1f%s", o->flag, value ? value : "") >= 0) {
            json_object_set_new(c->origin, o->key, json_string(org));
            free(org);
        }
    } else {
        json_object_del(c->origin, o->key);
    }
    if (!value)
        value = "";
    char *end;
    switch (o->kind) {
    case K_PATH:
        if (!*value) {    /* --set initrd= removes it */
            del(c->root, o->key);
            break;
        }
        if (flag) {    /* relative to where the command runs */
            char *abs = path_resolve(NULL, value);
            put(c->root, o->key, json_string(abs ? abs : value));
            free(abs);
        } else {
            put(c->root, o->key, json_string(value));
        }
        break;
    case K_STRING:
    case K_ENUM:
        put(c->root, o->key, json_string(value));
        break;
    case K_UINT: {
        errno = 0;
        long long n = strtoll(value, &end, 10);
        put(c->root, o->key, *value && !*end && !errno ? json_integer(n) : json_string(value));
        break;
    }
    case K_SIZE: {
        uint64_t bytes;
        put(c->root, o->key, parse_size(value, &bytes) == 0 ? json_integer((json_int_t)bytes) : json_string(value));
        break;
    }
    case K_SECONDS: {
        double d = strtod(value, &end);
        put(c->root, o->key, *value && !*end ? json_real(d) : json_string(value));
        break;
    }
    case K_BOOL: {
        int b = flag && !*value ? 1 : parse_bool(value);
        if (b < 0) {
            problem_add(p, "%s must be true or false, not '%s'", subject, value);
            return -1;
        }
        put(c->root, o->key, json_boolean(b));
        break;
    }
    case K_DISK: {
        if (!*value) {
            json_object_set_new(c->root, o->key, json_array());
            break;
        }
        char *dup = strdup(value), *comma = strrchr(dup, ',');
        bool ro = false;
        if (comma && (!strcmp(comma, ",ro") || !strcmp(comma, ",rw"))) {
            ro = comma[1] == 'r' && comma[2] == 'o';
            *comma = 0;
        }
        if (!*dup) {
            problem_add(p, "%s needs a PATH[,ro]", subject);
            free(dup);
            return -1;
        }
        json_t *d = json_object();
        json_object_set_new(d, "type", json_string("virtio-blk"));
        char *abs = flag ? path_resolve(NULL, dup) : strdup(dup);
        json_object_set_new(d, "path", json_string(abs ? abs : dup));
        json_object_set_new(d, "read_only", json_boolean(ro));
        free(abs);
        free(dup);
        put_array_entry(c, o->key, d, flag != NULL);
        break;
    }
    case K_NET:
        if (!*value || !strcmp(value, "none")) {
            json_object_set_new(c->root, o->key, json_array());
            break;
        }
    {
        json_t *net = parse_net(value, subject, p);
        if (!net)
            return -1;
        put_array_entry(c, o->key, net, flag != NULL);
        break;
    }
    case K_CONSOLE: {
        json_t *s = json_object();
        const char *type = !strcmp(value, "serial") ? "pl011" : !strcmp(value, "virtio") ? "virtio-console" : value;
        json_object_set_new(s, "type", json_string(type));
        json_t *arr = json_array();
        json_array_append_new(arr, s);
        json_object_set_new(c->root, o->key, arr);
        break;
    }
    }
    return 0;
}

int vmcfg_parse_flags(struct vm_config *c, int argc, char **argv, struct run_extra *extra, struct problems *p)
{
    enum { OPT_BASE = 256, O_CONFIG = 1000, O_HELP };   /* getopt's own codes stay below 256 */
    struct option opts[sizeof(vm_options) / sizeof(vm_options[0]) + 3];
    unsigned n = 0;
    for (const struct vm_option *o = vm_options; o->key; o++)
        if (o->flag)
            opts[n++] = (struct option){ o->flag, o->kind == K_BOOL ? no_argument : required_argument, 0,
                                         OPT_BASE + (int)(o - vm_options) };
    opts[n++] = (struct option){ "config", required_argument, 0, O_CONFIG };
    opts[n++] = (struct option){ "help", no_argument, 0, O_HELP };
    opts[n] = (struct option){ 0, 0, 0, 0 };
    optind = 1;
    opterr = 0;
    int r;
    /* "-" first: positional arguments come back in order as code 1. */
    while ((r = getopt_long(argc, argv, "-", opts, NULL)) != -1) {
        if (r == O_HELP)
            return 1;
        if (r == O_CONFIG) {
            extra->config = optarg;
        } else if (r == 1) {
            if (extra->allow_name && !extra->name)
                extra->name = optarg;
            else
                problem_add(p, "%s: unexpected argument '%s'", argv[0], optarg);
        } else if (r >= OPT_BASE && r < OPT_BASE + (int)(sizeof(vm_options) / sizeof(vm_options[0])) &&
                   vm_options[r - OPT_BASE].key) {
            const struct vm_option *o = &vm_options[r - OPT_BASE];
            vmcfg_set(c, o->key, o->kind == K_BOOL ? NULL : optarg, o->flag, p);
        } else {
            const char *bad = argv[optind - 1];
            const char *name = bad;
            while (*name == '-')
                name++;
            const char *best = NULL;
            unsigned bd = ~0u;
            for (const struct vm_option *o = vm_options; o->key; o++) {
                if (!o->flag)
                    continue;
                unsigned d = edit_distance(name, o->flag);
                if (d < bd) { bd = d; best = o->flag; }
            }
            if (r == ':' || (best && !strcmp(best, name)))
                problem_add(p, "%s: option '%s' needs a value (see 'nestvm %s --help')", argv[0], bad, argv[0]);
            else if (best && bd <= suggest_limit(name) && *name)
                problem_add(p, "%s: unknown or incomplete option '%s'; did you mean '--%s'? (see 'nestvm %s --help')",
                            argv[0], bad, best, argv[0]);
            else
                problem_add(p, "%s: unknown or incomplete option '%s' (see 'nestvm %s --help')", argv[0], bad, argv[0]);
        }
    }
    return 0;
}

/* --config FILE must be read before the flags that override it. */
const char *vmcfg_config_arg(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--"))
            break;
        if (!strcmp(argv[i], "--config") && i + 1 < argc)
            return argv[i + 1];
        if (!strncmp(argv[i], "--config=", 9))
            return argv[i] + 9;
    }
    return NULL;
}

int vmcfg_from_args(struct vm_config *c, int argc, char **argv, struct run_extra *extra, struct problems *p)
{
    const char *file = vmcfg_config_arg(argc, argv);
    if (file && vmcfg_load(c, file, p) < 0) {
        problems_print(p, file);
        problems_free(p);
        vmcfg_free(c);
        return -1;
    }
    return vmcfg_parse_flags(c, argc, argv, extra, p);
}

/* ---- to the board -------------------------------------------------------- */

static const char *keep(struct vm_config *c, char *s)
{
    char **n = realloc(c->strings, (c->nstrings + 1) * sizeof(*n));
    if (!n) {
        free(s);
        return NULL;
    }
    c->strings = n;
    c->strings[c->nstrings++] = s;
    return s;
}

static const char *resolved(struct vm_config *c, const char *path)
{
    return path ? keep(c, path_resolve(c->base_dir, path)) : NULL;
}

void vmcfg_to_board(struct vm_config *c, struct board_config *bc)
{
    json_t *r = c->root;
    memset(bc, 0, sizeof(*bc));
    bc->cpus = json_is_integer(json_object_get(r, "cpu_count")) ? (unsigned)json_integer_value(json_object_get(r, "cpu_count")) : 1;
    bc->memory = json_is_integer(json_object_get(r, "memory_size")) ? (uint64_t)json_integer_value(json_object_get(r, "memory_size")) : 512ull << 20;
    const char *ms = json_string_value(json_object_get(r, "memory_size"));
    if (ms)
        parse_size(ms, &bc->memory);
    bc->kernel = resolved(c, vmcfg_get_string(r, "boot_loader.kernel"));
    bc->initrd = resolved(c, vmcfg_get_string(r, "boot_loader.initrd"));
    bc->cmdline = vmcfg_get_string(r, "boot_loader.command_line");
    bc->nested = json_is_true(vmcfg_get(r, "platform.nested_virtualization"));
    bc->cpu_model = vmcfg_get_string(r, "platform.cpu_model");
    const char *accel = json_string_value(json_object_get(r, "accel"));
    bc->backend = !accel || !strcmp(accel, "auto") ? HV_BACKEND_AUTO : !strcmp(accel, "kvm") ? HV_BACKEND_KVM : HV_BACKEND_SOFT;
    json_t *disks = json_object_get(r, "storage"), *d;
    size_t i;
    json_array_foreach(disks, i, d) {
        if (bc->ndisks >= BOARD_MAX_DISKS)
            break;
        bc->disks[bc->ndisks].path = resolved(c, json_string_value(json_object_get(d, "path")));
        bc->disks[bc->ndisks].readonly = json_is_true(json_object_get(d, "read_only"));
        bc->ndisks++;
    }
    json_t *net = json_array_get(json_object_get(r, "network"), 0);
    if (net) {
        char *s = strdup(json_string_value(json_object_get(net, "mode")) ? json_string_value(json_object_get(net, "mode")) : "user");
        json_t *f;
        json_array_foreach(json_object_get(net, "port_forwards"), i, f) {
            char *t;
            const char *proto = json_string_value(json_object_get(f, "protocol"));
            const char *ha = json_string_value(json_object_get(f, "host_address"));
            const char *ga = json_string_value(json_object_get(f, "guest_address"));
            if (asprintf(&t, "%s,hostfwd=%s:%s:%lld-%s:%lld", s, proto ? proto : "tcp", ha ? ha : "",
                         (long long)json_integer_value(json_object_get(f, "host_port")), ga ? ga : "",
                         (long long)json_integer_value(json_object_get(f, "guest_port"))) >= 0) {
                free(s);
                s = t;
            }
        }
        bc->net = keep(c, s);
    }
    const char *console = json_string_value(json_object_get(json_array_get(json_object_get(r, "serial_ports"), 0), "type"));
    bc->console = console && !strcmp(console, "virtio-console") ? BOARD_CONSOLE_VIRTIO : BOARD_CONSOLE_SERIAL;
    bc->rng = json_is_true(json_object_get(r, "entropy"));
    const char *tr = json_string_value(json_object_get(r, "virtio_transport"));
    bc->virtio_transport = tr && !strcmp(tr, "mmio") ? BOARD_VIRTIO_MMIO : BOARD_VIRTIO_PCI;
    json_t *t = json_object_get(r, "timeout");
    bc->timeout = json_is_number(t) ? json_number_value(t) : 0;
    bc->dtb_out = resolved(c, json_string_value(json_object_get(r, "dtb_out")));
}

const char *vmcfg_api_sock(struct vm_config *c)
{
    return resolved(c, json_string_value(json_object_get(c->root, "api_sock")));
}

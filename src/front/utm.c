/* UTM bundles: `nestvm import PATH.utm [NAME]` and `nestvm export NAME
 * PATH.utm`.  A bundle is a directory with config.plist and a Data folder;
 * the keys are those UTM's Apple-backend configuration encodes
 * (Configuration/UTMAppleConfiguration*.swift, ConfigurationVersion 4):
 *
 *   Backend "Apple", ConfigurationVersion 4
 *   Information: Name, IconCustom, UUID
 *   System: Architecture, CPUCount (0 = host's), MemorySize (MiB),
 *           Boot {OperatingSystem, UEFIBoot, LinuxKernelPath,
 *                 LinuxInitialRamdiskPath, LinuxCommandLine}  (file names in Data)
 *           GenericPlatform {machineIdentifier (data)}
 *   Virtualization: Audio, Balloon, Entropy, Keyboard, Pointer, ClipboardSharing
 *   Display[], Drive[] {ImageName, ReadOnly, Nvme, Identifier},
 *   Network[] {Mode Shared|Bridged, MacAddress}, Serial[] {Mode}
 *
 * UTM stores no nested flag: from 4.6.1 it enables nested virtualization on
 * every Apple-backend Linux VM when the host supports it; import does the
 * same with this host's answer. */
#include <errno.h>
#include <plist/plist.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "front.h"

#define UTM_CONFIG_VERSION 4

/* ---- base64 (machine identifier: plist data <-> JSON string) ------------- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static char *b64_encode(const uint8_t *d, size_t n)
{
    char *out = malloc((n + 2) / 3 * 4 + 1), *o = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)d[i] << 16 | (i + 1 < n ? (uint32_t)d[i + 1] << 8 : 0) | (i + 2 < n ? d[i + 2] : 0);
        *o++ = b64[v >> 18 & 63];
        *o++ = b64[v >> 12 & 63];
        *o++ = i + 1 < n ? b64[v >> 6 & 63] : '=';
        *o++ = i + 2 < n ? b64[v & 63] : '=';
    }
    *o = 0;
    return out;
}

static uint8_t *b64_decode(const char *s, size_t *n)
{
    size_t len = strlen(s);
    uint8_t *out = malloc(len / 4 * 3 + 3);
    uint32_t v = 0;
    unsigned bits = 0;
    *n = 0;
    if (!out)
        return NULL;
    for (; *s && *s != '='; s++) {
        const char *p = strchr(b64, *s);
        if (!p || !*s) {
            free(out);
            return NULL;
        }
        v = v << 6 | (uint32_t)(p - b64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[(*n)++] = (uint8_t)(v >> bits);
        }
    }
    return out;
}

/* ---- plist access -------------------------------------------------------- */

static plist_t dict_get(plist_t d, const char *key)
{
    return d && plist_get_node_type(d) == PLIST_DICT ? plist_dict_get_item(d, key) : NULL;
}

static char *str_of(plist_t n)
{
    char *s = NULL;
    if (n && plist_get_node_type(n) == PLIST_STRING)
        plist_get_string_val(n, &s);
    return s;
}

static bool int_of(plist_t n, int64_t *v)
{
    if (!n)
        return false;
    if (plist_get_node_type(n) == PLIST_UINT) {
        uint64_t u;
        plist_get_uint_val(n, &u);
        *v = (int64_t)u;
        return true;
    }
    if (plist_get_node_type(n) == PLIST_REAL) {
        double d;
        plist_get_real_val(n, &d);
        *v = (int64_t)d;
        return true;
    }
    return false;
}

static bool bool_of(plist_t n, bool dflt)
{
    if (!n || plist_get_node_type(n) != PLIST_BOOLEAN)
        return dflt;
    uint8_t b;
    plist_get_bool_val(n, &b);
    return b != 0;
}

static plist_t read_plist(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 65536;
            if (cap > (64u << 20)) {
                free(buf);
                fclose(f);
                return NULL;
            }
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        if (!n)
            break;
        len += n;
    }
    fclose(f);
    plist_t p = NULL;
    if (len)
        plist_from_memory(buf, (uint32_t)len, &p);
    free(buf);
    return p;
}

/* ---- import -------------------------------------------------------------- */

static void sanitize_name(const char *in, char *out, size_t len)
{
    size_t j = 0;
    for (size_t i = 0; in[i] && j + 1 < len && j < 64; i++) {
        char ch = in[i];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
                  ch == '_' || ch == '.';
        if (!ok)
            ch = '-';
        if (ch != '-' || (j && out[j - 1] != '-'))   /* "Debian 12 (nested)" -> "Debian-12-nested" */
            out[j++] = ch;
    }
    while (j && out[j - 1] == '-')
        j--;
    out[j] = 0;
    while (out[0] == '.' || out[0] == '-')
        memmove(out, out + 1, strlen(out));
    if (!out[0])
        snprintf(out, len, "utm-vm");
}

/* Why this bundle cannot become a nestvm VM, or NULL. */
static int refuse(const char *bundle, const char *why)
{
    fprintf(stderr, "nestvm: import: '%s' cannot be imported: %s\n", bundle, why);
    return BOARD_EXIT_BAD_INPUT;
}

int cmd_import(int argc, char **argv)
{
    if (argc < 2 || argc > 3 || argv[1][0] == '-') {
        fprintf(stderr, "nestvm: import: usage: nestvm import PATH.utm [NAME]\n");
        return BOARD_EXIT_BAD_INPUT;
    }
    const char *bundle = argv[1];
    char path[4200], data[4200];
    snprintf(path, sizeof(path), "%s/config.plist", bundle);
    snprintf(data, sizeof(data), "%s/Data", bundle);
    struct stat st;
    if (stat(bundle, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "nestvm: import: '%s' is not a UTM bundle (a directory with config.plist)\n", bundle);
        return BOARD_EXIT_BAD_INPUT;
    }
    plist_t root = read_plist(path);
    if (!root || plist_get_node_type(root) != PLIST_DICT) {
        fprintf(stderr, "nestvm: import: cannot read '%s' as a property list\n", path);
        plist_free(root);
        return BOARD_EXIT_BAD_INPUT;
    }
    int code = BOARD_EXIT_BAD_INPUT;
    char *backend = str_of(dict_get(root, "Backend"));
    char *os = NULL, *arch = NULL, *kernel = NULL, *initrd = NULL, *cmdline = NULL, *vmname = NULL;
    int64_t version = 0, cpus = 0, mem = 0;
    plist_t sys = dict_get(root, "System"), boot = dict_get(sys, "Boot");
    struct vm_config c;
    vmcfg_init(&c);

    if (!backend) {
        code = refuse(bundle, "it has no Backend key, so it is a legacy (pre-4.0) UTM configuration; open it in a "
                              "current UTM once so it is saved in the current format, then import it");
        goto out;
    }
    if (!strcmp(backend, "QEMU")) {
        code = refuse(bundle, "it uses UTM's QEMU backend (Backend = QEMU), whose machines are defined by QEMU "
                              "options; nestvm imports Apple-backend (Virtualization.framework) Linux VMs, which "
                              "boot a Linux kernel on a generic platform. Create the VM with 'nestvm create' from "
                              "the guest's kernel and disk images instead");
        goto out;
    }
    if (strcmp(backend, "Apple")) {
        char why[200];
        snprintf(why, sizeof(why), "its Backend is '%.64s'; nestvm imports Backend = Apple", backend);
        code = refuse(bundle, why);
        goto out;
    }
    if (!int_of(dict_get(root, "ConfigurationVersion"), &version) || version != UTM_CONFIG_VERSION) {
        char why[200];
        snprintf(why, sizeof(why), "its ConfigurationVersion is %lld; nestvm reads version %d (UTM 4 and later)",
                 (long long)version, UTM_CONFIG_VERSION);
        code = refuse(bundle, why);
        goto out;
    }
    os = str_of(dict_get(boot, "OperatingSystem"));
    if (os && !strcmp(os, "macOS")) {
        code = refuse(bundle, "it is a macOS guest (OperatingSystem = macOS); macOS runs only on Apple's Mac "
                              "platform (hardware model, auxiliary storage, Apple silicon host), while nestvm "
                              "provides a generic arm64 platform for Linux guests");
        goto out;
    }
    if (!os || strcmp(os, "Linux")) {
        code = refuse(bundle, "its System.Boot.OperatingSystem is not Linux; nestvm runs Linux guests");
        goto out;
    }
    arch = str_of(dict_get(sys, "Architecture"));
    if (arch && strcmp(arch, "aarch64")) {
        char why[200];
        snprintf(why, sizeof(why), "its Architecture is %.32s; nestvm runs aarch64 guests", arch);
        code = refuse(bundle, why);
        goto out;
    }
    kernel = str_of(dict_get(boot, "LinuxKernelPath"));
    if (!kernel) {
        code = refuse(bundle, bool_of(dict_get(boot, "UEFIBoot"), false)
                                  ? "it boots through UEFI (UEFIBoot = true) and names no LinuxKernelPath; nestvm "
                                    "boots a Linux kernel directly: copy vmlinuz and the initrd out of the guest's "
                                    "/boot, set them in UTM (Boot: Linux kernel) or create the VM with 'nestvm create'"
                                  : "it names no LinuxKernelPath (System.Boot); nestvm boots a Linux kernel directly");
        goto out;
    }
    struct problems p = { 0 };
    char file[4400];
    snprintf(file, sizeof(file), "%s/%s", data, kernel);
    vmcfg_set(&c, "kernel", file, NULL, &p);
    if ((initrd = str_of(dict_get(boot, "LinuxInitialRamdiskPath")))) {
        snprintf(file, sizeof(file), "%s/%s", data, initrd);
        vmcfg_set(&c, "initrd", file, NULL, &p);
    }
    if ((cmdline = str_of(dict_get(boot, "LinuxCommandLine"))))
        vmcfg_set(&c, "append", cmdline, NULL, &p);
    json_object_set_new(vmcfg_get(c.root, "boot_loader"), "type", json_string("linux"));

    unsigned max = hv_max_vcpus(HV_BACKEND_AUTO);
    if (!int_of(dict_get(sys, "CPUCount"), &cpus) || cpus <= 0) {   /* 0: as many as the host has */
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        cpus = n > 0 ? n : 1;
    }
    if (max && cpus > (int64_t)max) {
        fprintf(stderr, "nestvm: import: CPUCount %lld is more than this host's backend offers; using %u\n",
                (long long)cpus, max);
        cpus = max;
    }
    json_object_set_new(c.root, "cpu_count", json_integer(cpus));
    if (int_of(dict_get(sys, "MemorySize"), &mem) && mem > 0)
        json_object_set_new(c.root, "memory_size", json_integer((json_int_t)mem << 20));

    json_t *platform = json_object();
    json_object_set_new(platform, "type", json_string("generic"));
    bool el2 = false;
    hv_vm_config_get_el2_supported(HV_BACKEND_AUTO, &el2, NULL);
    json_object_set_new(platform, "nested_virtualization", json_boolean(el2));
    plist_t mid = dict_get(dict_get(sys, "GenericPlatform"), "machineIdentifier");
    if (mid && plist_get_node_type(mid) == PLIST_DATA) {
        char *bytes = NULL;
        uint64_t n = 0;
        plist_get_data_val(mid, &bytes, &n);
        char *enc = bytes ? b64_encode((const uint8_t *)bytes, (size_t)n) : NULL;
        if (enc)
            json_object_set_new(platform, "machine_identifier", json_string(enc));
        free(enc);
        free(bytes);
    }
    json_object_set_new(c.root, "platform", platform);

    plist_t drives = dict_get(root, "Drive");
    json_t *storage = json_array();
    for (uint32_t i = 0; drives && plist_get_node_type(drives) == PLIST_ARRAY && i < plist_array_get_size(drives); i++) {
        plist_t d = plist_array_get_item(drives, i);
        char *img = str_of(dict_get(d, "ImageName"));
        if (!img) {
            fprintf(stderr, "nestvm: import: drive %u has no ImageName (an external drive UTM reaches through a "
                            "macOS bookmark); skipped\n", i);
            continue;
        }
        snprintf(file, sizeof(file), "%s/%s", data, img);
        json_t *e = json_object();
        json_object_set_new(e, "type", json_string("virtio-blk"));
        json_object_set_new(e, "path", json_string(file));
        json_object_set_new(e, "read_only", json_boolean(bool_of(dict_get(d, "ReadOnly"), false)));
        json_array_append_new(storage, e);
        free(img);
    }
    if (json_array_size(storage))
        json_object_set_new(c.root, "storage", storage);
    else
        json_decref(storage);

    plist_t nets = dict_get(root, "Network");
    if (nets && plist_get_node_type(nets) == PLIST_ARRAY && plist_array_get_size(nets) > 0) {
        plist_t n0 = plist_array_get_item(nets, 0);
        char *mode = str_of(dict_get(n0, "Mode")), *mac = str_of(dict_get(n0, "MacAddress"));
        json_t *e = json_object();
        json_object_set_new(e, "type", json_string("virtio-net"));
        json_object_set_new(e, "mode", json_string("user"));
        if (mac)
            json_object_set_new(e, "mac_address", json_string(mac));
        json_t *arr = json_array();
        json_array_append_new(arr, e);
        json_object_set_new(c.root, "network", arr);
        if (mode && strcmp(mode, "Shared"))
            fprintf(stderr, "nestvm: import: network Mode %s becomes user-mode networking (like UTM's Shared)\n", mode);
        if (plist_array_get_size(nets) > 1)
            fprintf(stderr, "nestvm: import: only the first of %u network devices is kept\n", plist_array_get_size(nets));
        free(mode);
        free(mac);
    }
    plist_t serials = dict_get(root, "Serial");
    if (serials && plist_get_node_type(serials) == PLIST_ARRAY && plist_array_get_size(serials) > 0) {
        /* UTM's serial port is a virtio console (hvc0 in the guest). */
        json_t *arr = json_array(), *e = json_object();
        json_object_set_new(e, "type", json_string("virtio-console"));
        json_array_append_new(arr, e);
        json_object_set_new(c.root, "serial_ports", arr);
    }
    json_object_set_new(c.root, "entropy", json_boolean(bool_of(dict_get(dict_get(root, "Virtualization"), "Entropy"),
                                                                false)));

    char name[80];
    vmname = str_of(dict_get(dict_get(root, "Information"), "Name"));
    if (argc == 3)
        snprintf(name, sizeof(name), "%s", argv[2]);
    else
        sanitize_name(vmname ? vmname : "utm-vm", name, sizeof(name));
    free(c.base_dir);
    c.base_dir = NULL;
    vmcfg_validate(&c, &p);
    if (p.n) {
        fprintf(stderr, "nestvm: import: '%s' does not make a valid VM:\n", bundle);
        problems_print(&p, NULL);
        problems_free(&p);
        goto out;
    }
    problems_free(&p);
    code = library_store(&c, name, "import", true);
out:
    free(backend);
    free(os);
    free(arch);
    free(kernel);
    free(initrd);
    free(cmdline);
    free(vmname);
    vmcfg_free(&c);
    plist_free(root);
    return code;
}

/* ---- export -------------------------------------------------------------- */

static void uuid_string(char *out, size_t len)
{
    uint8_t b[16];
    FILE *f = fopen("/dev/urandom", "rb");
    if (!f || fread(b, 1, 16, f) != 16)
        for (unsigned i = 0; i < 16; i++)
            b[i] = (uint8_t)rand();
    if (f)
        fclose(f);
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
    snprintf(out, len, "%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X", b[0], b[1], b[2], b[3],
             b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* Copy the config's file into the bundle's Data; its name there, or NULL. */
static const char *export_file(struct vm_config *c, const char *path, const char *data, char *name, size_t len)
{
    char *abs = path_resolve(c->base_dir, path), to[4500];
    snprintf(name, len, "%s", base_name(abs));
    snprintf(to, sizeof(to), "%s/%s", data, name);
    int r = copy_file(abs, to);
    if (r < 0)
        fprintf(stderr, "nestvm: export: cannot copy '%s' to '%s': %s\n", abs, to, strerror(errno));
    free(abs);
    return r < 0 ? NULL : name;
}

int cmd_export(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "nestvm: export: usage: nestvm export NAME PATH.utm\n");
        return BOARD_EXIT_BAD_INPUT;
    }
    struct problems p = { 0 };
    char *dir = library_vm_dir(argv[1], &p);
    if (!dir) {
        fprintf(stderr, "nestvm: export: %s\n", p.msg[0]);
        problems_free(&p);
        return BOARD_EXIT_BAD_INPUT;
    }
    char cfgpath[4200], data[4200], plistpath[4200];
    snprintf(cfgpath, sizeof(cfgpath), "%s/config.json", dir);
    free(dir);
    struct vm_config c;
    vmcfg_init(&c);
    if (access(cfgpath, F_OK) != 0) {
        fprintf(stderr, "nestvm: export: no VM named '%s' (see 'nestvm list')\n", argv[1]);
        vmcfg_free(&c);
        return BOARD_EXIT_BAD_INPUT;
    }
    if (vmcfg_load(&c, cfgpath, &p) < 0) {
        problems_print(&p, cfgpath);
        problems_free(&p);
        vmcfg_free(&c);
        return BOARD_EXIT_BAD_INPUT;
    }
    vmcfg_validate(&c, &p);
    if (p.n) {   /* e.g. its kernel is gone: nothing to export */
        problems_print(&p, cfgpath);
        problems_free(&p);
        vmcfg_free(&c);
        return BOARD_EXIT_BAD_INPUT;
    }
    const char *bundle = argv[2];
    if (!bundle || !*bundle || access(bundle, F_OK) == 0) {
        fprintf(stderr, "nestvm: export: '%s' already exists; choose a new path\n", bundle);
        vmcfg_free(&c);
        return BOARD_EXIT_BAD_INPUT;
    }
    snprintf(data, sizeof(data), "%s/Data", bundle);
    snprintf(plistpath, sizeof(plistpath), "%s/config.plist", bundle);
    if (mkdir(bundle, 0755) < 0 || mkdir(data, 0755) < 0) {
        fprintf(stderr, "nestvm: export: cannot create '%s': %s\n", bundle, strerror(errno));
        vmcfg_free(&c);
        return BOARD_EXIT_BAD_INPUT;
    }
    struct board_config bc;
    vmcfg_to_board(&c, &bc);
    int code = 0;
    char name[512], uuid[40];

    plist_t root = plist_new_dict();
    plist_t info = plist_new_dict();
    plist_dict_set_item(info, "Name", plist_new_string(argv[1]));
    plist_dict_set_item(info, "IconCustom", plist_new_bool(0));
    uuid_string(uuid, sizeof(uuid));
    plist_dict_set_item(info, "UUID", plist_new_string(uuid));
    plist_dict_set_item(root, "Information", info);

    plist_t sys = plist_new_dict(), boot = plist_new_dict();
    plist_dict_set_item(sys, "Architecture", plist_new_string("aarch64"));
    plist_dict_set_item(sys, "CPUCount", plist_new_uint(bc.cpus));
    plist_dict_set_item(sys, "MemorySize", plist_new_uint(bc.memory >> 20));
    plist_dict_set_item(boot, "OperatingSystem", plist_new_string("Linux"));
    plist_dict_set_item(boot, "UEFIBoot", plist_new_bool(0));
    const char *k = vmcfg_get_string(c.root, "boot_loader.kernel");
    if (k && export_file(&c, k, data, name, sizeof(name)))
        plist_dict_set_item(boot, "LinuxKernelPath", plist_new_string(name));
    else
        code = BOARD_EXIT_INTERNAL;
    const char *ird = vmcfg_get_string(c.root, "boot_loader.initrd");
    if (ird) {
        if (export_file(&c, ird, data, name, sizeof(name)))
            plist_dict_set_item(boot, "LinuxInitialRamdiskPath", plist_new_string(name));
        else
            code = BOARD_EXIT_INTERNAL;
    }
    if (bc.cmdline)
        plist_dict_set_item(boot, "LinuxCommandLine", plist_new_string(bc.cmdline));
    plist_dict_set_item(sys, "Boot", boot);
    plist_t gp = plist_new_dict();
    const char *mid = vmcfg_get_string(c.root, "platform.machine_identifier");
    size_t midlen = 0;
    uint8_t *midbytes = mid ? b64_decode(mid, &midlen) : NULL;
    if (midbytes)
        plist_dict_set_item(gp, "machineIdentifier", plist_new_data((const char *)midbytes, midlen));
    free(midbytes);
    plist_dict_set_item(sys, "GenericPlatform", gp);
    plist_dict_set_item(root, "System", sys);

    plist_t virt = plist_new_dict();
    plist_dict_set_item(virt, "Audio", plist_new_bool(0));
    plist_dict_set_item(virt, "Balloon", plist_new_bool(0));
    plist_dict_set_item(virt, "Entropy", plist_new_bool(bc.rng));
    plist_dict_set_item(virt, "Keyboard", plist_new_string("Disabled"));
    plist_dict_set_item(virt, "Pointer", plist_new_string("Disabled"));
    plist_dict_set_item(virt, "ClipboardSharing", plist_new_bool(0));
    plist_dict_set_item(root, "Virtualization", virt);
    plist_dict_set_item(root, "Display", plist_new_array());

    plist_t drives = plist_new_array();
    for (unsigned i = 0; i < bc.ndisks; i++) {
        plist_t d = plist_new_dict();
        if (!export_file(&c, bc.disks[i].path, data, name, sizeof(name))) {
            code = BOARD_EXIT_INTERNAL;
            plist_free(d);
            continue;
        }
        plist_dict_set_item(d, "ImageName", plist_new_string(name));
        plist_dict_set_item(d, "ReadOnly", plist_new_bool(bc.disks[i].readonly));
        plist_dict_set_item(d, "Nvme", plist_new_bool(0));
        uuid_string(uuid, sizeof(uuid));
        plist_dict_set_item(d, "Identifier", plist_new_string(uuid));
        plist_array_append_item(drives, d);
    }
    plist_dict_set_item(root, "Drive", drives);

    plist_t nets = plist_new_array();
    json_t *net = json_array_get(json_object_get(c.root, "network"), 0);
    if (net) {
        plist_t n = plist_new_dict();
        const char *mac = json_string_value(json_object_get(net, "mac_address"));
        char macbuf[24];
        if (!mac) {   /* UTM requires one: a random locally administered address */
            uint8_t b[6];
            char u[40];
            uuid_string(u, sizeof(u));
            for (unsigned i = 0; i < 6; i++)
                b[i] = (uint8_t)strtoul((char[]){ u[2 * i], u[2 * i + 1], 0 }, NULL, 16);
            snprintf(macbuf, sizeof(macbuf), "%02x:%02x:%02x:%02x:%02x:%02x", (b[0] & 0xfe) | 0x02, b[1], b[2], b[3],
                     b[4], b[5]);
            mac = macbuf;
        }
        plist_dict_set_item(n, "Mode", plist_new_string("Shared"));
        plist_dict_set_item(n, "MacAddress", plist_new_string(mac));
        plist_array_append_item(nets, n);
    }
    plist_dict_set_item(root, "Network", nets);
    plist_t serials = plist_new_array();
    if (bc.console == BOARD_CONSOLE_VIRTIO) {
        plist_t s = plist_new_dict();
        plist_dict_set_item(s, "Mode", plist_new_string("Terminal"));
        plist_array_append_item(serials, s);
    }
    plist_dict_set_item(root, "Serial", serials);
    plist_dict_set_item(root, "Backend", plist_new_string("Apple"));
    plist_dict_set_item(root, "ConfigurationVersion", plist_new_uint(UTM_CONFIG_VERSION));

    char *xml = NULL;
    uint32_t len = 0;
    plist_to_xml(root, &xml, &len);
    FILE *f = fopen(plistpath, "wb");
    if (!xml || !f || fwrite(xml, 1, len, f) != len) {
        fprintf(stderr, "nestvm: export: cannot write '%s': %s\n", plistpath, strerror(errno));
        code = BOARD_EXIT_INTERNAL;
    }
    if (f && fclose(f) != 0)
        code = BOARD_EXIT_INTERNAL;
    free(xml);
    plist_free(root);
    if (!code)
        printf("nestvm: export: VM '%s' written to %s\n", argv[1], bundle);
    vmcfg_free(&c);
    return code;
}

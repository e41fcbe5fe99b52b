/* The control socket: a thread polls a listening Unix socket and its
 * clients; every complete line is one request ({"cmd": "status"} ...), every
 * reply one line ({"ok": true, ...} or {"ok": false, "error": "..."}).
 * Nothing a client sends can stop the VM except "stop" and "kill". */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "control.h"

#define MAX_CLIENTS 8
#define LINE_MAX_BYTES 4096

struct client {
    int fd;
    char buf[LINE_MAX_BYTES];
    size_t len;
    bool overlong;      /* discarding the rest of a too-long line */
};

struct control {
    struct board *b;
    char *path;
    int listen_fd, stop_pipe[2];
    pthread_t thread;
    struct client clients[MAX_CLIENTS];
    struct timespec started;
};

static const char *const commands = "status, pause, resume, stop, kill, regs";

static char *reply_error(json_t *id, const char *fmt, const char *arg)
{
    char msg[512];
    snprintf(msg, sizeof(msg), fmt, arg);
    json_t *r = json_pack("{s:b, s:s}", "ok", 0, "error", msg);
    if (id)
        json_object_set(r, "id", id);
    char *s = json_dumps(r, JSON_COMPACT);
    json_decref(r);
    return s;
}

static const char *state_name(enum board_run_state s)
{
    return s == BOARD_PAUSED ? "paused" : s == BOARD_STOPPING ? "stopping" : "running";
}

static void hex(json_t *obj, const char *key, uint64_t v)
{
    char buf[24];
    snprintf(buf, sizeof(buf), "0x%016llx", (unsigned long long)v);
    json_object_set_new(obj, key, json_string(buf));
}

static json_t *regs_json(struct board_regs *r, unsigned idx)
{
    json_t *o = json_object(), *x = json_array(), *sys = json_object();
    json_object_set_new(o, "vcpu", json_integer(idx));
    json_object_set_new(o, "powered_on", json_boolean(r->on));
    for (unsigned i = 0; i < 31; i++) {
        char buf[24];
        snprintf(buf, sizeof(buf), "0x%016llx", (unsigned long long)r->x[i]);
        json_array_append_new(x, json_string(buf));
    }
    json_object_set_new(o, "x", x);
    hex(o, "sp", r->sp);
    hex(o, "pc", r->pc);
    hex(o, "pstate", r->pstate);
    json_object_set_new(o, "el", json_integer((json_int_t)((r->pstate >> 2) & 3)));
    for (unsigned i = 0; board_sysregs[i].name && i < BOARD_MAX_SYSREGS; i++)
        if (r->sys_ok[i])
            hex(sys, board_sysregs[i].name, r->sys[i]);
    json_object_set_new(o, "sys", sys);
    return o;
}

char *control_handle(struct board *b, const char *line, size_t len)
{
    json_error_t err;
    json_t *req = json_loadb(line, len, JSON_REJECT_DUPLICATES, &err);
    if (!req)
        return reply_error(NULL, "not JSON: %s; send one object per line, e.g. {\"cmd\": \"status\"}", err.text);
    if (!json_is_object(req)) {
        json_decref(req);
        return reply_error(NULL, "%s", "a request is a JSON object, e.g. {\"cmd\": \"status\"}");
    }
    json_t *id = json_object_get(req, "id");
    const char *cmd = json_string_value(json_object_get(req, "cmd"));
    json_t *rep = NULL;
    char *out = NULL;
    if (!cmd) {
        out = reply_error(id, "the request has no \"cmd\" string; commands: %s", commands);
    } else if (!strcmp(cmd, "status")) {
        rep = json_pack("{s:b, s:s, s:i, s:b, s:I}", "ok", 1, "state", state_name(board_state(b)), "vcpus",
                        (int)board_vcpu_count(b), "nested", board_nested(b), "memory", (json_int_t)board_memory(b));
    } else if (!strcmp(cmd, "pause")) {
        if (board_pause(b) < 0)
            out = reply_error(id, "%s", "cannot pause: the machine is stopping or a vCPU did not leave the guest");
        else
            rep = json_pack("{s:b, s:s}", "ok", 1, "state", "paused");
    } else if (!strcmp(cmd, "resume")) {
        board_resume(b);
        rep = json_pack("{s:b, s:s}", "ok", 1, "state", state_name(board_state(b)));
    } else if (!strcmp(cmd, "stop")) {
        board_power_button(b);
        rep = json_pack("{s:b, s:s}", "ok", 1, "requested", "power button (the guest decides; 'kill' ends it now)");
    } else if (!strcmp(cmd, "kill")) {
        board_stop(b, BOARD_EXIT_KILLED);
        rep = json_pack("{s:b, s:s}", "ok", 1, "state", "stopping");
    } else if (!strcmp(cmd, "regs")) {
        json_t *vj = json_object_get(req, "vcpu");
        unsigned n = board_vcpu_count(b);
        if (vj && (!json_is_integer(vj) || json_integer_value(vj) < 0 || json_integer_value(vj) >= n)) {
            char range[64];
            snprintf(range, sizeof(range), "%u", n - 1);
            out = reply_error(id, "\"vcpu\" must be a number from 0 to %s", range);
        } else {
            json_t *all = json_array();
            unsigned lo = vj ? (unsigned)json_integer_value(vj) : 0, hi = vj ? lo + 1 : n;
            for (unsigned i = lo; i < hi && all; i++) {
                struct board_regs r;
                if (board_vcpu_regs(b, i, &r) < 0) {
                    json_decref(all);
                    all = NULL;
                    out = reply_error(id, "%s", "cannot read registers: the vCPUs could not be paused");
                } else {
                    json_array_append_new(all, regs_json(&r, i));
                }
            }
            if (all)
                rep = json_pack("{s:b, s:o}", "ok", 1, "vcpus", all);
        }
    } else {
        char msg[300];
        snprintf(msg, sizeof(msg), "unknown command '%.200s'; commands: %s", cmd, commands);
        out = reply_error(id, "%s", msg);
    }
    if (rep) {
        if (id)
            json_object_set(rep, "id", id);
        out = json_dumps(rep, JSON_COMPACT);
        json_decref(rep);
    }
    json_decref(req);
    return out;
}

/* Send s and a newline; frees s.  False when the client is gone or does not
 * read its replies (the send timeout): the caller drops it. */
static bool send_line(int fd, char *s)
{
    bool ok = true;
    if (!s)
        return true;
    size_t n = strlen(s);
    char *buf = malloc(n + 1);
    if (buf) {
        memcpy(buf, s, n);
        buf[n] = '\n';
        size_t off = 0;
        while (off < n + 1) {
            ssize_t w = send(fd, buf + off, n + 1 - off, MSG_NOSIGNAL);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                ok = false;
                break;
            }
            off += (size_t)w;
        }
        free(buf);
    }
    free(s);
    return ok;
}

static void client_close(struct client *c)
{
    close(c->fd);
    c->fd = -1;
    c->len = 0;
    c->overlong = false;
}

static void client_input(struct control *ctl, struct client *c)
{
    ssize_t n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
    if (n <= 0) {
        if (n < 0 && errno == EINTR)
            return;
        client_close(c);
        return;
    }
    c->len += (size_t)n;
    for (;;) {
        char *nl = memchr(c->buf, '\n', c->len);
        if (!nl) {
            if (c->len == sizeof(c->buf)) {   /* no newline in a full buffer */
                if (!c->overlong && !send_line(c->fd, reply_error(NULL, "%s", "request longer than 4096 bytes; ignored"))) {
                    client_close(c);
                    return;
                }
                c->overlong = true;
                c->len = 0;
            }
            return;
        }
        size_t ll = (size_t)(nl - c->buf);
        if (!c->overlong) {
            size_t l = ll;
            if (l && c->buf[l - 1] == '\r')
                l--;
            bool blank = true;
            for (size_t i = 0; i < l; i++)
                if (c->buf[i] != ' ' && c->buf[i] != '\t')
                    blank = false;
            if (!blank && !send_line(c->fd, control_handle(ctl->b, c->buf, l))) {
                client_close(c);
                return;
            }
        }
        c->overlong = false;
        memmove(c->buf, nl + 1, c->len - ll - 1);
        c->len -= ll + 1;
    }
}

static void *control_thread(void *arg)
{
    struct control *ctl = arg;
    for (;;) {
        struct pollfd pfd[MAX_CLIENTS + 2];
        unsigned n = 0, map[MAX_CLIENTS];
        pfd[n++] = (struct pollfd){ ctl->stop_pipe[0], POLLIN, 0 };
        pfd[n++] = (struct pollfd){ ctl->listen_fd, POLLIN, 0 };
        for (unsigned i = 0; i < MAX_CLIENTS; i++)
            if (ctl->clients[i].fd >= 0) {
                map[n - 2] = i;
                pfd[n++] = (struct pollfd){ ctl->clients[i].fd, POLLIN, 0 };
            }
        if (poll(pfd, n, -1) < 0) {
            if (errno == EINTR)
                continue;
            return NULL;
        }
        if (pfd[0].revents)
            return NULL;
        for (unsigned k = 2; k < n; k++)
            if (pfd[k].revents)
                client_input(ctl, &ctl->clients[map[k - 2]]);
        if (pfd[1].revents & POLLIN) {
            int fd = accept4(ctl->listen_fd, NULL, NULL, SOCK_CLOEXEC);
            if (fd < 0)
                continue;
            /* Besides the 0600 mode: only our user (or root) is served. */
            struct ucred cred;
            socklen_t cl = sizeof(cred);
            if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) < 0 || (cred.uid != getuid() && cred.uid != 0)) {
                close(fd);
                continue;
            }
            unsigned i = 0;
            while (i < MAX_CLIENTS && ctl->clients[i].fd >= 0)
                i++;
            if (i == MAX_CLIENTS) {
                send_line(fd, reply_error(NULL, "%s", "too many clients (8); try again later"));
                close(fd);
                continue;
            }
            /* A client that stops reading its replies must not stall the
             * control thread (and with it the end of the VM). */
            struct timeval tv = { 2, 0 };
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
            ctl->clients[i].fd = fd;
            ctl->clients[i].len = 0;
            ctl->clients[i].overlong = false;
        }
    }
}

struct control *control_start(struct board *b, const char *path)
{
    struct control *ctl = calloc(1, sizeof(*ctl));
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (!ctl)
        return NULL;
    ctl->b = b;
    ctl->stop_pipe[0] = ctl->stop_pipe[1] = -1;
    for (unsigned i = 0; i < MAX_CLIENTS; i++)
        ctl->clients[i].fd = -1;
    if (strlen(path) >= sizeof(sa.sun_path)) {
        fprintf(stderr, "nestvm: --api-sock: the path '%s' is too long for a socket\n", path);
        goto fail;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);   /* length checked above */
    struct stat st;
    /* A stale socket from an earlier run is replaced; anything else is not. */
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            fprintf(stderr, "nestvm: --api-sock: '%s' exists and is not a socket\n", path);
            goto fail;
        }
        int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (probe >= 0 && connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
            close(probe);
            fprintf(stderr, "nestvm: --api-sock: '%s' is in use by a running VM\n", path);
            goto fail;
        }
        if (probe >= 0)
            close(probe);
        unlink(path);
    }
    ctl->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    mode_t old = umask(0177);   /* created 0600: only the owner can connect */
    int r = ctl->listen_fd < 0 ? -1 : bind(ctl->listen_fd, (struct sockaddr *)&sa, sizeof(sa));
    umask(old);
    if (r < 0 || listen(ctl->listen_fd, 8) < 0) {
        fprintf(stderr, "nestvm: --api-sock: cannot listen on '%s': %s\n", path, strerror(errno));
        goto fail;
    }
    chmod(path, 0600);
    if (pipe2(ctl->stop_pipe, O_CLOEXEC) < 0)
        goto fail;
    ctl->path = strdup(path);
    if (pthread_create(&ctl->thread, NULL, control_thread, ctl) != 0) {
        fprintf(stderr, "nestvm: cannot start the control thread\n");
        unlink(path);
        goto fail;
    }
    return ctl;
fail:
    if (ctl->listen_fd > 0)
        close(ctl->listen_fd);
    if (ctl->stop_pipe[0] >= 0) {
        close(ctl->stop_pipe[0]);
        close(ctl->stop_pipe[1]);
    }
    free(ctl->path);
    free(ctl);
    return NULL;
}

void control_stop(struct control *ctl)
{
    if (!ctl)
        return;
    if (write(ctl->stop_pipe[1], "x", 1) < 0) {
        /* the thread also ends when the pipe closes */
    }
    pthread_join(ctl->thread, NULL);
    for (unsigned i = 0; i < MAX_CLIENTS; i++)
        if (ctl->clients[i].fd >= 0)
            close(ctl->clients[i].fd);
    close(ctl->listen_fd);
    close(ctl->stop_pipe[0]);
    close(ctl->stop_pipe[1]);
    unlink(ctl->path);
    free(ctl->path);
    free(ctl);
}

/* virtio-net needs libslirp; builds without it (the static aarch64 nestvm)
 * refuse --net with an explanation. */
#include <stdio.h>

#include "board/board.h"

int virtio_net_check(const char *spec)
{
    (void)spec;
    fprintf(stderr, "nestvm: --net: this nestvm was built without libslirp, so it has no user-mode networking\n");
    return -1;
}

int virtio_net_create(struct board *b, const char *spec)
{
    (void)b;
    return virtio_net_check(spec);
}

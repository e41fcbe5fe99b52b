/* The control socket of a running VM: JSON lines over a Unix socket (mode
 * 0600), one request per line, one reply per line.  See README.md. */
#ifndef NESTVM_FRONT_CONTROL_H
#define NESTVM_FRONT_CONTROL_H

#include "board/board.h"

struct control;
/* Bind PATH and serve requests on a thread; errors printed, NULL. */
struct control *control_start(struct board *b, const char *path);
void control_stop(struct control *c);
/* One request line -> one reply line (malloc'd, no newline).  Replies to
 * malformed or unknown requests are errors; the VM runs on. */
char *control_handle(struct board *b, const char *line, size_t len);

#endif

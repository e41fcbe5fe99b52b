/* UTM bundles need libplist; builds without it (the static aarch64 nestvm)
 * answer import/export with an explanation. */
#include <stdio.h>

#include "front.h"

static int unavailable(const char *what)
{
    fprintf(stderr, "nestvm: %s: this nestvm was built without libplist, so it cannot read or write UTM bundles\n",
            what);
    return 2;
}

int cmd_import(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return unavailable("import");
}

int cmd_export(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return unavailable("export");
}

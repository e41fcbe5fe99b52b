/* system() and popen(): glibc's posix_spawn (clone with CLONE_VM|CLONE_VFORK)
 * running the host's /bin/sh, as qemu-aarch64 does. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
int main(void)
{
    fflush(stdout);
    int st = system("echo from the shell; exit 3");
    printf("system status exited=%d code=%d\n", WIFEXITED(st), WEXITSTATUS(st));
    FILE *p = popen("printf 'a\\nb\\nc\\n' | wc -l", "r");
    char buf[64];
    if (p && fgets(buf, sizeof(buf), p))
        printf("popen read: %d\n", atoi(buf));
    printf("pclose=%d\n", p ? pclose(p) : -1);
    p = popen("cat > /dev/null", "w");
    fprintf(p, "data for the child\n");
    printf("pclose(w)=%d\n", pclose(p));
    return 0;
}

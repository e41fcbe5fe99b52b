/* argv, envp and the auxiliary vector as glibc sees them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>
// run: one two "three four"
int main(int argc, char **argv, char **envp)
{
    printf("argc=%d\n", argc);
    for (int i = 1; i < argc; i++)
        printf("argv[%d]=%s\n", i, argv[i]);
    /* qemu-aarch64 passes the environment in reverse order: sort. */
    const char *mine[16];
    int n = 0;
    for (char **e = envp; *e; e++)
        if (!strncmp(*e, "NVT_", 4) && n < 16)
            mine[n++] = *e;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (strcmp(mine[i], mine[j]) > 0) {
                const char *t = mine[i];
                mine[i] = mine[j];
                mine[j] = t;
            }
    for (int i = 0; i < n; i++)
        printf("env %s\n", mine[i]);
    printf("getenv NVT_A=%s\n", getenv("NVT_A") ? getenv("NVT_A") : "(null)");
    printf("AT_PAGESZ=%lu\n", getauxval(AT_PAGESZ));
    printf("sysconf pagesize=%ld\n", sysconf(_SC_PAGESIZE));
    printf("AT_PHENT=%lu\n", getauxval(AT_PHENT));
    printf("AT_PHNUM>0=%d\n", getauxval(AT_PHNUM) > 0);
    printf("AT_PHDR!=0=%d\n", getauxval(AT_PHDR) != 0);
    printf("AT_ENTRY!=0=%d\n", getauxval(AT_ENTRY) != 0);
    printf("AT_RANDOM!=0=%d\n", getauxval(AT_RANDOM) != 0);
    printf("AT_SECURE=%lu\n", getauxval(AT_SECURE));
    printf("AT_UID==getuid=%d\n", getauxval(AT_UID) == getuid());
    printf("AT_CLKTCK=%lu\n", getauxval(AT_CLKTCK));
    printf("AT_PLATFORM=%s\n", (const char *)getauxval(AT_PLATFORM));
    printf("HWCAP fp/asimd=%lu\n", getauxval(AT_HWCAP) & 3);
    const char *fn = (const char *)getauxval(AT_EXECFN);
    printf("AT_EXECFN==argv[0]=%d\n", fn && !strcmp(fn, argv[0]));
    return argc;
}

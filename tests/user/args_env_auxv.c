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
    for (char **e = envp; *e; e++)
        if (!strncmp(*e, "NVT_", 4))
            printf("env %s\n", *e);
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

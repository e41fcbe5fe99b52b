/* open/read/write/lseek/fstat/stat/getdents/rename/unlink/pipe/dup. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
int main(void)
{
    char dir[] = "/tmp/nvtestXXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char path[256], path2[256];
    snprintf(path, sizeof(path), "%s/a.txt", dir);
    snprintf(path2, sizeof(path2), "%s/b.txt", dir);
    int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0640);
    printf("open ok=%d\n", fd >= 0);
    const char *msg = "line one\nline two\n";
    printf("write=%zd\n", write(fd, msg, strlen(msg)));
    struct iovec iov[2] = { { "abc", 3 }, { "defgh\n", 6 } };
    printf("writev=%zd\n", writev(fd, iov, 2));
    printf("lseek=%ld\n", (long)lseek(fd, 5, SEEK_SET));
    char buf[64] = { 0 };
    printf("read=%zd [%.8s]\n", read(fd, buf, 8), buf);
    printf("pread=%zd [%.3s]\n", pread(fd, buf, 3, 18), buf);
    struct stat st;
    fstat(fd, &st);
    printf("fstat size=%ld mode=%o regular=%d nlink=%lu\n", (long)st.st_size, st.st_mode & 0777, S_ISREG(st.st_mode),
           (unsigned long)st.st_nlink);
    printf("ftruncate=%d\n", ftruncate(fd, 4));
    close(fd);
    stat(path, &st);
    printf("stat size=%ld\n", (long)st.st_size);
    printf("rename=%d\n", rename(path, path2));
    int ac = access(path, F_OK);
    printf("access old=%d errno=%s\n", ac, strerror(errno));
    FILE *f = fopen(path2, "a+");
    fprintf(f, "appended %d\n", 123);
    fclose(f);
    f = fopen(path2, "r");
    while (fgets(buf, sizeof(buf), f))
        printf("got: %s", buf);
    printf("\n");
    fclose(f);
    mkdir(strcat(strcpy(buf, dir), "/sub"), 0755);
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    char names[8][32];
    while ((e = readdir(d)))
        if (e->d_name[0] != '.' && n < 8)
            snprintf(names[n++], 32, "%s%s", e->d_name, e->d_type == DT_DIR ? "/" : "");
    closedir(d);
    if (n == 2 && strcmp(names[0], names[1]) > 0) {
        char t[32];
        strcpy(t, names[0]), strcpy(names[0], names[1]), strcpy(names[1], t);
    }
    for (int i = 0; i < n; i++)
        printf("entry %s\n", names[i]);
    int p[2];
    printf("pipe=%d\n", pipe(p));
    int d2 = dup(p[1]);
    write(d2, "through pipe", 12);
    close(d2);
    close(p[1]);
    memset(buf, 0, sizeof(buf));
    printf("pipe read=%zd [%s]\n", read(p[0], buf, sizeof(buf)), buf);
    printf("eof read=%zd\n", read(p[0], buf, sizeof(buf)));
    ssize_t bf = read(1000, buf, 1);
    printf("bad fd=%zd errno=%d\n", bf, errno);
    ssize_t ef = write(1, (void *)16, 4);
    printf("efault=%zd errno=%d\n", ef, errno);
    char cwd[256];
    chdir(dir);
    printf("cwd ok=%d\n", getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, dir));
    chdir("/");
    printf("unlink=%d rmdir=%d\n", unlink(path2), rmdir(strcat(strcpy(buf, dir), "/sub")));
    printf("rmdir=%d\n", rmdir(dir));
    return 0;
}

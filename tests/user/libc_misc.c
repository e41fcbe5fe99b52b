/* A mix of libc facilities: floating point formatting and libm, strtod,
 * time conversion, qsort of doubles, getline on a temporary file, sysconf,
 * environment manipulation, atexit handlers. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void bye(void) { printf("atexit handler ran\n"); }
static int cmpd(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(void)
{
    atexit(bye);
    double v[] = { 0.1, -2.5, 3.14159265358979, 1e300, 1e-300, 123456.789, -0.0 };
    for (unsigned i = 0; i < sizeof(v) / sizeof(v[0]); i++)
        printf("%g %.10f %e %a\n", v[i], v[i], v[i], v[i]);
    printf("sqrt2=%.15f exp1=%.15f log10=%.15f sin1=%.15f atan2=%.15f pow=%.15g\n", sqrt(2.0), exp(1.0), log(10.0),
           sin(1.0), atan2(1.0, 3.0), pow(1.5, 20.5));
    printf("floor=%g ceil=%g round=%g fmod=%g hypot=%g\n", floor(-2.5), ceil(-2.5), round(2.5), fmod(7.5, 2.0), hypot(3, 4));
    float f = 1.0f / 3.0f;
    printf("float=%.9g sinf=%.9g\n", f, sinf(f));
    const char *nums[] = { "3.5", "-1e10", "0x1p-3", "inf", "nan", "12abc" };
    for (int i = 0; i < 6; i++) {
        char *end;
        double d = strtod(nums[i], &end);
        printf("strtod(%s)=%g rest=[%s]\n", nums[i], d, end);
    }
    printf("strtol=%ld strtoul=%lu atoi=%d\n", strtol("-0x7f", NULL, 16), strtoul("777", NULL, 8), atoi("  42x"));
    double arr[64];
    unsigned s = 1;
    for (int i = 0; i < 64; i++) {
        s = s * 1664525 + 1013904223;
        arr[i] = (double)(s >> 8) / (1 << 24) - 0.5;
    }
    qsort(arr, 64, sizeof(double), cmpd);
    printf("min=%.6f max=%.6f\n", arr[0], arr[63]);
    time_t t = 1700000000;
    struct tm tm;
    gmtime_r(&t, &tm);
    char buf[128];
    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S %A %j", &tm);
    printf("gmtime: %s\n", buf);
    printf("mktime roundtrip ok=%d\n", timegm(&tm) == t);
    printf("time sane=%d\n", time(NULL) > 1600000000);
    char path[] = "/tmp/nvmiscXXXXXX";
    int fd = mkstemp(path);
    FILE *fp = fdopen(fd, "w+");
    for (int i = 0; i < 5; i++)
        fprintf(fp, "line %d: %s\n", i, i % 2 ? "odd" : "even");
    rewind(fp);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int lines = 0;
    while ((n = getline(&line, &cap, fp)) > 0)
        lines++, printf("%zd:%s", n, line);
    free(line);
    fclose(fp);
    unlink(path);
    printf("lines=%d\n", lines);
    printf("nprocs>0=%d clk=%ld\n", sysconf(_SC_NPROCESSORS_ONLN) > 0, sysconf(_SC_CLK_TCK));
    setenv("NVT_NEW", "value", 1);
    printf("setenv: %s\n", getenv("NVT_NEW"));
    unsetenv("NVT_NEW");
    printf("unsetenv: %s\n", getenv("NVT_NEW") ? "still there" : "gone");
    return 0;
}

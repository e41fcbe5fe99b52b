/* glibc threads: pthread_create/join, mutex, condition variable, TLS,
 * thread-directed signals, malloc from several threads. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NT 4
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long shared;
static int ready;
static __thread int tls_val;
static volatile sig_atomic_t usr1_hits;

static void on_usr1(int sig)
{
    (void)sig;
    usr1_hits++;
}

static void *worker(void *arg)
{
    long id = (long)arg;
    tls_val = (int)id * 100;
    for (int i = 0; i < 10000; i++) {
        pthread_mutex_lock(&mu);
        shared++;
        pthread_mutex_unlock(&mu);
    }
    char *p = malloc(1000 + id);
    memset(p, (int)id, 1000);
    long s = 0;
    for (int i = 0; i < 1000; i++)
        s += p[i];
    free(p);
    pthread_mutex_lock(&mu);
    while (!ready)
        pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    return (void *)(s + tls_val);
}

static void *sleeper(void *arg)
{
    (void)arg;
    while (!usr1_hits)
        usleep(1000);
    return NULL;
}

int main(void)
{
    pthread_t t[NT];
    tls_val = -1;
    for (long i = 0; i < NT; i++)
        if (pthread_create(&t[i], NULL, worker, (void *)i)) {
            printf("pthread_create failed\n");
            return 1;
        }
    usleep(10000);
    pthread_mutex_lock(&mu);
    ready = 1;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    for (int i = 0; i < NT; i++) {
        void *r;
        pthread_join(t[i], &r);
        printf("thread %d returned %ld\n", i, (long)r);
    }
    printf("shared=%ld main tls=%d\n", shared, tls_val);

    signal(SIGUSR1, on_usr1);
    pthread_t s;
    pthread_create(&s, NULL, sleeper, NULL);
    pthread_kill(s, SIGUSR1);
    pthread_join(s, NULL);
    printf("usr1 hits=%d\n", (int)usr1_hits);
    return 0;
}

/* The GEMM floor of one seed-network epoch (784-128-10 MLP, 938 batches of 64), called straight from C on MKL or
 * OpenBLAS: the least time any trainer built on that BLAS can spend in its matrix products per epoch.
 *
 * Per batch the seed network does five products (b = 64):
 *   forward  Z1 = X W1'   (b x 784 by 784 x 128)     Z2 = H W2'   (b x 128 by 128 x 10)
 *   backward dW2 = dO' H  (10 x b by b x 128)        dH = dO W2   (b x 10 by 10 x 128)     dW1 = dH' X (128 x b by b x 784)
 * in two call layouts that compute the same numbers (and, with THREADS >= 2, a third way to run "ours"):
 *   "ours"  - column-major, features x batch (MathNet dense storage, src/Regularization.Training/Mlp.cs):
 *             Z1 = W1 X (NN 128x64x784), Z2 = W2 H (NN 10x64x128), dW2 = dO H' (NT 10x128x64),
 *             dH = W2' dO (TN 128x64x10), dW1 = dH X' (NT 128x784x64)
 *   "torch" - row-major, batch x features (PyTorch's nn.Linear: out = in W', dW = dOut' in, dIn = dOut W):
 *             Z1 NT 64x128x784, Z2 NT 64x10x128, dW2 TN 10x128x64, dH NN 64x128x10, dW1 TN 128x784x64
 *   "team"  - "ours" split as the trainer's thread team splits it (src/Regularization.Training/Mlp.cs, TeamPass): the library on
 *             one thread, THREADS pthreads, member t owning columns [c0, c1) of W1 (an even split of the 784 inputs):
 *             Z1 partial NN 128x64x(c1-c0) on its rows of X, a barrier, the three small products on member 0, a
 *             barrier, dW1 columns NT 128x(c1-c0)x64, a barrier. The time of each phase is reported under its product
 *             (the barriers' waits included; the partial sums' addition, not a product, is left out).
 * The library is opened with dlopen so that one binary measures both (their cblas symbols clash at link time):
 *   gcc -O2 -pthread -o gemm_floor gemm_floor.c -ldl
 *   ./gemm_floor mkl|openblas THREADS [EPOCHS]   (one process per library and thread count: MKL's threading layer is fixed at its first call)
 *   ./gemm_floor mkl|openblas crossover          (1 against 2 threads per product size, for the thread policy's cutoff)
 *   POLICY=1 ./gemm_floor mkl 2                  (the provider's thread policy: products under 2^19 multiply-adds on one
 *                                                 thread through MKL_Set_Num_Threads_Local; OpenBLAS does this itself under 2^18)
 * MKL runs with the GNU OpenMP threading layer (libgomp loaded RTLD_GLOBAL first), as the CLI does; OpenBLAS is
 * Debian's libopenblas0-pthread. Output: one JSON line per (dtype, layout) with the epoch time (best of EPOCHS), the
 * process CPU time of the best epoch (all threads, spinning included) and, per product, the best per-epoch time and GFLOP/s. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef void (*dgemm_t)(int, int, int, int, int, int, double, const double *, int, const double *, int, double, double *, int);
typedef void (*sgemm_t)(int, int, int, int, int, int, float, const float *, int, const float *, int, float, float *, int);

enum { ROW = 101, COL = 102, N = 111, T = 112 };
enum { BATCH = 64, IN = 784, HID = 128, OUT = 10, BATCHES = 938 };

typedef struct {
    const char *name;
    int layout, ta, tb, m, n, k;
    int a, b, c; /* buffer indices */
    int lda, ldb, ldc;
} product;

/* Buffers: 0 X, 1 W1, 2 Z1/H, 3 W2, 4 Z2/dO, 5 dW2, 6 dH, 7 dW1 (each big enough for its matrix in either layout). */
static const product ours[5] = {
    {"Z1", COL, N, N, HID, BATCH, IN, 1, 0, 2, HID, IN, HID},
    {"Z2", COL, N, N, OUT, BATCH, HID, 3, 2, 4, OUT, HID, OUT},
    {"dW2", COL, N, T, OUT, HID, BATCH, 4, 2, 5, OUT, HID, OUT},
    {"dH", COL, T, N, HID, BATCH, OUT, 3, 4, 6, OUT, OUT, HID},
    {"dW1", COL, N, T, HID, IN, BATCH, 6, 0, 7, HID, IN, HID},
};
static const product torch[5] = {
    {"Z1", ROW, N, T, BATCH, HID, IN, 0, 1, 2, IN, IN, HID},
    {"Z2", ROW, N, T, BATCH, OUT, HID, 2, 3, 4, HID, HID, OUT},
    {"dW2", ROW, T, N, OUT, HID, BATCH, 4, 2, 5, OUT, HID, HID},
    {"dH", ROW, N, N, BATCH, HID, OUT, 4, 3, 6, OUT, HID, HID},
    {"dW1", ROW, T, N, HID, IN, BATCH, 6, 0, 7, HID, IN, IN},
};
static const int sizes[8] = {BATCH * IN, HID * IN, HID * BATCH, OUT * HID, OUT * BATCH, OUT * HID, HID * BATCH, HID * IN};

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* CPU time of the whole process (all threads): on a shared, busy machine the 1-thread floor is this, not the wall time. */
static double cpu_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *sym(void *lib, const char *name) {
    void *p = dlsym(lib, name);
    if (!p) { fprintf(stderr, "missing %s: %s\n", name, dlerror()); exit(2); }
    return p;
}

/* Column-major NN products C (m x n) = A (m x k) B (k x n) at the seed's m = 128, n = 64 (and their 10-row
 * twins) with k from 8 to 1024, and the seed's own five shapes: the best of many calls on 1 thread and on 2 threads,
 * alternating the count in one process (MKL_Set_Num_Threads / openblas_set_num_threads). */
static int run_crossover(const char *name, const char *version, dgemm_t dgemm, sgemm_t sgemm, void (*set_threads)(int)) {
    static const int shapes[][3] = {
        {10, 64, 128}, {128, 64, 10}, {10, 128, 64}, {128, 64, 16}, {128, 64, 32}, {128, 64, 64}, {128, 64, 128}, {128, 64, 256},
        {128, 64, 512}, {128, 64, 784}, {128, 784, 64}, {256, 64, 784}, {64, 64, 64}, {96, 96, 96}, {128, 128, 128},
    };
    int count = sizeof shapes / sizeof shapes[0];
    double *a = malloc(sizeof(double) * 1024 * 1024), *b = malloc(sizeof(double) * 1024 * 1024), *c = malloc(sizeof(double) * 1024 * 1024);
    for (int i = 0; i < 1024 * 1024; i++) { a[i] = (double)rand() / RAND_MAX; b[i] = (double)rand() / RAND_MAX; }
    for (int dtype = 0; dtype < 2; dtype++) {
        for (int s = 0; s < count; s++) {
            int m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
            double best[3] = {1e30, 1e30, 1e30};
            long mnk = (long)m * n * k;
            int reps = mnk < 200000 ? 2000 : mnk < 2000000 ? 400 : 100;
            for (int round = 0; round < 5; round++) {
                for (int t = 1; t <= 2; t++) {
                    set_threads(t);
                    for (int w = 0; w < 20; w++) {
                        if (dtype) sgemm(COL, N, N, m, n, k, 1.0f, (float *)a, m, (float *)b, k, 0.0f, (float *)c, m);
                        else dgemm(COL, N, N, m, n, k, 1.0, a, m, b, k, 0.0, c, m);
                    }
                    double t0 = now();
                    for (int r = 0; r < reps; r++) {
                        if (dtype) sgemm(COL, N, N, m, n, k, 1.0f, (float *)a, m, (float *)b, k, 0.0f, (float *)c, m);
                        else dgemm(COL, N, N, m, n, k, 1.0, a, m, b, k, 0.0, c, m);
                    }
                    double per = (now() - t0) / reps;
                    if (per < best[t]) best[t] = per;
                }
            }
            printf("{\"library\": \"%s\", \"version\": \"%s\", \"dtype\": \"%s\", \"mnk\": \"%dx%dx%d\", \"m_n_k\": %ld, \"t1_us\": %.2f, \"t2_us\": %.2f, \"t2_over_t1\": %.3f}\n",
                   name, version, dtype ? "float32" : "float64", m, n, k, mnk, best[1] * 1e6, best[2] * 1e6, best[2] / best[1]);
            fflush(stdout);
        }
    }
    free(a); free(b); free(c);
    return 0;
}

/* The "team" layout: see the header. */
typedef struct {
    int dtype, members;
    void **buf, **partial;
    dgemm_t dgemm;
    sgemm_t sgemm;
    double per[5];
} team_run;

static team_run *team_ctx;
static void (*set_lib_threads)(int);
static atomic_int team_arrived, team_generation;

static void team_barrier(int *local) {
    int g = ++*local;
    if (atomic_fetch_add(&team_arrived, 1) == team_ctx->members - 1) {
        atomic_store(&team_arrived, 0);
        atomic_store(&team_generation, g);
    } else {
        while (atomic_load(&team_generation) != g) __builtin_ia32_pause();
    }
}

static void team_gemm(int dtype, int ta, int tb, int m, int n, int k, void *a, int lda, void *b, int ldb, void *c, int ldc) {
    if (dtype) team_ctx->sgemm(COL, ta, tb, m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c, ldc);
    else team_ctx->dgemm(COL, ta, tb, m, n, k, 1.0, a, lda, b, ldb, 0.0, c, ldc);
}

static void *team_member(void *arg) {
    int t = (int)(long)arg, local = atomic_load(&team_generation), d = team_ctx->dtype, members = team_ctx->members;
    size_t elem = d ? sizeof(float) : sizeof(double);
    char **buf = (char **)team_ctx->buf;
    int c0 = IN * t / members, c1 = IN * (t + 1) / members;
    for (int b = 0; b < BATCHES; b++) {
        double s = now();
        team_gemm(d, N, N, HID, BATCH, c1 - c0, buf[1] + elem * HID * c0, HID, buf[0] + elem * c0, IN, t ? team_ctx->partial[t] : buf[2], HID);
        team_barrier(&local);
        double s1 = now(), small[3] = {0, 0, 0};
        if (t == 0) {
            for (int p = 1; p <= 3; p++) {
                const product *q = &ours[p];
                double u = now();
                team_gemm(d, q->ta, q->tb, q->m, q->n, q->k, buf[q->a], q->lda, buf[q->b], q->ldb, buf[q->c], q->ldc);
                small[p - 1] = now() - u;
            }
        }
        team_barrier(&local);
        double s2 = now();
        team_gemm(d, N, T, HID, c1 - c0, BATCH, buf[6], HID, buf[0] + elem * c0, IN, buf[7] + elem * HID * c0, HID);
        team_barrier(&local);
        if (t == 0) {
            team_ctx->per[0] += s1 - s;
            team_ctx->per[1] += small[0];
            team_ctx->per[2] += small[1];
            team_ctx->per[3] += s2 - s1 - small[0] - small[1]; /* dH and the barrier after it */
            team_ctx->per[4] += now() - s2;
        }
    }
    return NULL;
}

/* One epoch of the team layout on `members` threads; per-phase times into per[]. */
static void run_team_epoch(int dtype, void **buf, int members, dgemm_t dgemm, sgemm_t sgemm, double per[5]) {
    static void *partial[64];
    size_t elem = dtype ? sizeof(float) : sizeof(double);
    team_run run = {dtype, members, buf, partial, dgemm, sgemm, {0}};
    for (int t = 1; t < members; t++) partial[t] = calloc(HID * BATCH, elem);
    team_ctx = &run;
    atomic_store(&team_arrived, 0);
    pthread_t th[64];
    for (int t = 1; t < members; t++) pthread_create(&th[t], NULL, team_member, (void *)(long)t);
    team_member((void *)0);
    for (int t = 1; t < members; t++) pthread_join(th[t], NULL);
    for (int t = 1; t < members; t++) free(partial[t]);
    for (int p = 0; p < 5; p++) per[p] = run.per[p];
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: %s mkl|openblas THREADS|crossover [EPOCHS]\n", argv[0]); return 2; }
    int crossover = strcmp(argv[2], "crossover") == 0;
    int mkl = strcmp(argv[1], "mkl") == 0, threads = crossover ? 2 : atoi(argv[2]), epochs = argc > 3 ? atoi(argv[3]) : 5;
    char version[256] = "";
    void *lib;
    if (mkl) {
        if (!dlopen("libgomp.so.1", RTLD_NOW | RTLD_GLOBAL)) { fprintf(stderr, "libgomp: %s\n", dlerror()); return 2; }
        lib = dlopen("libmkl_rt.so", RTLD_NOW | RTLD_LOCAL);
        if (!lib) { fprintf(stderr, "libmkl_rt: %s\n", dlerror()); return 2; }
        ((int (*)(int))sym(lib, "MKL_Set_Interface_Layer"))(0);
        ((int (*)(int))sym(lib, "MKL_Set_Threading_Layer"))(3);
        ((void (*)(int))sym(lib, "MKL_Set_Num_Threads"))(threads);
        ((void (*)(char *, int))sym(lib, "MKL_Get_Version_String"))(version, sizeof version);
        char *cut = strstr(version, " for Intel");
        if (cut) *cut = 0;
    } else {
        lib = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_LOCAL);
        if (!lib) { fprintf(stderr, "libopenblas: %s\n", dlerror()); return 2; }
        ((void (*)(int))sym(lib, "openblas_set_num_threads"))(threads);
        snprintf(version, sizeof version, "%s (core %s)", ((char *(*)(void))sym(lib, "openblas_get_config"))(),
                 ((char *(*)(void))sym(lib, "openblas_get_corename"))());
    }
    dgemm_t dgemm = (dgemm_t)sym(lib, "cblas_dgemm");
    sgemm_t sgemm = (sgemm_t)sym(lib, "cblas_sgemm");
    int (*set_local)(int) = NULL;
    const char *policy = getenv("POLICY");
    if (mkl && policy && strcmp(policy, "1") == 0) set_local = (int (*)(int))sym(lib, "MKL_Set_Num_Threads_Local");
    set_lib_threads = (void (*)(int))sym(lib, mkl ? "MKL_Set_Num_Threads" : "openblas_set_num_threads");
    if (crossover) {
        void (*set_threads)(int) = set_lib_threads;
        return run_crossover(argv[1], version, dgemm, sgemm, set_threads);
    }

    for (int dtype = 0; dtype < 2; dtype++) {
        size_t elem = dtype ? sizeof(float) : sizeof(double);
        void *buf[8];
        for (int i = 0; i < 8; i++) {
            buf[i] = malloc(elem * sizes[i]);
            for (int j = 0; j < sizes[i]; j++) {
                double v = (double)rand() / RAND_MAX - 0.5;
                if (dtype) ((float *)buf[i])[j] = (float)v; else ((double *)buf[i])[j] = v;
            }
        }
        for (int lay = 0; lay < (threads >= 2 ? 3 : 2); lay++) {
            const product *ps = lay == 1 ? torch : ours;
            double best_epoch = 1e30, best_cpu = 1e30, best[5];
            for (int p = 0; p < 5; p++) best[p] = 1e30;
            if (lay == 2) set_lib_threads(1);
            for (int e = -1; e < epochs; e++) { /* epoch -1 warms up */
                double per[5] = {0}, t0 = now(), c0 = cpu_now();
                if (lay == 2) run_team_epoch(dtype, buf, threads, dgemm, sgemm, per);
                for (int b = 0; b < (lay == 2 ? 0 : BATCHES); b++) {
                    for (int p = 0; p < 5; p++) {
                        const product *q = &ps[p];
                        double s = now();
                        int small = set_local && (long)q->m * q->n * q->k < (1L << 19);
                        if (small) set_local(1);
                        if (dtype)
                            sgemm(q->layout, q->ta, q->tb, q->m, q->n, q->k, 1.0f, buf[q->a], q->lda, buf[q->b], q->ldb, 0.0f, buf[q->c], q->ldc);
                        else
                            dgemm(q->layout, q->ta, q->tb, q->m, q->n, q->k, 1.0, buf[q->a], q->lda, buf[q->b], q->ldb, 0.0, buf[q->c], q->ldc);
                        if (small) set_local(0);
                        per[p] += now() - s;
                    }
                }
                double epoch = now() - t0, cpu = cpu_now() - c0;
                if (e < 0) continue;
                if (epoch < best_epoch) best_epoch = epoch;
                if (cpu < best_cpu) best_cpu = cpu;
                for (int p = 0; p < 5; p++) if (per[p] < best[p]) best[p] = per[p];
            }
            if (lay == 2) set_lib_threads(threads);
            printf("{\"library\": \"%s\", \"version\": \"%s\", \"threads\": %d, \"policy\": %d, \"dtype\": \"%s\", \"layout\": \"%s\", \"epoch_s\": %.4f, \"epoch_cpu_s\": %.4f, \"products\": [",
                   argv[1], version, threads, set_local != NULL, dtype ? "float32" : "float64", lay == 2 ? "team" : lay ? "torch" : "ours", best_epoch, best_cpu);
            for (int p = 0; p < 5; p++) {
                const product *q = &ps[p];
                printf("%s{\"name\": \"%s\", \"mnk\": \"%dx%dx%d\", \"trans\": \"%c%c\", \"epoch_ms\": %.2f, \"gflops\": %.1f}", p ? ", " : "",
                       q->name, q->m, q->n, q->k, q->ta == T ? 'T' : 'N', q->tb == T ? 'T' : 'N', best[p] * 1e3,
                       2.0 * q->m * q->n * q->k * BATCHES / best[p] / 1e9);
            }
            printf("]}\n");
            fflush(stdout);
        }
        for (int i = 0; i < 8; i++) free(buf[i]);
    }
    return 0;
}

/* MKL dgemm called directly from C: the reference for the provider's overhead (issue 4 target: the provider's
 * 1024x1024 dgemm within 10% of this). Column-major C = A*B, best and median of repeated calls, one JSON line.
 * Build and run (bench/peer/run.sh does this):
 *   gcc -O2 -o mkl_dgemm mkl_dgemm.c -lmkl_rt -Wl,--no-as-needed -lgomp
 *   MKL_THREADING_LAYER=GNU MKL_NUM_THREADS=1 ./mkl_dgemm 1 > results/mkl-dgemm-t1.json
 * The prototypes are declared here (Debian's libmkl-rt ships no headers). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

extern void cblas_dgemm(int layout, int transa, int transb, int m, int n, int k, double alpha, const double *a, int lda,
                        const double *b, int ldb, double beta, double *c, int ldc);
extern int MKL_Set_Num_Threads_Local(int n);
extern void MKL_Set_Num_Threads(int n);
extern void MKL_Get_Version_String(char *buffer, int length);

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    MKL_Set_Num_Threads(threads);
    char version[256];
    MKL_Get_Version_String(version, sizeof version);
    int sizes[] = {512, 1024};
    printf("{\"environment\": {\"mkl\": \"%s\", \"threads\": %d}, \"results\": [", version, threads);
    for (int s = 0; s < 2; s++) {
        int n = sizes[s];
        double *a = malloc(sizeof(double) * n * n), *b = malloc(sizeof(double) * n * n), *c = malloc(sizeof(double) * n * n);
        for (int i = 0; i < n * n; i++) { a[i] = (double)rand() / RAND_MAX; b[i] = (double)rand() / RAND_MAX; c[i] = 0; }
        int reps = n == 512 ? 200 : 40;
        double *t = malloc(sizeof(double) * reps);
        for (int w = 0; w < 5; w++) cblas_dgemm(102, 111, 111, n, n, n, 1.0, a, n, b, n, 0.0, c, n);
        for (int r = 0; r < reps; r++) {
            double t0 = now();
            cblas_dgemm(102, 111, 111, n, n, n, 1.0, a, n, b, n, 0.0, c, n);
            t[r] = (now() - t0) * 1e3;
        }
        qsort(t, reps, sizeof(double), cmp);
        printf("%s{\"name\": \"square %d\", \"median_ms\": %.6f, \"min_ms\": %.6f, \"gflops_best\": %.2f}", s ? ", " : "", n,
               t[reps / 2], t[0], 2.0 * n * n * n / (t[0] * 1e-3) / 1e9);
        free(a); free(b); free(c); free(t);
    }
    printf("]}\n");
    return 0;
}

// bench times the peers' naive NCHW C loops (../shared/peers/src/naive.c, float32) and
// their float64 copies below on S1..S4 of internal/suite/suite.json: the reference the
// pure-Go kernels are held to (within 1.5x). Build and run from the repository root:
//
//	gcc -O3 -march=native -I ../shared/peers/src -o /tmp/naivebench compare/naive/bench.c ../shared/peers/src/naive.c -lm
//	/tmp/naivebench [rounds]
//
// Each round times every case and type once, in turn (so the machine's noise falls on all of
// them alike), as the mean of as many calls as fill 20 ms; it prints the median and the minimum
// over the rounds in ns per call, and the median thread CPU time per call (what a loaded
// machine does not inflate). Inputs are the suite's (uniform [-2, 2), the peers' xorshift).
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "naive.h"  // -I ../shared/peers/src

// The float64 loops: naive_maxpool2d and naive_avgpool2d of naive.c with double for float.
static void naive_maxpool2d_f64(const double* in, double* out, int N, int C, int H, int W, int OH, int OW,
                                int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw) {
  for (long nc = 0; nc < (long)N * C; nc++) {
    const double* ip = in + nc * (long)H * W;
    double* op = out + nc * (long)OH * OW;
    for (int oh = 0; oh < OH; oh++) {
      for (int ow = 0; ow < OW; ow++) {
        double m = -INFINITY;
        for (int i = 0; i < kh; i++) {
          int ih = oh * sh - ph + i * dh;
          if (ih < 0 || ih >= H) continue;
          for (int j = 0; j < kw; j++) {
            int iw = ow * sw - pw + j * dw;
            if (iw < 0 || iw >= W) continue;
            double v = ip[(long)ih * W + iw];
            m = v > m ? v : m;
          }
        }
        op[(long)oh * OW + ow] = m;
      }
    }
  }
}

static void naive_avgpool2d_f64(const double* in, double* out, int N, int C, int H, int W, int OH, int OW,
                                int kh, int kw, int sh, int sw, int ph, int pw, int count_include_pad) {
  for (long nc = 0; nc < (long)N * C; nc++) {
    const double* ip = in + nc * (long)H * W;
    double* op = out + nc * (long)OH * OW;
    for (int oh = 0; oh < OH; oh++) {
      int hs = oh * sh - ph, he = hs + kh;
      int hep = he < H + ph ? he : H + ph;
      int hs0 = hs < 0 ? 0 : hs, he0 = he < H ? he : H;
      for (int ow = 0; ow < OW; ow++) {
        int ws = ow * sw - pw, we = ws + kw;
        int wep = we < W + pw ? we : W + pw;
        int ws0 = ws < 0 ? 0 : ws, we0 = we < W ? we : W;
        double s = 0.;
        for (int ih = hs0; ih < he0; ih++)
          for (int iw = ws0; iw < we0; iw++) s += ip[(long)ih * W + iw];
        int div = count_include_pad ? (hep - hs) * (wep - ws) : (he0 - hs0) * (we0 - ws0);
        op[(long)oh * OW + ow] = s / (double)div;
      }
    }
  }
}

// A case: max or avg 2d over C planes of H x W, square window k, stride s, padding p.
typedef struct {
  const char* name;
  int avg, C, H, W, k, s, p, include_pad;
} Case;

static const Case cases[] = {
    {"S1", 0, 64, 112, 112, 3, 2, 1, 0},
    {"S2", 0, 64, 224, 224, 2, 2, 0, 0},
    {"S3", 1, 64, 224, 224, 2, 2, 0, 1},
    {"S4", 1, 192, 28, 28, 3, 1, 1, 0},
};
enum { NCASES = sizeof cases / sizeof cases[0] };

static int outLen(int in, int k, int s, int p) { return (in + 2 * p - k) / s + 1; }

// run calls the case's loop once on float32 (f64 = 0) or float64 buffers.
static void run(const Case* c, int f64, const void* in, void* out) {
  int OH = outLen(c->H, c->k, c->s, c->p), OW = outLen(c->W, c->k, c->s, c->p);
  if (!f64 && !c->avg)
    naive_maxpool2d(in, out, 1, c->C, c->H, c->W, OH, OW, c->k, c->k, c->s, c->s, c->p, c->p, 1, 1);
  else if (!f64)
    naive_avgpool2d(in, out, 1, c->C, c->H, c->W, OH, OW, c->k, c->k, c->s, c->s, c->p, c->p, c->include_pad);
  else if (!c->avg)
    naive_maxpool2d_f64(in, out, 1, c->C, c->H, c->W, OH, OW, c->k, c->k, c->s, c->s, c->p, c->p, 1, 1);
  else
    naive_avgpool2d_f64(in, out, 1, c->C, c->H, c->W, OH, OW, c->k, c->k, c->s, c->s, c->p, c->p, c->include_pad);
}

static double clockNs(clockid_t id) {
  struct timespec t;
  clock_gettime(id, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}

static int cmp(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

int main(int argc, char** argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 15;
  void *in[NCASES][2], *out[NCASES][2];
  for (int i = 0; i < NCASES; i++) {
    const Case* c = &cases[i];
    long n = (long)c->C * c->H * c->W;
    long m = (long)c->C * outLen(c->H, c->k, c->s, c->p) * outLen(c->W, c->k, c->s, c->p);
    float* f = malloc(n * sizeof(float));
    double* d = malloc(n * sizeof(double));
    unsigned long long x = (unsigned long long)(i + 1) * 0x9E3779B97F4A7C15ull + 1;  // suite.Fill's seed: position
    for (long j = 0; j < n; j++) {
      x ^= x >> 12, x ^= x << 25, x ^= x >> 27;
      unsigned long long r = x * 0x2545F4914F6CDD1Dull;
      f[j] = (float)((double)(r >> 40) / (double)(1 << 24) * 4.0 - 2.0);
      d[j] = f[j];
    }
    in[i][0] = f, in[i][1] = d;
    out[i][0] = malloc(m * sizeof(float)), out[i][1] = malloc(m * sizeof(double));
  }
  double* t = malloc(sizeof(double) * NCASES * 2 * rounds);    // wall
  double* cpu = malloc(sizeof(double) * NCASES * 2 * rounds);  // thread CPU
  for (int r = 0; r < rounds; r++)
    for (int i = 0; i < NCASES; i++)
      for (int f64 = 0; f64 < 2; f64++) {
        run(&cases[i], f64, in[i][f64], out[i][f64]);  // warm
        int calls = 0;
        double t0 = clockNs(CLOCK_MONOTONIC), c0 = clockNs(CLOCK_THREAD_CPUTIME_ID), t1;
        do {
          run(&cases[i], f64, in[i][f64], out[i][f64]);
          calls++;
          t1 = clockNs(CLOCK_MONOTONIC);
        } while (t1 - t0 < 20e6);
        t[(i * 2 + f64) * rounds + r] = (t1 - t0) / calls;
        cpu[(i * 2 + f64) * rounds + r] = (clockNs(CLOCK_THREAD_CPUTIME_ID) - c0) / calls;
      }
  printf("case  dtype    median_ns    min_ns  cpu_median_ns\n");
  for (int i = 0; i < NCASES; i++)
    for (int f64 = 0; f64 < 2; f64++) {
      double *v = &t[(i * 2 + f64) * rounds], *c = &cpu[(i * 2 + f64) * rounds];
      qsort(v, rounds, sizeof *v, cmp);
      qsort(c, rounds, sizeof *c, cmp);
      printf("%-4s  %-7s  %11.0f  %9.0f  %13.0f\n", cases[i].name, f64 ? "float64" : "float32", v[rounds / 2], v[0],
             c[rounds / 2]);
    }
  return 0;
}

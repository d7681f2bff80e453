"""Renders bench/peer/results/gemm-floor*.json* (written by gemm_floor.sh) as the Markdown of bench/results.md."""
import json
import os
import sys


def _lines(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]


def _best(rows, key, value):
    """Per key, the row with the smallest value (the best of all runs: the floor)."""
    best = {}
    for r in rows:
        k = key(r)
        if k not in best or value(r) < value(best[k]):
            best[k] = r
    return list(best.values())


def render(peer_dir, out=sys.stdout):
    results = os.path.join(peer_dir, "results")
    runs = _lines(os.path.join(results, "gemm-floor-env.jsonl"))
    if not runs:
        return
    env = runs[0]
    floor = _best(_lines(os.path.join(results, "gemm-floor.jsonl")),
                  lambda r: (r["library"], r["threads"], r.get("policy", 0), r["dtype"], r["layout"]), lambda r: r["epoch_s"])
    cross_all = _lines(os.path.join(results, "gemm-crossover.jsonl"))
    cross = []
    for r in _best(cross_all, lambda r: (r["library"], r["dtype"], r["mnk"]), lambda r: r["t1_us"]):
        t2 = min(x["t2_us"] for x in cross_all if (x["library"], x["dtype"], x["mnk"]) == (r["library"], r["dtype"], r["mnk"]))
        cross.append(dict(r, t2_us=t2, t2_over_t1=t2 / r["t1_us"]))
    p = lambda s="": print(s, file=out)
    loads = ", ".join(f"{r['load_before'].split()[0]}-{r['load_after'].split()[0]}" for r in runs)
    p("\n### GEMM floor of one seed epoch, from C (`bench/peer/gemm_floor.c`)\n")
    p(f"CPU: {env['cpu']} ({env['vendor']}, {env['cores']} cores); runs {runs[0]['run']} to {runs[-1]['run']}; each row is the best "
      f"of {len(runs)} run(s) of {env['epochs']} epochs (a floor); 1-minute load average before-after each run: {loads}. "
      "The machine is shared: under load, two threads lose to one (a descheduled thread stalls the other at every product).")
    versions = sorted({r["version"] for r in floor})
    p("Libraries: " + "; ".join(versions) + ". MKL runs the GNU OpenMP layer; OpenBLAS is Debian's pthreads build.\n")
    p("938 batches of 64, five products a batch (forward Z1, Z2; backward dW2, dH, dW1). `ours` is the column-major,")
    p("features-by-batch call layout of `Mlp.cs`; `torch` is PyTorch's row-major `nn.Linear` layout; `team` is `ours` split")
    p("across THREADS pthreads by columns of W1, the library on one thread, as the trainer's thread team splits it (each")
    p("product's column holds its phase, barrier included). `policy` = products")
    p("under 2^19 multiply-adds on one thread (`MKL_Set_Num_Threads_Local`), as the provider does.\n")
    p("`epoch CPU s` is the process CPU time (all threads, spinning included) of the least-CPU epoch: for one thread it is")
    p("the floor even on a busy machine, where the wall time (`epoch s`) includes waiting for a core.\n")
    p("| library | threads | dtype | layout | epoch s | epoch CPU s | Z1 ms | Z2 ms | dW2 ms | dH ms | dW1 ms | torch / ours (wall) |")
    p("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in floor:
        twin = next((t for t in floor if t["library"] == r["library"] and t["threads"] == r["threads"] and t.get("policy") == r.get("policy")
                     and t["dtype"] == r["dtype"] and t["layout"] == "ours"), None)
        ratio = f"{r['epoch_s'] / twin['epoch_s']:.2f}" if twin and r["layout"] == "torch" else ""
        threads = f"{r['threads']}{' + policy' if r.get('policy') else ''}"
        cells = " | ".join(f"{x['epoch_ms']:.1f}" for x in r["products"])
        cpu = f"{r['epoch_cpu_s']:.3f}" if "epoch_cpu_s" in r else ""
        p(f"| {r['library']} | {threads} | {r['dtype']} | {r['layout']} | {r['epoch_s']:.3f} | {cpu} | {cells} | {ratio} |")
    if cross:
        p("\n**Thread crossover** (column-major NN products, best of 5 rounds; time per call, 1 and 2 threads alternating in one process):\n")
        p("| library | dtype | m x n x k | m*n*k | 1 thread us | 2 threads us | 2 / 1 |")
        p("|---|---|---|---|---|---|---|")
        for r in cross:
            p(f"| {r['library']} | {r['dtype']} | {r['mnk']} | {r['m_n_k']:,} | {r['t1_us']:.2f} | {r['t2_us']:.2f} | {r['t2_over_t1']:.2f} |")


if __name__ == "__main__":
    render(os.path.dirname(os.path.abspath(__file__)))

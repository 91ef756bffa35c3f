"""The zuko side of the fmnist49 fit benchmark (docs/FIT_QUALITY.md), with the settings of flows4j fit-bench.

Usage: python3 zuko_fit.py TRAIN.csv TEST.csv FLOW SEED HISTORY.csv  (FLOW: maf, nsf-ar, realnvp, nsf)
Needs PyTorch (Debian: python3-torch) and zuko on PYTHONPATH (a checkout of github.com/probabilists/zuko).
Prints one JSON line like fit-bench's; HISTORY.csv gets epoch,train_nll,validation_nll in standardized
units, as flows4j records its own curve (flows4j plot --training-curve --compare HISTORY.csv).
"""
import json
import os
import sys
import time
import numpy as np
import torch
import zuko

def load(path):
    a = np.loadtxt(path, delimiter=',', skiprows=1, dtype=np.float64)
    return a

def main():
    train_path, test_path, flow, seed, hist = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
    torch.manual_seed(seed)
    np.random.seed(seed)
    torch.set_num_threads(int(os.environ.get('THREADS', '1')))
    x = load(train_path); xt = load(test_path)
    perm = np.random.permutation(len(x))
    nval = int(round(0.1 * len(x)))
    val, tr = x[perm[:nval]], x[perm[nval:]]
    mu, sd = tr.mean(0), tr.std(0)
    logdet = -np.log(sd).sum()
    f = lambda a: torch.tensor((a - mu) / sd, dtype=torch.float32)
    tr, val, te = f(tr), f(val), f(xt)
    D = tr.shape[1]
    kw = dict(transforms=5, hidden_features=[128, 128])
    if flow == 'maf': m = zuko.flows.MAF(D, **kw)
    elif flow == 'realnvp': m = zuko.flows.MAF(D, passes=2, **kw)
    elif flow == 'nsf-ar': m = zuko.flows.NSF(D, bins=8, **kw)
    elif flow == 'nsf': m = zuko.flows.NSF(D, bins=8, passes=2, **kw)
    opt = torch.optim.Adam(m.parameters(), lr=1e-3)
    best, best_state, bad, best_ep = float('inf'), None, 0, 0
    rows = []
    t0 = time.time()
    for ep in range(1, 501):
        m.train()
        idx = torch.randperm(len(tr)); tot = 0; nb = 0
        for i in range(0, len(tr), 256):
            b = tr[idx[i:i+256]]
            loss = -m().log_prob(b).mean()
            opt.zero_grad(); loss.backward(); opt.step()
            tot += loss.item(); nb += 1
        m.eval()
        with torch.no_grad():
            v = -m().log_prob(val).mean().item() - logdet
        rows.append((ep, tot / nb, v + logdet))
        if v < best:
            best, bad, best_ep = v, 0, ep
            best_state = {k: t.clone() for k, t in m.state_dict().items()}
        else:
            bad += 1
            if bad >= 20: break
    m.load_state_dict(best_state); m.eval()
    with torch.no_grad():
        lp = m().log_prob(te).double().numpy() + logdet
    nll = -lp
    with open(hist, 'w') as fh:
        fh.write('epoch,train_nll,validation_nll\n')
        for r in rows: fh.write('%d,%.6f,%.6f\n' % r)
    print(json.dumps(dict(lib='zuko', flow=flow, seed=seed, test_nll=float(nll.mean()),
        test_nll_stderr=float(nll.std(ddof=1) / np.sqrt(len(nll))), min_test_log_prob=float(lp.min()),
        best_epoch=best_ep, epochs=len(rows), seconds=time.time() - t0)), flush=True)

main()

# normflows' Glow on Fashion-MNIST, the image issue's reference: L = 2, K = 8, 128 hidden channels, GlowBase
# per level, Adam 1e-3, batch 64, 2 threads (docs/PERFORMANCE.md, "Glow on Fashion-MNIST's shape").
# usage: PYTHONPATH=/path/to/normalizing-flows python3 normflows_glow.py bench [seconds]
#        PYTHONPATH=/path/to/normalizing-flows python3 normflows_glow.py train SECONDS
import os, sys, time, gzip, numpy as np, torch
import normflows as nf
torch.set_num_threads(2); torch.manual_seed(0)
def idx(path):
    with gzip.open(path) as f: d = f.read()
    n = int.from_bytes(d[4:8], 'big'); return np.frombuffer(d, np.uint8, offset=16).reshape(n, 1, 28, 28)
D = os.environ.get('FMNIST', '/usr/share/datasets/fashion-mnist') + '/'
L, K, C, hidden = 2, 8, 1, 128
q0, merges, flows = [], [], []
for i in range(L):
    fl = [nf.flows.GlowBlock(C * 2 ** (L + 1 - i), hidden, split_mode='channel', scale=True) for _ in range(K)]
    fl += [nf.flows.Squeeze()]; flows.append(fl)
    if i > 0:
        merges.append(nf.flows.Merge()); shape = (C * 2 ** (L - i), 28 // 2 ** (L - i), 28 // 2 ** (L - i))
    else:
        shape = (C * 2 ** (L + 1), 28 // 2 ** L, 28 // 2 ** L)
    q0.append(nf.distributions.GlowBase(shape))
model = nf.MultiscaleFlow(q0, flows, merges, class_cond=False)
print('params', sum(p.numel() for p in model.parameters()), flush=True)
train = torch.tensor(idx(D + 'train-images-idx3-ubyte.gz'), dtype=torch.float32)
test = torch.tensor(idx(D + 't10k-images-idx3-ubyte.gz')[:2000], dtype=torch.float32)
deq = lambda x: (x + torch.rand_like(x)) / 256.
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
g = torch.Generator().manual_seed(1)
def step():
    idx_ = torch.randint(0, len(train), (64,), generator=g)
    opt.zero_grad(); loss = model.forward_kld(deq(train[idx_]))
    if torch.isfinite(loss): loss.backward(); opt.step()
    return loss.item()
def bpd(x):
    with torch.no_grad():
        tot = 0.
        for b in range(0, len(x), 250):
            tot += (-model.log_prob(deq(x[b:b + 250]))).sum().item()
    return tot / len(x) / (784 * np.log(2)) + 8
mode = sys.argv[1]
if mode == 'bench':
    secs = float(sys.argv[2]) if len(sys.argv) > 2 else 20
    for _ in range(5): step()
    n, t0 = 0, time.time()
    while time.time() - t0 < secs: step(); n += 1
    tr = n * 64 / (time.time() - t0)
    x = deq(train[:500]); model.eval()
    with torch.no_grad():
        model.log_prob(x); ts = []
        for _ in range(5): t = time.time(); model.log_prob(x); ts.append(time.time() - t)
        lp = 500 / np.median(ts); model.sample(500); ts = []
        for _ in range(5): t = time.time(); model.sample(500); ts.append(time.time() - t)
        sa = 500 / np.median(ts)
    print('{"lib":"normflows","train_images_per_s":%.1f,"logprob_images_per_s":%.1f,"sample_images_per_s":%.1f}' % (tr, lp, sa), flush=True)
else:
    secs = float(sys.argv[2]); n, t0 = 0, time.time()
    while time.time() - t0 < secs:
        l = step(); n += 1
        if n % 200 == 0: print('step', n, 'loss', l, 'elapsed', round(time.time() - t0), flush=True)
    print('steps', n, 'seconds', round(time.time() - t0, 1), flush=True)
    model.eval()
    print('{"lib":"normflows","steps":%d,"test_bpd_first2000":%.4f}' % (n, bpd(test)), flush=True)

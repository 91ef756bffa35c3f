# normflows' reverse-KL fit of Rezende & Mohamed's U1, the VI issue's two reference setups
# (docs/PERFORMANCE.md, "Variational inference on U1").
# usage: PYTHONPATH=/path/to/normalizing-flows python3 normflows_vi.py planar|coupling [steps] [seed]
import sys, time, math, numpy as np, torch
import normflows as nf
torch.set_num_threads(2); torch.manual_seed(int(sys.argv[3]) if len(sys.argv) > 3 else 0)

class U1(nf.distributions.Target):
    def __init__(self):
        super().__init__(prop_scale=torch.tensor(6.0), prop_shift=torch.tensor(-3.0)); self.n_dims = 2
    def log_prob(self, z):
        r = torch.linalg.norm(z, dim=1)
        a = -0.5 * ((z[:, 0] - 2) / 0.6) ** 2; b = -0.5 * ((z[:, 0] + 2) / 0.6) ** 2
        return -0.5 * ((r - 2) / 0.4) ** 2 + torch.logsumexp(torch.stack([a, b]), 0)

kind = sys.argv[1]; steps = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
flows = []
if kind == 'planar':
    flows = [nf.flows.Planar((2,)) for _ in range(16)]
else:
    for _ in range(8):
        flows += [nf.flows.AffineCouplingBlock(nf.nets.MLP([1, 64, 64, 2], init_zeros=True)), nf.flows.Permute(2, mode='swap')]
model = nf.NormalizingFlow(q0=nf.distributions.DiagGaussian(2), flows=flows, p=U1())
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
t0 = time.time()
for it in range(steps):
    opt.zero_grad()
    loss = model.reverse_kld(512, beta=min(1.0, 0.01 + it / (steps / 2)))
    if torch.isfinite(loss): loss.backward(); opt.step()
el = time.time() - t0
with torch.no_grad():
    ws = []
    for _ in range(16):
        z, lq = model.sample(4096); ws.append(model.p.log_prob(z) - lq)
    w = torch.cat(ws).double()
    m = w.max(); e = torch.exp(w - m)
    logz = (m + torch.log(e.mean())).item(); se = (e.std() / (math.sqrt(len(w)) * e.mean())).item()
    ess = (e.sum() ** 2 / (e ** 2).sum()).item() / len(w)
print('{"lib":"normflows","flow":"%s","steps":%d,"steps_per_s":%.1f,"elbo":%.4f,"log_z":%.4f,"log_z_se":%.4f,"ess":%.3f}'
      % (kind, steps, steps / el, w.mean().item(), logz, se, ess), flush=True)

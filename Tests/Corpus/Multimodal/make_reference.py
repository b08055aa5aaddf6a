"""Reference maxima of the Student-t regression likelihood for the two data sets here.

Independent of mle-report: scipy's Nelder-Mead, then BFGS, from every line through two points
with different x (scale from the median absolute residual, nu from 1), on
log L(w, b, log s, log nu) with nu in [max(0.05, 3/(n - 2)), 1000]. Distinct ends (lines within
1e-4 relative, log-likelihoods within 1e-6) are listed best first, each with how many of the
pair starts reached it and the eigenvalues of the negative Hessian (finite differences) at it.

Run by hand in a scratch virtual environment (pip install numpy scipy pandas):
    python make_reference.py > reference.json
Generated 2026-12-03 with Python 3.11.7, numpy 2.4.6, scipy 1.17.1.
"""
import itertools, json, sys
import numpy as np
from scipy import optimize, special

def maxima(path):
    d = np.loadtxt(path, delimiter=",", skiprows=1)
    x, y = d[:, 0], d[:, 1]
    n = len(x)
    lo = np.log(max(0.05, 3 / (n - 2))); hi = np.log(1000)
    def nll(t):
        w, b, ls, lnu = t
        if not (lo <= lnu <= hi): return 1e300
        s, nu = np.exp(ls), np.exp(lnu)
        r = (y - w * x - b) / s
        return -(n * (special.gammaln((nu + 1) / 2) - special.gammaln(nu / 2) - 0.5 * np.log(nu * np.pi) - ls)
                 - (nu + 1) / 2 * np.log1p(r * r / nu).sum())
    ends = []
    for i, j in itertools.combinations(range(n), 2):
        if x[i] == x[j]: continue
        w = (y[j] - y[i]) / (x[j] - x[i]); b = y[i] - w * x[i]
        r = np.abs(y - w * x - b); s = 1.4826 * np.median(r[r > 0])
        o = optimize.minimize(nll, [w, b, np.log(s), 0.0], method="Nelder-Mead",
                              options=dict(xatol=1e-10, fatol=1e-12, maxiter=20000, maxfev=40000))
        o = optimize.minimize(nll, o.x, method="BFGS", options=dict(gtol=1e-9))
        ends.append((o.fun, o.x))
    ends.sort(key=lambda e: e[0])
    kept = []
    for f, t in ends:
        for k in kept:
            if abs(t[0] - k["t"][0]) <= 1e-4 * max(1, abs(k["t"][0])) and abs(t[1] - k["t"][1]) <= 1e-4 * max(1, abs(k["t"][1])) and abs(f - k["f"]) <= 1e-6:
                k["count"] += 1; break
        else:
            kept.append(dict(f=f, t=t, count=1))
    out = []
    for k in kept:
        t = k["t"]; h = np.zeros((4, 4)); e = 1e-5
        for a in range(4):
            for c in range(4):
                def at(da, dc):
                    u = t.copy(); u[a] += da; u[c] += dc; return nll(u)
                h[a, c] = (at(e, e) - at(e, -e) - at(-e, e) + at(-e, -e)) / (4 * e * e)
        out.append(dict(log_likelihood=-k["f"], w=t[0], b=t[1], scale=float(np.exp(t[2])), nu=float(np.exp(t[3])),
                        pair_starts=k["count"], negative_hessian_eigenvalues=sorted(np.linalg.eigvalsh(h).tolist())))
    return dict(rows=n, pair_starts=len(ends), maxima=out)

json.dump({"provenance": __doc__.strip().splitlines()[0] + " scipy Nelder-Mead + BFGS from every pair of points.",
           "mammals.csv": maxima("mammals.csv"), "animals.csv": maxima("animals.csv")}, sys.stdout, indent=1)

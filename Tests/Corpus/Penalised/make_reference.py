# Reference values for penalised (MAP) fits, glmnet's objective:
#   Gaussian: (1/2n) RSS + lam (a |theta|_1 + (1 - a)/2 |theta|^2)
#   GLM:     -(1/n) log L + the same penalty
# over predictors standardised to mean 0 and population SD 1, intercept unpenalised.
# Gaussian: scikit-learn ElasticNet(alpha=lam, l1_ratio=a) / Ridge(alpha=n lam) on the
# standardised columns. Logistic: statsmodels GLM(Binomial).fit_regularized (elastic_net,
# alpha 0 on the intercept), cross-checked by FISTA (accelerated proximal gradient) run to
# a gradient-mapping norm below 1e-12. Data: ../Multi/longley-full.csv (NIST StRD Longley),
# ../Multi/default.csv (ISLP Default).
import json
import numpy as np, pandas as pd
from sklearn.linear_model import ElasticNet, Ridge
import statsmodels.api as sm

out = {}

def standardise(X):
    m = X.mean(axis=0); s = X.std(axis=0)
    return (X - m) / s, m, s

def original(theta0, theta, m, s):
    beta = theta / s
    return [float(theta0 - np.sum(beta * m))] + [float(v) for v in beta]

L = pd.read_csv("../Multi/longley-full.csv")
cols = ["GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR"]
X = L[cols].values.astype(float); y = L.TOTEMP.values.astype(float); n = len(y)
Z, m, s = standardise(X)
cases = []
for kind, lam, a in [("lasso", 50.0, 1.0), ("lasso", 300.0, 1.0), ("elastic-net", 100.0, 0.5), ("ridge", 1.0, 0.0), ("ridge", 0.01, 0.0)]:
    if a == 0:
        f = Ridge(alpha=n * lam, solver="svd").fit(Z, y)
    else:
        f = ElasticNet(alpha=lam, l1_ratio=a, tol=1e-15, max_iter=10_000_000, selection="cyclic").fit(Z, y)
    cases.append({"kind": kind, "lambda": lam, "alpha": a, "coefficients": original(f.intercept_, f.coef_, m, s),
                  "standardised": [float(f.intercept_)] + [float(v) for v in f.coef_]})
out["longley"] = {"data": "longley-full.csv", "y": "TOTEMP", "x": cols, "family": "gaussian", "fits": cases,
                  "lambda_max": float(np.max(np.abs(Z.T @ (y - y.mean())) / n))}

D = pd.read_csv("../Multi/default.csv")
X = np.column_stack([D.balance.values, D.income.values, (D.student == "Yes").astype(float).values])
y = (D["default"] == "Yes").astype(float).values; n = len(y)
Z, m, s = standardise(X)
Z1 = np.column_stack([np.ones(n), Z])

def objective(t, lam, a):
    eta = Z1 @ t
    return np.mean(np.logaddexp(0, eta) - y * eta) + lam * (a * np.abs(t[1:]).sum() + (1 - a) / 2 * (t[1:] ** 2).sum())

def fista(lam, a, iters=400000):
    L = 0.25 * np.linalg.eigvalsh(Z1.T @ Z1 / n).max() + lam * (1 - a)
    t = np.zeros(4); t[0] = np.log(y.mean() / (1 - y.mean())); v = t.copy(); k = 1.0
    for _ in range(iters):
        eta = Z1 @ v; p = 1 / (1 + np.exp(-eta))
        g = Z1.T @ (p - y) / n; g[1:] += lam * (1 - a) * v[1:]
        u = v - g / L
        new = u.copy(); new[1:] = np.sign(u[1:]) * np.maximum(np.abs(u[1:]) - lam * a / L, 0)
        k1 = (1 + np.sqrt(1 + 4 * k * k)) / 2
        v = new + (k - 1) / k1 * (new - t)
        if np.max(np.abs(new - t)) < 1e-15: t = new; break
        t = new; k = k1
    return t

cases = []
for kind, lam, a in [("lasso", 0.01, 1.0), ("elastic-net", 0.005, 0.5), ("ridge", 0.01, 0.0)]:
    t = fista(lam, a)
    sm_fit = sm.GLM(y, Z1, family=sm.families.Binomial()).fit_regularized(method="elastic_net", alpha=np.array([0, lam, lam, lam]),
                                                                          L1_wt=a, cnvrg_tol=1e-14, maxiter=10000)
    cases.append({"kind": kind, "lambda": lam, "alpha": a, "coefficients": original(t[0], t[1:], m, s),
                  "standardised": [float(v) for v in t], "objective": float(objective(t, lam, a)),
                  "statsmodels_standardised": [float(v) for v in sm_fit.params],
                  "statsmodels_objective": float(objective(np.asarray(sm_fit.params), lam, a))})
out["default"] = {"data": "default.csv", "y": "default", "x": ["balance", "income", "student"], "family": "bernoulli", "fits": cases}
with open("reference.json", "w") as fh:
    json.dump(out, fh, indent=1, sort_keys=True)

# Empirical-Bayes ridge on Longley: the evidence of y under theta_j ~ N(0, tau2) on the
# standardised predictors, a flat intercept and N(0, sigma2) noise, maximised by brute force:
# the centred y in an orthonormal basis of the (n - 1)-dimensional centred space (the flat
# intercept integrated out), its density under N(0, sigma2 I + tau2 B Z Z' B') computed directly
# (Cholesky of the (n-1) x (n-1) covariance) on a grid of (log sigma2, log tau2), refined twice.
from scipy.linalg import null_space
with open("reference.json") as fh:
    out = json.load(fh)
L = pd.read_csv("../Multi/longley-full.csv")
X = L[cols].values.astype(float); y = L.TOTEMP.values.astype(float); n = len(y)
Z, m, s = standardise(X)
B = null_space(np.ones((1, n))).T          # (n-1) x n, rows orthonormal, orthogonal to 1
yb = B @ y; Zb = B @ Z
def logp(ls2, lt2):
    cov = np.exp(ls2) * np.eye(n - 1) + np.exp(lt2) * Zb @ Zb.T
    try:
        c = np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        return -np.inf
    w = np.linalg.solve(c, yb)
    return float(-0.5 * (n - 1) * np.log(2 * np.pi) - np.sum(np.log(np.diag(c))) - 0.5 * w @ w)
centre = (np.log(np.var(y)), np.log(np.var(y)))
width = 15.0
for _ in range(4):
    g1 = np.linspace(centre[0] - width, centre[0] + width, 121); g2 = np.linspace(centre[1] - width, centre[1] + width, 121)
    vals = np.array([[logp(a, b) for b in g2] for a in g1])
    i, j = np.unravel_index(np.argmax(vals), vals.shape)
    centre = (g1[i], g2[j]); width = width / 20
sigma2, tau2 = float(np.exp(centre[0])), float(np.exp(centre[1]))
out["longley"]["evidence"] = {"sigma2": sigma2, "tau2": tau2, "log_evidence": float(logp(*centre)),
                              "lambda": sigma2 / (n * tau2), "grid_resolution_log": float(2 * width * 20 / 120)}
with open("reference.json", "w") as fh:
    json.dump(out, fh, indent=1, sort_keys=True)

# The Gaussian ridge posterior on Longley at lam = 0.01: with the prior theta_j ~ N(0, tau2),
# tau2 = sigma2/(n lam), and a flat intercept, the posterior covariance of (theta0, theta) is
# sigma2 (Z1'Z1 + n lam D)^-1, D = diag(0, 1, ..., 1), computed densely with the intercept's
# column (no use of centring); sigma2 = RSS/(n - tr H), H = Z1 (Z1'Z1 + n lam D)^-1 Z1' the
# smoother (hat) matrix. SDs of beta_j = theta_j / s_j.
with open("reference.json") as fh:
    out = json.load(fh)
Z1 = np.column_stack([np.ones(n), Z])
lam = 0.01
D = np.diag([0.0] + [1.0] * Z.shape[1])
A = np.linalg.inv(Z1.T @ Z1 + n * lam * D)
theta = A @ Z1.T @ y
H = Z1 @ A @ Z1.T
rss = float(np.sum((y - Z1 @ theta) ** 2))
df = float(np.trace(H))
sigma2 = rss / (n - df)
sd = np.sqrt(np.diag(sigma2 * A))[1:] / s
out["longley"]["posterior"] = {"lambda": lam, "sigma2": sigma2, "effective_parameters": df,
                               "sd": [float(v) for v in sd], "standardised": [float(v) for v in theta]}
with open("reference.json", "w") as fh:
    json.dump(out, fh, indent=1, sort_keys=True)

"""Reference values for the noise-model families and the residual diagnostics.

Run once, by hand, in a scratch virtual environment (pip install statsmodels scipy), after
make_reference.py has written the CSVs; the project never depends on Python. Writes
families.json. Every value comes from an implementation independent of mle-report's:

- laplace: the least-absolute-deviations line as a linear program solved by HiGHS
  (scipy.optimize.linprog), exact at a vertex; s = mean |r|.
- student-t: all four parameters (w, b, log s, log nu) by scipy.optimize.minimize (BFGS then
  Nelder-Mead polish) on the exact Student-t log-likelihood, from the least-squares line;
  standard errors from a central-difference Hessian of that log-likelihood.
- poisson: statsmodels GLM(family=Poisson) by IRLS (deviance, Pearson chi2, AIC, BIC with
  every constant, as R's glm reports them).
- diagnostics: statsmodels jarque_bera and het_breuschpagan (Koenker's studentised form) on
  the least-squares residuals.
"""
import json, math
import numpy as np
import statsmodels.api as sm
from scipy import optimize, special
from statsmodels.stats.stattools import jarque_bera
from statsmodels.stats.diagnostic import het_breuschpagan

def read(name):
    with open(name) as f:
        head = f.readline().strip().split(",")
        rows = [list(map(float, line.strip().split(","))) for line in f if line.strip()]
    a = np.array(rows)
    return {c: a[:, k] for k, c in enumerate(head)}

LAPLACE = [("engel.csv", "income", "foodexp"), ("stackloss.csv", "AIRFLOW", "STACKLOSS"), ("randhie.csv", "lncoins", "mdvis"),
           ("statecrime.csv", "poverty", "murder"), ("nile.csv", "year", "volume")]
STUDENT = [("stackloss.csv", "AIRFLOW", "STACKLOSS"), ("statecrime.csv", "poverty", "murder"),
           ("engel.csv", "income", "foodexp")]
POISSON = [("cpunish.csv", "INCOME", "EXECUTIONS"), ("randhie.csv", "lncoins", "mdvis")]
DIAG = [("nile.csv", "year", "volume"), ("statecrime.csv", "poverty", "murder"), ("engel.csv", "income", "foodexp"),
        ("stackloss.csv", "AIRFLOW", "STACKLOSS")]

out = {"generator": "statsmodels %s, scipy %s, numpy %s" % (sm.__version__ if hasattr(sm, "__version__") else "?",
                                                           __import__("scipy").__version__, np.__version__),
       "laplace": [], "student_t": [], "poisson": [], "diagnostics": []}

for data, xc, yc in LAPLACE:
    d = read(data); x, y = d[xc], d[yc]; n = len(x)
    # min sum(u + v) s.t. w x + b + u - v = y, u, v >= 0
    c = np.concatenate([[0, 0], np.ones(2 * n)])
    A = np.hstack([np.column_stack([x, np.ones(n)]), np.eye(n), -np.eye(n)])
    r = optimize.linprog(c, A_eq=A, b_eq=y, bounds=[(None, None)] * 2 + [(0, None)] * (2 * n), method="highs")
    w, b = r.x[:2]
    sad = float(np.sum(np.abs(y - w * x - b)))
    s = sad / n
    out["laplace"].append({"data": data, "x": xc, "y": yc, "n": n, "w": w, "b": b, "sum_abs": sad, "scale": s,
                           "log_likelihood": -n * (math.log(2 * s) + 1)})

def t_loglik(theta, x, y, nu=None):
    w, b, ls = theta[:3]
    lnu = theta[3] if nu is None else math.log(nu)
    s, v = math.exp(ls), math.exp(lnu)
    r = y - w * x - b
    return float(np.sum(special.gammaln((v + 1) / 2) - special.gammaln(v / 2) - 0.5 * np.log(v * np.pi) - ls
                        - (v + 1) / 2 * np.log1p(r * r / (v * s * s))))

def hessian(f, t, h=1e-4):
    k = len(t); H = np.zeros((k, k))
    for i in range(k):
        for j in range(k):
            e_i = np.eye(k)[i] * h * max(1, abs(t[i])); e_j = np.eye(k)[j] * h * max(1, abs(t[j]))
            H[i, j] = (f(t + e_i + e_j) - f(t + e_i - e_j) - f(t - e_i + e_j) + f(t - e_i - e_j)) / (4 * np.linalg.norm(e_i) * np.linalg.norm(e_j))
    return H

for data, xc, yc in STUDENT:
    d = read(data); x, y = d[xc], d[yc]; n = len(x)
    X = np.column_stack([x, np.ones(n)])
    ols = sm.OLS(y, X).fit()
    start = np.array([ols.params[0], ols.params[1], math.log(math.sqrt(ols.scale)), math.log(5.0)])
    f = lambda t: -t_loglik(t, x, y)
    best = None
    for s0 in [start, start + np.array([0, 0, 0, 1.0]), start + np.array([0, 0, -0.5, -1.0])]:
        r = optimize.minimize(f, s0, method="BFGS", options={"gtol": 1e-10, "maxiter": 10000})
        r = optimize.minimize(f, r.x, method="Nelder-Mead", options={"xatol": 1e-12, "fatol": 1e-14, "maxiter": 40000, "maxfev": 80000})
        if best is None or r.fun < best.fun:
            best = r
    t = best.x
    H = hessian(lambda v: t_loglik(v, x, y), t)
    cov = np.linalg.inv(-H)
    out["student_t"].append({"data": data, "x": xc, "y": yc, "n": n, "w": t[0], "b": t[1], "scale": math.exp(t[2]),
                             "nu": math.exp(t[3]), "log_likelihood": -best.fun,
                             "w_se": math.sqrt(cov[0, 0]), "b_se": math.sqrt(cov[1, 1])})

for data, xc, yc in POISSON:
    d = read(data); x, y = d[xc], d[yc]; n = len(x)
    X = np.column_stack([x, np.ones(n)])
    r = sm.GLM(y, X, family=sm.families.Poisson()).fit(tol=1e-13, maxiter=200)
    null = sm.GLM(y, np.ones((n, 1)), family=sm.families.Poisson()).fit(tol=1e-13)
    out["poisson"].append({"data": data, "x": xc, "y": yc, "n": n, "w": r.params[0], "b": r.params[1],
                           "w_se": r.bse[0], "b_se": r.bse[1], "log_likelihood": r.llf, "deviance": r.deviance,
                           "null_deviance": r.null_deviance, "pearson_chi2": r.pearson_chi2, "aic": r.aic,
                           "bic": 2 * 2 * 0 + (-2 * r.llf + 2 * math.log(n)), "null_log_likelihood": null.llf})

for data, xc, yc in DIAG:
    d = read(data); x, y = d[xc], d[yc]; n = len(x)
    X = np.column_stack([x, np.ones(n)])
    r = sm.OLS(y, X).fit()
    jb, jbp, skew, kurt = jarque_bera(r.resid)
    lm, lmp, _, _ = het_breuschpagan(r.resid, X, robust=True)
    out["diagnostics"].append({"data": data, "x": xc, "y": yc, "n": n, "skewness": skew, "excess_kurtosis": kurt - 3,
                               "jarque_bera": jb, "jarque_bera_p": jbp, "breusch_pagan": lm, "breusch_pagan_p": lmp})

def clean(v):
    if isinstance(v, dict): return {k: clean(u) for k, u in v.items()}
    if isinstance(v, list): return [clean(u) for u in v]
    if isinstance(v, (np.floating, np.integer)): return v.item()
    return v
with open("families.json", "w") as f:
    json.dump(clean(out), f, indent=1, sort_keys=True)
    f.write("\n")

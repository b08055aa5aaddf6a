"""Reference values for the grouped-data, weights and exposure fits (issue 22).

Run with statsmodels, scipy and pandas installed:  python make_reference.py > reference.json

Every fit is statsmodels' GLM (IRLS); the profile-likelihood intervals are found here
independently of mle-report: for each coefficient, the other coefficients are refitted by
statsmodels with that coefficient's column times t as an offset, and t where the deviance
2 (l_hat - l_p(t)) equals the chi-square(1) 0.95 quantile is found by Brent's method to 1e-12.
That is the quantity R's confint() for a glm reports (R spline-interpolates the same profile
on a grid, so its printed 4 digits agree).
"""
import json
import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import optimize, stats

LEVEL = stats.chi2.ppf(0.95, 1)


def design(frame, predictors, factors=()):
    parts = [pd.Series(1.0, index=frame.index, name="(Intercept)")]
    for p in predictors:
        if p in factors or not pd.api.types.is_numeric_dtype(frame[p]):
            column = frame[p].astype(str)
            levels = sorted(column.unique())
            for level in levels[1:]:
                parts.append(pd.Series((column == level).astype(float), name=f"{p}[{level}]"))
        else:
            parts.append(frame[p].astype(float).rename(p))
    return pd.concat(parts, axis=1)


def profile_interval(endog, X, family, j, fit, **kw):
    others = [k for k in range(X.shape[1]) if k != j]
    base_offset = kw.pop("offset", np.zeros(len(X)))
    top = fit.llf

    def excess(t):
        f = sm.GLM(endog, X[:, others], family=family, offset=base_offset + X[:, j] * t, **kw).fit(tol=1e-14, maxiter=200)
        return 2 * (top - f.llf) - LEVEL

    b, se = fit.params[j], fit.bse[j]
    ends = []
    for direction in (-1, 1):
        step = se
        inside = b
        outside = b + direction * step
        while excess(outside) < 0:
            inside = outside
            step *= 2
            outside = b + direction * step
        ends.append(optimize.brentq(excess, min(inside, outside), max(inside, outside), xtol=1e-13, rtol=1e-14))
    return ends


def record(fit, names, endog, X, family, profile=True, **kw):
    out = {
        "terms": names,
        "estimates": list(map(float, fit.params)),
        "se": list(map(float, fit.bse)),
        "log_likelihood": float(fit.llf),
        "deviance": float(fit.deviance),
        "pearson_chi2": float(fit.pearson_chi2),
        "df_resid": float(fit.df_resid),
    }
    if profile:
        out["profile_ci"] = [profile_interval(endog, X, family, j, fit, **dict(kw)) for j in range(X.shape[1])]
    return out


ref = {}

# Budworm (MASS): SF ~ sex + ldose, grouped binomial.
b = pd.read_csv("budworm.csv")
X = design(b, ["sex", "ldose"])
endog = np.column_stack([b.numdead, b.total - b.numdead])
fit = sm.GLM(endog, X.values, family=sm.families.Binomial()).fit(tol=1e-14)
ref["budworm"] = record(fit, list(X.columns), endog, X.values, sm.families.Binomial())

# Bliss's beetles: killed of exposed ~ dose.
d = pd.read_csv("beetles.csv")
X = design(d, ["dose"])
endog = np.column_stack([d.killed, d.exposed - d.killed])
fit = sm.GLM(endog, X.values, family=sm.families.Binomial()).fit(tol=1e-14)
ref["beetles"] = record(fit, list(X.columns), endog, X.values, sm.families.Binomial())

# UCB admissions as frequency weights: Admitted ~ Gender + Dept.
u = pd.read_csv("ucbadmissions.csv")
X = design(u, ["Gender", "Dept"])
endog = (u.Admit == "Admitted").astype(float).values
fit = sm.GLM(endog, X.values, family=sm.families.Binomial(), freq_weights=u.Freq.values.astype(float)).fit(tol=1e-14)
ref["ucbadmissions"] = record(fit, list(X.columns), endog, X.values, sm.families.Binomial(), freq_weights=u.Freq.values.astype(float))
ref["ucbadmissions"]["nobs"] = float(fit.nobs)

# MASS Insurance: Claims ~ District + Group + Age with exposure Holders (a log offset).
i = pd.read_csv("insurance.csv")
X = design(i, ["District", "Group", "Age"], factors=("District",))
fit = sm.GLM(i.Claims.values.astype(float), X.values, family=sm.families.Poisson(), exposure=i.Holders.values.astype(float)).fit(tol=1e-14)
ref["insurance"] = record(fit, list(X.columns), i.Claims.values.astype(float), X.values, sm.families.Poisson(),
                          offset=np.log(i.Holders.values.astype(float)))

# The same counts with frequency weights (each row twice) and exposure together.
fit = sm.GLM(i.Claims.values.astype(float), X.values, family=sm.families.Poisson(), exposure=i.Holders.values.astype(float),
             freq_weights=np.full(len(i), 2.0)).fit(tol=1e-14)
ref["insurance_doubled"] = record(fit, list(X.columns), None, X.values, None, profile=False)

# esoph: cases among cases + controls ~ agegp + alcgp + tobgp (treatment coding).
e = pd.read_csv("esoph.csv")
X = design(e, ["agegp", "alcgp", "tobgp"])
endog = np.column_stack([e.ncases, e.ncontrols])
fit = sm.GLM(endog, X.values, family=sm.families.Binomial()).fit(tol=1e-14)
ref["esoph"] = record(fit, list(X.columns), endog, X.values, sm.families.Binomial(), profile=False)

# star98: schools above the national median among those tested, six predictors.
s = pd.read_csv("star98.csv")
cols = ["LOWINC", "PERASIAN", "PERBLACK", "PERHISP", "PCTCHRT", "PCTYRRND"]
X = design(s, cols)
endog = np.column_stack([s.NABOVE, s.NBELOW])
fit = sm.GLM(endog, X.values, family=sm.families.Binomial()).fit(tol=1e-14)
ref["star98"] = record(fit, list(X.columns), endog, X.values, sm.families.Binomial(), profile=False)

# Galton's heights (../Ties/galton.csv, 928 rows) grouped into distinct (parent, child) pairs with
# their counts (galton-counts.csv, written here): least squares with frequency weights against
# ordinary least squares on the raw rows.
g = pd.read_csv("../Ties/galton.csv")
counts = g.groupby(["parent", "child"]).size().reset_index(name="families")
counts.to_csv("galton-counts.csv", index=False)
fit = sm.OLS(g.child.values, sm.add_constant(g.parent.values)).fit()
from statsmodels.stats.stattools import jarque_bera
from statsmodels.stats.diagnostic import het_breuschpagan
jb = jarque_bera(fit.resid)
bp = het_breuschpagan(fit.resid, sm.add_constant(g.parent.values))
ref["galton_counts"] = {"terms": ["(Intercept)", "parent"], "estimates": list(map(float, fit.params)), "se": list(map(float, fit.bse)),
                        "log_likelihood": float(fit.llf), "r_squared": float(fit.rsquared), "rows_raw": int(len(g)),
                        "rows_grouped": int(len(counts)), "jarque_bera": float(jb[0]), "skewness": float(jb[2]),
                        "kurtosis": float(jb[3]), "breusch_pagan": float(bp[0])}

# Laplace and Student-t noise with frequency weights, fitted here by methods of their own on the
# weighted likelihood (never on rows written out):
# - Laplace: the linear programme min sum w_i (e+_i + e-_i) s.t. X b + e+ - e- = y, solved by
#   scipy's HiGHS (a vertex), s = sum w|r| / sum w, log L = -sum w (log 2s + 1).
# - Student-t: the weighted log-likelihood sum w_i log t_nu((y_i - x_i b)/s)/s maximised over
#   (b, log s, log nu), nu in [0.05, 1000], by L-BFGS-B from the weighted least-squares and LAD
#   fits and 30 seeded fits through p rows, then BFGS and Newton steps on numerical derivatives;
#   standard errors from the inverse of the numerical Hessian (approx_hess3) over the free
#   parameters (nu left out at its cap).
# Data: galton-counts.csv (above); Macdonell's 3,000 criminals, height against finger length
# as a frequency table (macdonell.csv, 924 cells, 623 of them empty); Pearson and Lee's parents
# and children (pearson-lee.csv, 746 cells for 4,892 pairs, half counts where a measurement fell
# on a class boundary).
from scipy.optimize import linprog, minimize
from scipy.special import gammaln
from statsmodels.tools.numdiff import approx_hess3, approx_fprime
import scipy.sparse as sparse
import warnings


def weighted_lad(X, y, w):
    n, k = X.shape
    c = np.concatenate([np.zeros(2 * k), w, w])
    A = sparse.hstack([sparse.csr_matrix(X), sparse.csr_matrix(-X), sparse.eye(n), -sparse.eye(n)]).tocsr()
    res = linprog(c, A_eq=A, b_eq=y, bounds=(0, None), method="highs",
                  options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10})
    b = res.x[:k] - res.x[k:2 * k]
    return b, float(np.sum(w * np.abs(y - X @ b)))


def t_negll(theta, X, y, w, k, nu=None):
    b = theta[:k]
    s = np.exp(theta[k])
    v = nu if nu is not None else np.exp(theta[k + 1])
    z = (y - X @ b) / s
    return -np.sum(w * (gammaln((v + 1) / 2) - gammaln(v / 2) - 0.5 * np.log(v * np.pi) - np.log(s) - (v + 1) / 2 * np.log1p(z * z / v)))


def newton_polish(f, theta):
    for _ in range(20):
        g = approx_fprime(theta, f, centered=True)
        H = approx_hess3(theta, f)
        nxt = theta - np.linalg.solve(H, g)
        if f(nxt) <= f(theta):
            theta = nxt
        else:
            break
    return theta, approx_hess3(theta, f)


def weighted_t(X, y, w):
    n, k = X.shape
    r = np.sqrt(w)
    wls = np.linalg.lstsq(X * r[:, None], y * r, rcond=None)[0]
    starts = [wls, weighted_lad(X, y, w)[0]]
    rng = np.random.default_rng(22)
    while len(starts) < 32:
        rows = rng.choice(n, k, replace=False)
        try:
            starts.append(np.linalg.solve(X[rows], y[rows]))
        except np.linalg.LinAlgError:
            pass
    bounds = [(None, None)] * (k + 1) + [(np.log(0.05), np.log(1000))]
    best = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for b0 in starts:
            res0 = y - X @ b0
            s0 = np.median(np.abs(res0)) / 0.6745 or np.std(res0)
            res = minimize(t_negll, np.r_[b0, np.log(s0), np.log(4)], args=(X, y, w, k), method="L-BFGS-B", bounds=bounds,
                           options={"maxiter": 20000, "ftol": 1e-15, "gtol": 1e-10})
            if best is None or res.fun < best.fun:
                best = res
        theta = best.x.copy()
        cap = theta[k + 1] > np.log(1000) - 1e-6
        if cap:
            theta[k + 1] = np.log(1000)
            f = lambda t: t_negll(np.r_[t, theta[k + 1]], X, y, w, k)
            t, H = newton_polish(f, minimize(f, theta[:k + 1], method="BFGS", options={"gtol": 1e-9}).x)
            theta[:k + 1] = t
        else:
            f = lambda t: t_negll(t, X, y, w, k)
            pol = minimize(f, theta, method="BFGS", options={"gtol": 1e-9, "maxiter": 20000})
            theta, H = newton_polish(f, pol.x if pol.fun <= best.fun else theta)
    cov = np.linalg.inv(H)
    return theta, cov, cap, -t_negll(theta, X, y, w, k)


def record_robust(name, frame, predictors, response, weights, factors=()):
    kept = frame[frame[weights] > 0]
    X = design(kept, predictors, factors)
    y = kept[response].values.astype(float)
    w = kept[weights].values.astype(float)
    k = X.shape[1]
    b, sad = weighted_lad(X.values, y, w)
    total = float(w.sum())
    s = sad / total
    ref[name + "_laplace"] = {"terms": list(X.columns), "estimates": list(map(float, b)), "sum_absolute_deviations": sad,
                              "scale": s, "log_likelihood": -total * (np.log(2 * s) + 1), "observations": total,
                              "rows": int(len(kept))}
    theta, cov, cap, ll = weighted_t(X.values, y, w)
    ref[name + "_student_t"] = {"terms": list(X.columns), "estimates": list(map(float, theta[:k])),
                                "se": [float(np.sqrt(cov[j, j])) for j in range(k)], "scale": float(np.exp(theta[k])),
                                "nu": float(np.exp(theta[k + 1])), "nu_at_cap": bool(cap), "log_likelihood": float(ll)}


record_robust("galton_counts", counts, ["parent"], "child", "families")
record_robust("macdonell", pd.read_csv("macdonell.csv"), ["finger"], "height", "frequency")
record_robust("pearson_lee", pd.read_csv("pearson-lee.csv"), ["parent", "gp"], "child", "frequency")

print(json.dumps(ref, indent=1))

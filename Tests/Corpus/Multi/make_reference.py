"""Reference values for the several-predictor corpus (issue 19), written to reference.json.

Run by hand in a scratch virtual environment (pip install statsmodels pandas palmerpenguins;
ISLP's CSVs from its wheel, `pip download --no-deps ISLP`): statsmodels' OLS / GLM estimates,
standard errors, log-likelihoods and each term's likelihood-ratio (GLM) or F (OLS) test with the
whole categorical column at once, as R's drop1(..., test = "Chisq") and anova give them. The
project never depends on Python.
"""
import json
import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats

out = {}

def record(name, fit, terms, kind, data, formula, reduced):
    entry = {"data": data, "formula": formula, "family": kind, "n": int(fit.nobs),
             "log_likelihood": float(fit.llf), "coefficients": []}
    # GLM standard errors from the observed information at the final estimates (statsmodels'
    # bse uses the weights of the IRLS step before them, about 1e-7 away on Bikeshare).
    se = fit.bse if kind == "linear" else np.sqrt(np.diag(np.linalg.inv(-fit.model.hessian(fit.params.values))))
    for k, t in enumerate(fit.params.index):
        entry["coefficients"].append({"term": t, "estimate": float(fit.params[t]), "se": float(np.asarray(se)[k]),
                                      "p": float(fit.pvalues[t])})
    tests = []
    for term, rfit, df in reduced:
        if kind == "linear":
            f = ((rfit.ssr - fit.ssr) / df) / (fit.ssr / fit.df_resid)
            tests.append({"term": term, "df": df, "statistic": float(f), "p": float(stats.f.sf(f, df, fit.df_resid))})
        else:
            lr = 2 * (fit.llf - rfit.llf)
            tests.append({"term": term, "df": df, "statistic": float(lr), "p": float(stats.chi2.sf(lr, df))})
    entry["term_tests"] = tests
    if kind == "poisson":
        # Pearson's chi-squared, sum (y - mu)^2 / mu, and the dispersion it gives over n - p.
        entry["pearson_chi2"] = float(fit.pearson_chi2)
        entry["dispersion"] = float(fit.pearson_chi2 / fit.df_resid)
    out[name] = entry

# Penguins: body mass on flipper length and species (rows with a missing value left out).
p = pd.read_csv("penguins.csv").dropna(subset=["body_mass_g", "flipper_length_mm", "species"])
full = smf.ols("body_mass_g ~ flipper_length_mm + C(species)", p).fit()
record("penguins", full, None, "linear", "penguins.csv", "body_mass_g ~ flipper_length_mm + species",
       [("flipper_length_mm", smf.ols("body_mass_g ~ C(species)", p).fit(), 1),
        ("species", smf.ols("body_mass_g ~ flipper_length_mm", p).fit(), 2)])

# ISLP Default: default (Yes/No) on balance, income and student (Yes/No).
d = pd.read_csv("default.csv")
d["y"] = (d["default"] == "Yes").astype(float)
binom = sm.families.Binomial()
full = smf.glm("y ~ balance + income + C(student)", d, family=binom).fit(tol=1e-14)
record("default", full, None, "logistic", "default.csv", "default ~ balance + income + student",
       [("balance", smf.glm("y ~ income + C(student)", d, family=binom).fit(tol=1e-14), 1),
        ("income", smf.glm("y ~ balance + C(student)", d, family=binom).fit(tol=1e-14), 1),
        ("student", smf.glm("y ~ balance + income", d, family=binom).fit(tol=1e-14), 1)])

# ISLP Bikeshare: hourly riders on temperature, humidity, working day and weather.
b = pd.read_csv("bikeshare.csv")
pois = sm.families.Poisson()
full = smf.glm("bikers ~ temp + hum + workingday + C(weathersit)", b, family=pois).fit(tol=1e-14)
record("bikeshare", full, None, "poisson", "bikeshare.csv", "bikers ~ temp + hum + workingday + weathersit",
       [("temp", smf.glm("bikers ~ hum + workingday + C(weathersit)", b, family=pois).fit(tol=1e-14), 1),
        ("hum", smf.glm("bikers ~ temp + workingday + C(weathersit)", b, family=pois).fit(tol=1e-14), 1),
        ("workingday", smf.glm("bikers ~ temp + hum + C(weathersit)", b, family=pois).fit(tol=1e-14), 1),
        ("weathersit", smf.glm("bikers ~ temp + hum + workingday", b, family=pois).fit(tol=1e-14), 3)])

with open("reference.json", "w") as f:
    json.dump(out, f, indent=1, sort_keys=True)

# Profile-likelihood 95 % intervals of every GLM coefficient (as R's confint on a glm): the
# values of one coefficient where twice the drop in the log-likelihood, the others maximised
# out (statsmodels GLM with that column as an offset, IRLS to 1e-14), is chi2_1(0.95), found
# by brentq to 1e-12.
from scipy.optimize import brentq

def profile_intervals(X, y, family, names):
    full = sm.GLM(y, X, family=family).fit(tol=1e-14)
    b = full.params
    se = np.sqrt(np.diag(np.linalg.inv(-full.model.hessian(b))))
    q = stats.chi2.ppf(0.95, 1)
    out = {}
    for j, name in enumerate(names):
        others = [k for k in range(X.shape[1]) if k != j]
        def dev(t):
            r = sm.GLM(y, X[:, others], family=family, offset=X[:, j] * t).fit(tol=1e-14, start_params=b[others])
            return 2 * (full.llf - r.llf) - q
        lo = brentq(dev, b[j] - 8 * se[j], b[j], xtol=1e-12 * se[j])
        hi = brentq(dev, b[j], b[j] + 8 * se[j], xtol=1e-12 * se[j])
        out[name] = [lo, hi]
    return out

Xd = np.column_stack([np.ones(len(d)), d.balance, d.income, (d.student == "Yes").astype(float)])
out["default"]["profile_ci"] = profile_intervals(Xd, d["y"].values, binom, ["(Intercept)", "balance", "income", "student[Yes]"])
levels = ["cloudy/misty", "heavy rain/snow", "light rain/snow"]
Xb = np.column_stack([np.ones(len(b)), b.temp, b.hum, b.workingday] + [(b.weathersit == l).astype(float) for l in levels])
out["bikeshare"]["profile_ci"] = profile_intervals(Xb, b["bikers"].values.astype(float), pois,
                                                  ["(Intercept)", "temp", "hum", "workingday"] + ["weathersit[%s]" % l for l in levels])
with open("reference.json", "w") as f:
    json.dump(out, f, indent=1, sort_keys=True)

# Residual checks of the penguins' least-squares fit: Koenker's studentised Breusch–Pagan test
# on all design columns and the Jarque–Bera test (statsmodels het_breuschpagan, jarque_bera).
from statsmodels.stats.diagnostic import het_breuschpagan
from statsmodels.stats.stattools import jarque_bera
f = smf.ols("body_mass_g ~ flipper_length_mm + C(species)", p).fit()
lm, lmp, _, _ = het_breuschpagan(f.resid, f.model.exog)
jb, jbp, sk, ku = jarque_bera(f.resid)
out["penguins"]["residual_checks"] = {"breusch_pagan": lm, "breusch_pagan_p": lmp, "jarque_bera": jb, "jarque_bera_p": jbp,
                                      "skewness": sk, "kurtosis": ku}
with open("reference.json", "w") as fh:
    json.dump(out, fh, indent=1, sort_keys=True)

# Laplace noise (least absolute deviations): the exact optimum of the linear programme
# min sum(e+ + e-) s.t. X b + e+ - e- = y, by scipy's HiGHS (a vertex solution), and the
# least sum of absolute deviations there; statsmodels' QuantReg(q = 0.5) as a second,
# iterative opinion of the estimates. Longley (six predictors, uncentred, huge magnitudes),
# penguins (a categorical column) and Bikeshare (integer counts: many rows tie on the fit).
from scipy.optimize import linprog

def lad(X, y):
    n, k = X.shape
    c = np.concatenate([np.zeros(2 * k), np.ones(2 * n)])
    A = np.hstack([X, -X, np.eye(n), -np.eye(n)]) if n <= 400 else None
    if A is None:
        import scipy.sparse as sp
        A = sp.hstack([sp.csr_matrix(X), sp.csr_matrix(-X), sp.eye(n), -sp.eye(n)]).tocsr()
    res = linprog(c, A_eq=A, b_eq=y, bounds=(0, None), method="highs", options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10})
    b = res.x[:k] - res.x[k:2 * k]
    sad = float(np.abs(y - X @ b).sum())
    return b, sad

def record_lad(name, X, y, names, data, formula):
    b, sad = lad(X, y)
    qr = sm.QuantReg(y, X).fit(q=0.5, max_iter=5000, p_tol=1e-10)
    n = len(y)
    s = sad / n
    out[name] = {"data": data, "formula": formula, "family": "laplace", "n": n, "sum_absolute_deviations": sad,
                 "log_likelihood": -n * (np.log(2 * s) + 1),
                 "coefficients": [{"term": t, "estimate": float(b[j]), "quantreg": float(qr.params[j])} for j, t in enumerate(names)]}

L = pd.read_csv("longley-full.csv")
Xl = np.column_stack([np.ones(len(L)), L.GNPDEFL, L.GNP, L.UNEMP, L.ARMED, L.POP, L.YEAR])
record_lad("longley-laplace", Xl, L.TOTEMP.values.astype(float), ["(Intercept)", "GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR"],
           "longley-full.csv", "TOTEMP ~ GNPDEFL + GNP + UNEMP + ARMED + POP + YEAR")
sp_levels = ["Chinstrap", "Gentoo"]
Xp = np.column_stack([np.ones(len(p)), p.flipper_length_mm] + [(p.species == l).astype(float) for l in sp_levels])
record_lad("penguins-laplace", Xp, p.body_mass_g.values.astype(float),
           ["(Intercept)", "flipper_length_mm", "species[Chinstrap]", "species[Gentoo]"], "penguins.csv", "body_mass_g ~ flipper_length_mm + species")
record_lad("bikeshare-laplace", Xb, b["bikers"].values.astype(float),
           ["(Intercept)", "temp", "hum", "workingday"] + ["weathersit[%s]" % l for l in levels], "bikeshare.csv",
           "bikers ~ temp + hum + workingday + weathersit")
with open("reference.json", "w") as fh:
    json.dump(out, fh, indent=1, sort_keys=True)

# Stack loss (Brownlee 1965): 21 runs, three predictors, the classic outliers. Its LAD fit is
# published (Barrodale & Roberts 1973; Koenker 2005: -39.69, 0.8319, 0.5739, -0.0609).
S = pd.read_csv("stackloss.csv")
Xs = np.column_stack([np.ones(len(S)), S.AIRFLOW, S.WATERTEMP, S.ACIDCONC])
record_lad("stackloss-laplace", Xs, S.STACKLOSS.values.astype(float), ["(Intercept)", "AIRFLOW", "WATERTEMP", "ACIDCONC"],
           "stackloss.csv", "STACKLOSS ~ AIRFLOW + WATERTEMP + ACIDCONC")

# Student-t noise: the maximum of the log-likelihood over (beta, log s, log nu), nu at most
# 1000, by scipy's L-BFGS-B from the least-squares and LAD fits and 30 seeded starts through
# p rows, polished by BFGS; statsmodels' TLinearModel (Nelder-Mead then BFGS) from the OLS fit
# as a second opinion of log L. Standard errors of beta from the inverse of the numerical
# Hessian (statsmodels' approx_hess) of the negative log-likelihood at the maximum, over every
# free parameter (nu left out when it sits at its bound).
from scipy.optimize import minimize
from scipy.special import gammaln
from statsmodels.tools.numdiff import approx_hess3, approx_fprime
from statsmodels.miscmodels.tmodel import TLinearModel
import warnings

def t_negll(theta, X, y, k, nu=None):
    b = theta[:k]; s = np.exp(theta[k]); v = nu if nu is not None else np.exp(theta[k + 1])
    z = (y - X @ b) / s
    return -np.sum(gammaln((v + 1) / 2) - gammaln(v / 2) - 0.5 * np.log(v * np.pi) - np.log(s) - (v + 1) / 2 * np.log1p(z * z / v))

def record_t(name, X, y, names, data, formula):
    n, k = X.shape
    ols = np.linalg.lstsq(X, y, rcond=None)[0]
    starts = [ols, lad(X, y)[0]]
    rng = np.random.default_rng(11)
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
            r = y - X @ b0
            s0 = np.median(np.abs(r)) / 0.6745 or np.std(r)
            res = minimize(t_negll, np.r_[b0, np.log(s0), np.log(4)], args=(X, y, k), method="L-BFGS-B", bounds=bounds,
                           options={"maxiter": 20000, "ftol": 1e-15, "gtol": 1e-10})
            if best is None or res.fun < best.fun:
                best = res
        theta = best.x
        atCap = theta[k + 1] > np.log(1000) - 1e-6
        if not atCap:
            pol = minimize(t_negll, theta, args=(X, y, k), method="BFGS", options={"gtol": 1e-9, "maxiter": 20000})
            if pol.fun <= best.fun:
                theta = pol.x
            # Newton's polish on numerical derivatives (central gradient, approx_hess3).
            for _ in range(20):
                g = approx_fprime(theta, t_negll, args=(X, y, k), centered=True)
                H = approx_hess3(theta, t_negll, args=(X, y, k))
                step = np.linalg.solve(H, g)
                if t_negll(theta - step, X, y, k) <= t_negll(theta, X, y, k):
                    theta = theta - step
                else:
                    break
            H = approx_hess3(theta, t_negll, args=(X, y, k))
        else:
            theta = theta.copy(); theta[k + 1] = np.log(1000)
            f = lambda t: t_negll(np.r_[t, theta[k + 1]], X, y, k)
            pol = minimize(f, theta[:k + 1], method="BFGS", options={"gtol": 1e-9})
            t = pol.x
            for _ in range(20):
                g = approx_fprime(t, f, centered=True)
                H = approx_hess3(t, f)
                nxt = t - np.linalg.solve(H, g)
                if f(nxt) <= f(t):
                    t = nxt
                else:
                    break
            theta[:k + 1] = t
            H = approx_hess3(t, f)
        cov = np.linalg.inv(H)
        m = TLinearModel(y, X)
        r1 = m.fit(start_params=np.r_[ols, 4, np.sqrt(np.mean((y - X @ ols) ** 2))], method="nm", maxiter=40000, disp=0)
        r2 = m.fit(start_params=r1.params, method="bfgs", maxiter=5000, disp=0)
    ll = -t_negll(theta, X, y, k)
    out[name] = {"data": data, "formula": formula, "family": "student-t", "n": n, "log_likelihood": float(ll),
                 "nu": float(np.exp(theta[k + 1])), "nu_at_cap": bool(atCap), "scale": float(np.exp(theta[k])),
                 "tlinearmodel_log_likelihood": float(r2.llf),
                 "coefficients": [{"term": t, "estimate": float(theta[j]), "se": float(np.sqrt(cov[j, j]))} for j, t in enumerate(names)]}

record_t("stackloss-t", Xs, S.STACKLOSS.values.astype(float), ["(Intercept)", "AIRFLOW", "WATERTEMP", "ACIDCONC"],
         "stackloss.csv", "STACKLOSS ~ AIRFLOW + WATERTEMP + ACIDCONC")
record_t("bikeshare-t", Xb, b["bikers"].values.astype(float),
         ["(Intercept)", "temp", "hum", "workingday"] + ["weathersit[%s]" % l for l in levels], "bikeshare.csv",
         "bikers ~ temp + hum + workingday + weathersit")
record_t("penguins-t", Xp, p.body_mass_g.values.astype(float),
         ["(Intercept)", "flipper_length_mm", "species[Chinstrap]", "species[Gentoo]"], "penguins.csv", "body_mass_g ~ flipper_length_mm + species")
with open("reference.json", "w") as fh:
    json.dump(out, fh, indent=1, sort_keys=True)

# Likelihood-ratio tests of each predictor column under Laplace noise: 2n log(SAD0 / SAD), each
# reduced model's optimum by HiGHS as above.
def lad_tests(name, X, y, groups):
    n = len(y)
    sad = lad(X, y)[1]
    tests = []
    for term, cols in groups:
        keep = [j for j in range(X.shape[1]) if j not in cols]
        sad0 = lad(X[:, keep], y)[1]
        lr = 2 * n * np.log(sad0 / sad)
        tests.append({"term": term, "df": len(cols), "statistic": float(lr), "p": float(stats.chi2.sf(lr, len(cols)))})
    out[name]["term_tests"] = tests

lad_tests("stackloss-laplace", Xs, S.STACKLOSS.values.astype(float), [("AIRFLOW", [1]), ("WATERTEMP", [2]), ("ACIDCONC", [3])])
lad_tests("bikeshare-laplace", Xb, b["bikers"].values.astype(float), [("temp", [1]), ("hum", [2]), ("workingday", [3]), ("weathersit", [4, 5, 6])])
with open("reference.json", "w") as fh:
    json.dump(out, fh, indent=1, sort_keys=True)

# Longley under Student-t noise: 16 rows and 7 coefficients put ν at the bottom of its range,
# (p + 1)/(n - p) = 8/9, where the likelihood has dozens of maxima. Each fit (the full model and
# every model without one column, all searched over the full model's range so that they nest)
# is the best of 900 L-BFGS-B searches in standardised coordinates: 300 starts (least squares
# and exact fits through 7 seeded rows), each from ν = 0.9, 1 and 4.
def t_best(X, y, lower, count=300):
    n, k = X.shape
    mu, sd = X[:, 1:].mean(0), X[:, 1:].std(0)
    Z = np.column_stack([np.ones(n)] + [(X[:, j] - mu[j - 1]) / sd[j - 1] for j in range(1, k)])
    ym, ys = y.mean(), y.std()
    yz = (y - ym) / ys
    rng = np.random.default_rng(5)
    starts = [np.linalg.lstsq(Z, yz, rcond=None)[0]]
    while len(starts) < count:
        rows = rng.choice(n, k, replace=False)
        try:
            starts.append(np.linalg.solve(Z[rows], yz[rows]))
        except np.linalg.LinAlgError:
            pass
    bounds = [(None, None)] * (k + 1) + [(np.log(lower), np.log(1000))]
    best = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for b0 in starts:
            s0 = max(np.median(np.abs(yz - Z @ b0)) / 0.6745, 1e-3)
            for v0 in (lower * 1.01, 1, 4):
                res = minimize(t_negll, np.r_[b0, np.log(s0), np.log(v0)], args=(Z, yz, k), method="L-BFGS-B", bounds=bounds,
                               options={"maxiter": 20000, "ftol": 1e-15, "gtol": 1e-11})
                if best is None or res.fun < best.fun:
                    best = res
    return float(-best.fun - n * np.log(ys)), float(np.exp(best.x[k + 1]))

longley_columns = ["GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR"]
yl = L.TOTEMP.values.astype(float)
def longley_design(columns):
    return np.column_stack([np.ones(len(yl))] + [L[c].values.astype(float) for c in columns])
floor = 8 / 9
ll_full, nu_full = t_best(longley_design(longley_columns), yl, floor)
tests = []
for c in longley_columns:
    ll0, _ = t_best(longley_design([d for d in longley_columns if d != c]), yl, floor)
    lr = 2 * (ll_full - ll0)
    tests.append({"term": c, "df": 1, "statistic": lr, "p": float(stats.chi2.sf(lr, 1))})
out["longley-t"] = {"data": "longley-full.csv", "formula": "TOTEMP ~ GNPDEFL + GNP + UNEMP + ARMED + POP + YEAR", "family": "student-t",
                    "n": len(yl), "log_likelihood": ll_full, "nu": nu_full, "nu_floor": floor, "term_tests": tests}
with open("reference.json", "w") as fh:
    json.dump(out, fh, indent=1, sort_keys=True)

# Sorted internally studentised residuals r_i / (s sqrt(1 - h_ii)) of least-squares fits (the
# several-predictor Q-Q plot's points): statsmodels OLSInfluence.resid_studentized_internal.
import statsmodels.formula.api as smf
with open("reference.json") as fh:
    out = json.load(fh)
for name, data, formula, drop in [("longley", "longley-full.csv", "TOTEMP ~ GNPDEFL + GNP + UNEMP + ARMED + POP + YEAR", False),
                                  ("penguins", "penguins.csv", "body_mass_g ~ flipper_length_mm + C(species)", True)]:
    frame = pd.read_csv(data)
    if drop:
        frame = frame.dropna(subset=["body_mass_g", "flipper_length_mm", "species"])
    influence = smf.ols(formula, frame).fit().get_influence()
    out.setdefault(name, {})["studentised_residuals_sorted"] = sorted(float(v) for v in influence.resid_studentized_internal)
    out[name]["leverage_max"] = float(influence.hat_matrix_diag.max())
with open("reference.json", "w") as fh:
    json.dump(out, fh, indent=1, sort_keys=True)

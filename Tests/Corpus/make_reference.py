"""Exports the real-data corpus and its reference values.

Run once, by hand, in a scratch virtual environment (pip install statsmodels scipy); the
project never depends on Python. It writes one CSV per data set (only the columns used,
plus derived 0/1 labels where noted in README.md) and reference.json with statsmodels'
estimates and scipy's profile-likelihood intervals.
"""
import importlib, json, math
import numpy as np
import statsmodels.api as sm
from scipy import optimize, stats

def load(name):
    return importlib.import_module("statsmodels.datasets." + name).load_pandas().data

# name: (statsmodels data set, columns kept, derived columns, models as (family, x, y))
SETS = {
    "nile": ("nile", ["year", "volume"], {}, [("linear", "year", "volume")]),
    "cpunish": ("cpunish", ["EXECUTIONS", "INCOME", "SOUTH"], {},
                [("linear", "INCOME", "EXECUTIONS"), ("logistic", "INCOME", "SOUTH"),
                 ("logistic", "EXECUTIONS", "SOUTH")]),
    "statecrime": ("statecrime", ["poverty", "murder"], {}, [("linear", "poverty", "murder")]),
    "grunfeld": ("grunfeld", ["value", "invest"], {}, [("linear", "value", "invest")]),
    "macrodata": ("macrodata", ["realgdp", "realcons"], {}, [("linear", "realgdp", "realcons")]),
    "anes96": ("anes96", ["PID", "vote"], {}, [("logistic", "PID", "vote")]),
    "spector": ("spector", ["GPA", "GRADE"], {}, [("logistic", "GPA", "GRADE")]),
    "longley": ("longley", ["YEAR", "TOTEMP"], {}, [("linear", "YEAR", "TOTEMP")]),
    "randhie": ("randhie", ["lncoins", "mdvis"], {"anyvisit": lambda d: (d["mdvis"] > 0).astype(int)},
                [("linear", "lncoins", "mdvis"), ("logistic", "lncoins", "anyvisit")]),
    "fair": ("fair", ["rate_marriage", "yrs_married"], {"affair": lambda d: (d["affairs"] > 0).astype(int)},
             [("logistic", "rate_marriage", "affair"), ("linear", "yrs_married", "affair")]),
    "sunspots": ("sunspots", ["YEAR", "SUNACTIVITY"], {}, [("linear", "YEAR", "SUNACTIVITY")]),
    "engel": ("engel", ["income", "foodexp"], {}, [("linear", "income", "foodexp")]),
    "stackloss": ("stackloss", ["AIRFLOW", "STACKLOSS"], {}, [("linear", "AIRFLOW", "STACKLOSS")]),
    "heart": ("heart", ["age", "censors"], {}, [("logistic", "age", "censors")]),
}

def fmt(v):
    v = float(v)
    return str(int(v)) if v == int(v) and abs(v) < 1e15 else repr(v)

def profile_interval(x, y, name, level=0.95):
    """Profile-likelihood interval for one coefficient, by brute root finding with scipy."""
    X = np.column_stack([x, np.ones_like(x)])
    def nll(w, b):
        eta = w * x + b
        return float(np.sum(np.logaddexp(0, eta) - y * eta))
    fit = sm.Logit(y, X).fit(disp=0, tol=1e-12, maxiter=200)
    w_hat, b_hat = fit.params
    top = -nll(w_hat, b_hat)
    cut = stats.chi2.ppf(level, 1) / 2
    def prof(v, which):
        if which == 0:
            r = optimize.minimize_scalar(lambda b: nll(v, b), bracket=(b_hat - 1, b_hat + 1), tol=1e-12)
        else:
            r = optimize.minimize_scalar(lambda w: nll(w, v), bracket=(w_hat - 1e-3, w_hat + 1e-3), tol=1e-12)
        return -r.fun
    out = []
    for which, (est, se) in enumerate([(w_hat, fit.bse[0]), (b_hat, fit.bse[1])]):
        g = lambda v: prof(v, which) - (top - cut)
        ends = []
        for sign in (-1, 1):
            step = se
            while g(est + sign * step) > 0:
                step *= 2
            a, b = sorted([est + sign * step / 2 if step > se else est, est + sign * step])
            ends.append(optimize.brentq(g, a, b, xtol=1e-13 * max(1, abs(est)), rtol=1e-14))
        out.append(sorted(ends))
    return out

reference = {"generator": "statsmodels %s, scipy %s" % (sm.__version__ if hasattr(sm, "__version__") else importlib.import_module("statsmodels").__version__,
                                                         importlib.import_module("scipy").__version__),
             "models": []}
for name, (source, keep, derived, models) in SETS.items():
    d = load(source)
    for col, f in derived.items():
        d[col] = f(d)
    cols = keep + list(derived)
    d = d[cols].dropna()
    with open(name + ".csv", "w") as out:
        out.write(",".join(cols) + "\n")
        for row in d.itertuples(index=False):
            out.write(",".join(fmt(v) for v in row) + "\n")
    for family, xc, yc in models:
        x = d[xc].to_numpy(float); y = d[yc].to_numpy(float)
        X = np.column_stack([x, np.ones_like(x)])
        entry = {"data": name + ".csv", "x": xc, "y": yc, "model": family, "n": len(x)}
        if family == "linear":
            r = sm.OLS(y, X).fit()
            entry.update(w=r.params[0], b=r.params[1], w_se=r.bse[0], b_se=r.bse[1], log_likelihood=r.llf,
                         aic=r.aic + 2, bic=r.bic + math.log(len(x)), r_squared=r.rsquared)
        else:
            r = sm.Logit(y, X).fit(disp=0, tol=1e-12, maxiter=200)
            (wl, wh), (bl, bh) = profile_interval(x, y, name)
            entry.update(w=r.params[0], b=r.params[1], w_se=r.bse[0], b_se=r.bse[1], log_likelihood=r.llf,
                         null_log_likelihood=r.llnull, aic=r.aic, bic=r.bic, lr_p=r.llr_pvalue,
                         w_profile=[wl, wh], b_profile=[bl, bh])
        entry = {k: (float(v) if isinstance(v, (np.floating, float)) else v) for k, v in entry.items()}
        reference["models"].append(entry)
with open("reference.json", "w") as out:
    json.dump(reference, out, indent=1, sort_keys=True)
    out.write("\n")

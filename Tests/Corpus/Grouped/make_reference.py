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
ref["galton_counts"] = {"terms": ["(Intercept)", "parent"], "estimates": list(map(float, fit.params)), "se": list(map(float, fit.bse)),
                        "log_likelihood": float(fit.llf), "r_squared": float(fit.rsquared), "rows_raw": int(len(g)),
                        "rows_grouped": int(len(counts))}

print(json.dumps(ref, indent=1))

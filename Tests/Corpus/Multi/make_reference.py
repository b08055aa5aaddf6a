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

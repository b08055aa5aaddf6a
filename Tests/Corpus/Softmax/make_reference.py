# Reference values for the softmax (multinomial logit) family, issue 21: statsmodels MNLogit
# (Newton, to convergence), the first class in sorted order as the reference, as R's
# nnet::multinom. Writes anes96.csv (statsmodels' copy of the 1996 American National Election
# Study extract: party identification PID, 0 = strong Democrat ... 6 = strong Republican, with
# the predictors of statsmodels' MNLogit example) and reference.json. The penguins are
# ../Multi/penguins.csv (palmerpenguins), rows with a missing measurement left out.
import json
import numpy as np, pandas as pd
import statsmodels.api as sm

out = {}

d = sm.datasets.anes96.load_pandas().data
cols = ["logpopul", "selfLR", "age", "educ", "income"]
d[["PID"] + cols].assign(PID=d.PID.astype(int)).to_csv("anes96.csv", index=False, float_format="%.17g")

def fit(name, y, X, data, note):
    classes = sorted(pd.unique(y))
    codes = np.array([classes.index(v) for v in y])
    model = sm.MNLogit(codes, sm.add_constant(X, prepend=True))
    r = model.fit(method="newton", maxiter=500, tol=1e-12, disp=0)
    # Polished: Newton steps from statsmodels' end with its own score and Hessian, until the
    # step stops shrinking (statsmodels' stopping rule is on the step, relative).
    params = r.params.values.ravel(order="F")
    for _ in range(20):
        step = np.linalg.solve(model.hessian(params), model.score(params))
        params = params - step
    r = model.fit(start_params=params, method="newton", maxiter=0, disp=0, warn_convergence=False)
    terms = ["(Intercept)"] + list(X.columns)
    coefficients = []
    for k in range(1, len(classes)):
        for j, t in enumerate(terms):
            coefficients.append({"class": str(classes[k]), "term": t, "estimate": float(r.params.iloc[j, k - 1]),
                                 "se": float(r.bse.iloc[j, k - 1])})
    out[name] = {"data": data, "classes": [str(c) for c in classes], "reference": str(classes[0]), "x": list(X.columns),
                 "n": int(len(codes)), "log_likelihood": float(r.llf), "null_log_likelihood": float(r.llnull),
                 "aic": float(r.aic), "bic": float(r.bic), "max_abs_score": float(np.abs(model.score(r.params.values.ravel(order="F"))).max()),
                 "coefficients": coefficients, "note": note}

a = pd.read_csv("anes96.csv")
fit("anes96", a.PID.values, a[cols], "anes96.csv", "K = 7: party identification")
# Each predictor's likelihood-ratio test: the model refitted without it.
tests = []
for c in cols:
    rest = [v for v in cols if v != c]
    codes = a.PID.values
    reduced = sm.MNLogit(codes, sm.add_constant(a[rest], prepend=True)).fit(method="newton", maxiter=500, tol=1e-12, disp=0)
    tests.append({"term": c, "df": 6, "statistic": float(2 * (out["anes96"]["log_likelihood"] - reduced.llf))})
out["anes96"]["term_tests"] = tests
p = pd.read_csv("../Multi/penguins.csv").dropna(subset=["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"])
fit("penguins", p.species.values, p[["flipper_length_mm", "body_mass_g"]], "../Multi/penguins.csv", "K = 3")
fit("penguins-bills", p.species.values, p[["bill_length_mm", "bill_depth_mm"]], "../Multi/penguins.csv",
    "K = 3, near separation: the bills nearly separate the species (log L = -23.9 of n = 342)")

with open("reference.json", "w") as fh:
    json.dump(out, fh, indent=1, sort_keys=True)

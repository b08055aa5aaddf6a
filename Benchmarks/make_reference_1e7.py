"""Independent reference for the 10^7-row benchmark CSV (Benchmarks/tmp/rows-10000000.csv,
written by `make bench` with its seeded generator): statsmodels' OLS of y on x and Logit of
label on x, both on every row. Run once, by hand, in a scratch virtual environment
(pip install statsmodels pandas); writes reference-1e7.json, which `make bench` compares
with mle-report's report.json (1e-9 relative for the linear estimates, 1e-7 for the
logistic ones). The project never depends on Python."""
import json, sys
import numpy as np, pandas as pd, statsmodels.api as sm

d = pd.read_csv("tmp/rows-10000000.csv", usecols=["x", "y", "label"], float_precision="round_trip")
X = np.column_stack([d["x"].to_numpy(), np.ones(len(d))])
ols = sm.OLS(d["y"].to_numpy(), X).fit()
logit = sm.Logit(d["label"].to_numpy(), X).fit(disp=0, tol=1e-12, maxiter=100)
out = {"generator": "statsmodels %s, pandas %s" % (sm.__version__ if hasattr(sm, "__version__") else __import__("statsmodels").__version__, pd.__version__),
       "rows": int(len(d)),
       "linear": {"w": float(ols.params[0]), "b": float(ols.params[1]), "log_likelihood": float(ols.llf)},
       "logistic": {"w": float(logit.params[0]), "b": float(logit.params[1]), "log_likelihood": float(logit.llf)}}
json.dump(out, open("reference-1e7.json", "w"), indent=1, sort_keys=True)
print(out)

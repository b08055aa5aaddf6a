"""The pipeline a user would write instead of mle-report for its default report, to time the
speed target of issue 9 against the same output: the same fits on data of the same sizes
(linear n = 50, logistic n = 200, the noise-model comparison n = 60), the same 11 figures in a
light and a dark style, each as PNG (1280 x 960 pixels) and SVG, and an HTML page from a
jinja2 template. numpy + statsmodels + scipy + matplotlib + jinja2, written plainly.

Run by hand in a scratch virtual environment (pip install numpy scipy statsmodels matplotlib
jinja2); `time python python_pipeline.py OUTDIR`. The project never depends on Python.

Measured on the 2-core CI machine, 2026-11-25 (Python 3.11.7, numpy 2.4.6, scipy 1.17.1,
statsmodels 0.15.0, matplotlib 3.11.2, jinja2 3.1.6), alternating with `mle-report`'s default
run: 5.95, 6.33 and 6.50 s, against 0.37, 0.39 and 0.54 s. Again on 2026-12-02 (same versions,
a faster machine), 7 runs alternating with 21 of ours: 4.24, 4.37, 4.41, 4.61, 4.74, 4.91 and
5.71 s (median 4.61 s), against 0.21-0.30 s (median 0.23 s)."""
import os, sys, time

start = time.perf_counter()
import numpy as np
import scipy.optimize as so
import scipy.stats as st
import statsmodels.api as sm
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import jinja2

out = sys.argv[1] if len(sys.argv) > 1 else "py-report"
os.makedirs(os.path.join(out, "figures"), exist_ok=True)
rng = np.random.default_rng(20261124)

# Data of the default report's sizes.
xl = rng.uniform(0, 10, 50); yl = 2 * xl + 1.5 + rng.normal(0, 1.8, 50)
xg = rng.normal(0, 1, 200); yg = (rng.uniform(size=200) < 1 / (1 + np.exp(-(1.6 * xg - 0.2)))).astype(float)
xo = rng.uniform(0, 10, 60); yo = 1.5 * xo + 2 + rng.normal(0, 1, 60); yo[:5] += rng.uniform(8, 15, 5)

# Fits.
X = sm.add_constant(xl); ols = sm.OLS(yl, X).fit()
G = sm.add_constant(xg); logit = sm.Logit(yg, G).fit(disp=0)
O = sm.add_constant(xo); ols_o = sm.OLS(yo, O).fit(); lad = sm.QuantReg(yo, O).fit(q=0.5)
def t_nll(p):
    b, w, ls, lnu = p; s, nu = np.exp(ls), np.exp(lnu)
    return -np.sum(st.t.logpdf((yo - w * xo - b) / s, nu) - ls)
tfit = so.minimize(t_nll, [ols_o.params[0], ols_o.params[1], np.log(np.std(ols_o.resid)), np.log(5)], method="BFGS")

def descent(grad, start, lr, steps=10_000, tol=1e-10):
    p = np.array(start, float); path = [p.copy()]
    for _ in range(steps):
        q = p - lr * grad(p); path.append(q.copy())
        if np.all(np.abs(q - p) <= tol * (1 + np.abs(q))): break
        p = q
    return np.array(path)

def lin_grad(p): r = yl - p[0] * xl - p[1]; return np.array([-2 * np.mean(r * xl), -2 * np.mean(r)])
L = 2 * np.linalg.eigvalsh(np.array([[np.mean(xl * xl), np.mean(xl)], [np.mean(xl), 1]]))[-1]
lin_raw = descent(lin_grad, [0, 0], 1 / L)
zl = (xl - xl.mean()) / xl.std()
lin_std = descent(lambda p: np.array([-2 * np.mean((yl - p[0] * zl - p[1]) * zl), -2 * np.mean(yl - p[0] * zl - p[1])]), [0, 0], 0.5)
def log_grad(p): e = 1 / (1 + np.exp(-(p[0] * xg + p[1]))) - yg; return np.array([np.mean(e * xg), np.mean(e)])
Lg = 0.25 * np.linalg.eigvalsh(np.array([[np.mean(xg * xg), np.mean(xg)], [np.mean(xg), 1]]))[-1]
log_raw = descent(log_grad, [0, 0], 1 / Lg)
zg = (xg - xg.mean()) / xg.std()
log_std = descent(lambda p: np.array([np.mean((1 / (1 + np.exp(-(p[0] * zg + p[1]))) - yg) * zg),
                                      np.mean(1 / (1 + np.exp(-(p[0] * zg + p[1]))) - yg)]), [0, 0], 4)
newton = [np.zeros(2)]
for _ in range(25):
    p = newton[-1]; pr = 1 / (1 + np.exp(-(p[0] * xg + p[1])))
    H = np.array([[np.sum(pr * (1 - pr) * xg * xg), np.sum(pr * (1 - pr) * xg)], [np.sum(pr * (1 - pr) * xg), np.sum(pr * (1 - pr))]])
    g = np.array([np.sum((pr - yg) * xg), np.sum(pr - yg)])
    newton.append(p - np.linalg.solve(H, g))
    if np.max(np.abs(newton[-1] - p)) < 1e-10: break
newton = np.array(newton)

# Surfaces.
w1, b1 = ols.params[1], ols.params[0]
W, B = np.meshgrid(np.linspace(w1 - 1, w1 + 1, 320), np.linspace(b1 - 4, b1 + 4, 320))
rss = ((yl[None, None, :] - W[..., None] * xl - B[..., None]) ** 2).sum(-1)
prof = -len(xl) / 2 * np.log(rss / len(xl)); prof -= prof.max()
mse_raw = rss / len(xl)
Wg, Bg = np.meshgrid(np.linspace(logit.params[1] - 1, logit.params[1] + 1, 160), np.linspace(logit.params[0] - 1, logit.params[0] + 1, 160))
eta = Wg[..., None] * xg + Bg[..., None]
nll = (np.logaddexp(0, eta) - yg * eta).sum(-1)
loglik = -nll; loglik -= loglik.max()

themes = {"light": "default", "dark": "dark_background"}
figures = []
def save(name, draw):
    for theme, style in themes.items():
        with plt.style.context(style):
            fig, ax = plt.subplots(figsize=(6.4, 4.8))
            draw(fig, ax)
            suffix = "" if theme == "light" else ".dark"
            for fmt in ("png", "svg"):
                fig.savefig(os.path.join(out, "figures", f"{name}{suffix}.{fmt}"), dpi=200, format=fmt)
            plt.close(fig)
    figures.append(name)

def fit_fig(fig, ax):
    xs = np.linspace(0, 10, 100); pred = ols.get_prediction(sm.add_constant(xs)).summary_frame(alpha=0.05)
    ax.fill_between(xs, pred["mean_ci_lower"], pred["mean_ci_upper"], alpha=0.2)
    ax.vlines(xl, yl, ols.fittedvalues, lw=0.6, alpha=0.6); ax.scatter(xl, yl, s=12); ax.plot(xs, pred["mean"])
    ax.set_title("Least-squares fit"); ax.set_xlabel("x"); ax.set_ylabel("y")
save("linear-fit", fit_fig)
def lik_fig(fig, ax):
    im = ax.imshow(np.maximum(prof, -12), origin="lower", extent=[W.min(), W.max(), B.min(), B.max()], aspect="auto")
    ax.contour(W, B, prof, levels=[-3.0], colors="white"); ax.plot(w1, b1, "*", ms=12); fig.colorbar(im)
    ax.set_title("Gaussian profile log-likelihood")
save("linear-likelihood", lik_fig)
def con_fig(fig, ax):
    cs = ax.contour(W, B, mse_raw, levels=np.quantile(mse_raw, np.linspace(0.01, 0.9, 12))); ax.clabel(cs, fontsize=7)
    ax.plot(lin_raw[:, 0], lin_raw[:, 1], ".-", ms=2); ax.plot(lin_std[:, 0] / xl.std(), lin_std[:, 1] - lin_std[:, 0] * xl.mean() / xl.std(), ".-", ms=2)
    ax.set_title("MSE contours")
save("linear-contours", con_fig)
def std_fig(fig, ax):
    V, C = np.meshgrid(np.linspace(-1, 8, 200), np.linspace(0, 20, 200))
    m = ((yl[None, None, :] - V[..., None] * zl - C[..., None]) ** 2).mean(-1)
    cs = ax.contour(V, C, m, levels=12); ax.clabel(cs, fontsize=7); ax.plot(lin_std[:, 0], lin_std[:, 1], ".-")
    ax.set_title("MSE after standardising x")
save("linear-standardised", std_fig)
def qq_fig(fig, ax):
    r = np.sort(ols.get_influence().resid_studentized_internal); q = st.norm.ppf((np.arange(1, 51) - 0.5) / 50)
    sims = np.sort([sm.OLS(X @ ols.params + rng.normal(0, 1, 50), X).fit().get_influence().resid_studentized_internal for _ in range(199)], axis=1)
    ax.fill_between(q, np.quantile(sims, 0.025, axis=0), np.quantile(sims, 0.975, axis=0), alpha=0.3)
    ax.plot(q, r, "o", ms=3); ax.plot(q, q, "--"); ax.set_title("Normal Q-Q of studentised residuals")
save("linear-qq", qq_fig)
def res_fig(fig, ax):
    ax.axhspan(-2 * np.sqrt(ols.scale), 2 * np.sqrt(ols.scale), alpha=0.1); ax.scatter(ols.fittedvalues, ols.resid, s=10)
    ax.axhline(0, ls="--"); ax.set_title("Residuals against fitted values")
save("linear-residuals", res_fig)
def logfit_fig(fig, ax):
    xs = np.linspace(xg.min(), xg.max(), 200); ax.scatter(xg, yg + rng.uniform(-0.03, 0.03, 200), s=8, alpha=0.6)
    ax.plot(xs, logit.predict(sm.add_constant(xs)))
    edges = np.linspace(xg.min(), xg.max(), 9); idx = np.clip(np.digitize(xg, edges) - 1, 0, 7)
    for k in range(8):
        sel = idx == k
        if sel.sum():
            lo, hi = sm.stats.proportion_confint(yg[sel].sum(), sel.sum(), method="wilson")
            p = yg[sel].mean(); ax.errorbar((edges[k] + edges[k + 1]) / 2, p, yerr=[[p - lo], [hi - p]], fmt="D")
    ax.set_title("Logistic fit")
save("logistic-fit", logfit_fig)
def loglik_fig(fig, ax):
    im = ax.imshow(np.maximum(loglik, -12), origin="lower", extent=[Wg.min(), Wg.max(), Bg.min(), Bg.max()], aspect="auto")
    ax.contour(Wg, Bg, loglik, levels=[-3.0], colors="white"); fig.colorbar(im); ax.set_title("Bernoulli log-likelihood")
save("logistic-likelihood", loglik_fig)
def logcon_fig(fig, ax):
    cs = ax.contour(Wg, Bg, nll / len(xg), levels=12); ax.clabel(cs, fontsize=7)
    for path in (log_raw, newton): ax.plot(path[:, 0], path[:, 1], ".-", ms=3)
    ax.set_title("Cross-entropy contours")
save("logistic-contours", logcon_fig)
def logstd_fig(fig, ax):
    V, C = np.meshgrid(np.linspace(-0.5, 2.5, 160), np.linspace(-1.5, 1, 160))
    e = V[..., None] * zg + C[..., None]; m = (np.logaddexp(0, e) - yg * e).mean(-1)
    cs = ax.contour(V, C, m, levels=12); ax.clabel(cs, fontsize=7); ax.plot(log_std[:, 0], log_std[:, 1], ".-")
    ax.set_title("Cross-entropy after standardising x")
save("logistic-standardised", logstd_fig)
def cmp_fig(fig, ax):
    xs = np.array([0, 10]); ax.scatter(xo, yo, s=10)
    ax.plot(xs, ols_o.params[0] + ols_o.params[1] * xs, "--", label="Gaussian")
    ax.plot(xs, lad.params[0] + lad.params[1] * xs, label="Laplace")
    ax.plot(xs, tfit.x[0] + tfit.x[1] * xs, ":", label="Student-t"); ax.legend(); ax.set_title("Three noise models")
save("comparison-fits", cmp_fig)

page = jinja2.Template("""<!doctype html><html><head><meta charset="utf-8"><title>MLE report</title></head><body>
<h1>Maximum likelihood</h1>
<table>{% for k, v in numbers %}<tr><td>{{ k }}</td><td>{{ '%.6g' % v }}</td></tr>{% endfor %}</table>
{% for f in figures %}<figure><picture><source srcset="figures/{{ f }}.dark.svg" media="(prefers-color-scheme: dark)">
<img src="figures/{{ f }}.svg" alt="{{ f }}"></picture></figure>{% endfor %}
</body></html>""")
numbers = [("linear w", ols.params[1]), ("linear b", ols.params[0]), ("linear log L", ols.llf), ("logistic w", logit.params[1]),
           ("logistic b", logit.params[0]), ("logistic log L", logit.llf), ("LAD w", lad.params[1]), ("t w", tfit.x[1])]
with open(os.path.join(out, "index.html"), "w") as f:
    f.write(page.render(numbers=numbers, figures=figures))
print(f"{len(figures)} figures, {len(os.listdir(os.path.join(out, 'figures')))} files, {time.perf_counter() - start:.2f} s")

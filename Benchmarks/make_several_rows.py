# Writes N rows for the several-predictor benchmark: python3 make_several_rows.py N out.csv
# (x1..x5 standard normal, region in four levels, y linear in them plus N(0, 1) noise, and a
# logistic label; seeded, so the same N gives the same file).
import numpy as np, sys
n=int(sys.argv[1]); out=sys.argv[2]
rng=np.random.default_rng(20261206)
with open(out,'w') as f:
    f.write("x1,x2,x3,x4,x5,region,y,label\n")
    regions=np.array(["north","east","south","west"])
    beta=np.array([0.8,-0.5,0.3,0.0,1.2]); reff=np.array([0,0.4,-0.3,0.9])
    for start in range(0,n,1_000_000):
        m=min(1_000_000,n-start)
        X=rng.standard_normal((m,5)); r=rng.integers(0,4,m)
        eta=1.5+X@beta+reff[r]
        y=eta+rng.standard_normal(m)
        lab=(rng.random(m)<1/(1+np.exp(-(eta-1.5)))).astype(int)
        cols=[np.char.mod('%.6f',X[:,j]) for j in range(5)]+[regions[r],np.char.mod('%.6f',y),lab.astype(str)]
        lines=cols[0]
        for c in cols[1:]:
            lines=np.char.add(np.char.add(lines,','),c)
        f.write('\n'.join(lines.tolist())); f.write('\n')

"""What a user would run instead for the regression at 10^7 rows: DuckDB reading the same CSV
(Benchmarks/tmp/rows-10000000.csv, written by `mle-bench --whole-jobs`) and fitting the
least-squares line in one query, process start to answer, for the speed target of issue 17
(the whole report with the comparison of noise models within 4x of it).

Run by hand in a scratch virtual environment (pip install duckdb), from Benchmarks/tmp:
    python ../duckdb_1e7.py
The project never depends on Python or DuckDB.
"""
import time
start = time.perf_counter()
import duckdb
con = duckdb.connect()
row = con.execute("SELECT regr_slope(y, x), regr_intercept(y, x), regr_r2(y, x), count(*) "
                  "FROM read_csv('rows-10000000.csv')").fetchone()
print(row, f"{time.perf_counter() - start:.3f} s")

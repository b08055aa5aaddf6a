"""The README's warehouse recipe, measured (issue 22): 10^7 raw rows in DuckDB, grouped there,
piped into mle-report through standard input. Not part of the build: run by hand with the
duckdb Python package (pip install duckdb) and a release build of mle-report.

    python Benchmarks/grouped_recipe.py make DB           # 10^7 Bernoulli rows, counts and heights
    python Benchmarks/grouped_recipe.py query DB SQL      # the query's result as CSV on stdout
    python Benchmarks/grouped_recipe.py raw DB TABLE FILE # the raw table as a CSV file
"""
import sys
import duckdb


def main():
    command, db = sys.argv[1], sys.argv[2]
    con = duckdb.connect(db)
    if command == "make":
        con.execute("SELECT setseed(0.22)")
        # Trials: dose in 20 levels, sex, and a Bernoulli outcome with P = sigmoid(-3 + 0.5 dose + 1.0 male).
        con.execute("""CREATE OR REPLACE TABLE trials AS
            SELECT dose, male, CASE WHEN random() < 1 / (1 + exp(-(-3 + 0.5 * dose + 1.0 * male))) THEN 1 ELSE 0 END AS died
            FROM (SELECT (i % 20) * 0.25 AS dose, (i // 20) % 2 AS male FROM range(10000000) t(i))""")
        # Counts over exposures: region (8), age band (5), 0.5 to 2 years at risk, and a claim
        # count (0 or 1 here; the Poisson likelihood of the raw rows depends on them only through
        # each group's summed claims and summed years, so any counts would do).
        con.execute("""CREATE OR REPLACE TABLE policies AS
            SELECT region, age, years,
                   CASE WHEN random() < years * exp(-3 + 0.2 * region - 0.1 * age) THEN 1 ELSE 0 END AS claims
            FROM (SELECT i % 8 AS region, (i // 8) % 5 AS age, 0.5 + 1.5 * random() AS years FROM range(10000000) t(i))""")
        # A continuous response with heavy tails, rounded as measurements are: x in 41 whole
        # values, y to one decimal, noise Gaussian with 10 % of rows at three times the spread
        # (a contaminated normal). Grouped by (x, y) with counts it is exact for least squares,
        # Laplace and Student-t noise alike (rows of identical (x, y) are identical observations).
        con.execute("""CREATE OR REPLACE TABLE heights AS
            SELECT x, round(60 + 0.25 * x + (CASE WHEN random() < 0.1 THEN 3 ELSE 1 END) * 2
                              * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()), 1) AS y
            FROM (SELECT i % 41 AS x FROM range(10000000) t(i))""")
    elif command == "query":
        con.sql(sys.argv[3]).write_csv("/dev/stdout")
    elif command == "raw":
        con.execute(f"COPY {sys.argv[3]} TO '{sys.argv[4]}' (HEADER, DELIMITER ',')")


if __name__ == "__main__":
    main()

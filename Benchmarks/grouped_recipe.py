"""The README's warehouse recipe, measured (issue 22): 10^7 raw rows in DuckDB, grouped there,
piped into mle-report through standard input. Not part of the build: run by hand with the
duckdb Python package (pip install duckdb) and a release build of mle-report.

    python Benchmarks/grouped_recipe.py make DB           # 10^7 Bernoulli rows and 10^7 counts
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
    elif command == "query":
        con.sql(sys.argv[3]).write_csv("/dev/stdout")
    elif command == "raw":
        con.execute(f"COPY {sys.argv[3]} TO '{sys.argv[4]}' (HEADER, DELIMITER ',')")


if __name__ == "__main__":
    main()

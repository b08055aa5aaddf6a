import Dispatch
import Foundation
import Likelihood
import Report

// `make bench`: times the fits at n = 10³ … 10⁷ on the built-in generators, the figure stage,
// and the whole default run (the release binary as a subprocess). Prints a Markdown table.

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Best of `repeats` runs: the least disturbed by the rest of the machine.
func best(_ repeats: Int, _ body: () throws -> Void) rethrows -> Double {
    var times: [Double] = []
    for _ in 0..<repeats { times.append(try seconds(body)) }
    return times.min()!
}

func format(_ s: Double) -> String {
    if s < 1e-3 { return String(format: "%.1f µs", s * 1e6) }
    if s < 1 { return String(format: "%.2f ms", s * 1e3) }
    return String(format: "%.3f s", s)
}

var reportBinary: String? = nil
var largest = 10_000_000
var wholeJobsOnly = false
var args = CommandLine.arguments.dropFirst()
while let a = args.popFirst() {
    if a == "--report-binary" { reportBinary = args.popFirst() }
    if a == "--max-rows", let v = args.popFirst().flatMap({ Int($0) }) { largest = v }
    if a == "--whole-jobs" { wholeJobsOnly = true }
    if a == "--softmax-only" { try softmaxJobs(); exit(0) }
    if a == "--write-rows", let v = args.popFirst().flatMap({ Int($0) }), let path = args.popFirst() {
        try generateCSV(rows: v, path: path)
        exit(0)
    }
    if a == "--write-several", let v = args.popFirst().flatMap({ Int($0) }), let path = args.popFirst() {
        try generateSeveralCSV(rows: v, path: path)
        exit(0)
    }
    if a == "--read-only" {
        try readRates(rows: largest, dir: FileManager.default.currentDirectoryPath + "/Benchmarks/tmp")
        exit(0)
    }
}
// The whole-job runs measure each report process's peak memory, and Linux starts a child's
// peak at its parent's size: they run from a fresh, small copy of this program.
if wholeJobsOnly, let binary = reportBinary {
    try wholeJobs(binary: binary)
    exit(0)
}

print("# mle-report benchmarks\n")
print("Release build, \(ProcessInfo.processInfo.activeProcessorCount) cores. Best of several runs each.\n")

// Reference: streaming read bandwidth of this machine over two 10⁷-element arrays.
let big = 10_000_000
var random = RandomGenerator(seed: 1)
let xs = (0..<big).map { _ in random.nextUniform() }
let ys = (0..<big).map { _ in random.nextUniform() }
var sink = 0.0
let streamTime = best(5) {
    var total = 0.0
    xs.withUnsafeBufferPointer { a in ys.withUnsafeBufferPointer { b in
        for i in 0..<big { total += a[i] + b[i] }
    } }
    sink += total
}
let bandwidth = Double(2 * big * 8) / streamTime / 1e9
print(String(format: "Single-thread streaming read of 2 × 10⁷ doubles: %@ (%.1f GB/s).\n", format(streamTime), bandwidth))

print("| n | linear fit | ns/point | GB/s | logistic fit (Newton from 0) | ns/point | iterations | as the report fits it (binned start) | steps on bins + on every row |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for n in [1_000, 100_000, 1_000_000, 10_000_000] {
    let linear = BuiltinData.linear(n: n, seed: 5), logistic = BuiltinData.logistic(n: n, seed: 6)
    let lx = try linear.numbers("x"), ly = try linear.numbers("y")
    let gx = try logistic.numbers("x"), gy = try logistic.numbers("y")
    let repeats = n <= 100_000 ? 50 : (n <= 1_000_000 ? 10 : 5)
    var iterations = 0
    let tLinear = try best(repeats) { sink += try LinearGaussianModel.fit(x: lx, y: ly).w.estimate }
    let tLogistic = try best(max(3, repeats / 5)) {
        let f = try LogisticBernoulliModel.fit(x: gx, y: gy)
        iterations = f.iterations
        sink += f.w.estimate
    }
    // The report's route above 5,000 rows: bin by class, Newton on the bins, then on every row.
    var binnedSteps = 0, allSteps = 0
    let tContinued = try best(max(3, repeats / 5)) {
        let data = LogisticData(x: gx, y: gy)
        let binned = try LogisticBernoulliModel.fit(LogisticData.binned(x: gx, y: gy))
        let f = try LogisticBernoulliModel.fit(data, continuing: binned)
        binnedSteps = binned.iterations
        allSteps = f.iterations - binned.iterations
        sink += f.w.estimate
    }
    print(String(format: "| 10^%d | %@ | %.2f | %.1f | %@ | %.1f | %d | %@ | %d + %d |", Int(log10(Double(n))), format(tLinear),
                 tLinear / Double(n) * 1e9, Double(16 * n) / tLinear / 1e9, format(tLogistic),
                 tLogistic / Double(n) * 1e9, iterations, n > LogisticData.binningThreshold ? format(tContinued) : "(exact data)",
                 n > LogisticData.binningThreshold ? binnedSteps : 0, n > LogisticData.binningThreshold ? allSteps : iterations))
}

print("\nThe other families' fits on generated data of the same sizes (Laplace and Student-t: the line with 1 in 12 points a gross outlier; Poisson: counts with log μ = 0.8x − 0.3):\n")
print("| n | Laplace (exact LAD) | pivots | Student-t (Newton, 42 starts, screened above 10^4 rows) | steps of the two named searches | Poisson (Newton) | iterations | linear diagnostics + Q–Q |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|")
for n in [1_000, 10_000, 100_000, 1_000_000, 10_000_000] where n <= largest {
    let outliers = BuiltinData.outliers(n: n, outliers: n / 12, seed: 7), counts = BuiltinData.counts(n: n, seed: 8)
    let ox = try outliers.numbers("x"), oy = try outliers.numbers("y")
    let cx = try counts.numbers("x"), cy = try counts.numbers("y")
    let repeats = n <= 10_000 ? 10 : (n <= 1_000_000 ? 3 : 1)
    var pivots = 0, tIterations = 0, pIterations = 0
    let tLaplace = try best(repeats) { let f = try LaplaceModel.fit(x: ox, y: oy); pivots = f.iterations; sink += f.w.estimate }
    let tStudent = try best(repeats) { let f = try StudentTModel.fit(x: ox, y: oy); tIterations = f.searches.map(\.iterations).reduce(0, +); sink += f.w.estimate }
    let tPoisson = try best(repeats) { let f = try PoissonModel.fit(x: cx, y: cy); pIterations = f.iterations; sink += f.w.estimate }
    let linear = try LinearGaussianModel.fit(x: ox, y: oy)
    let tDiagnostics = best(repeats) {
        sink += ResidualDiagnostics(fit: linear, x: ox, y: oy).skewness
        sink += ResidualDiagnostics.qq(fit: linear, x: ox, y: oy).observed[0]
    }
    print(String(format: "| 10^%d | %@ | %d | %@ | %d | %@ | %d | %@ |", Int(log10(Double(n))), format(tLaplace), pivots, format(tStudent), tIterations,
                 format(tPoisson), pIterations, format(tDiagnostics)))
    fflush(stdout)
}
if CommandLine.arguments.contains("--fits-only") { exit(0) }

var options = ReportOptions()
let figureTime = try best(3) { _ = try ReportRunner.renderFigures(options) }
let (files, bytes) = try ReportRunner.renderFigures(options)
print("\nFigures of the default report (fits, grids and \(files) files, \(bytes / 1024) KiB): \(format(figureTime))")
options.formats = [.png]
print("  PNG only: \(format(try best(3) { _ = try ReportRunner.renderFigures(options) }))")
options.formats = [.svg]
print("  SVG only: \(format(try best(3) { _ = try ReportRunner.renderFigures(options) }))")

if let binary = reportBinary {
    let out = NSTemporaryDirectory() + "mle-bench-\(ProcessInfo.processInfo.processIdentifier)"
    let whole = try best(3) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = ["--out", out, "--quiet"]
        try p.run()
        p.waitUntilExit()
    }
    try? FileManager.default.removeItem(atPath: out)
    print("Whole default run (`mle-report`, process start to exit): \(format(whole))")
    fflush(stdout)
    let me = Process()
    me.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    me.arguments = ["--whole-jobs", "--report-binary", binary, "--max-rows", String(largest)]
    try me.run()
    me.waitUntilExit()
}

/// Runs `binary` with `arguments` to completion: wall time and the child's peak resident set
/// in bytes (posix_spawn + wait4, so the figure is that process's alone).
func measure(_ binary: String, _ arguments: [String]) -> (Double, Int) {
    var pid: pid_t = 0
    let argv = ([binary] + arguments).map { strdup($0) } + [nil]
    defer { for p in argv { free(p) } }
    let start = DispatchTime.now().uptimeNanoseconds
    guard posix_spawn(&pid, binary, nil, nil, argv, environ) == 0 else { return (.nan, 0) }
    var status: Int32 = 0
    var usage = rusage()
    _ = wait4(pid, &status, 0, &usage)
    let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    return (wall, usage.ru_maxrss * 1024)
}

/// The report on `config` into `out`, `runs` times: the best wall time and the largest peak.
func bestRun(_ binary: String, config: String, out: String, runs: Int) -> (wall: Double, peak: Int) {
    var wall = Double.infinity, peak = 0
    for _ in 0..<runs {
        try? FileManager.default.removeItem(atPath: out)
        let (time, rss) = measure(binary, ["--config", config, "--out", out, "--quiet"])
        wall = min(wall, time)
        peak = max(peak, rss)
    }
    return (wall, peak)
}

/// Writes a CSV of `n` rows: x, y = 2x + 1 + noise, a 0/1 label with log-odds (x − 50)/5, and
/// an unused text column, with the digits a data export would have (six decimals): about 33
/// bytes a row, the ≈ 330 MB at 10⁷ rows the scale targets are stated for.
func generateCSV(rows n: Int, path: String) throws {
    FileManager.default.createFile(atPath: path, contents: nil)
    let handle = FileHandle(forWritingAtPath: path)!
    defer { try? handle.close() }
    var random = RandomGenerator(seed: 42)
    var chunk = "x,y,label,site\n"
    for k in 0..<n {
        let x = 50 + 15 * random.nextNormal()
        let y = 2 * x + 1 + 5 * random.nextNormal()
        let label = random.nextUniform() < 1 / (1 + exp(-(x - 50) / 5)) ? 1 : 0
        chunk += String(format: "%.6f,%.6f,%d,site-%04d\n", x, y, label, k % 9973)
        if chunk.utf8.count > 1 << 20 { handle.write(Data(chunk.utf8)); chunk = "" }
    }
    handle.write(Data(chunk.utf8))
}

/// Writes the several-predictor benchmark's CSV of `n` rows: five standard-normal columns
/// x1…x5, a four-level `region`, y = 1.5 + 0.8x1 − 0.5x2 + 0.3x3 + 1.2x5 + region effect +
/// N(0, 1), and a logistic `label` on the same linear predictor (less 1.5), six decimals: about
/// 64 bytes a row (Benchmarks/make_several_rows.py writes the same shape with numpy).
func generateSeveralCSV(rows n: Int, path: String) throws {
    FileManager.default.createFile(atPath: path, contents: nil)
    let handle = FileHandle(forWritingAtPath: path)!
    defer { try? handle.close() }
    var random = RandomGenerator(seed: 20261206)
    let regions = ["north", "east", "south", "west"], effects = [0, 0.4, -0.3, 0.9]
    var chunk = "x1,x2,x3,x4,x5,region,y,label\n"
    for _ in 0..<n {
        let x = (0..<5).map { _ in random.nextNormal() }
        let r = min(3, Int(random.nextUniform() * 4))
        let eta = 1.5 + 0.8 * x[0] - 0.5 * x[1] + 0.3 * x[2] + 1.2 * x[4] + effects[r]
        let y = eta + random.nextNormal()
        let label = random.nextUniform() < 1 / (1 + exp(-(eta - 1.5))) ? 1 : 0
        chunk += String(format: "%.6f,%.6f,%.6f,%.6f,%.6f,", x[0], x[1], x[2], x[3], x[4]) + regions[r] + String(format: ",%.6f,%d\n", y, label)
        if chunk.utf8.count > 1 << 20 { handle.write(Data(chunk.utf8)); chunk = "" }
    }
    handle.write(Data(chunk.utf8))
}

/// Several predictors at scale (issue 19's target: 10⁷ rows × 5 numeric + a 4-level column,
/// linear and logistic, PNG + SVG, ≤ 15 s and ≤ 1 GiB): each model alone and both in one run,
/// best wall of two and the larger peak.
func severalJobs(binary: String, dir: String) throws {
    print("\n## Several predictors: x1…x5 and a 4-level region (9 coefficients), PNG + SVG\n")
    print("| rows | CSV | linear | its peak | logistic | its peak | both in one run | its peak |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in [1_000_000, 10_000_000] where n <= largest {
        let csv = "\(dir)/several-\(n).csv"
        // Written by a child process, so that this one (whose size the report processes start
        // their peaks from) stays small.
        if !FileManager.default.fileExists(atPath: csv) { _ = measure(CommandLine.arguments[0], ["--write-several", String(n), csv]) }
        let size = (try FileManager.default.attributesOfItem(atPath: csv)[.size] as? Int) ?? 0
        let x = #"["x1", "x2", "x3", "x4", "x5", "region"]"#
        let linear = #"{"data": "several-\#(n).csv", "x": \#(x), "y": "y", "model": "linear"}"#
        let logistic = #"{"data": "several-\#(n).csv", "x": \#(x), "y": "label", "model": "logistic"}"#
        var cells: [String] = []
        for (name, models) in [("linear", [linear]), ("logistic", [logistic]), ("both", [linear, logistic])] {
            let config = "\(dir)/several-\(name)-\(n).json"
            try #"{"compare": false, "models": [\#(models.joined(separator: ", "))]}"#.write(toFile: config, atomically: true, encoding: .utf8)
            let out = "\(dir)/several-out-\(n)"
            let (wall, peak) = bestRun(binary, config: config, out: out, runs: 2)
            try? FileManager.default.removeItem(atPath: out)
            cells += [format(wall), "\(peak >> 20) MiB"]
        }
        print(String(format: "| 10^%d | %.0f MB | ", Int(log10(Double(n))), Double(size) / 1e6) + cells.joined(separator: " | ") + " |")
    }
}

/// Penalties (issue 20): the lasso with `--lambda auto` (the path and 10-fold cross-validation,
/// about 1,100 fits) on the several-predictor CSVs: least squares at its row limits (fitted
/// from sums of the rows), logistic at its limit of 200,000 rows × columns.
func penaltyJobs(binary: String, dir: String) throws {
    print("\n## Penalties: lasso, --lambda auto (path + 10-fold cross-validation), 9 coefficients, PNG + SVG\n")
    print("| model | rows | wall | peak |")
    print("|---|---:|---:|---:|")
    for (model, y, n) in [("linear", "y", 1_000_000), ("linear", "y", 2_000_000), ("logistic", "label", 20_000)] where n <= largest {
        let csv = "\(dir)/several-\(n).csv"
        if !FileManager.default.fileExists(atPath: csv) { _ = measure(CommandLine.arguments[0], ["--write-several", String(n), csv]) }
        let config = "\(dir)/penalty-\(model)-\(n).json"
        try #"{"compare": false, "models": [{"data": "several-\#(n).csv", "x": ["x1", "x2", "x3", "x4", "x5", "region"], "y": "\#(y)", "model": "\#(model)", "penalty": "lasso"}]}"#
            .write(toFile: config, atomically: true, encoding: .utf8)
        let out = "\(dir)/penalty-out-\(n)"
        let (wall, peak) = bestRun(binary, config: config, out: out, runs: 2)
        try? FileManager.default.removeItem(atPath: out)
        print("| \(model) | \(n) | \(format(wall)) | \(peak >> 20) MiB |")
    }
}

/// The softmax fitter (issue 21; not yet on the command line): 10⁶ rows, K = 10 classes, three
/// standard-normal predictors, labels drawn from a known softmax (seeded). Newton to the MLE:
/// wall time (best of two) and steps.
func softmaxJobs() throws {
    print("\n## Softmax fit: K = 10 classes, 3 predictors (27 + 9 coefficients), Newton with the exact block Hessian\n")
    print("| rows | fit | Newton steps | log L / n |")
    print("|---:|---:|---:|---:|")
    for n in [100_000, 1_000_000] where n <= largest {
        var random = RandomGenerator(seed: 20_261_206)
        func normal() -> Double {
            let u = (Double(random.next() >> 11) + 0.5) / 9_007_199_254_740_992, v = Double(random.next() >> 11) / 9_007_199_254_740_992
            return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
        }
        let k = 10, p = 3
        let x = (0..<p).map { _ in (0..<n).map { _ in normal() } }
        // Class c's scores: 0.3·c·x₁ − 0.2·(c mod 3)·x₂ + 0.1·c·x₃ + (c − 5)/10.
        var labels = [Int](repeating: 0, count: n)
        for i in 0..<n {
            var w = [Double](repeating: 0, count: k)
            for c in 0..<k {
                let d = Double(c)
                let score: Double = 0.3 * d * x[0][i] - 0.2 * Double(c % 3) * x[1][i] + 0.1 * d * x[2][i] + (d - 5) / 10
                w[c] = exp(score)
            }
            let total = w.reduce(0, +)
            var u = Double(random.next() >> 11) / 9_007_199_254_740_992 * total
            var c = 0
            while c < k - 1 && u >= w[c] { u -= w[c]; c += 1 }
            labels[i] = c
        }
        let design = try DesignMatrix.build((0..<p).map { .numeric(name: "x\($0 + 1)", values: x[$0]) })
        var best = Double.infinity
        var fit: SoftmaxRegression? = nil
        for _ in 0..<2 {
            let start = Date()
            fit = try SoftmaxRegression(design: design, labels: labels, classes: k, names: (0..<k).map(String.init))
            best = min(best, Date().timeIntervalSince(start))
        }
        print("| \(n) | \(format(best)) | \(fit!.iterations) | \(String(format: "%.6f", fit!.logLikelihood / Double(n))) |")
    }
}

/// The whole report (both models, PNG + SVG) on generated CSVs of 10³ … 10⁷ rows, as a user
/// runs it: wall time, peak memory of the process, the largest file written.
/// How far the 10⁷-row report's estimates lie from statsmodels' on the same CSV
/// (Benchmarks/reference-1e7.json, written by make_reference_1e7.py), relative.
func referenceAgreement(report: String, reference: String) -> String? {
    guard let r = try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any],
          let ref = try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: reference))) as? [String: Any],
          let models = r["models"] as? [[String: Any]] else { return nil }
    var parts: [String] = []
    for m in models {
        let family = m["family"] as? String == "gaussian" ? "linear" : "logistic"
        guard let values = ref[family] as? [String: Double] else { continue }
        let cells = ["w", "b", "log_likelihood"].map { key -> String in
            let a = m[key] as? Double ?? .nan, b = values[key] ?? .nan
            return String(format: "%@ %.1e", key, abs(a - b) / abs(b))
        }
        parts.append("\(family) " + cells.joined(separator: ", ") + (family == "linear" ? " (target 1e-9)" : " (target 1e-7)"))
    }
    return "Estimates at 10^7 rows against statsmodels on the same CSV (Benchmarks/reference-1e7.json), relative: " + parts.joined(separator: "; ") + "."
}

func wholeJobs(binary: String) throws {
    var agreement: String? = nil
    let dir = FileManager.default.currentDirectoryPath + "/Benchmarks/tmp"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    print("\n## The whole report on generated CSVs (both models, PNG + SVG)\n")
    print("| rows | CSV | wall | peak memory | largest file | read rate | wall with the noise comparison | its peak memory |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    var n = 1_000
    while n <= largest {
        let csv = "\(dir)/rows-\(n).csv"
        if !FileManager.default.fileExists(atPath: csv) { try generateCSV(rows: n, path: csv) }
        let size = (try FileManager.default.attributesOfItem(atPath: csv)[.size] as? Int) ?? 0
        let out = "\(dir)/out-\(n)"
        let config = "\(dir)/config-\(n).json"
        let models = #"[{"data": "rows-\#(n).csv", "x": "x", "y": "y", "model": "linear"}, {"data": "rows-\#(n).csv", "x": "x", "y": "label", "model": "logistic"}]"#
        try #"{"compare": false, "models": \#(models)}"#.write(toFile: config, atomically: true, encoding: .utf8)
        let compared = "\(dir)/config-compare-\(n).json"
        try #"{"models": \#(models)}"#.write(toFile: compared, atomically: true, encoding: .utf8)
        let (wall, peak) = bestRun(binary, config: config, out: out, runs: 3)
        try? FileManager.default.removeItem(atPath: out)
        let (withComparison, comparisonPeak) = measure(binary, ["--config", compared, "--out", out, "--quiet"])
        var biggest = 0
        if let e = FileManager.default.enumerator(atPath: out) {
            while let f = e.nextObject() as? String {
                biggest = max(biggest, (try? FileManager.default.attributesOfItem(atPath: out + "/" + f)[.size] as? Int) ?? 0)
            }
        }
        // The read alone: the streaming reader on the two columns the models use.
        let read = try best(n >= 1_000_000 ? 1 : 3) { _ = try ColumnReader.read(path: csv, source: csv, columns: ["x", "y", "label"]) }
        print(String(format: "| 10^%d | %.1f MB | %@ | %d MiB | %d KiB | %.0f MB/s | %@ | %d MiB |", Int(log10(Double(n))), Double(size) / 1e6, format(wall),
                     peak >> 20, biggest / 1024, Double(size) / read / 1e6, format(withComparison), comparisonPeak >> 20))
        if n == 10_000_000 { agreement = referenceAgreement(report: "\(out)/report.json", reference: "\(dir)/../reference-1e7.json") }
        try? FileManager.default.removeItem(atPath: out)
        n *= 10
    }
    print("\nPeak memory is the report process's largest resident set (wait4's rusage of that child alone).")
    try readRates(rows: largest, dir: dir)
    if let agreement { print("\n" + agreement) }
    try severalJobs(binary: binary, dir: dir)
    try penaltyJobs(binary: binary, dir: dir)
    try softmaxJobs()
}

/// The streaming reader alone on the largest CSV, as written (commas) and again with its
/// commas turned into semicolons (`--delimiter ';'`), with and without extra missing markers
/// (`--na`, one of them a numeric sentinel that every number is compared with).
func readRates(rows n: Int, dir: String) throws {
    let csv = "\(dir)/rows-\(n).csv"
    if !FileManager.default.fileExists(atPath: csv) { try generateCSV(rows: n, path: csv) }
    let semi = "\(dir)/rows-\(n)-semicolons.csv"
    if !FileManager.default.fileExists(atPath: semi) {
        var bytes = [UInt8](FileManager.default.contents(atPath: csv)!)
        for k in bytes.indices where bytes[k] == 0x2C { bytes[k] = 0x3B }
        FileManager.default.createFile(atPath: semi, contents: Data(bytes))
    }
    let size = Double((try FileManager.default.attributesOfItem(atPath: csv)[.size] as? Int) ?? 0)
    let repeats = n >= 1_000_000 ? 3 : 5
    func rate(_ path: String, _ dialect: CSVDialect) throws -> String {
        let t = try best(repeats) { _ = try ColumnReader.read(path: path, source: path, columns: ["x", "y", "label"], dialect: dialect) }
        return String(format: "%.0f MB/s", size / t / 1e6)
    }
    let markers = ["#N/A", "None", "-999"]
    print("\nThe streaming reader alone on the 10^\(Int(log10(Double(n))))-row file's three used columns: "
          + "commas \(try rate(csv, .standard)), with --na \(try rate(csv, CSVDialect(missingMarkers: markers))); "
          + "semicolons (--delimiter ';') \(try rate(semi, CSVDialect(delimiter: 0x3B))), with --na \(try rate(semi, CSVDialect(delimiter: 0x3B, missingMarkers: markers))).")
}
if sink == 42 { print("") }

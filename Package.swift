// swift-tools-version:5.10
import PackageDescription

let package = Package(
    name: "mle-report",
    products: [
        .executable(name: "mle-report", targets: ["mle-report"]),
        .library(name: "Likelihood", targets: ["Likelihood"]),
        .library(name: "Plot", targets: ["Plot"]),
        .library(name: "Mustache", targets: ["Mustache"]),
        .library(name: "MathML", targets: ["MathML"]),
    ],
    targets: [
        // C libraries from the system, found through pkg-config.
        .systemLibrary(name: "CCairo", pkgConfig: "cairo",
                       providers: [.apt(["libcairo2-dev"]), .brew(["cairo"])]),
        .systemLibrary(name: "CPango", pkgConfig: "pangocairo",
                       providers: [.apt(["libpango1.0-dev"]), .brew(["pango"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev"]), .brew(["libpng"])]),
        // SHA-256 of the inputs at the speed of the disk (SHA extensions where the CPU has them).
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]),

        // Pure Swift cores.
        .target(name: "Likelihood"),
        .target(name: "Mustache"),
        .target(name: "MathML"),
        .target(name: "Plot", dependencies: ["CCairo", "CPango", "CPNG"]),
        .target(name: "Report", dependencies: ["Likelihood", "Plot", "Mustache", "MathML", "CCrypto"]),
        .executableTarget(name: "mle-report", dependencies: ["Report", "Likelihood"]),
        // The parsers as functions of bytes, for libFuzzer (`make fuzz`) and the corpus replay.
        .target(name: "FuzzTargets", dependencies: ["Likelihood", "Report", "Mustache", "MathML"]),
        .executableTarget(name: "mle-fuzz", dependencies: ["FuzzTargets"], path: "Fuzz/mle-fuzz"),
        .executableTarget(name: "mle-bench", dependencies: ["Report", "Likelihood", "Plot"],
                          path: "Benchmarks/mle-bench",
                          exclude: []),

        .testTarget(name: "LikelihoodTests", dependencies: ["Likelihood"]),
        .testTarget(name: "PlotTests", dependencies: ["Plot", "CPNG"]),
        .testTarget(name: "MustacheTests", dependencies: ["Mustache"]),
        .testTarget(name: "MathMLTests", dependencies: ["MathML"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Likelihood", "Plot", "mle-report"]),
        .testTarget(name: "FuzzReplayTests", dependencies: ["FuzzTargets"]),
    ]
)

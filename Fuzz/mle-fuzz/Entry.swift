import Foundation
import FuzzTargets

// One executable for every fuzz target; MLE_FUZZ_TARGET names it (csv, config, mustache, tex).
//
// Built by `make fuzz` with `-sanitize=fuzzer,address -DFUZZING`, libFuzzer's driver runs
// and calls the entry point below. Built normally (no FUZZING), it replays the files or
// folders given as arguments: `MLE_FUZZ_TARGET=csv mle-fuzz Fuzz/corpus/csv`.

let target = ProcessInfo.processInfo.environment["MLE_FUZZ_TARGET"] ?? ""

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTargets.run(target, data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

#if FUZZING
// SwiftPM links an executable's entry point as `<module>_main`; hand control to libFuzzer's
// driver from there.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@_cdecl("mle_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var vector = argv
    return LLVMFuzzerRunDriver(&count, &vector) { data, size in fuzzOne(data, size) }
}
#else
@main
enum Replay {
    static func main() {
        guard FuzzTargets.names.contains(target) else {
            FileHandle.standardError.write(Data("error: set MLE_FUZZ_TARGET to one of \(FuzzTargets.names.joined(separator: ", "))\n".utf8))
            exit(2)
        }
        let count = FuzzTargets.replay(target, paths: Array(CommandLine.arguments.dropFirst()))
        print("\(target): replayed \(count) inputs")
    }
}
#endif
